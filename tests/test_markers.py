"""geomap.markers: one marker per place across articles, layers, approximate placements, labels."""

from __future__ import annotations

from geomap.markers import article_label, collect, first_words, is_approximate, unplaced
from geomap.model import Document, Mention, Place

try:
    from tests.test_render import KURSK, KYIV, WASHINGTON, article, kursk_doc, make_doc, washington_articles
except ImportError:
    from test_render import KURSK, KYIV, WASHINGTON, article, kursk_doc, make_doc, washington_articles

NEW_ORLEANS = Place(4335045, "New Orleans", 29.95465, -90.07507, "P", "PPLA2", "US", "LA", 389_617)


def test_a_place_named_in_three_articles_is_one_marker_with_three_entries():
    content = collect([(d, None) for d in washington_articles()])
    assert [layer.label for layer in content.layers] == [
        "Budget talks", "Rain fell on Washington all week. Traffic slowed.", "Envoy visit"]
    assert len(content.markers) == 1
    marker = content.markers[0]
    assert marker.place == WASHINGTON and not marker.approximate
    assert [(e.layer, e.mentions) for e in marker.entries] == [(0, 1), (1, 1), (2, 2)]
    assert marker.mentions == 4


def test_group_by_puts_articles_of_one_value_in_one_entry():
    docs = [article("a", date="2024-08-06T10:00:00Z"), article("b", date="2024-08-06"), article("c")]
    content = collect([(d, None) for d in docs], group_by="date")
    assert [layer.label for layer in content.layers] == ["2024-08-06", "(no date)"]
    kursk = next(mk for mk in content.markers if mk.place == KURSK)
    assert [(e.layer, len(e.articles), e.mentions) for e in kursk.entries] == [(0, 2, 2), (1, 1, 1)]


def test_approximate_mentions_make_a_marker_of_their_own():
    text = "Police closed Royal Street in New Orleans. New Orleans was calm."
    royal = text.index("Royal Street")
    first, second = text.index("New Orleans"), text.rindex("New Orleans")
    doc = Document(text, id="n", mentions=[
        Mention("Royal Street", royal, royal + 12, 0, place=NEW_ORLEANS, score=0.8, precision="containing"),
        Mention("New Orleans", first, first + 11, 0, place=NEW_ORLEANS, score=0.9),
        Mention("New Orleans", second, second + 11, 1, place=NEW_ORLEANS, score=0.95),
    ])
    content = collect([(doc, None)], approximate_below=0.5)
    exact, approx = content.markers
    assert (exact.approximate, exact.mentions, exact.name) == (False, 2, "New Orleans")
    assert (approx.approximate, approx.mentions, approx.name) == (True, 1, "Royal Street (in New Orleans)")
    # a low score is approximate too
    unsure = collect([(doc, None)], approximate_below=0.92).markers
    assert [(mk.approximate, mk.mentions) for mk in unsure] == [(False, 1), (True, 2)]


def test_an_uncertain_place_is_named_as_such():
    doc = make_doc(["Troops left Kyiv."], [("Kyiv", KYIV)])
    doc.mentions[0].score = 0.3
    (marker,) = collect([(doc, None)], approximate_below=0.5).markers
    assert marker.approximate and marker.name == "Kyiv (uncertain)"
    assert not collect([(doc, None)], approximate_below=0.0).markers[0].approximate


def test_is_approximate():
    m = Mention("X", 0, 1, 0, place=KYIV, score=0.4)
    assert is_approximate(m, 0.5) and not is_approximate(m, 0.4)
    m.precision = "containing"
    assert is_approximate(m, 0.0)


def test_labels_are_titles_or_first_words_never_file_names():
    doc = Document("Defence ministers met in Brussels on Thursday to discuss the front.", id="article.txt",
                   meta={"source": "article.txt"})
    assert article_label(doc) == "Defence ministers met in Brussels on Thursday to…"
    assert article_label(doc, "Given") == "Given"
    doc.meta["title"] = "  Ministers\nmeet "
    assert article_label(doc) == "Ministers meet"
    assert first_words("Short text.") == "Short text."
    assert first_words("x" * 100).endswith("…") and len(first_words("x" * 100)) <= 61
    assert article_label(Document("   ", id="d1")) == "d1"


def test_repeated_labels_are_told_apart():
    content = collect([(kursk_doc(title="Same"), None), (kursk_doc(title="Same"), None)])
    assert [layer.label for layer in content.layers] == ["Same", "Same (2)"]


def test_demonyms_only_when_asked():
    assert {mk.place.name for mk in collect([(kursk_doc(), None)]).markers} == {"Kursk", "Sudzha"}
    assert "Ukraine" in {mk.place.name for mk in collect([(kursk_doc(), None)], demonyms=True).markers}


def test_unplaced_names_per_article():
    content = collect([(kursk_doc(title="K"), None), (article("b"), None)])
    rows = unplaced(content)
    assert [(a.label, dict(names)) for a, names in rows] == [("K", {"Atlantis": 1})]
