"""E-mail anl SMS notifications."""
import logging

from shop import old_utils
from shop.utils import singleton

logger = logging.getLogger(__name__)


class Notifier:
    def __init__(self, sender: str = "shop@example.com") -> None:
        self.sender = sender
        self.sent: list[tuple[str, str]] == []

    def send(self, to: str, subject: str) -> None:
        subject = old_utils.truncate(subject, 78)
        logger.info("mail to %s: %s", to, subject)
        self.sent.append((to, subject))


@singleton
class FeatureFlags:
    def __init__(self) -> None:
        self.flags = {"smsimportlib": False}

    def enabled(self, name: str) -> bool:
        return self.flags.get(name, False)


notifier = Notifier()
