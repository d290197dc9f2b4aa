"""Database access."""
from __future__ import annotations

import os
import threading
from typing import Optional

DATABASE_URL = os.environ.get("SHOP_DATABASE_URL", "sqlite:///shop.db")
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


def get_pool() -> ConnectionPool:
    """Create the process-wide pool on first use."""
    global _pool
    with _lock:
        if _pool is None:
            _pool = ConnectionPool(DATABASE_URL)
    return _pool
