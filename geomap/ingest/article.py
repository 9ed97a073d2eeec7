"""The article of an HTML page, without its navigation, sidebars and footer (trafilatura).

trafilatura finds the article's paragraphs (text only); they are then found again in the page's
visible text (:func:`~geomap.ingest.html.html_to_text`), which keeps the map back to the page's
offsets, and only those stretches are kept. So the offsets of the returned text still map to
the page (``runs``), and a mention found in it is a substring of it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from .html import HTMLText, html_to_text, to_original

__all__ = ["Article", "article_text", "NO_ARTICLE"]

#: The warning for a page whose article was not found (its whole visible text is the document).
NO_ARTICLE = "HTML page: no article found in it; the document is all its visible text"


@dataclass(slots=True)
class Article:
    """The article's text (an :class:`HTMLText`, runs mapping to the page), its date, and
    whether the article was found (else the text is all the page's visible text)."""

    page: HTMLText
    date: str | None = None
    found: bool = True


def _extract(source: str, *, precise: bool) -> tuple[list[str], str | None, str | None] | None:
    """trafilatura's article paragraphs (whitespace collapsed), title and date, or None."""
    import trafilatura

    found = trafilatura.bare_extraction(source, with_metadata=True, include_comments=False, include_tables=True,
                                        favor_precision=precise, fast=True, as_dict=False,
                                        date_extraction_params={"extensive_search": False, "original_date": True})
    if found is None or not (found.text or "").strip():
        return None
    paragraphs = [" ".join(p.split()) for p in found.text.split("\n")]
    return [p for p in paragraphs if p], found.title or None, found.date or None


def _paragraphs(source: str) -> tuple[list[str], str | None, str | None] | None:
    """The article's paragraphs, title and date, or None when the page has no article.

    Whether there is one is asked with precision (without fallback extractors, a page of links
    gives nothing); its paragraphs are then taken without it, which keeps short pages' headings."""
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # a page without an article is said once, by us
    logging.getLogger("htmldate").setLevel(logging.CRITICAL)
    if _extract(source, precise=True) is None:
        return None
    return _extract(source, precise=False)


def _locate(text: str, paragraphs: list[str]) -> list[tuple[int, int]]:
    """Where the paragraphs are in ``text``, in order: each at a line start after the previous
    one when it can be (else anywhere after it); adjacent ones joined into one stretch."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for p in paragraphs:
        at = text.find(p, cursor)
        while at > 0 and text[at - 1] != "\n":
            nxt = text.find(p, at + 1)
            if nxt < 0:
                break
            at = nxt
        if at < 0:
            continue  # trafilatura wrote it otherwise (a list marker, a table): left out
        end = at + len(p)
        if spans and not text[spans[-1][1]:at].strip():
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((at, end))
        cursor = end
    return spans


def _keep(full: HTMLText, spans: list[tuple[int, int]]) -> HTMLText:
    """Only the stretches ``spans`` of ``full``, joined by blank lines, with runs to the page."""
    parts: list[str] = []
    runs: list[list[int]] = []
    length = 0
    for start, end in spans:
        if parts:
            parts.append("\n\n")
            length += 2
        runs.append([length, to_original(full.runs, start)])
        runs.extend([length + t - start, o] for t, o in full.runs if start < t < end)
        parts.append(full.text[start:end])
        length += end - start
    return HTMLText("".join(parts), runs, full.title)


def article_text(source: str) -> Article:
    """The article of the HTML page ``source`` with its title and date; when no article is found
    (``found`` False), all the page's visible text."""
    full = html_to_text(source)
    try:
        found = _paragraphs(source)
    except Exception:  # noqa: BLE001 - trafilatura failing on a page leaves its whole text, not an error
        found = None
    spans = _locate(full.text, found[0]) if found else []
    if not spans:
        return Article(full, None, False)
    _, title, date = found  # type: ignore[misc]
    page = _keep(full, spans)
    page.title = full.title or title
    return Article(page, date, True)
