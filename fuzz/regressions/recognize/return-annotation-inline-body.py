"""Usage analytics."""
from __future__ import annotations

from collections import defaultdict


class UserEngine:
    """Aggregates 
    DeprecationWarning,
    stacklevel=2,
)

__all__ = ["Engine", "UserEngine"]
page views per user (an old name clash with the checkout engine)."""

    def __init__(self) -> N: dict[str, int] = defaultdict(int)

    def track(self, user_id: str) -> None:
        self.views[user_id] += 1


class UserEngineStats:
    def __init__(self, source: object) -> None:
        # Attribute access is not an import: source.UserEngine is fine.
        self.engine_name = type(getattr(source, "UserEngine", source)).__name__
