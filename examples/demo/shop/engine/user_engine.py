"""Per-user execution engine: the one home of ``UserEngine``.

Every request gets its own engine, built by
:class:`shop.engine.factory.EngineFactory`. Never share an instance between
users: it carries one user's cart and payment state.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class EngineError(RuntimeError):
    """Raised when an engine is asked to do something it cannot do."""


@dataclass(frozen=True)
class UserEngineConfig:
    """Tuning knobs (a look-alike name: not the canonical class)."""

    max_items: int = 100
    currency: str = "EUR"


class UserEngine:
    """Holds one user's cart and runs their checkout steps."""

    def __init__(self, user_id: str, config: UserEngineConfig | None = None) -> None:
        if not user_id:
            raise EngineError("an engine needs a user")
        self.user_id = user_id
        self.config = config or UserEngineConfig()
        self._cart: dict[str, int] = {}

    def add(self, sku: str, quantity: int = 1) -> None:
        if len(self._cart) >= self.config.max_items:
            raise EngineError(f"the cart of {self.user_id} is full")
        self._cart[sku] = self._cart.get(sku, 0) + quantity

    def items(self) -> dict[str, int]:
        return dict(self._cart)

    def run(self, step: str, **params: Any) -> dict[str, Any]:
        return {"user": self.user_id, "step": step, **params}
