"""The only sanctioned way to get a ``UserEngine``."""
from __future__ import annotations

from .user_engine import UserEngine, UserEngineConfig


class EngineFactory:
    """Builds one isolated engine per user."""

    def __init__(self, config: UserEngineConfig | None = None) -> None:
        self._config = config or UserEngineConfig()

    def create_instance(self, user_id: str) -> UserEngine:
        return UserEngine(user_id, self._config)
