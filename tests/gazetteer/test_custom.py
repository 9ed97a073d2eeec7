import json

import pytest

from geonames_fixture import run_cli
from geomap import Gazetteer
from geomap.gazetteer.dumps import add_custom, import_dumps
from geomap.gazetteer.store import GazetteerStore

CSV = """name,lat,lon,country,type,alternate_names,population
Zorya Works,51.7001,36.1502,RU,S.BLDG,Zorya Plant|ZWK,0
Riverside,38.51,-77.49,US,PPL,,0
Kursk Nuclear Power Plant,51.6751,35.6056,RU,plant,KNPP|Kurchatov NPP,
Novaya Zorya,51.69,36.14,RU,village,Nova Zorya,
Broken Row,north,36.0,RU,,,
"""


@pytest.fixture
def custom(tmp_path, world):
    csv_path = tmp_path / "places.csv"
    csv_path.write_text(CSV, encoding="utf-8")
    report = add_custom(csv_path, world)
    return world, report


def test_round_trip_of_custom_fields(custom):
    world, report = custom
    assert report.places == 4 and report.skipped == [("places.csv", 6, report.skipped[0][2])]
    store = GazetteerStore(world, build=False)
    zorya = store.lookup("Zorya Works")[0].place
    assert zorya.geonameid < 0 and store.is_custom(zorya.geonameid)
    assert (zorya.name, zorya.lat, zorya.lon, zorya.country_code) == ("Zorya Works", 51.7001, 36.1502, "RU")
    assert (zorya.feature_class, zorya.feature_code) == ("S", "BLDG")
    assert zorya.admin1 == "41"  # from the nearest place of its country
    assert store.lookup("Zorya Plant")[0].place == zorya and store.lookup("ZWK")[0].name_kind == "abbr"
    knpp = store.lookup("KNPP")[0].place
    assert (knpp.feature_class, knpp.feature_code) == ("S", "PS") and store.lookup("Kurchatov NPP")
    assert store.record(zorya.geonameid)["source"] == "custom"


def test_custom_place_wins_ties(custom):
    world, _ = custom
    store = GazetteerStore(world, build=False)
    ranked = Gazetteer(store).candidates("Riverside")
    assert [r.place.geonameid < 0 for r in ranked] == [True, False]  # same type, population: custom first
    assert ranked[0].score == ranked[1].score
    assert store.lookup("Riverside")[0].place.geonameid < 0
    # a bigger GeoNames place still wins: the custom place only takes ties
    assert Gazetteer(store).geocode("Kursk").raw["geonameid"] == 538560


def test_readding_updates_and_rebuild_keeps(custom, tmp_path, dumps):
    world, _ = custom
    csv_path = tmp_path / "places.csv"
    add_custom(csv_path, world)  # the same rows again: no duplicates
    store = GazetteerStore(world, build=False)
    assert len(store.lookup("Zorya Works")) == 1
    assert store.counts()["by_source"]["custom"] == 4
    import_dumps([dumps["places"]], world, progress=False)  # rebuild the base
    store.clear_cache()
    assert store.lookup("Zorya Plant")[0].place.name == "Zorya Works"
    nearest = Gazetteer(store).reverse((51.7001, 36.1502)).raw
    assert nearest["name"] == "Novaya Zorya" and nearest["source"] == "custom"  # a landmark is not a town
    more = tmp_path / "more.csv"
    more.write_text("name,lat,lon\nNew Town,10.0,10.0\n", encoding="utf-8")
    add_custom(more, world)
    new_town = store.lookup("New Town")[0].place
    assert new_town.feature_code == "PPL" and new_town.geonameid == -5
    assert Gazetteer(store).reverse((10.01, 10.01)).raw["name"] == "New Town"  # towns are in the R*Tree


def test_missing_columns_is_an_error(tmp_path, world):
    bad = tmp_path / "bad.csv"
    bad.write_text("title,lat\nx,1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="lon, name"):
        add_custom(bad, world)


def test_cli_add_then_lookup(tmp_path, world, capsys):
    csv_path = tmp_path / "places.csv"
    csv_path.write_text(CSV, encoding="utf-8")
    assert run_cli("--gazetteer", str(world), "gazetteer", "add", str(csv_path)) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["places"] == 4 and "places.csv:6: skipped" in err
    assert run_cli("--gazetteer", str(world), "gazetteer", "lookup", "Zorya Plant", "--json") == 0
    row = json.loads(capsys.readouterr().out.splitlines()[0])
    assert row["name"] == "Zorya Works" and row["source"] == "custom" and row["matched"] == "alt"


def test_custom_places_reach_extraction_and_maps(custom, geoparser):
    from geomap.pipeline import Geoparser
    from geomap.render import Map

    world, _ = custom
    parser = Geoparser(gazetteer=world)
    docs = [parser.parse(t) for t in ("Fighting continued in Novaya Zorya, officials in Russia said.",
                                      "Shelling hit Nova Zorya in the Kursk region.",
                                      "Protests spread to Riverside on Monday.")]
    found = [{(m.text, m.place.geonameid < 0) for m in d.mentions if m.place} for d in docs]
    assert ("Novaya Zorya", True) in found[0]
    assert ("Nova Zorya", True) in found[1]      # a custom alternate name
    assert found[2] == {("Riverside", True)}      # the tie goes to the custom place
    m = Map()
    m.add(docs[0])
    assert "Novaya Zorya" in m.to_html()


def test_a_name_over_the_csv_field_limit_is_one_line_naming_file_and_line(tmp_path, world, capsys):
    """Issue 18, defect 14: `gazetteer add` with a 131,073-character name."""
    from geomap.cli import main

    csv_path = tmp_path / "long.csv"
    csv_path.write_text("name,lat,lon\nOk,1.0,2.0\n" + "x" * 131_073 + ",1.0,2.0\n", encoding="utf-8")
    before = world.read_bytes()
    assert main(["--gazetteer", str(world), "gazetteer", "add", str(csv_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{csv_path}:3: unreadable CSV (field larger than field limit" in err
    assert world.read_bytes() == before


def test_fast_mode_finds_custom_places(custom):
    from geomap.pipeline import Geoparser

    world, _ = custom
    doc = Geoparser(gazetteer=GazetteerStore(world, build=False), mode="fast").parse(
        "Engineers at Zorya Works said the KNPP reactors were idle.")
    placed = {m.text: m.place for m in doc.mentions if m.place is not None}
    assert placed["Zorya Works"].geonameid < 0 and placed["KNPP"].geonameid < 0
    assert all(m.label.startswith("fast:custom") for m in doc.mentions if m.text in placed)


def test_a_custom_division_is_evidence_beside_the_built_division_names(tmp_path, world):
    import sqlite3

    from geomap.gazetteer.build import DIVISION_WHERE
    from geomap.gazetteer.names import normalize

    csv_path = tmp_path / "divisions.csv"
    csv_path.write_text("name,lat,lon,country,type,alternate_names\n"
                        "Quillshire District,51.7,36.1,RU,A.ADM2,Quillshire\n", encoding="utf-8")
    add_custom(csv_path, world)
    names = GazetteerStore(world, build=False).division_names()
    assert {normalize("Quillshire District"), "quillshire"} <= names
    with sqlite3.connect(world) as con:  # the table written at build time is what the join over places gives
        built = {r[0] for r in con.execute("SELECT name FROM division_names")}
        joined = {r[0] for r in con.execute("SELECT n.name FROM places p JOIN names n USING (geonameid) "
                                            f"WHERE {DIVISION_WHERE}")}
    assert built and built == joined - {normalize("Quillshire District"), "quillshire"}
