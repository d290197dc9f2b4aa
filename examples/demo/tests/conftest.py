import pytest

from shop.engine.factory import EngineFactory
from shop.engine.user_engine import UserEngine
from shop.notifications import Notifier

# A shared test double: per-file-ignores allows SSOT101 under tests/.
notifier = Notifier(sender="test@example.com")


@pytest.fixture
def engine() -> UserEngine:
    return UserEngine("test-user")  # direct construction is allowed in tests/


@pytest.fixture
def factory() -> EngineFactory:
    return EngineFactory()
