import pytest
from geopy.location import Location

from geomap import Gazetteer
from geomap.gazetteer.geocoder import Ranked


@pytest.fixture(scope="module")
def gz(store):
    return Gazetteer(store)


def test_is_a_geopy_geocoder(gz):
    from geopy.geocoders.base import Geocoder

    assert isinstance(gz, Geocoder)


def test_kursk_city_and_oblast(gz):
    city = gz.geocode("Kursk")
    assert isinstance(city, Location)
    assert city.raw["feature_class"] == "P" and city.raw["country_code"] == "RU"
    assert city.raw["geonameid"] == 538560 and city.raw["population"] > 400_000
    assert abs(city.latitude - 51.73) < 0.05 and abs(city.longitude - 36.19) < 0.05
    assert city.address.startswith("Kursk, Kursk Oblast")
    oblast = gz.geocode("Kursk Oblast")
    assert oblast.raw["feature_code"] == "ADM1" and oblast.raw["geonameid"] == 538555
    assert {"geonameid", "feature_code", "country_code", "admin1", "population", "admin2"} <= set(oblast.raw)


def test_washington_lists_dc_and_the_state(gz):
    locs = gz.geocode("Washington", country_codes=["us"], exactly_one=False)
    codes = [(loc.raw["geonameid"], loc.raw["feature_code"]) for loc in locs]
    assert (4140963, "PPLC") in codes
    assert any(code == "ADM1" for _, code in codes)
    assert all(loc.raw["country_code"] == "US" for loc in locs)
    assert codes[0] == (4140963, "PPLC")


def test_reverse_is_kursk(gz):
    loc = gz.reverse((51.73, 36.19))
    assert loc.raw["geonameid"] == 538560 and loc.raw["distance_km"] < 2
    near = gz.reverse("51.73, 36.19", exactly_one=False, limit=3)
    assert len(near) == 3 and near[0].raw["geonameid"] == 538560
    dists = [loc.raw["distance_km"] for loc in near]
    assert dists == sorted(dists)


def test_reverse_across_the_antimeridian_and_poles(gz):
    east = gz.reverse((-16.5, 179.99))   # Fiji straddles 180°
    west = gz.reverse((-16.5, -179.99))
    assert east.raw["country_code"] == west.raw["country_code"] == "FJ"
    assert gz.reverse((89.9, 0.0)) is not None
    assert gz.reverse((0.0, -160.0), max_km=10) is None  # open Pacific


def test_reverse_reads_the_spatial_index_not_the_table(gz, monkeypatch):
    calls = []
    within = gz.store.within
    monkeypatch.setattr(gz.store, "within", lambda *a: calls.append(a) or within(*a))
    gz.reverse((51.73, 36.19))
    assert calls and all(abs(c[1] - c[0]) < 10 for c in calls)  # a small box, not the world
    plan = " ".join(str(r) for r in gz.store._fetch(
        "EXPLAIN QUERY PLAN SELECT id FROM places_rtree WHERE max_lat >= 1 AND min_lat <= 2 "
        "AND max_lon >= 1 AND min_lon <= 2"))
    assert "VIRTUAL TABLE INDEX" in plan


def test_candidates_carry_their_features(gz):
    ranked = gz.candidates("Kursk", limit=None)
    assert isinstance(ranked[0], Ranked) and ranked[0].place.geonameid == 538560
    oblast = next(r for r in ranked if r.place.geonameid == 538555)
    assert oblast.matched == "core" and oblast.features["name"] < 0  # a bare core name counts against the division
    assert abs(sum(oblast.features.values()) - oblast.score) < 1e-3
    assert [r.score for r in ranked] == sorted((r.score for r in ranked), reverse=True)
    assert gz.candidates("Kursk", feature_class="A", limit=None)[0].place.geonameid == 538555


def test_capital_over_its_division(gz):
    assert gz.geocode("Moscow").raw["feature_code"] == "PPLC"
    assert gz.geocode("Donetsk Oblast").raw["feature_code"] == "ADM1"


def test_demonyms_only_on_request(gz, store):
    assert gz.geocode("Kuwaiti") is None
    assert Gazetteer(store, demonyms=True).geocode("Kuwaiti").raw["country_code"] == "KW"


def test_get_hierarchy_and_distance(gz):
    tsukuryne = gz.geocode("Tsukuryne", country_codes="UA")
    place = gz.place(tsukuryne.raw["geonameid"])
    chain = gz.hierarchy(place)
    assert [p.feature_code for p in chain][:2] == ["PCLI", "ADM1"]
    assert chain[0].country_code == "UA" and chain[1].admin1 == "05"
    assert gz.get(538555).raw["feature_code"] == "ADM1" and gz.get(-12345) is None
    assert gz.hierarchy(gz.place(538555))[0].country_code == "RU"
    assert 25 < gz.distance(538555, 538560) < 35  # oblast point to city, geodesic km


def test_name_with_context(gz):
    loc = gz.geocode("Springfield, Illinois")
    assert loc.raw["country_code"] == "US" and loc.raw["feature_class"] == "P"
    assert gz.geocode("Nowhere-at-all-xyz") is None


def test_fixture_store_hierarchy_admin2(world):
    gz = Gazetteer(world)
    chain = gz.hierarchy(gz.place(6697000))
    assert [p.name for p in chain] == ["Ukraine", "Donetsk Oblast", "Pokrovsk Raion"]
    assert gz.geocode("Kursk").raw["geonameid"] == 538560
    assert gz.geocode("Kursk Oblast").raw["geonameid"] == 538555
    assert gz.reverse((51.73, 36.19)).raw["geonameid"] == 538560


def test_exported_lazily():
    import subprocess
    import sys

    code = "import sys, geomap; assert 'geopy' not in sys.modules; geomap.Gazetteer; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr


def test_a_sea_has_a_bounding_box_as_nominatim_gives_it(store):
    from geomap import Gazetteer

    loc = Gazetteer(store).geocode("Gulf of Aden")
    south, north, west, east = loc.raw["boundingbox"]
    assert south < loc.latitude < north and west < loc.longitude < east
    assert "boundingbox" not in Gazetteer(store).geocode("Kursk").raw
