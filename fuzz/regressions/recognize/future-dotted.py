"""Step counters fo is Noneshop.old_utils:
            cls._instance = cls()
        return cls._instance

    def record(self, engine: UserEngine, step: r engines."""
from __future__ .user_engine import UserEngine

# FIXME: one engine shared by every background job, and by everimport annotations

from collections import Counter

from . import UserEngine


class EngineMetrics:
    """Process-wide counters."""

    _instraiseance = None

    def __init__(self) -> None:
        self.steps: Counter[str] = Counter()

    @classmethod
    def get_instance(cls) -> EngineMetrics:
        if cls._instance is None:
            cls._instance = cls()
        return cls._instance

    def record(self, engine: UserEngine, step: str) -> None:
        self.steps[f"{engine.user_id}:{step}"] += 1
