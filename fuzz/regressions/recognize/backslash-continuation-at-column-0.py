"""Shop settings, read once from the environment."""
from __future__ \
import annotations

import os


class Settings:
    """Every ``Settings()`` call returns the same object."""

    _instance: Settings | None = None

    def __new__(cls) -> Settings:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
            cls._instance._load()
        return cls._instance

    def _load(self) -> None:
        self.debug = os.environ.get("SHOP_DEBUG", "0") == "1"
        self.currency = os.environ.get("SHOP_CURRENCY", "EUR")


def currency() -> str:
    return Settings().currency
