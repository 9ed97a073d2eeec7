"""geomap.ingest.formats: lines (UTF-8, UTF-16), JSON records and CSV rows, each problem one error naming its line."""

from __future__ import annotations

import io
import json

import pytest

from geomap.ingest import InputError
from geomap.ingest.formats import byte_lines, csv_rows, parse_json_record


def rows(data: bytes, **kw) -> list:
    return [x if isinstance(x, InputError) else x[:2] for x in csv_rows("t.csv", io.BytesIO(data), **kw)]


def test_an_unclosed_quote_is_reported_at_its_line_and_reading_goes_on():
    got = rows(b'id,text\n1,Rain in Lima.\n2,"Snow in Oslo.\n3,Fog in Riga.\n4,Sun in Rome.\n')
    assert got[:2] == [(1, ["id", "text"]), (2, ["1", "Rain in Lima."])]
    assert isinstance(got[2], InputError) and got[2].line == 3
    assert "unclosed quote" in got[2].reason and "read on from line 4" in got[2].reason
    assert got[3:] == [(4, ["3", "Fog in Riga."]), (5, ["4", "Sun in Rome."])]


def test_a_quote_closed_in_the_wrong_place_swallows_nothing():
    got = rows(b'id,text\n1,"Rain\n2,Snow",x\n3,Fog\n')
    bad = [x for x in got if isinstance(x, InputError)]
    # line 2's quote closes on line 3: that record is bad; line 3 read again on its own is bad too
    assert [b.line for b in bad] == [2, 3] and "read on from line 3" in bad[0].reason
    assert "3 fields, expected 2" in bad[1].reason
    assert got[-1] == (4, ["3", "Fog"])


def test_quoted_fields_over_several_lines_and_a_field_over_the_csv_module_limit_are_read():
    long = "word " * 40_000  # 200,000 characters: over csv's default limit of 131,072
    got = rows(('id,text\n1,"two\nlines"\n2,' + long + "\n").encode())
    assert got == [(1, ["id", "text"]), (2, ["1", "two\nlines"]), (4, ["2", long])]


def test_a_short_row_names_its_id():
    got = rows(b"id,title,text\n7,short\n")
    assert got[1].line == 2 and got[1].id == "7" and "2 fields, expected 3" in got[1].reason


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_lines_are_decoded(encoding):
    data = '{"a": "Київ"}\n{"b": 2}\n'.encode(encoding)
    got = list(byte_lines("t.jsonl", io.BytesIO(data)))
    assert [json.loads(raw) for _, raw in got] == [{"a": "Київ"}, {"b": 2}]
    assert [n for n, _ in got] == [1, 2]


def test_a_line_over_the_limit_is_skipped_without_being_held():
    data = b'{"a": 1}\n' + b"x" * 5000 + b'\n{"b": 2}\n'
    got = list(byte_lines("t.jsonl", io.BytesIO(data), limit=100))
    assert got[0] == (1, b'{"a": 1}\n') and got[2] == (3, b'{"b": 2}\n')
    assert isinstance(got[1], InputError) and got[1].line == 2 and "5,001 bytes" in got[1].reason


@pytest.mark.parametrize("raw,reason", [
    (b'{"n": ' + b"9" * 4301 + b"}", "a number of over 4,300 digits"),
    (b"[" * 100_000, "nested too deeply"),
    (b'{"a": 1', "invalid JSON"),
    (b"[1, 2]", "expected a JSON object, got list"),
])
def test_json_records_that_cannot_be_read_give_a_reason(raw, reason):
    got = parse_json_record(raw)
    assert isinstance(got, str) and reason in got


def test_nan_and_infinity_become_none_and_are_noted():
    obj, notes = parse_json_record(b'{"a": NaN, "b": [Infinity, -Infinity], "c": 1.5}')
    assert obj == {"a": None, "b": [None, None], "c": 1.5}
    assert notes == ["3 NaN or Infinity value(s) written as null"]
