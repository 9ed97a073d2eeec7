"""Fuzzing the readers and the text normaliser with hypothesis (bounded: GEOMAP_FUZZ_EXAMPLES, default 150).

Properties: reading never raises; every record is read or reported (input = output + errors);
every text that comes out can be written as UTF-8 and keeps its length through cleaning;
HTML extraction maps every text offset into the page.
"""

from __future__ import annotations

import json
import os

import pytest

pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from geomap.io import InputError, Record, read_inputs  # noqa: E402
from geomap.text import clean, html_to_text, looks_html, to_original  # noqa: E402

N = int(os.environ.get("GEOMAP_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=N, deadline=None, suppress_health_check=list(HealthCheck), database=None)

chunks = st.one_of(
    st.binary(max_size=40),
    st.text(max_size=30).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.sampled_from([b"\n", b"\r\n", b'"', b",", b"{", b"}", b'{"text": "', b'"id": ', b"\\ud800", b"\xef\xbb\xbf",
                     b"\xff\xfe", b"<p>", b"&amp;", b"<script>", b"\x00", b"\t", b"Kursk", b'"text"', b"id,text\n"]),
)
data = st.lists(chunks, max_size=30).map(b"".join)


def _plain_utf8(raw: bytes) -> bool:
    """UTF-8 text without a byte-order mark or NULs: its lines are the file's lines."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not raw.startswith(b"\xef\xbb\xbf") and b"\x00" not in raw


def _check(items, expect_lines=None):
    for it in items:
        assert isinstance(it, (Record, InputError))
        if isinstance(it, Record):
            doc = it.doc
            doc.text.encode("utf-8")  # writable
            json.dumps(doc.meta, ensure_ascii=False).encode("utf-8")
            assert doc.text.strip()
        else:
            assert it.reason and it.level in ("error", "warning")
    if expect_lines is not None:
        read = sum(isinstance(i, Record) for i in items) + sum(isinstance(i, InputError) and i.level == "error"
                                                            for i in items)
        assert read == expect_lines


@FUZZ
@given(raw=data, suffix=st.sampled_from([".txt", ".jsonl", ".csv", ".tsv", ".html", ".md"]))
def test_readers_never_raise(tmp_path_factory, raw, suffix):
    d = tmp_path_factory.mktemp("fuzz")
    path = d / f"in{suffix}"
    path.write_bytes(raw)
    items = list(read_inputs([str(path)]))
    expect = None
    if suffix == ".jsonl" and _plain_utf8(raw):
        # bytes read as another encoding (a byte-order mark, NULs of UTF-16) have other lines
        lines = raw.split(b"\n")
        expect = sum(1 for x in lines if x.strip())
        if expect == 0:
            expect = None
    _check(items, expect)
    if suffix in (".txt", ".md", ".html"):
        assert sum(isinstance(i, Record) for i in items) + sum(i.level == "error" for i in items
                                                              if isinstance(i, InputError)) == 1


@FUZZ
@given(s=st.text().map(lambda t: t) | st.binary(max_size=60).map(lambda b: b.decode("utf-8", "surrogateescape")))
def test_clean_keeps_length_and_is_writable(s):
    out, notes = clean(s)
    assert len(out) == len(s)
    out.encode("utf-8")
    assert (out == s) == (not notes)
    for a, b in zip(s, out):
        assert a == b or b in (" ", "\ufffd")


html_pieces = st.one_of(
    st.text(max_size=15),
    st.sampled_from(["<p>", "</p>", "<br>", "<br/>", "<script>", "</script>", "<style>", "<!--", "-->", "&amp;",
                     "&#65;", "&#x110000;", "&bogus;", "&", "<", ">", "<div class='a\">", "<head>", "<body>",
                     "<title>", "</title>", "<![CDATA[", "]]>", "<!DOCTYPE html>", "\n", "  ", "<a href=x>", "</a>"]),
)


@FUZZ
@given(src=st.lists(html_pieces, max_size=40).map("".join))
def test_html_to_text_maps_offsets_into_the_page(src):
    h = html_to_text(src)
    h.text.encode("utf-8", "surrogatepass")
    runs = h.runs
    assert all(a[0] < b[0] and a[1] < b[1] for a, b in zip(runs, runs[1:]))
    for i, ch in enumerate(h.text):
        o = to_original(runs, i)
        assert 0 <= o < len(src)
        if not ch.isspace() and src[o] not in "&":  # plain characters are copied from where they point
            assert src[o] == ch
    looks_html(src)
