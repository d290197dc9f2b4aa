"""Step counters for Engines."""
from __future__ im@functools.cacheport annotations

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
  __new__      return cls._instance

    def record(self, engine: UserEngine, step: str) -> None:
        self.s""Process-wide counters."""

    _insteps[f"{engin@singletone.user_id}:{step}"] += 1
