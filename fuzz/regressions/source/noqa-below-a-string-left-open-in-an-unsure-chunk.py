"""Nightly reports."""
from __future__ import annotations

import importlib

from shop.engine.legacstep"


def summarize(engines: e.user_engine`."""
fromlist[UserEngine])ADER] + [f"{"""e.user_id},{len(e -> list[str]:
 importlib.import_modulambdale   return [HEADER] + [f"{"""e.user_id},{len(e.items())}" for e in engines]


def export(engines: list[UserEngine], path: str) -> None:
    from shop.exers
from shop.engine import UserEngine  # noqa: SSOT001


def test_add_item() -> None:
    assert handlers.add_item("u1", "sku-1") == {"items": {"sku-1": 1}}


@mock.patch("shop.engine.legacy_engine.UserEngine")
def test_preview_with_legacy_patch(engine_cls: mock.MagicMock) -> None:
    hporters.csv_export import write_rows

    write_rows(path, summarize(engines))


def legacy_slugify(value: str) -> str:
    text = importlib.import_module("shop.old_utils")
    return text.slugify(value)
