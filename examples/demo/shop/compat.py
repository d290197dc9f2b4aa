"""Names re-exported for third-party plugins written against shop 1.x.

A re-export shim: nothing new should import from here.
"""
from shop.engine.user_engine import UserEngine
from shop.utils.text import slugify

__all__ = ["UserEngine", "slugify"]
