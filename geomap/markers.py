"""What a map shows, before it is drawn: its articles, their layers, and one marker per place.

A place named in several articles is *one* marker. Each marker holds one entry per
layer that names it (a layer is an article, or every article sharing a ``group_by``
value), so switching a layer off changes what the marker counts, and hides it when
nothing is left.

Mentions placed only approximately, because the gazetteer lacks the name and the
text says what holds it (``precision == "containing"``: "Royal Street in New
Orleans"), or because the resolver is unsure (``score`` below a threshold), make a
marker of their own at that place: the map draws it differently, and the sentences
are not shown as if they named the place itself.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from .model import Document, Mention, Place

__all__ = ["Article", "Layer", "Entry", "Marker", "Content", "collect", "article_label", "first_words",
           "is_approximate", "unplaced"]

FIRST_WORDS = 8
FIRST_CHARS = 60


@dataclass(frozen=True, slots=True)
class Article:
    """A document on the map and what it is called there (its title, else its first words)."""

    doc: Document
    label: str


@dataclass(slots=True)
class Layer:
    """What a reader switches on and off: one article, or the articles sharing a ``group_by`` value."""

    label: str
    articles: list[Article]


@dataclass(slots=True)
class Entry:
    """One layer's articles naming a marker's place, with their mentions of it."""

    layer: int
    articles: list[tuple[Article, list[Mention]]] = field(default_factory=list)

    @property
    def mentions(self) -> int:
        return sum(len(ms) for _, ms in self.articles)


@dataclass(slots=True)
class Marker:
    """One place (exactly or approximately placed) and every layer's mentions of it."""

    place: Place
    approximate: bool
    entries: list[Entry] = field(default_factory=list)

    @property
    def mentions(self) -> int:
        return sum(e.mentions for e in self.entries)

    def all_mentions(self) -> list[Mention]:
        return [m for e in self.entries for _, ms in e.articles for m in ms]

    @property
    def name(self) -> str:
        """Its name in lists: the place's; for an approximate marker, the names placed there."""
        if not self.approximate:
            return self.place.name
        others = list(dict.fromkeys(m.text for m in self.all_mentions()
                                    if m.text.casefold() != self.place.name.casefold()))
        if not others:
            return f"{self.place.name} (uncertain)"
        return f"{', '.join(others[:3])}{', …' if len(others) > 3 else ''} (in {self.place.name})"


@dataclass(slots=True)
class Content:
    """Everything a map draws: layers in order, markers in order of first mention."""

    layers: list[Layer]
    markers: list[Marker]

    @property
    def articles(self) -> list[Article]:
        return [a for layer in self.layers for a in layer.articles]


def first_words(text: str, words: int = FIRST_WORDS, chars: int = FIRST_CHARS) -> str:
    """The text's first ``words`` words (at most about ``chars`` characters), with "…" when cut."""
    tokens = text.split()
    out: list[str] = []
    for token in tokens[:words]:
        if out and len(" ".join(out)) + 1 + len(token) > chars:
            break
        out.append(token)
    head = " ".join(out)[:chars]
    return head + ("…" if len(out) < len(tokens) or len(head) < len(" ".join(out)) else "")


def article_label(doc: Document, name: str | None = None) -> str:
    """``name``, else the article's title, else its first words (never a file name)."""
    for value in (name, doc.meta.get("title"), doc.meta.get("headline")):
        if value not in (None, "") and str(value).strip():
            return " ".join(str(value).split())
    return first_words(doc.text) or str(doc.id or "Untitled article")


def is_approximate(m: Mention, below: float) -> bool:
    """Whether the mention is placed only approximately: at the place that holds it, or with a
    probability of being right below ``below``."""
    return m.precision != "exact" or m.score < below


def _unique(labels: list[str]) -> list[str]:
    """Disambiguate repeated labels ("X", "X (2)"): layers must be told apart."""
    seen: Counter[str] = Counter()
    out = []
    for label in labels:
        seen[label] += 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def _group_value(doc: Document, field_name: str) -> str:
    value = doc.meta.get(field_name)
    if value in (None, ""):
        return f"(no {field_name})"
    text = str(value)
    if field_name in ("date", "published") and re.match(r"\d{4}-\d{2}-\d{2}[T ]", text):
        return text[:10]  # a layer per day, not per timestamp
    return text


def collect(
    documents: Iterable[tuple[Document, str | None]],
    *,
    group_by: str | None = None,
    demonyms: bool = False,
    approximate_below: float = 0.0,
) -> Content:
    """The layers and markers of ``documents`` (each with an optional display name).

    One layer per article, or per value of ``doc.meta[group_by]`` (sorted, "(no …)" last);
    one marker per place, and one more per place for its approximate mentions
    (:func:`is_approximate` with ``approximate_below``).
    """
    docs = list(documents)
    articles = [Article(doc, label) for (doc, _), label in
                zip(docs, _unique([article_label(doc, name) for doc, name in docs]))]
    if group_by:
        buckets: dict[str, list[Article]] = {}
        for a in articles:
            buckets.setdefault(_group_value(a.doc, group_by), []).append(a)
        layers = [Layer(k, v) for k, v in sorted(buckets.items(), key=lambda kv: (kv[0].startswith("(no "), kv[0]))]
    else:
        layers = [Layer(a.label, [a]) for a in articles]

    markers: dict[tuple[int, bool], Marker] = {}
    for i, layer in enumerate(layers):
        for article in layer.articles:
            for group in article.doc.places(demonyms=demonyms):
                split: dict[bool, list[Mention]] = {}
                for m in group.mentions:
                    split.setdefault(is_approximate(m, approximate_below), []).append(m)
                for approximate in (False, True):
                    if approximate not in split:
                        continue
                    marker = markers.setdefault((group.place.geonameid, approximate),
                                                Marker(group.place, approximate))
                    if not marker.entries or marker.entries[-1].layer != i:
                        marker.entries.append(Entry(i))
                    marker.entries[-1].articles.append((article, split[approximate]))
    return Content(layers, list(markers.values()))


def unplaced(content: Content) -> list[tuple[Article, Counter[str]]]:
    """Per article, the names it could not place (demonyms aside), with counts."""
    out = []
    for a in content.articles:
        names = Counter(m.text for m in a.doc.unresolved() if m.kind != "demonym")
        if names:
            out.append((a, names))
    return out
