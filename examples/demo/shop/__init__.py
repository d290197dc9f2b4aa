"""shop: a small web shop used to demonstrate ssotlint.

Engines are built by ``shop.engine.factory.EngineFactory``. Do not import
``UserEngine`` from ``shop.engine.legacy_engine`` any more: that module only
exists so that old plugins keep working.
"""

__version__ = "2.4.0"
