"""The HTML inside a map's popups: plain words, every piece of article text escaped.

A popup opens with the place: its name, what it is in plain words ("capital of
Ukraine · population 2.9 million") and, behind a *Details* toggle, its ids and
codes. Then, per article that names it, the article's title (or first words),
date and link, and each sentence naming the place with the name marked.

Article text is untrusted: everything here is escaped with :func:`escape`, and
links keep only ``http(s)`` URLs (:func:`safe_url`). Each function returns safe
HTML.
"""

from __future__ import annotations

import html
import re
from typing import Any, Iterable, Sequence

from .model import Document, Mention, Place

__all__ = [
    "escape", "safe_url", "link", "plural", "describe", "population_words", "place_html", "approximate_html",
    "article_html", "sentences_html", "articles_html", "CURATED_IDS",
]

#: Ids from here up are geomap's curated regions and landmarks (data/gazetteer/regions.tsv), not GeoNames'.
CURATED_IDS = 990_000_000
CONTEXT_CHARS = 120  # snippet half-width when a mention has no usable sentence
MAX_SENTENCES = 25  # per article in one popup; the rest are counted

#: What a GeoNames feature code is, in plain words: (noun, preposition before the country).
FEATURE_WORDS: dict[str, tuple[str, str]] = {
    "PCLI": ("country", ""), "PCL": ("country", ""), "PCLS": ("country", ""), "PCLF": ("country", ""),
    "PCLIX": ("part of a country", "of"), "PCLD": ("territory", "of"), "TERR": ("territory", "of"),
    "CONT": ("continent", ""),
    "ADM1": ("state or province", "of"), "ADM1H": ("former state or province", "of"),
    "ADM2": ("county or district", "of"), "ADM3": ("local district", "of"), "ADM4": ("local district", "of"),
    "ADM5": ("local district", "of"), "ADMD": ("administrative area", "in"),
    "PPLC": ("capital", "of"), "PPLG": ("seat of government", "of"), "PPLA": ("regional capital", "in"),
    "PPLX": ("neighbourhood", "in"), "PPLL": ("village", "in"), "PPLH": ("former town", "in"),
    "PPLQ": ("abandoned town", "in"), "PPLR": ("religious settlement", "in"),
    "RGN": ("region", "in"), "RGNE": ("economic region", "in"), "AREA": ("area", "in"),
    "AIRP": ("airport", "in"), "AIRB": ("air base", "in"), "PRT": ("port", "in"), "BLDG": ("building", "in"),
    "SQR": ("square", "in"), "ST": ("street", "in"), "PRK": ("park", "in"), "RSRT": ("resort", "in"),
    "MUS": ("museum", "in"), "UNIV": ("university", "in"), "STDM": ("stadium", "in"), "BDG": ("bridge", "in"),
    "SEA": ("sea", ""), "OCN": ("ocean", ""), "GULF": ("gulf", ""), "BAY": ("bay", ""), "STRT": ("strait", ""),
    "LK": ("lake", "in"), "LKS": ("lakes", "in"), "STM": ("river", "in"), "RSV": ("reservoir", "in"),
    "CHN": ("channel", ""), "MT": ("mountain", "in"), "MTS": ("mountains", "in"), "PK": ("peak", "in"),
    "ISL": ("island", "of"), "ISLS": ("islands", "of"), "PEN": ("peninsula", "in"), "DSRT": ("desert", "in"),
    "VAL": ("valley", "in"), "PLN": ("plain", "in"), "CAPE": ("cape", "in"),
}
#: Feature classes, for codes not listed above.
CLASS_WORDS: dict[str, tuple[str, str]] = {
    "A": ("administrative area", "in"), "H": ("body of water", "in"), "L": ("area", "in"),
    "R": ("road or railway", "in"), "S": ("site", "in"), "T": ("natural feature", "in"),
    "U": ("undersea feature", ""), "V": ("forest or field", "in"),
}


def escape(value: object) -> str:
    """Escape untrusted text for HTML (element content and quoted attributes)."""
    return html.escape(str(value), quote=True)


_URL = re.compile(r"https?://[^/?#\s]+", re.IGNORECASE)


def safe_url(url: object) -> str | None:
    """``url`` if it is an absolute http(s) URL, else None (``javascript:``,
    ``data:``, relative, or with whitespace/control characters that browsers
    would strip to reveal another scheme)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not url or any(ord(c) < 0x21 or 0x7F <= ord(c) <= 0x9F for c in url):
        return None
    return url if _URL.match(url) else None


def link(label_html: str, url: object) -> str:
    """``label_html`` linked to ``url`` (in a new tab) when it is a safe URL, else as it is."""
    href = safe_url(url)
    if href is None:
        return label_html
    return f'<a href="{escape(href)}" target="_blank" rel="noopener noreferrer">{label_html}</a>'


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


# --- the place -------------------------------------------------------------------


def population_words(n: int) -> str:
    """``2,797,553`` -> ``"2.8 million"``; below a million the number itself."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f}".removesuffix(".0") + " million"
    return f"{n:,}"


def _kind(p: Place) -> tuple[str, str]:
    if p.feature_code in FEATURE_WORDS:
        return FEATURE_WORDS[p.feature_code]
    if p.feature_class == "P":
        noun = "city" if p.population >= 100_000 else "town" if p.population >= 1_000 else \
            "village" if p.population > 0 else "place"
        return noun, "in"
    return CLASS_WORDS.get(p.feature_class, ("place", "in"))


def describe(p: Place, countries: dict[str, str] | None = None) -> str:
    """What the place is, in plain words: ``"capital of Ukraine · population 2.9 million"``.

    ``countries`` maps ISO codes to names (the country is left out when it is unknown).
    """
    noun, prep = _kind(p)
    country = (countries or {}).get(p.country_code or "")
    words = f"{noun} {prep} {country}" if prep and country and not p.is_country else noun
    parts = [words]
    if p.population:
        parts.append(f"population {population_words(p.population)}")
    return " · ".join(parts)


def _source(p: Place) -> tuple[str, str | None]:
    """Where the place comes from, and its page."""
    if p.geonameid < 0:
        return "your own place (custom gazetteer)", None
    if p.geonameid >= CURATED_IDS:
        return "geomap's curated places", None
    return f"GeoNames {p.geonameid}", f"https://www.geonames.org/{int(p.geonameid)}"


def place_html(p: Place, countries: dict[str, str] | None = None) -> str:
    """The place's name and description; its ids and codes behind a *Details* toggle."""
    source, page = _source(p)
    codes = [link(escape(source), page)]
    if p.feature_code:
        codes.append(f"feature code {escape(p.feature_code)}")
    if p.country_code:
        codes.append(f"country code {escape(p.country_code)}")
    if p.admin1:
        codes.append(f"admin1 code {escape(p.admin1)}")
    codes.append(f"{p.lat:.4f}, {p.lon:.4f}")
    return (
        f'<div class="geomap-name">{escape(p.name)}</div>'
        f'<div class="geomap-meta">{escape(describe(p, countries))}</div>'
        f'<details class="geomap-details"><summary>Details</summary>{" · ".join(codes)}</details>'
    )


def approximate_html(p: Place, mentions: Sequence[Mention], *, below: float) -> str:
    """Why the marker is drawn as approximate: names the gazetteer lacks, placed at the place
    the text puts them in, or places the resolver is unsure of."""
    notes = []
    outside = _unique(m.text for m in mentions if m.precision != "exact")
    if outside:
        verb = "is" if len(outside) == 1 else "are"
        notes.append(f"{escape(_and(outside))} {verb} not in the gazetteer: shown approximately, "
                     f"at {escape(p.name)}, where the text puts {'it' if len(outside) == 1 else 'them'}.")
    unsure = [m for m in mentions if m.precision == "exact" and m.score < below]
    if unsure:
        sure = max(m.score for m in unsure)
        notes.append(f"Uncertain: {escape(_and(_unique(m.text for m in unsure)))} may be another place of that "
                     f"name (at most {sure:.0%} likely to be this one); shown approximately.")
    return "".join(f'<div class="geomap-approx">{n}</div>' for n in notes)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# --- the articles ------------------------------------------------------------------


def _highlight(text: str, offset: int, spans: Iterable[tuple[int, int]]) -> str:
    """Escape ``text`` and wrap each (document-offset) span in ``<mark>``."""
    out, pos = [], 0
    for start, end in sorted(spans):
        start, end = start - offset, end - offset
        if start < pos or end <= start:  # overlapping or empty: leave unmarked
            continue
        out += [escape(text[pos:start]), "<mark>", escape(text[start:end]), "</mark>"]
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


def _context_span(doc: Document, m: Mention) -> tuple[int, int]:
    """The sentence holding ``m``, or a snippet around it if that is unusable."""
    if 0 <= m.sentence < len(doc.sentences):
        s = doc.sentences[m.sentence]
        if s.start <= m.start and m.end <= s.end:
            return s.start, s.end
    return max(0, m.start - CONTEXT_CHARS), min(len(doc.text), m.end + CONTEXT_CHARS)


def sentences_html(doc: Document, mentions: Sequence[Mention]) -> str:
    """Each sentence naming the place once, in text order, with its mentions marked."""
    spans: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for m in mentions:
        spans.setdefault(_context_span(doc, m), []).append((m.start, m.end))
    items = []
    ordered = sorted(spans.items())
    for (a, b), marks in ordered[:MAX_SENTENCES]:
        text = doc.text[a:b]
        lead = len(text) - len(text.lstrip())
        items.append(f"<li>{_highlight(text.strip(), a + lead, marks)}</li>")
    more = len(ordered) - MAX_SENTENCES
    tail = f'<div class="geomap-more">… {plural(more, "more sentence")}</div>' if more > 0 else ""
    return f"<ol>{''.join(items)}</ol>{tail}"


def _date(meta: dict[str, Any]) -> str | None:
    value = meta.get("date") or meta.get("published")
    return str(value) if value not in (None, "") else None


def article_html(doc: Document, label: str) -> str:
    """The article's title or first words (linked when its ``url`` is http(s)) and date."""
    date = _date(doc.meta)
    date_html = f'<span class="geomap-date">{escape(date)}</span>' if date else ""
    url = doc.meta.get("url") or doc.meta.get("link")
    return f'<div class="geomap-article">{link(escape(label), url)}{date_html}</div>'


def articles_html(articles: Sequence[tuple[Document, str, Sequence[Mention]]]) -> str:
    """Per article: its heading, then the sentences naming the place."""
    return "".join(article_html(doc, label) + sentences_html(doc, mentions) for doc, label, mentions in articles)
