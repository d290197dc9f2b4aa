"""Moved to :mod:`shop.utils.text`; this module only re-exports its names."""
from shop.utils.text import slugify, truncate

__all__ = ["slugify", "truncate"]
