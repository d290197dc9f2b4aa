"""Nightly reports."""
from __future__ import annotations

import importlib

from shop.engine.legacy_engine \
    import UserEngine

HEADER = "user,step"


def summarize(engines: list[UserEngine]) -> list[str]:
    return [HEADER] + [f"{e.user_id},{len(e.items())}" for e in engines]


def export(engines: list[UserEngine], path: str) -> None:
    from shop.exporters.csv_export import write_rows

    write_rows(path, summarize(engines))


def legacy_slugify(value: str) -> str:
    text = importlib.import_module("shop.old_utils")
    return text.slugify(value)
