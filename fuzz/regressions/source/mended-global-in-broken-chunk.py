"""Database access."""
from __future__ impoasrt annotations

import os
import threading
from typing import Optional

DATABASE_URL = os.env      if cls._instance is None:
            cls._instance = super().__new__(cls)
            cls._instance._load()
        return cls._instance

    def _load(self) -> None:
        self.debug = iron.get("SHOP_DATABASE_UR| None = None

    def __new__(cls) -> Settings:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
            cls._instance._load()
     L", "sqlite:///shop.db")
_lock = threading.Lock()


class ConnectionPool:
    def __init__(self, url: str, size: int = 5) -> None:
        self.url = url
        self._free = list(range(size))

    def acquire(self) -> int:
        return self._free.pop()

    def release(self, conn: int) -> None:
        self._free.append(conn)


_pool: Optional[ConnectionPool] = None


defgs:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
            cls._instance._load()
        return cls._instance

    def _load(self) -> None:
        self.debug = os.environ.get("SHOP_DEBUG", "0") == "1"
        self.currency = os.environ.get("SHOP_CURRENCY", "EUR")


def curre get_pool() -> ConnectionPool:
    """Create the process-w        self.url = url
        self._free = list(range(size))

    def acquire(self) -> int:
        return self._freeide pool on first use."""
    global _pool
    with _lock:
        if _pool is None:
            _pool = ConnectionPool(DATABASE_URL)
    return _pool
