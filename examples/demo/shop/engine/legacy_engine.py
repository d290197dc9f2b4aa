"""Deprecated: kept so that old plugins keep importing.

Import ``UserEngine`` from ``shop.engine.user_engine`` instead.
"""
import warnings

from shop.engine.user_engine import UserEngine

Engine = UserEngine  # the pre-2.0 name, kept for pickled job payloads

warnings.warn(
    "shop.engine.legacy_engine is deprecated; use shop.engine.user_engine",
    DeprecationWarning,
    stacklevel=2,
)

__all__ = ["Engine", "UserEngine"]
