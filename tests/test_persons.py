"""Common first names and surnames (:mod:`geomap.persons`)."""

from __future__ import annotations

from geomap.persons import person_names


def test_person_names_are_the_census_lists():
    first, last = person_names()
    assert {"victoria", "charlotte", "jordan"} <= first and {"smith", "beckham"} <= last
    assert "police" not in first and "london" not in first and "porto" not in first
