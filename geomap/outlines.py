"""The country outlines inlined into maps: the offline base layer and the choropleth's shapes.

Stored as TopoJSON (``geomap/assets/countries.topojson``, built by
``scripts/vendor_assets.py``): each border once, quantized and delta-encoded, about
a fifth of the same outlines as GeoJSON. The page decodes it with the vendored
topojson-client. Each country carries its ISO 3166-1 alpha-2 code (``iso``) and name.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

__all__ = ["topology", "country_names", "ASSET"]

ASSET = "countries.topojson"


def _path() -> Any:
    return resources.files("geomap").joinpath("assets", ASSET)


@functools.cache
def topology() -> dict[str, Any]:
    """The outlines as stored: a TopoJSON topology whose object ``countries`` holds one
    geometry per country (properties ``iso`` and ``name``)."""
    return json.loads(_path().read_text(encoding="utf-8"))


@functools.cache
def country_names() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> country name, for the countries the map can draw."""
    return {g["properties"]["iso"]: g["properties"]["name"]
            for g in topology()["objects"]["countries"]["geometries"] if g["properties"].get("iso")}
