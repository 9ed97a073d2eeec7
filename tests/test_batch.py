"""geomap.batch: the same output in one process, in two, and on a Dask LocalCluster; order;
resuming after SIGKILL; errors interleaved with good records; streaming readers."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time

import pytest

PLACES = ["Kyiv", "Kursk", "Paris", "Lyon", "Texas", "Austin", "Berlin", "Donetsk", "Porto Alegre", "Brazil",
          "Doha", "Qatar", "Lagos", "Nairobi", "Tokyo", "Osaka", "Mumbai", "Delhi", "Sydney", "Perth"]
TEMPLATES = [
    "Officials in {a} said talks with {b} would resume next week.",
    "Floods hit {a} after heavy rain, and residents fled to {b}.",
    "The minister travelled from {a} to {b} on Monday.",
    "Shelling was reported near {a} in the {b} region.",
    "Prices rose in {a}, while markets in {b} were calm.",
]


def make_docs(n: int, seed: int = 7) -> list[dict]:
    rnd = random.Random(seed)
    return [{"id": f"d{i}", "text": " ".join(rnd.choice(TEMPLATES).format(a=rnd.choice(PLACES), b=rnd.choice(PLACES))
                                           for _ in range(2)), "n": i} for i in range(n)]


def geomap(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geomap.cli", *args], capture_output=True, timeout=300, **kw)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, store):
    d = tmp_path_factory.mktemp("batch")
    src = d / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in make_docs(200)), encoding="utf-8")
    return d, src


@pytest.fixture(scope="module")
def single(corpus):
    d, src = corpus
    out = d / "single.jsonl"
    proc = geomap("extract", str(src), "-o", str(out))
    assert proc.returncode == 0, proc.stderr.decode()
    return out.read_bytes(), proc


def test_single_process_output_is_in_input_order_with_a_summary(single):
    data, proc = single
    rows = [json.loads(line) for line in data.splitlines()]
    assert [r["id"] for r in rows] == [f"d{i}" for i in range(200)]
    assert [r["meta"]["n"] for r in rows] == list(range(200))
    assert sum(len(r["mentions"]) for r in rows) > 300
    err = proc.stderr.decode()
    assert "200 documents" in err and "0 error(s)" in err and "\r" not in err  # no bar: stderr is not a TTY


def test_two_workers_give_identical_output(corpus, single):
    d, src = corpus
    out = d / "workers2.jsonl"
    proc = geomap("extract", str(src), "-o", str(out), "--workers", "2", "--batch-size", "16", "--quiet")
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stderr == b""  # --quiet: no summary either
    assert out.read_bytes() == single[0]


def test_dask_local_cluster_gives_identical_output(corpus, single):
    pytest.importorskip("distributed")
    d, src = corpus
    out = d / "dask.jsonl"
    proc = geomap("extract", str(src), "-o", str(out), "--engine", "dask", "--workers", "2", "--batch-size", "32")
    assert proc.returncode == 0, proc.stderr.decode()
    assert out.read_bytes() == single[0]
    assert "Traceback" not in proc.stderr.decode()


def test_resume_after_sigkill_is_byte_identical(corpus, single):
    d, src = corpus
    out = d / "resumed.jsonl"
    state = d / "resumed.jsonl.part.json"
    proc = subprocess.Popen([sys.executable, "-m", "geomap.cli", "extract", str(src), "-o", str(out),
                             "--batch-size", "8", "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    consumed = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            consumed = json.loads(state.read_text())["consumed"]
        except (FileNotFoundError, ValueError, KeyError):
            consumed = 0
        if consumed >= 40:
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the run ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not out.exists() and 40 <= consumed < 200
    part = d / "resumed.jsonl.part"
    with open(part, "ab") as f:  # a crash in the middle of a write: a partial last line
        f.write(b'{"id": "d99", "text": "half a li')
    again = geomap("extract", str(src), "-o", str(out), "--resume", "--workers", "2")
    assert again.returncode == 0, again.stderr.decode()
    assert "resuming" in again.stderr.decode()
    assert out.read_bytes() == single[0]
    assert not part.exists() and not state.exists()
    assert "200 documents" in again.stderr.decode()  # the summary counts both sessions
    # a finished output: nothing to resume
    done = geomap("extract", str(src), "-o", str(out), "--resume")
    assert done.returncode == 0 and b"nothing to resume" in done.stderr


def test_resume_refuses_other_inputs(corpus, tmp_path):
    d, src = corpus
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({"text": "Rain in Lisbon."}) + "\n")
    out = tmp_path / "o.jsonl"
    (tmp_path / "o.jsonl.part").write_bytes(b"")
    (tmp_path / "o.jsonl.part.errors").write_bytes(b"")
    (tmp_path / "o.jsonl.part.json").write_text(json.dumps({"fingerprint": "x", "consumed": 5, "bytes": 0,
                                                            "error_bytes": 0, "stats": {}}))
    proc = geomap("extract", str(other), "-o", str(out), "--resume")
    assert proc.returncode == 2 and b"other inputs or options" in proc.stderr and b"Traceback" not in proc.stderr


def _interrupted(out, src, consumed: int = 2) -> None:
    """The side files of an `extract SRC -o OUT` run interrupted after ``consumed`` items."""
    from geomap.batch import ResumableJSONL, fingerprint, input_state
    from geomap.pipeline import DEFAULT_MODEL

    fp = fingerprint([str(src)], explain=False, model=DEFAULT_MODEL, min_score=0.0, gazetteer=None)
    sink = ResumableJSONL(out, fp, restart=True, inputs=input_state([str(src)]))
    sink.commit(consumed)
    sink.close()


def test_resume_refuses_an_input_that_changed_since(tmp_path, capsys, store):
    """Issue 18, defect 6: the fingerprint holds each input's size, mtime and head/tail hash."""
    from geomap.cli import main

    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    rows = make_docs(4)
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    _interrupted(out, src)
    src.write_text("".join(json.dumps(r) + "\n" for r in rows[:3]))  # edited while the run was stopped
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert main(["extract", str(src), "-o", str(out), "--resume"]) == 2
    err = capsys.readouterr().err
    assert "the input changed since" in err and "changed size" in err and "--restart" in err and err.count("\n") == 1
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # nothing touched
    # the same bytes, touched: refused too (mtime)
    _interrupted(out, src)
    import os

    st = os.stat(src)
    os.utime(src, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert main(["extract", str(src), "-o", str(out), "--resume"]) == 2
    assert "was modified" in capsys.readouterr().err
    # --restart starts over
    assert main(["extract", str(src), "-o", str(out), "--restart", "--quiet"]) == 0
    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == ["d0", "d1", "d2"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl"]


def test_an_interrupted_run_is_never_started_over_silently(tmp_path, capsys):
    from geomap.cli import main

    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in make_docs(4)))
    _interrupted(out, src)
    assert main(["extract", str(src), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "holds an interrupted run (2 input item(s) done): add --resume" in err and "--restart" in err
    assert (tmp_path / "out.jsonl.part.json").exists()


def test_a_resumed_summary_divides_by_every_session_time():
    """Issue 18, defect 16: 1,000 documents over 100 s earlier and 1 s now is 9.9 docs/s, not 1,000."""
    from geomap.batch import Stats

    s = Stats(documents=1000, words=20_000, seconds=100.0)
    assert "in 101.0 s (9.9 docs/s, 198 words/s)" in s.summary(1.0)


def test_errors_interleaved_with_good_records_are_all_accounted_for(tmp_path, store):
    docs = make_docs(60, seed=3)
    lines = []
    bad_lines = set()
    for i, r in enumerate(docs):
        lines.append(json.dumps(r))
        if i % 7 == 3:
            lines.append("{broken json")
            bad_lines.add(len(lines))
        if i % 11 == 5:
            lines.append(json.dumps({"id": f"x{i}", "body": "no text field"}))
            bad_lines.add(len(lines))
    src = tmp_path / "mixed.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    proc = geomap("extract", str(src), str(tmp_path / "missing.txt"), "-o", str(out), "--errors", str(errors),
                  "--workers", "2", "--batch-size", "8")
    assert proc.returncode == 1, proc.stderr.decode()
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    report = [json.loads(x) for x in errors.read_text().splitlines()]
    assert [r["id"] for r in rows] == [d["id"] for d in docs]
    assert {r["line"] for r in report if r["line"] is not None} == bad_lines
    assert len(rows) + len(report) == len(lines) + 1  # + the missing file
    err = proc.stderr.decode()
    assert "missing.txt: no such file" in err and f"mixed.jsonl:{min(bad_lines)}: invalid JSON" in err


def test_run_batch_api_keeps_order_and_reports_errors(geoparser):
    from geomap.batch import ParseError, run_batch

    items = [d["text"] for d in make_docs(20, seed=5)]
    items.insert(4, {"id": "no-text"})
    items.insert(9, 42)
    failed = []
    docs = list(run_batch(items, geoparser=geoparser, batch_size=4, on_error=lambda it, e: failed.append((it, e))))
    assert [d.text for d in docs] == [t for t in items if isinstance(t, str)]
    assert [it for it, _ in failed] == [{"id": "no-text"}, 42]
    assert all(isinstance(e, ParseError) for _, e in failed)
    with pytest.raises(ParseError):
        list(run_batch(items, geoparser=geoparser))


def test_lookup_cache_returns_what_the_store_returns(store):
    from geomap.pipeline import LookupCache

    cache = LookupCache(store)
    for name in ["Kursk", "Kursk", "Paris", "Paris"]:
        assert cache.lookup(name) == store.lookup(name)
    assert cache.lookup("Ukrainian", kinds=["demonym"]) == store.lookup("Ukrainian", kinds=["demonym"])
    assert cache.hits == 2 and cache.misses == 3
    assert cache.path == store.path  # everything else is the store's


def test_stream_inputs_reads_parquet_and_counts(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    from geomap.io import InputError, Record, count_inputs, stream_inputs

    rows = make_docs(8)
    pq.write_table(pa.Table.from_pylist(rows[:5]), tmp_path / "a.parquet")
    (tmp_path / "b.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows[5:]) + "\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text("Rain in Lisbon.", encoding="utf-8")
    items = list(stream_inputs([str(tmp_path)]))
    assert all(isinstance(i, Record) for i in items), [str(i) for i in items if isinstance(i, InputError)]
    assert [i.doc.id for i in items] == ["d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "c.txt"]
    assert items[0].doc.meta == {"n": 0} and items[0].line == 1
    assert count_inputs([str(tmp_path)]) == 9
    assert count_inputs(["-"]) is None


def test_progress_is_quiet_off_a_terminal(capsys):
    from geomap.batch import Outcome, Progress
    from geomap.model import Document

    p = Progress(10)  # stderr is captured: not a TTY
    p.update(Outcome(None, Document(text="two words")))
    p.close()
    assert p.bar is None and p.stats.documents == 1 and p.stats.words == 2
    assert capsys.readouterr().err == ""
    assert "1 documents" in p.stats.summary(1.0)
