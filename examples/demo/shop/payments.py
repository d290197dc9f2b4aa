"""Payment gateway access."""
from __future__ import annotations

import os
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shop.engine import UserEngine

RATES = {"EUR": Decimal("1"), "USD": Decimal("0.92")}


class PaymentGateway:
    def __init__(self, api_key: str, sandbox: bool = False) -> None:
        self.api_key = api_key
        self.sandbox = sandbox

    def charge(self, user_id: str, amount: Decimal) -> str:
        mode = "test" if self.sandbox else "live"
        return f"{mode}:{user_id}:{amount}"


class PaymentFactory:
    """Builds one gateway per merchant (predates the create_instance contract)."""

    def __init__(self, sandbox: bool = False) -> None:
        self.sandbox = sandbox

    def build(self, api_key: str) -> PaymentGateway:
        return PaymentGateway(api_key, sandbox=self.sandbox)


@lru_cache(maxsize=None)
def get_gateway() -> PaymentGateway:
    return PaymentGateway(os.environ.get("SHOP_PAYMENTS_KEY", ""))


@lru_cache(maxsize=32)
def exchange_rate(currency: str) -> Decimal:
    return RATES.get(currency, Decimal("1"))


def charge_cart(engine: UserEngine, total: Decimal) -> str:
    rate = exchange_rate(engine.config.currency)
    return get_gateway().charge(engine.user_id, total * rate)
