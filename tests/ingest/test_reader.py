"""Readers: every record is either read or reported with its file, line and reason."""

from __future__ import annotations

import json

import pytest

from geomap.ingest import (
    MAX_TEXT_CHARS,
    DecodeError,
    InputError,
    Record,
    atomic_writer,
    decode_bytes,
    decode_text,
    read_inputs,
    to_original,
)


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
    # invalid UTF-8 is decoded with replacement characters, and a warning says so (issue 9)
    assert [r.doc.text for r in recs] == ["Caf\ufffd in Z\ufffdrich", "Rain in Lima.", "ok"]
    warns = [e for e in errs if e.level == "warning"]
    errs = [e for e in errs if e.level == "error"]
    assert len(warns) == 1 and "UTF-8" in warns[0].reason and "2 invalid" in warns[0].reason
    assert warns[0].to_dict()["level"] == "warning" and str(warns[0]).endswith(warns[0].reason)
    assert ": warning: " in str(warns[0])
    reasons = {(e.source.rsplit("/", 1)[-1], e.line): e.reason for e in errs}
    assert reasons[("missing.txt", None)] == "no such file"
    assert reasons[("empty.txt", None)] == "empty file"
    assert "whitespace" in reasons[("blank.txt", None)]
    assert "binary" in reasons[("bin.txt", None)]
    assert ("latin1.txt", None) not in reasons
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


def test_decode_bytes_replaces_and_says_so():
    text, notes = decode_bytes(b"Caf\xe9 \xff\xfe in Kyiv")
    assert text == "Caf\ufffd \ufffd\ufffd in Kyiv" and len(notes) == 1 and "UTF-8" in notes[0]
    assert decode_bytes("ok".encode("utf-16")) == ("ok", [])
    with pytest.raises(DecodeError):
        decode_text(b"Caf\xe9")  # the strict form still refuses
    with pytest.raises(DecodeError):
        decode_bytes(b"abc\x00def")


def test_utf16_html_and_big_files(tmp_path, monkeypatch):
    (tmp_path / "u16.txt").write_bytes("Rain in Київ.".encode("utf-16"))
    page = ("<!DOCTYPE html><html><head><title>Floods &amp; rain</title><script>var s = 'Paris';</script></head>"
            "<body><h1>Floods in   Porto Alegre</h1><p>Rain hit <b>Brazil</b> &amp; Uruguay.</p></body></html>")
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    (tmp_path / "page.txt").write_text(page, encoding="utf-8")  # sniffed as HTML
    import geomap.ingest.reader as reader

    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 1000)
    (tmp_path / "big.txt").write_bytes(b"word " * 1000)
    items = list(read_inputs([str(tmp_path / n) for n in ("u16.txt", "page.html", "page.txt", "big.txt")]))
    recs, errs = _split(items)
    assert recs[0].doc.text == "Rain in Київ."
    for r in recs[1:]:
        doc = r.doc
        assert doc.text == "Floods in Porto Alegre\n\nRain hit Brazil & Uruguay."
        assert doc.meta["format"] == "html" and doc.meta["title"] == "Floods & rain"
        for word in ("Porto Alegre", "Brazil", "Uruguay"):
            i = doc.text.index(word)
            runs = doc.meta["source_offsets"]
            assert page[to_original(runs, i):to_original(runs, i + len(word) - 1) + 1] == word
    assert [e.level for e in errs] == ["warning", "warning", "error"]
    assert "limit" in errs[-1].reason and "MAX_FILE_BYTES" in errs[-1].reason


def test_document_over_the_char_limit_is_refused(tmp_path):
    jl = tmp_path / "long.jsonl"
    jl.write_text(json.dumps({"id": "long", "text": "a " * (MAX_TEXT_CHARS // 2 + 1)}) + "\n"
                  + json.dumps({"id": "short", "text": "Rain in Lima."}) + "\n", encoding="utf-8")
    recs, errs = _split(list(read_inputs([str(jl)])))
    assert [r.doc.id for r in recs] == ["short"]
    assert errs[0].id == "long" and "MAX_TEXT_CHARS" in errs[0].reason


def test_jsonl_hardening(tmp_path):
    jl = tmp_path / "feed.jsonl"
    lines = [
        b'{"id": "a", "text": "Rain in Lima."}',
        b'{"id": "a", "text": "Snow in Oslo."}',               # duplicate id: warning, both kept
        b'{"id": "b", "text": "Caf\xe9 in Rome."}',           # invalid UTF-8 inside a line
        b'{"id": "c", "text": "x\\ud800y", "k": "\\udc00"}',  # lone surrogates
        b'{"id": "d", "text": "   "}',                         # whitespace only
        b'{"id": "e", "text": ""}',                            # empty
        b'{"id": "f", "text": 42}',                            # not a string
        b'{"id": "g"',                                         # truncated
        b'"just a string"',
        b"[" * 100000,                                         # deeply nested
        b'{"id": "h", "text": "<html><body><p>Fog in Riga</p></body></html>", "format": "html"}',
    ]
    jl.write_bytes(b"\n".join(lines) + b"\n")
    items = list(read_inputs([str(jl)]))
    recs, errs = _split(items)
    assert [(r.doc.id, r.line) for r in recs] == [("a", 1), ("a", 2), ("b", 3), ("c", 4), ("h", 11)]
    assert recs[2].doc.text == "Caf\ufffd in Rome." and recs[3].doc.text == "x\ufffdy"
    assert recs[3].doc.meta == {"k": "\ufffd"}
    assert recs[4].doc.text == "Fog in Riga"
    errors = {e.line: e for e in errs if e.level == "error"}
    warnings = [(e.line, e.reason) for e in errs if e.level == "warning"]
    assert sorted(errors) == [5, 6, 7, 8, 9, 10]
    assert "whitespace" in errors[5].reason and "empty" in errors[6].reason and errors[7].id == "f"
    # line 4: a surrogate in the text and one in a field (both replaced, both said)
    assert [w[0] for w in warnings] == [2, 3, 4, 4, 11] and "duplicate id 'a'" in warnings[0][1]
    # input = output + errors
    assert len(recs) + len(errors) == len(lines)


def test_csv_embedded_newlines_odd_quoting_and_missing_text(tmp_path):
    f = tmp_path / "arts.csv"
    f.write_bytes(
        b'id,title,text\r\n'
        b'1,"A ""quoted"" title","Floods hit\nPorto Alegre,\r\nBrazil."\r\n'
        b'2,plain,Rain in Lima.\r\n'
        b'3,odd,He said "hi" in Oslo\r\n'        # a quote inside an unquoted field: read as is
        b'4,short\r\n'                            # missing field
        b'5,empty,\r\n'                           # empty text
        b'6,latin,Caf\xe9 in Rome\r\n'
        b'7,"unterminated,Rain\r\n'
    )
    recs, errs = _split(list(read_inputs([str(f)])))
    assert [(r.doc.id, r.line) for r in recs] == [("1", 2), ("2", 5), ("3", 6), ("6", 9)]
    assert recs[0].doc.text == "Floods hit\nPorto Alegre,\r\nBrazil." and recs[0].doc.meta == {"title": 'A "quoted" title'}
    assert recs[2].doc.text == 'He said "hi" in Oslo'
    assert recs[3].doc.text == "Caf\ufffd in Rome"
    by_line = {e.line: e for e in errs}
    assert "fields" in by_line[7].reason and by_line[7].id == "4"
    assert "empty" in by_line[8].reason
    assert by_line[9].level == "warning"
    assert by_line[10].level == "error" and "unclosed quote" in by_line[10].reason  # one bad record
    (tmp_path / "notext.csv").write_text("id,body\n1,x\n")
    (tmp_path / "u16.tsv").write_bytes("id\ttext\n1\tRain in Київ\n".encode("utf-16"))
    recs, errs = _split(list(read_inputs([str(tmp_path / "notext.csv"), str(tmp_path / "u16.tsv")])))
    assert "'text' column" in errs[0].reason and recs[0].doc.text == "Rain in Київ"


def test_duplicate_ids_across_files_and_binary(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "x.txt").write_text("Rain in Lima.")
    (tmp_path / "b" / "x.txt").write_text("Snow in Oslo.")
    (tmp_path / "c.csv").write_bytes(b"id,text\n1,\x00\x01\x02")
    recs, errs = _split(list(read_inputs([str(tmp_path / "a"), str(tmp_path / "b"), str(tmp_path / "c.csv")])))
    assert len(recs) == 2 and errs[0].level == "warning" and "duplicate" in errs[0].reason
    assert errs[1].level == "error" and "binary" in errs[1].reason
