"""Fixtures of the gazetteer tests: fixture dumps and a store imported from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from geonames_fixture import (ADMIN1, ALTERNATE_NAMES, COUNTRY_INFO, HIERARCHY, PLACES, place_line, write_text,
                              write_zip)


@pytest.fixture
def dumps(tmp_path) -> dict[str, Path]:
    """allCountries.zip (with one malformed line, line 4), admin1, countryInfo, alternateNames, hierarchy."""
    lines = [place_line(r) for r in PLACES]
    lines.insert(3, "123\tBroken line with too few columns\t1.0")
    d = tmp_path / "dumps"
    d.mkdir()
    return {
        "places": write_zip(d / "allCountries.zip", "allCountries.txt", lines),
        "admin1": write_text(d / "admin1CodesASCII.txt", ADMIN1),
        "countries": write_text(d / "countryInfo.txt", COUNTRY_INFO),
        "alternate_names": write_zip(d / "alternateNamesV2.zip", "alternateNamesV2.txt", ALTERNATE_NAMES),
        "hierarchy": write_zip(d / "hierarchy.zip", "hierarchy.txt", HIERARCHY),
    }


@pytest.fixture
def world(tmp_path, dumps) -> Path:
    """A store imported from every fixture dump (no alternateNames: the places' own column is used)."""
    from geomap.gazetteer.dumps import import_dumps

    path = tmp_path / "world.sqlite"
    import_dumps([dumps["places"], dumps["admin1"], dumps["countries"], dumps["hierarchy"]], path, progress=False)
    return path
