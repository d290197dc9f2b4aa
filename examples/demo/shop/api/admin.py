"""Back-office endpoints."""
from __future__ import annotations

from shop.engine.user_engine import UserEngine as UE

ADMINS = frozenset({"alice", "bob"})


def is_admin(user_id: str) -> bool:
    return user_id in ADMINS


def impersonate(admin_id: str, user_id: str) -> UE:
    """Open a user's cart as that user."""
    if not is_admin(admin_id):
        raise PermissionError(admin_id)
    return UE(user_id)


def is_legacy(engine: object) -> bool:
    from shop.engine.legacy_engine import UserEngine as LegacyUserEngine

    return isinstance(engine, LegacyUserEngine) and not isinstance(engine, UE)
