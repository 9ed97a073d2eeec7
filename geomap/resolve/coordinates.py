"""Coordinates an article states outright: "(12°30′S 131°2′E)", "lies at 41°5′12″N
98°12′40″W (41.086667, -98.211111)".

Encyclopedic text often gives a place's position; when it does, a namesake that lies there is
the place meant, whatever the ranking said (:func:`geomap.resolve.resolve_spans`, adjustment
``text-coordinates``).
"""

from __future__ import annotations

import re

__all__ = ["text_coordinates"]

_NUM = r"(\d{1,3}(?:\.\d+)?)"
#: One axis in degrees, minutes and seconds ("12°30′S", "98°12′40.5″W", "12.5°N").
_AXIS = _NUM + r"\s*°\s*(?:" + _NUM + r"\s*[′']\s*)?(?:" + _NUM + r"\s*[″\"]\s*)?"
_DMS = re.compile(_AXIS + r"([NS])[\s,;/]*" + _AXIS + r"([EW])\b")
#: Decimal degrees in brackets, latitude first: "(41.086667, -98.211111)".
_DECIMAL = re.compile(r"\(\s*(-?\d{1,2}\.\d{3,})\s*,\s*(-?\d{1,3}\.\d{3,})\s*\)")


def _degrees(d: str, m: str | None, s: str | None, hemisphere: str) -> float:
    value = float(d) + float(m or 0) / 60 + float(s or 0) / 3600
    return -value if hemisphere in "SW" else value


def text_coordinates(text: str) -> list[tuple[int, float, float]]:
    """Each position the text states: (offset, latitude, longitude), in text order. Values off
    the globe are dropped."""
    found: list[tuple[int, float, float]] = []
    # (each axis has its degree sign: a text without one, nearly every text, is not searched digit by digit)
    for m in _DMS.finditer(text) if "°" in text else ():
        lat = _degrees(m.group(1), m.group(2), m.group(3), m.group(4))
        lon = _degrees(m.group(5), m.group(6), m.group(7), m.group(8))
        found.append((m.start(), lat, lon))
    for m in _DECIMAL.finditer(text):
        found.append((m.start(), float(m.group(1)), float(m.group(2))))
    return sorted((o, lat, lon) for o, lat, lon in found if abs(lat) <= 90 and abs(lon) <= 180)
