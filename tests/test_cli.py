"""The ``geomap`` command: extract and map, good and bad inputs, through a real subprocess."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

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
    assert html.count("L.featureGroup(") >= 2  # a layer per article


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
