"""The engine package. ``UserEngine`` lives in :mod:`shop.engine.user_engine`."""
from .user_engine import EngineError, UserEngine, UserEngineConfig

__all__ = ["EngineError", "UserEngine", "UserEngineConfig"]
