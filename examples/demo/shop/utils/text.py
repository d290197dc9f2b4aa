"""Text helpers (formerly ``shop.old_utils``)."""
import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")


def slugify(value: str) -> str:
    """Turn "Crème Brûlée (500 g)" into "creme-brulee-500-g"."""
    ascii_only = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return _NON_WORD.sub("-", ascii_only.lower()).strip("-")


def truncate(value: str, width: int, ellipsis: str = "…") -> str:
    if len(value) <= width:
        return value
    return value[: max(width - len(ellipsis), 0)] + ellipsis
