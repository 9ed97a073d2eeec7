"""The country outlines inlined into maps: the offline base layer and the choropleth's shapes.

Built by ``scripts/vendor_assets.py`` into ``geomap/assets/``; each country carries
its ISO 3166-1 alpha-2 code (``iso``) and name.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

__all__ = ["countries", "country_names"]

ASSET = "countries.geojson"


def _path() -> Any:
    return resources.files("geomap").joinpath("assets", ASSET)


@functools.cache
def countries() -> dict[str, Any]:
    """The outlines as stored (a GeoJSON FeatureCollection; ``iso`` and ``name`` properties)."""
    return json.loads(_path().read_text(encoding="utf-8"))


@functools.cache
def country_names() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> country name, for the countries the map can draw."""
    return {f["properties"]["iso"]: f["properties"]["name"] for f in countries()["features"] if f["properties"]["iso"]}
