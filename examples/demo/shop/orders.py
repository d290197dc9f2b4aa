"""Order placement."""
from __future__ import annotations

from shop.engine import (  # the engine's public API
    EngineError,  # raised when a cart is full
    UserEngine,  # TODO(shop-142): import from shop.engine.user_engine
    UserEngineConfig,
)
from shop.engine.factory import EngineFactory
from shop.old_utils import slugify


def new_engine(user_id: str) -> UserEngine:
    return EngineFactory(UserEngineConfig(max_items=50)).create_instance(user_id)


def place_order(engine: UserEngine, title: str) -> dict:
    try:
        engine.add(slugify(title))
    except EngineError as exc:
        return {"ok": False, "error": str(exc)}
    # A comment that mentions UserEngine and shop.engine.legacy_engine is fine.
    return {"ok": True, **engine.run("order", items=engine.items())}
