"""Article-level geographic filtering: which documents have places in a region, and why.

:func:`filter` keeps the documents that mention places in a :class:`~geomap.regions.Region`
(by the membership rule documented in :mod:`geomap.regions`); :func:`explain` says why one
document is kept or dropped; :func:`within` says only whether.

Examples
--------
>>> import geomap
>>> docs = geomap.parse_many(["Shelling hit Donetsk.", "Rain in Lisbon."])       # doctest: +SKIP
>>> [d.id for d, why in geomap.filter(docs, "country:UA")]                        # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping, NamedTuple

from ..ingest import as_document
from ..model import Document, Mention, Place
from .focus import Focus, focus

__all__ = ["filter", "explain", "within", "Judge", "Match", "Explanation", "Kept", "as_region", "extracted_document"]


@dataclass(frozen=True, slots=True)
class Match:
    """A mention (or a focus place) that lies in the region, and the part of the region holding it."""

    text: str
    start: int | None
    end: int | None
    place: str
    geonameid: int
    feature_code: str
    where: str

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end, "place": self.place,
                "geonameid": self.geonameid, "feature_code": self.feature_code, "where": self.where}


@dataclass(slots=True)
class Explanation:
    """Why a document was kept or dropped."""

    kept: bool
    region: str
    reason: str
    matches: list[Match] = field(default_factory=list)
    focus: Focus | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"kept": self.kept, "region": self.region, "reason": self.reason,
                             "matches": [m.to_dict() for m in self.matches]}
        if self.focus is not None:
            d["focus"] = self.focus.to_dict()
        return d


class Kept(NamedTuple):
    """A kept document and why: ``for doc, why in filter(docs, region)``."""

    doc: Document
    why: Explanation


def as_region(region: Any) -> Any:
    from ..regions import Region

    if isinstance(region, Region):
        return region
    if isinstance(region, str):
        return Region.parse(region)
    if isinstance(region, Iterable):
        regions = [as_region(r) for r in region]
        if not regions:
            raise ValueError("no region given")
        return Region.union(*regions)
    raise TypeError(f"cannot make a region of {type(region).__name__}")


class Judge:
    """One filter configuration (see :func:`filter`), applied to many documents; caches live in it
    and in the region. Calling it on a Document gives the :class:`Explanation`."""

    def __init__(self, region: Any, *, area: str = "majority", demonyms: bool = False, min_mentions: int = 1,
                 focus: bool = False, exclude: bool = False, store: Any = None, min_score: float = 0.0) -> None:
        from ..regions import AREA_RULES

        if area not in AREA_RULES:
            raise ValueError(f"area must be one of {AREA_RULES}, not {area!r}")
        self.region = as_region(region)
        self.area, self.demonyms, self.min_mentions = area, demonyms, max(int(min_mentions), 1)
        self.focus, self.exclude, self.store = focus, exclude, store
        self.min_score = float(min_score)
        self._where: dict[int, str | None] = {}  # geonameid -> part label (the hot-path cache)
        self._places: dict[int, Place] = {}  # geonameid -> the place located
        self._skip_kinds = frozenset({"embedded"} if demonyms else {"embedded", "demonym"})
        self._miss: Explanation | None = None

    def where(self, place: Place) -> str | None:
        gid = place.geonameid
        try:
            return self._where[gid]
        except KeyError:
            self._places[gid] = place
            w = self._where[gid] = self.region.locate(place, area=self.area)
            return w

    def scan(self, mentions: Iterable[Any]) -> list[tuple[Any, str]] | None:
        """The mentions whose place is in the region, each with its part label, in one pass
        over the judge's cache; ``None`` when a place has not been located yet. (The hot path.)"""
        get, skip = self._where.get, self._skip_kinds
        hits: list[tuple[Any, str]] = []
        low = self.min_score
        for m in mentions:
            p = m.place
            if p is None or m.kind in skip or m.score < low:
                continue
            where = get(p.geonameid, _UNSEEN)
            if where is None:
                continue
            if where is _UNSEEN:
                return None
            hits.append((m, where))
        return hits

    def __call__(self, doc: Document) -> Explanation:
        if self.focus:
            return self._judge_focus(doc)
        return self.judge_mentions(doc.mentions)

    def _judge_focus(self, doc: Document) -> Explanation:
        name = self.region.name
        f = focus(doc, store=self.store, demonyms=True)
        matches = []
        for item in f.items():
            where = self.where(item.place)
            if where is not None:
                p = item.place
                matches.append(Match(p.name, None, None, p.name, p.geonameid, p.feature_code, where))
        hit = bool(matches)
        reason = (f"focus {', '.join(m.place for m in matches)} in {name}" if hit else f"no focus place in {name}")
        return self._verdict(hit, reason, matches, f)

    def judge_mentions(self, mentions: Iterable[Mention]) -> Explanation:
        """Judge a document's mentions."""
        cache, skip = self._where, self._skip_kinds
        hits = []
        for m in mentions:
            p = m.place
            if p is None or m.kind in skip or m.score < self.min_score:
                continue
            where = cache.get(p.geonameid, _UNSEEN)
            if where is _UNSEEN:
                where = self.where(p)
            if where is not None:
                hits.append((m, where))
        return self.judge_hits(hits)

    def judge_hits(self, hits: list[tuple[Any, str]]) -> Explanation:
        """The verdict on a document whose mentions in the region are ``hits`` (see :meth:`scan`)."""
        if not hits and self._miss is not None:
            return self._miss  # (one shared verdict for the many documents with no match)
        matches = []
        for m, where in hits:
            p = self._places[m.place.geonameid]
            matches.append(Match(m.text, m.start, m.end, p.name, p.geonameid, p.feature_code, where))
        hit = len(matches) >= self.min_mentions
        name = self.region.name
        if hit:
            reason = f"{len(matches)} mention(s) in {name}"
        elif matches:
            reason = f"{len(matches)} mention(s) in {name}, fewer than {self.min_mentions}"
        else:
            reason = f"no mention in {name}"
        why = self._verdict(hit, reason, matches, None)
        if not hits:
            self._miss = why
        return why

    def _verdict(self, hit: bool, reason: str, matches: list[Match], f: Focus | None) -> Explanation:
        kept = hit != self.exclude
        if self.exclude:
            reason = ("excluded: " if not kept else "kept (--exclude): ") + reason
        return Explanation(kept, self.region.name, reason, matches, f)


_UNSEEN = object()


def explain(doc: Document, region: Any, *, area: str = "majority", demonyms: bool = False,
            min_mentions: int = 1, focus: bool = False, exclude: bool = False, min_score: float = 0.0) -> Explanation:
    """Whether one parsed document passes the filter, with the mentions and places behind it.

    Parameters are those of :func:`filter`.

    Examples
    --------
    >>> why = explain(doc, "country:UA")                         # doctest: +SKIP
    >>> why.kept, [(m.text, m.where) for m in why.matches][:1]   # doctest: +SKIP
    (True, [('Ukraine', 'country:UA (Ukraine)')])
    """
    return Judge(region, area=area, demonyms=demonyms, min_mentions=min_mentions, focus=focus,
                  exclude=exclude, min_score=min_score)(doc)


def filter(docs: Iterable[Any], region: Any, *, area: str = "majority", demonyms: bool = False,  # noqa: A001
           min_mentions: int = 1, focus: bool = False, exclude: bool = False,
           geoparser: Any = None, min_score: float = 0.0) -> Iterator[Kept]:
    """Keep the documents with places in ``region``; yield each with its explanation.

    Parameters
    ----------
    docs : iterable of Document, mapping or str
        Parsed documents, ``geomap extract`` records (with ``mentions``; not parsed again),
        ``{"text": …}`` mappings or plain texts (parsed with ``geoparser``).
    region : Region, str or iterable of them
        A :class:`~geomap.regions.Region`, a spec for :meth:`Region.parse`, or several (their union).
    area : {"majority", "intersects", "within"}
        How country and admin-1 mentions are judged (see :mod:`geomap.regions`).
    demonyms : bool
        Let demonyms ("Ukrainian") count as mentions of their country.
    min_mentions : int
        Keep a document only with at least this many mentions in the region.
    focus : bool
        Judge the document's :func:`focus` places instead of every mention.
    exclude : bool
        Invert: keep the documents that do not match.
    min_score : float
        Count only mentions whose ``score`` (the probability that the place is right) is at least this.
    geoparser : Geoparser, optional
        For raw texts (default: a new :class:`~geomap.pipeline.Geoparser`).

    Yields
    ------
    Kept
        ``(doc, why)`` named tuples, in input order.

    Examples
    --------
    >>> import geomap
    >>> docs = geomap.parse_many(["Shelling hit Donetsk.", "Rain in Lisbon."])  # doctest: +SKIP
    >>> [d.text for d, why in geomap.filter(docs, "country:UA")]                 # doctest: +SKIP
    ['Shelling hit Donetsk.']
    """
    judge = Judge(region, area=area, demonyms=demonyms, min_mentions=min_mentions, focus=focus, exclude=exclude,
                   min_score=min_score)
    for doc in _documents(docs, geoparser):
        why = judge(doc)
        if why.kept:
            yield Kept(doc, why)


def _documents(items: Iterable[Any], geoparser: Any) -> Iterator[Document]:
    """Documents in order: parsed ones as they are, raw ones parsed in batches."""
    cache: dict[int, Place] = {}
    batch: list[Document] = []
    ready: list[Document | None] = []

    def flush() -> Iterator[Document]:
        nonlocal geoparser
        if batch:
            if geoparser is None:
                from ..pipeline import Geoparser

                geoparser = Geoparser()
            parsed = iter(geoparser.parse_many(batch))
            for d in ready:
                yield d if d is not None else next(parsed)
        else:
            yield from (d for d in ready if d is not None)
        batch.clear()
        ready.clear()

    for it in items:
        if isinstance(it, Document) and (it.mentions or it.sentences):
            ready.append(it)
        elif isinstance(it, Mapping) and isinstance(it.get("mentions"), list):
            ready.append(extracted_document(it, cache))
        else:
            batch.append(as_document(it))
            ready.append(None)
        if len(ready) >= 256:
            yield from flush()
    yield from flush()


def extracted_document(d: Mapping[str, Any], cache: dict[int, Place]) -> Document:
    """A Document from a ``geomap extract`` record, sharing Place objects across records.

    Only what filtering needs is read (mentions, text, id).
    """
    text = d.get("text")
    if not isinstance(text, str):
        raise ValueError("record has no 'text' string")
    mentions = []
    append = mentions.append
    get = cache.get
    for m in d["mentions"]:
        pd = m.get("place")
        place = None
        if pd:
            gid = pd["geonameid"]
            place = get(gid)
            if place is None:
                place = cache[gid] = Place.from_dict(pd)
        score = m.get("score")
        append(Mention(m["text"], int(m["start"]), int(m["end"]), int(m.get("sentence") or 0),
                       m.get("kind") or "toponym", place, 1.0 if score is None else float(score)))
    rid = d.get("id")
    return Document(text=text, id=None if rid is None else str(rid), mentions=mentions)


def within(doc: Document, region: Any, **kw: Any) -> bool:
    """Whether ``doc`` passes :func:`filter` for ``region`` (a Region or a spec like ``"country:UA"``).

    Keywords are those of :func:`filter` (``area``, ``demonyms``, ``min_mentions``, ``focus``…).

    >>> geomap.within(geomap.parse("Shelling hit Donetsk."), "country:UA")   # doctest: +SKIP
    True
    """
    return explain(doc, region, **kw).kept
