"""geomap.ingest.writers: strict JSON, outputs checked first, atomic files, devices and pipes written through."""

from __future__ import annotations

import json
import os
import stat
import threading

import pytest

from geomap.ingest import NonFiniteWarning, OutputError, check_output, dumps, open_output


def test_dumps_writes_strict_json_and_warns_about_nan():
    with pytest.warns(NonFiniteWarning, match="2 NaN or Infinity"):
        text = dumps({"a": float("nan"), "b": [float("-inf"), 1.5]})
    assert json.loads(text) == {"a": None, "b": [None, 1.5]}
    import datetime

    assert dumps({"d": datetime.date(2024, 1, 2), "s": "ü"}) == '{"d": "2024-01-02", "s": "ü"}'


def test_outputs_that_cannot_be_written_are_refused_before_work(tmp_path):
    (tmp_path / "dir").mkdir()
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="is a folder"):
        check_output(tmp_path / "dir")
    with pytest.raises(OutputError, match="not a folder"):
        check_output(tmp_path / "file" / "out.jsonl")
    with pytest.raises(OutputError, match="not a folder"):
        check_output(tmp_path / "file", folder=True)
    check_output(tmp_path / "new" / "out.jsonl")
    check_output("-")


def test_a_fifo_is_written_through_and_stays_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()))
    reader.start()
    with open_output(fifo) as f:
        f.write("hello\n")
    reader.join(10)
    assert got == [b"hello\n"] and stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]  # no temporary file beside it


def test_a_regular_file_is_replaced_atomically(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with open_output(target) as f:
            f.write("half")
            raise RuntimeError("boom")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["out.txt"]
