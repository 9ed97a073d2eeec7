"""geomap.ingest.clean: one cleaning for every text, JSON-safe fields without recursion."""

from __future__ import annotations

import datetime
import decimal
import json

import pytest

from geomap.ingest import MAX_DEPTH, NestingError, clean, json_safe


def test_clean_keeps_the_length_and_says_what_it_replaced():
    text, notes = clean("Paris\x00\x07 is in \ud800France.")
    assert text == "Paris   is in \ufffdFrance." and len(text) == len("Paris\x00\x07 is in \ud800France.")
    assert notes == ["1 lone surrogate(s) replaced with U+FFFD", "2 control character(s) replaced with spaces"]
    assert clean("Rain in Lima.\n\t") == ("Rain in Lima.\n\t", [])


def test_json_safe_converts_what_json_cannot_hold():
    value = {"when": datetime.datetime(2024, 5, 1, 12, 0), "day": datetime.date(2024, 5, 1),
             "t": datetime.time(7, 30), "took": datetime.timedelta(minutes=2), "price": decimal.Decimal("12.50"),
             "blob": b"\x00\xff", "nan": float("nan"), "inf": [float("inf")], "bad": "x\ud800", 3: {"k": (1, 2)}}
    safe, notes = json_safe(value)
    assert safe == {"when": "2024-05-01T12:00:00", "day": "2024-05-01", "t": "07:30:00", "took": 120.0,
                    "price": "12.50", "blob": "AP8=", "nan": None, "inf": [None], "bad": "x\ufffd", "3": {"k": [1, 2]}}
    assert notes == ["2 NaN or Infinity value(s) written as null",
                     "lone surrogates replaced with U+FFFD in 1 field value(s)"]
    json.dumps(safe, allow_nan=False)


def test_json_safe_refuses_deep_nesting_without_recursing():
    deep: list = []
    for _ in range(100_000):  # far past the interpreter's recursion limit
        deep = [deep]
    with pytest.raises(NestingError, match=f"deeper than {MAX_DEPTH}"):
        json_safe({"a": deep})
    ok = [[[]]]
    assert json_safe(ok) == (ok, [])
