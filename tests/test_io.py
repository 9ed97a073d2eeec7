"""Readers: every record is either read or reported with its file, line and reason."""

from __future__ import annotations

import json

import pytest

from geomap.io import DecodeError, InputError, Record, atomic_writer, decode_text, read_inputs


def _split(items):
    recs = [i for i in items if isinstance(i, Record)]
    errs = [i for i in items if isinstance(i, InputError)]
    return recs, errs


def test_text_file_folder_and_jsonl(tmp_path):
    (tmp_path / "a.txt").write_text("Snow in Oslo.", encoding="utf-8")
    sub = tmp_path / "more"
    sub.mkdir()
    (sub / "b.txt").write_text("Rain in Lima.", encoding="utf-8")
    (sub / "skip.bin").write_bytes(b"\x00\x01")
    jl = tmp_path / "arts.jsonl"
    jl.write_text(
        json.dumps({"id": 7, "text": "Fog in Riga.", "date": "2024-11-04", "nested": {"k": [1, "ü"]}}) + "\n\n"
        + json.dumps({"text": "Sun in Rome."}) + "\n",
        encoding="utf-8",
    )
    recs, errs = _split(list(read_inputs([str(tmp_path / "a.txt"), str(sub), str(jl)])))
    assert not errs
    assert [r.doc.text for r in recs] == ["Snow in Oslo.", "Rain in Lima.", "Fog in Riga.", "Sun in Rome."]
    assert recs[2].doc.id == "7" and recs[2].doc.meta == {"date": "2024-11-04", "nested": {"k": [1, "ü"]}}
    assert recs[3].doc.id == "arts.jsonl:3" and recs[3].line == 3


def test_bad_inputs_are_reported_not_raised(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"  \n\t")
    (tmp_path / "bin.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp_path / "latin1.txt").write_bytes("Café in Zürich".encode("latin-1"))
    (tmp_path / "good.txt").write_text("Rain in Lima.", encoding="utf-8")
    jl = tmp_path / "mixed.jsonl"
    jl.write_text('{"text": "ok"}\n{broken\n[1, 2]\n{"id": "x", "title": "no text"}\n', encoding="utf-8")
    paths = [str(tmp_path / n) for n in ("missing.txt", "empty.txt", "blank.txt", "bin.txt", "latin1.txt", "good.txt")]
    recs, errs = _split(list(read_inputs(paths + [str(jl)])))
    assert [r.doc.text for r in recs] == ["Rain in Lima.", "ok"]
    reasons = {(e.source.rsplit("/", 1)[-1], e.line): e.reason for e in errs}
    assert reasons[("missing.txt", None)] == "no such file"
    assert reasons[("empty.txt", None)] == "empty file"
    assert "whitespace" in reasons[("blank.txt", None)]
    assert "binary" in reasons[("bin.txt", None)]
    assert "UTF-8" in reasons[("latin1.txt", None)]
    assert "invalid JSON" in reasons[("mixed.jsonl", 2)]
    assert "JSON object" in reasons[("mixed.jsonl", 3)]
    assert "text" in reasons[("mixed.jsonl", 4)] and errs[-1].id == "x"
    assert all(str(e).startswith(e.source) for e in errs)


def test_decode_utf16_with_bom():
    assert decode_text("Київ".encode("utf-16")) == "Київ"
    assert decode_text(b"\xef\xbb\xbfKyiv") == "Kyiv"
    with pytest.raises(DecodeError):
        decode_text(b"\xff\xfe\x00")


def test_atomic_writer_keeps_old_file_on_failure(tmp_path):
    target = tmp_path / "out.jsonl"
    target.write_text("old\n")
    with pytest.raises(RuntimeError):
        with atomic_writer(target) as f:
            f.write("half")
            raise RuntimeError("boom")
    assert target.read_text() == "old\n"
    with atomic_writer(target) as f:
        f.write("new\n")
    assert target.read_text() == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]
