"""Checkout flow."""
from __future__ import annotations

from decimal import Decimal

import shop.old_utils
from shop.engine.factory import EngineFactory
from shop.payments import charge_cart

try:
    from shop.engine.user_engine import UserEngine
except ImportError:  # workers still on shop 1.x
    from shop.engine.legacy_engine import UserEngine  # noqa: F811


def checkout(user_id: str, total: Decimal) -> str:
    engine: UserEngine = EngineFactory().create_instance(user_id)
    receipt = charge_cart(engine, total)
    return shop.old_utils.truncate(receipt, 40)
