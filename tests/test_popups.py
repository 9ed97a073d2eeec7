"""geomap.popups: plain words for places, escaped article text, ids behind a toggle."""

from __future__ import annotations

import pytest

from geomap.model import Document, Mention, Place, Sentence
from geomap.popups import approximate_html, articles_html, describe, place_html, population_words, safe_url

try:
    from tests.test_render import HOSTILE, KURSK, KYIV, UKRAINE, Tags
except ImportError:
    from test_render import HOSTILE, KURSK, KYIV, UKRAINE, Tags

COUNTRIES = {"UA": "Ukraine", "RU": "Russia", "US": "United States"}


@pytest.mark.parametrize("place, words", [
    (KYIV, "capital of Ukraine · population 2.8 million"),
    (KURSK, "regional capital in Russia · population 440,052"),
    (UKRAINE, "country · population 44.6 million"),
    (Place(1, "Kursk Oblast", 51.5, 36.5, "A", "ADM1", "RU"), "state or province of Russia"),
    (Place(2, "Tsukuryne", 48.0, 37.3, "P", "PPL", "UA", None, 0), "place in Ukraine"),
    (Place(3, "Sudzha", 51.2, 35.3, "P", "PPLA2", "RU", None, 5_800), "town in Russia · population 5,800"),
    (Place(4, "Lake X", 1.0, 1.0, "H", "LK", "US"), "lake in United States"),
    (Place(5, "Black Sea", 43.0, 34.0, "H", "SEA", None), "sea"),
    (Place(6, "Somewhere", 1.0, 1.0, "S", "XYZ", "ZZ"), "site"),
])
def test_places_are_described_in_plain_words(place, words):
    assert describe(place, COUNTRIES) == words


def test_no_jargon_in_view_ids_behind_the_details_toggle():
    html = place_html(KYIV, COUNTRIES)
    shown, details = html.split("<details", 1)
    for jargon in ("PPLC", "703448", "admin1", "UA ·"):
        assert jargon not in shown
    assert "capital of Ukraine · population 2.8 million" in shown
    assert 'href="https://www.geonames.org/703448"' in details and "feature code PPLC" in details
    assert "admin1 code 12" in details and "50.4547, 30.5238" in details


def test_population_words():
    assert [population_words(n) for n in (2_797_553, 1_000_000, 440_052, 12)] == \
        ["2.8 million", "1 million", "440,052", "12"]


def test_custom_and_curated_places_say_where_they_come_from():
    assert "your own place" in place_html(Place(-5, "Depot", 1.0, 1.0, "S", "BLDG", "US"))
    house = place_html(Place(990000101, "White House", 38.8977, -77.0365, "S", "BLDG", "US"), COUNTRIES)
    assert "building in United States" in house and "geomap&#x27;s curated places" in house
    assert "geonames.org" not in house


def test_approximate_notes_say_approximately():
    place = Place(4335045, "New Orleans", 29.95, -90.07, "P", "PPLA2", "US", "LA", 389_617)
    outside = Mention("Royal Street", 0, 12, 0, place=place, score=0.8, precision="containing")
    unsure = Mention("New Orleans", 20, 31, 0, place=place, score=0.31)
    html = approximate_html(place, [outside, unsure], below=0.5)
    assert "Royal Street is not in the gazetteer: shown approximately, at New Orleans" in html
    assert "Uncertain: New Orleans may be another place of that name (at most 31% likely" in html
    hostile = Mention(HOSTILE, 0, len(HOSTILE), 0, place=place, precision="containing")
    assert "<script>" not in approximate_html(place, [hostile], below=0.5)


def test_articles_html_marks_mentions_and_escapes_everything():
    text = f"They met near {HOSTILE} in Kyiv. Kyiv was calm."
    a, b = text.index("Kyiv"), text.rindex("Kyiv")
    cut = text.index(".") + 1
    doc = Document(text, id="x", sentences=[Sentence(0, cut), Sentence(cut + 1, len(text))],
                   mentions=[Mention("Kyiv", a, a + 4, 0, place=KYIV), Mention("Kyiv", b, b + 4, 1, place=KYIV)],
                   meta={"date": "2024-08-06", "url": "javascript:alert(1)"})
    html = articles_html([(doc, f"{HOSTILE} title", doc.mentions)])
    assert "script" not in Tags(html).names() and "<a href" not in html
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt; title" in html
    assert html.count("<mark>Kyiv</mark>") == 2 and '<span class="geomap-date">2024-08-06</span>' in html


def test_safe_url():
    assert safe_url(" https://a.example/x?y=1 ") == "https://a.example/x?y=1"
    for bad in ("javascript:alert(1)", "data:text/html,x", "//evil.example", "https://a.example/\nx", None, 3):
        assert safe_url(bad) is None
