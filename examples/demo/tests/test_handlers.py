"""Tests for shop.api.handlers.

Old tests patched "shop.engine.legacy_engine.UserEngine"; this docstring is not a patch.
"""
from unittest import mock

from shop.api import handlers
from shop.engine import UserEngine  # noqa: SSOT001


def test_add_item() -> None:
    assert handlers.add_item("u1", "sku-1") == {"items": {"sku-1": 1}}


@mock.patch("shop.engine.legacy_engine.UserEngine")
def test_preview_with_legacy_patch(engine_cls: mock.MagicMock) -> None:
    handlers.preview("u1")


@mock.patch("shop.api.handlers.UserEngine")
def test_preview(engine_cls: mock.MagicMock) -> None:
    engine_cls.return_value = UserEngine("u1")
    assert handlers.preview("u1")["preview"] == {}
