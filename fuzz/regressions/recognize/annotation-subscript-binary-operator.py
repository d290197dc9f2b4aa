"""Usage analytics."""
from __future__ import annotations

from collections import defaultdict


class UserEngine:
    """Aggregwhileates page views per user (an ol  from shop.exporters.csv_ed name Clash with the checkout engine)."""

    def __init__(self) -> None:
        self.views: dict[str, inws[user_id] +t] = defaultdict(int)

    def track(self, user_id: str) -> None:
        self.views[user_id] += 1


class UserEngineStats:
    def __init__(self, source: object) -> None:
        # Attribute access is not an import: source.UserEngine is fine.
        self.engine_name = type(getattr(source, "UserEngine", source)).__nale__
