"""The article of an HTML page (trafilatura), its offsets back to the page, and pages without one."""

from __future__ import annotations

from pathlib import Path

from geomap.ingest import read_inputs, to_original
from geomap.ingest.article import NO_ARTICLE, article_text

#: A news page written for these tests: navigation, a sidebar and a footer name Paris, Tokyo,
#: Lima, Manila, Berlin, Nairobi and Sydney; the article names Kursk, Brussels, Donetsk and Tsukuryne.
PAGE = Path(__file__).resolve().parents[1] / "data" / "news-page.html"
FURNITURE = ("Paris", "Tokyo", "Lima", "Manila", "Berlin", "Nairobi", "Sydney")
ARTICLE = ("Kursk", "Brussels", "Donetsk", "Tsukuryne")


def test_only_the_article_is_kept_and_its_offsets_still_map_to_the_page():
    page = PAGE.read_text(encoding="utf-8")
    found = article_text(page)
    text, runs = found.page.text, found.page.runs
    assert found.found and found.date == "2026-03-14"
    assert found.page.title == "Front line shifts near Kursk | The Daily Ledger"
    assert all(name in text for name in ARTICLE) and not any(name in text for name in FURNITURE)
    assert "By a staff reporter" not in text  # the byline is not the article's text
    for i, ch in enumerate(text):  # every character maps back to itself in the page (the '&' of &amp; too)
        if ch != "\n":
            assert page[to_original(runs, i)] == ch, (i, text[max(0, i - 10):i + 10])


def test_extract_on_the_page_gives_only_the_articles_places(geoparser):
    recs = [r for r in read_inputs([str(PAGE)]) if not hasattr(r, "reason")]
    doc = geoparser.parse(recs[0].doc)
    assert doc.meta["title"].startswith("Front line") and doc.meta["date"] == "2026-03-14"
    names = {m.place.name for m in doc.mentions if m.place is not None}
    assert {"Kursk", "Brussels", "Donetsk", "Tsukuryne"} <= names and not names & set(FURNITURE)
    for m in doc.mentions:
        assert doc.text[m.start:m.end] == m.text


def test_a_page_without_an_article_is_all_its_text_with_one_warning(tmp_path):
    page = ("<!DOCTYPE html><html><body><nav><ul><li><a href='/a'>Lima</a></li><li><a href='/b'>Tokyo</a></li>"
            "</ul></nav><footer>Offices in Nairobi and Sydney.</footer></body></html>")
    assert not article_text(page).found
    (tmp_path / "links.html").write_text(page, encoding="utf-8")
    items = list(read_inputs([str(tmp_path / "links.html")]))
    warnings = [i for i in items if getattr(i, "level", None) == "warning"]
    (rec,) = [i for i in items if hasattr(i, "doc")]
    assert len(warnings) == 1 and warnings[0].reason.startswith(NO_ARTICLE)
    assert rec.doc.text == "Lima\n\nTokyo\n\nOffices in Nairobi and Sydney."


def test_a_failing_extractor_leaves_all_the_text_not_an_error(monkeypatch):
    import trafilatura

    def broken(*a, **k):
        raise RuntimeError("boom")

    monkeypatch.setattr(trafilatura, "bare_extraction", broken)
    found = article_text(PAGE.read_text(encoding="utf-8"))
    assert not found.found and "Paris bureau" in found.page.text and "Kursk" in found.page.text
