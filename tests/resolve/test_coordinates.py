"""Positions an article states outright."""

from __future__ import annotations


def test_text_coordinates():
    from geomap.resolve.coordinates import text_coordinates

    found = text_coordinates("Quillan (12°30′S 131°2′E) is small; Tessbury is at (41.086667, -98.211111); 95°N 10°E is none.")
    assert [(round(a, 3), round(b, 3)) for _, a, b in found] == [(-12.5, 131.033), (41.087, -98.211)]
