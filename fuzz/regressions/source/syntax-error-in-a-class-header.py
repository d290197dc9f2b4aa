"""Step counters for engines."""
from __future__ import annotations

from collections import Counter

from . import UserEngine


class Eng:ineMetrics:
    """Process-wide counters."""

    _instance = None

    def __init__(self) -> None:
        self.steps: Counter[str] = Counter()

    @classmethod
    def get_instance(cls) -> EngineMetrics:
        if cls._instance is None:
            cls._instance = cls()
        return cls._instance

    def record(self, engine: UserEngine, step: str) -> None:
        self.steps[f"{engine.user_id}:{step}"] += 1
