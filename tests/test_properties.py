"""Invariants, on arbitrary input (hypothesis; bounded examples, one shared Geoparser)."""

from __future__ import annotations

import json

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from geomap.model import Document, Mention, Place, Sentence  # noqa: E402

def FAST(n: int) -> settings:
    return settings(max_examples=n, deadline=None, suppress_health_check=list(HealthCheck), database=None)

NAMES = ["Kursk", "Kursk region", "Donetsk Oblast", "Paris", "U.S.", "Kyiv", "São Paulo", "Washington Post",
         "Ukrainian", "North Korea", "Łódź", "Zürich", "Київ", "東京"]
pieces = st.one_of(st.text(max_size=12), st.sampled_from(NAMES), st.sampled_from([" ", "\n", "\n\n", ", ", ". ", "\t"]))
texts = st.lists(pieces, max_size=25).map("".join)


@pytest.mark.filterwarnings("ignore::geomap.ingest.InputWarning")
@FAST(60)
@given(text=texts)
def test_mention_offsets_hold_on_arbitrary_unicode(geoparser, text):
    from geomap.ingest import clean

    doc = geoparser.parse(text)
    assert doc.text == clean(text)[0] and len(doc.text) == len(text)  # cleaned, offsets kept
    text = doc.text
    for m in doc.mentions:
        assert text[m.start:m.end] == m.text and 0 <= m.start < m.end <= len(text)
        assert 0 <= m.sentence < len(doc.sentences)
    for s in doc.sentences:
        assert 0 <= s.start <= s.end <= len(text)


def _place(name: str, i: int) -> Place:
    return Place(geonameid=1000 + i, name=name, lat=(i * 7.3) % 180 - 90, lon=(i * 13.1) % 360 - 180,
                 feature_class="P", feature_code="PPL", country_code="UA", admin1="14", population=i * 10)


@st.composite
def documents(draw) -> Document:
    text = draw(st.text(min_size=1, max_size=200))
    cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=6))))
    mentions = []
    for i in range(0, len(cuts) - 1, 2):
        a, b = cuts[i], cuts[i + 1]
        if a < b:
            place = _place(draw(st.text(min_size=1, max_size=30)), i) if draw(st.booleans()) else None
            mentions.append(Mention(text[a:b], a, b, 0, draw(st.sampled_from(["toponym", "demonym", "region-phrase"])),
                                    place, draw(st.floats(0, 1)), draw(st.none() | st.text(max_size=10))))
    meta = draw(st.dictionaries(st.text(max_size=8), st.one_of(st.text(max_size=20), st.integers(), st.none(),
                                                                 st.lists(st.text(max_size=5), max_size=3)), max_size=4))
    return Document(text=text, id=draw(st.none() | st.text(max_size=20)), sentences=[Sentence(0, len(text))],
                    mentions=mentions, meta=meta)


@FAST(200)
@given(doc=documents())
def test_document_json_round_trip(doc):
    d = doc.to_dict()
    again = Document.from_dict(json.loads(json.dumps(d, ensure_ascii=False)))
    assert again.to_dict() == json.loads(json.dumps(d))
    for m in again.mentions:
        assert again.text[m.start:m.end] == m.text


PAYLOADS = st.text(max_size=40).map(lambda s: f"<i id=zq>{s}</script><script>alert(1)</script>&amp;\"'")


@FAST(12)
@given(payload=PAYLOADS, title=PAYLOADS)
def test_map_escapes_arbitrary_text(payload, title):
    from geomap.render import Map

    text = f"Shelling hit {payload} today."
    a = text.index(payload)
    m = Mention(payload, a, a + len(payload), 0, "toponym", _place(payload, 1), 0.9, "GPE")
    doc = Document(text=text, id=payload, sentences=[Sentence(0, len(text))], mentions=[m],
                   meta={"title": title, "url": "javascript:alert(1)", "source": payload})
    html = Map([doc], tiles=None, title=title).to_html()
    assert "<i id=zq>" not in html
    assert "</script><script>alert(1)" not in html
    assert "javascript:alert(1)" not in html


@pytest.fixture(scope="module")
def fast_geoparser(store):
    from geomap.pipeline import Geoparser

    return Geoparser(gazetteer=store, mode="fast")


@pytest.mark.filterwarnings("ignore::geomap.ingest.InputWarning")
@FAST(60)
@given(text=texts)
def test_fast_mode_offsets_hold_on_arbitrary_unicode(fast_geoparser, text):
    doc = fast_geoparser.parse(text)
    for m in doc.mentions:
        assert doc.text[m.start:m.end] == m.text and 0 <= m.start < m.end <= len(doc.text)
        s = doc.sentences[m.sentence]
        assert s.start <= m.start and m.end <= s.end
