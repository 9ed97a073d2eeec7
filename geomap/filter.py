"""Article-level geographic filtering, and each article's geographic focus.

:func:`filter` keeps the documents that mention places in a :class:`~geomap.regions.Region`
(by the membership rule documented in :mod:`geomap.regions`), and says why;
:func:`focus` gives the countries, admin-1 areas and cities a document is mainly about,
CLIFF-style; ``geomap filter`` (:func:`add_parser`) runs both over JSONL, CSV, Parquet or
folders of text files and writes the kept records unchanged.

Focus scores
------------
Every resolved mention adds a weight to its place: 1 for a toponym or a region phrase,
:data:`DEMONYM_WEIGHT` for a demonym ("North Korean"), times a position factor from 1.5 (the
first character) down to 1.0 (the last), plus :data:`DATELINE_BONUS` once for a place named
in the dateline (``BRUSSELS —``). A city's weight also counts for its admin-1 area and its
country, and an admin-1 area's for its country. In each level (countries, admin-1 areas,
cities) the focus is the places scoring at least :data:`FOCUS_SHARE` of the best one (at most
:data:`FOCUS_MAX`).

Examples
--------
>>> import geomap
>>> from geomap.filter import filter, focus
>>> docs = geomap.parse_many(["Shelling hit Donetsk.", "Rain in Lisbon."])       # doctest: +SKIP
>>> [d.id for d, why in filter(docs, "country:UA")]                               # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, NamedTuple

from .io import InputError, atomic_writer, decode_bytes, write_jsonl
from .model import Document, Mention, Place

__all__ = [
    "filter",
    "explain",
    "focus",
    "Focus",
    "FocusItem",
    "Explanation",
    "Match",
    "Kept",
    "add_parser",
    "DEMONYM_WEIGHT",
    "DATELINE_BONUS",
    "FOCUS_SHARE",
    "FOCUS_MAX",
]

#: Weight of a demonym mention in the focus (a toponym weighs 1).
DEMONYM_WEIGHT = 0.25
#: Added once to a place named in the dateline.
DATELINE_BONUS = 2.0
#: A place is in the focus when it scores at least this share of the best in its level.
FOCUS_SHARE = 0.4
#: At most this many places per level.
FOCUS_MAX = 5
#: The field (JSONL, CSV, Parquet) or side file (text folders) with ``--explain``.
EXPLAIN_FIELD = "_geomap"


# --------------------------------------------------------------------------- focus

@dataclass(frozen=True, slots=True)
class FocusItem:
    """A place in the focus, its score and how many mentions name it (or places inside it)."""

    place: Place
    score: float
    mentions: int

    def to_dict(self) -> dict[str, Any]:
        p = self.place
        return {"geonameid": p.geonameid, "name": p.name, "country_code": p.country_code,
                "feature_code": p.feature_code, "score": round(self.score, 3), "mentions": self.mentions}


@dataclass(slots=True)
class Focus:
    """The countries, admin-1 areas and cities a document is mainly about, best first."""

    countries: list[FocusItem] = field(default_factory=list)
    admin1: list[FocusItem] = field(default_factory=list)
    cities: list[FocusItem] = field(default_factory=list)

    def items(self) -> list[FocusItem]:
        """All focus places: countries, then admin-1 areas, then cities."""
        return self.countries + self.admin1 + self.cities

    def to_dict(self) -> dict[str, Any]:
        return {"countries": [i.to_dict() for i in self.countries],
                "admin1": [i.to_dict() for i in self.admin1],
                "cities": [i.to_dict() for i in self.cities]}


_DATELINE = re.compile(
    r"(?m)^[ \t]*(?P<head>[A-Z][A-Z.'\u2019 -]{1,40}?(?:,[ \t]*[A-Z][\w.'\u2019 -]{1,40}?)?)"
    r"[ \t]*(?:\([^)\n]{1,40}\)[ \t]*)?(?:\u2014|\u2013|--|-)[ \t]")


def _dateline_end(text: str) -> int:
    """End offset of the dateline's place part (``BRUSSELS, Belgium —``), or -1."""
    m = _DATELINE.search(text, 0, 2000)
    return m.end("head") if m else -1


class _Containers:
    """The admin-1 area and country of a place (cached gazetteer lookups)."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self._country: dict[str, Place | None] = {}
        self._admin1: dict[tuple[str, str], Place | None] = {}

    def of(self, place: Place) -> list[Place]:
        out: list[Place] = []
        cc = place.country_code
        if not cc or place.is_country or self.store is None:
            return out
        if not place.is_admin1 and place.admin1:
            key = (cc, place.admin1)
            if key not in self._admin1:
                self._admin1[key] = self.store.admin1(cc, place.admin1)
            if self._admin1[key] is not None:
                out.append(self._admin1[key])  # type: ignore[arg-type]
        if cc not in self._country:
            self._country[cc] = self.store.country(cc)
        if self._country[cc] is not None:
            out.append(self._country[cc])  # type: ignore[arg-type]
        return out


_CONTAINERS: dict[int, _Containers] = {}


def _containers(store: Any) -> _Containers:
    c = _CONTAINERS.get(id(store))
    if c is None or c.store is not store:
        c = _CONTAINERS[id(store)] = _Containers(store)
    return c


def focus(doc: Document, *, store: Any = None, demonyms: bool = True) -> Focus:
    """The geographic focus of a parsed document: main countries, admin-1 areas and cities.

    Parameters
    ----------
    doc : Document
        A parsed document (its mentions resolved).
    store : GazetteerStore, optional
        Where a city's admin-1 area and country are looked up (default: the shared store).
    demonyms : bool
        Let demonyms count (with :data:`DEMONYM_WEIGHT`); default True.

    Returns
    -------
    Focus

    Examples
    --------
    >>> import geomap
    >>> doc = geomap.parse("KYIV — Drones hit Kyiv and Kharkiv overnight, Ukraine said.")  # doctest: +SKIP
    >>> [i.place.name for i in focus(doc).countries]                                        # doctest: +SKIP
    ['Ukraine']
    """
    if store is None:
        from .gazetteer.store import get_store

        store = get_store()
    up = _containers(store)
    n = max(len(doc.text), 1)
    dateline = _dateline_end(doc.text)
    scores: dict[int, float] = {}
    counts: dict[int, int] = {}
    places: dict[int, Place] = {}
    in_dateline: set[int] = set()
    for m in doc.mentions:
        p = m.place
        if p is None:
            continue
        if m.kind == "embedded":  # a place inside an organisation's name ("Washington Post")
            continue
        if m.kind == "demonym":
            if not demonyms:
                continue
            w = DEMONYM_WEIGHT
        else:
            w = 1.0
        w *= 1.5 - 0.5 * min(m.start / n, 1.0)
        if m.kind != "demonym" and ((m.label or "").startswith("rule:dateline") or (dateline >= 0 and m.end <= dateline)):
            in_dateline.add(p.geonameid)
        for q in (p, *up.of(p)):
            places[q.geonameid] = q
            scores[q.geonameid] = scores.get(q.geonameid, 0.0) + w
            counts[q.geonameid] = counts.get(q.geonameid, 0) + 1
    for gid in in_dateline:
        for q in (places[gid], *up.of(places[gid])):
            scores[q.geonameid] += DATELINE_BONUS
    levels: dict[str, list[FocusItem]] = {"countries": [], "admin1": [], "cities": []}
    for gid, p in places.items():
        level = "countries" if p.is_country else "admin1" if p.is_admin1 else "cities" if p.feature_class == "P" else None
        if level:
            levels[level].append(FocusItem(p, scores[gid], counts[gid]))
    out = Focus()
    for level, items in levels.items():
        items.sort(key=lambda i: (-i.score, -i.mentions, i.place.geonameid))
        if items:
            top = items[0].score
            setattr(out, level, [i for i in items if i.score >= FOCUS_SHARE * top][:FOCUS_MAX])
    return out


# --------------------------------------------------------------------------- filtering

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


def _region(region: Any) -> Any:
    from .regions import Region

    if isinstance(region, Region):
        return region
    if isinstance(region, str):
        return Region.parse(region)
    if isinstance(region, Iterable):
        regions = [_region(r) for r in region]
        if not regions:
            raise ValueError("no region given")
        return Region.union(*regions)
    raise TypeError(f"cannot make a region of {type(region).__name__}")


class _Judge:
    """One filter configuration, applied to many documents (caches live in the region)."""

    def __init__(self, region: Any, *, area: str = "majority", demonyms: bool = False, min_mentions: int = 1,
                 focus: bool = False, exclude: bool = False, store: Any = None, min_score: float = 0.0) -> None:
        from .regions import AREA_RULES

        if area not in AREA_RULES:
            raise ValueError(f"area must be one of {AREA_RULES}, not {area!r}")
        self.region = _region(region)
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
    return _Judge(region, area=area, demonyms=demonyms, min_mentions=min_mentions, focus=focus,
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
    judge = _Judge(region, area=area, demonyms=demonyms, min_mentions=min_mentions, focus=focus, exclude=exclude,
                   min_score=min_score)
    for doc in _documents(docs, geoparser):
        why = judge(doc)
        if why.kept:
            yield Kept(doc, why)


def _documents(items: Iterable[Any], geoparser: Any) -> Iterator[Document]:
    """Documents in order: parsed ones as they are, raw ones parsed in batches."""
    from .pipeline import _as_document

    cache: dict[int, Place] = {}
    batch: list[Document] = []
    ready: list[Document | None] = []

    def flush() -> Iterator[Document]:
        nonlocal geoparser
        if batch:
            if geoparser is None:
                from .pipeline import Geoparser

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
            ready.append(_extracted_document(it, cache))
        else:
            batch.append(_as_document(it))
            ready.append(None)
        if len(ready) >= 256:
            yield from flush()
    yield from flush()


def _extracted_document(d: Mapping[str, Any], cache: dict[int, Place]) -> Document:
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


# --------------------------------------------------------------------------- command line

_JSONL = {".jsonl", ".ndjson", ".json"}
_CSV = {".csv", ".tsv"}
_PARQUET = {".parquet", ".pq"}
_TEXT = {".txt", ".text", ".md"}


def _kind(path: str) -> str:
    if path == "-":
        return "jsonl"
    p = Path(path)
    if p.is_dir():
        return "text"
    suffix = p.suffix.lower()
    if suffix in _CSV:
        return "csv"
    if suffix in _PARQUET:
        return "parquet"
    if suffix in _TEXT:
        return "text"
    return "jsonl"


@dataclass(slots=True)
class _Item:
    """One input record: its raw form (written back unchanged), where it came from, its document."""

    raw: Any
    source: str
    line: int | None
    doc: Document | None = None  # set when already parsed (``geomap extract`` output)
    pending: Document | None = None  # set when it must be parsed
    fast: Any = None  # a msgspec record of an extracted line (the hot path), else None


class _FilterRun:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.errors: list[InputError] = []
        self.total = self.kept = self.dropped = 0
        self.places: dict[int, Place] = {}
        self.text_column = args.text_column

    # -- errors

    def error(self, err: InputError) -> None:
        self.errors.append(err)
        print(f"geomap: {err}", file=sys.stderr)

    # -- readers: each yields _Item or InputError, one per input record

    def _from_obj(self, obj: Any, raw: Any, source: str, line: int | None) -> _Item | InputError:
        if not isinstance(obj, dict):
            return InputError(source, f"expected a JSON object, got {type(obj).__name__}", line)
        rid = obj.get("id")
        rid = None if rid is None else str(rid)
        if isinstance(obj.get("mentions"), list):
            try:
                return _Item(raw, source, line, doc=_extracted_document(obj, self.places))
            except (KeyError, TypeError, ValueError) as e:
                return InputError(source, f"malformed geomap record ({type(e).__name__}: {e})", line, rid)
        text = obj.get(self.text_column)
        if not isinstance(text, str):
            return InputError(source, f"no {self.text_column!r} string in the record", line, rid)
        return _Item(raw, source, line, pending=Document(text=text, id=rid))

    def read_jsonl(self, source: str) -> Iterator[_Item | InputError]:
        try:
            f = sys.stdin.buffer if source == "-" else open(source, "rb", buffering=1 << 20)
        except OSError as e:
            yield InputError(source, e.strerror or str(e))
            return
        fast = _fast_decoder(self.text_column)
        with f:
            for n, raw in enumerate(f, start=1):
                if raw[:1] in b" \t\r\n" and not raw.strip():  # (most lines start with "{": no copy)
                    continue
                if fast is not None:
                    item = self._from_fast(fast, raw, source, n)
                    if item is not None:
                        yield item
                        continue
                yield self._from_raw(raw, source, n)

    def _from_raw(self, raw: bytes, source: str, line: int) -> _Item | InputError:
        """The general path: any JSON line, with the error worded for the user."""
        try:
            obj = _loads(raw)
        except UnicodeDecodeError as e:
            return InputError(source, f"not valid UTF-8 ({e.reason})", line)
        except json.JSONDecodeError as e:
            return InputError(source, f"invalid JSON ({e.msg} at column {e.colno})", line)
        return self._from_obj(obj, raw, source, line)

    def _from_fast(self, decoders: tuple[Any, Any, Any], raw: bytes, source: str, line: int) -> _Item | None:
        """The hot path, in two steps. msgspec first reads the mentions with only their place
        ids (the *lite* decoder of :func:`_fast_decoder`); :meth:`_judge_one` reads the whole
        places only when one was not seen before. Records without mentions are read whole here.

        Returns ``None`` to let the general path read (and word the error for) anything unusual.
        """
        lite, _, full = decoders
        try:
            rec = lite.decode(raw)
        except _msgspec.MsgspecError:
            return None
        if rec.mentions is not None:
            if bytes(memoryview(rec.text)[:1]) != b'"':
                return None  # text missing or not a string: let the general path say so
            return _Item(raw, source, line, fast=rec)
        try:
            rec = full.decode(raw)
        except _msgspec.MsgspecError:
            return None
        text = getattr(rec, self.text_column)
        if not isinstance(text, str):
            return None
        rid = rec.id
        return _Item(raw, source, line, pending=Document(text=text, id=None if rid is None else str(rid)))

    def to_place(self, p: Any) -> Place:
        """A (shared) :class:`Place` for a msgspec place record."""
        place = self.places.get(p.geonameid)
        if place is None:
            place = self.places[p.geonameid] = Place(*_msgspec.structs.astuple(p))
        return place

    def fast_document(self, rec: Any) -> Document:
        to_place = self.to_place
        mentions = [Mention(m.text, m.start, m.end, m.sentence, m.kind, None if m.place is None else to_place(m.place),
                            m.score) for m in rec.mentions]
        return Document(rec.text, None if rec.id is None else str(rec.id), mentions=mentions)

    def read_csv(self, source: str) -> Iterator[_Item | InputError]:
        delim = "\t" if source.lower().endswith(".tsv") else ","
        try:
            text, notes = decode_bytes(Path(source).read_bytes())
        except (OSError, ValueError) as e:
            yield InputError(source, getattr(e, "strerror", None) or str(e))
            return
        for note in notes:
            yield InputError(source, note, level="warning")
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
        header = next(reader, None)
        if header is None:
            yield InputError(source, "empty CSV file")
            return
        if self.text_column not in header:
            yield InputError(source, f"no {self.text_column!r} column (use --text-column)", 1)
            return
        if self.csv_header is None:
            self.csv_header, self.csv_delim = header, delim
        elif header != self.csv_header:
            yield InputError(source, "its columns differ from the first CSV input's", 1)
            return
        col = header.index(self.text_column)
        for row in reader:
            line = reader.line_num
            if not row:
                continue
            if len(row) != len(header):
                yield InputError(source, f"{len(row)} fields, expected {len(header)}", line)
                continue
            rid = row[header.index("id")] if "id" in header else None
            yield _Item(row, source, line, pending=Document(text=row[col], id=rid))

    def read_parquet(self, source: str) -> Iterator[_Item | InputError]:
        pq = _pyarrow()
        try:
            pf = pq.ParquetFile(source)
        except Exception as e:  # noqa: BLE001 - pyarrow raises many kinds
            yield InputError(source, f"cannot read Parquet: {e}")
            return
        schema = pf.schema_arrow
        if self.parquet_schema is None:
            self.parquet_schema = schema
        elif not schema.equals(self.parquet_schema):
            yield InputError(source, "its schema differs from the first Parquet input's")
            return
        if self.text_column not in schema.names and "mentions" not in schema.names:
            yield InputError(source, f"no {self.text_column!r} column (use --text-column)")
            return
        row = 0
        for batch in pf.iter_batches(batch_size=4096):
            for rec in batch.to_pylist():
                row += 1
                yield self._from_obj(rec, rec, source, row)

    def read_text(self, source: str) -> Iterator[_Item | InputError]:
        root = Path(source)
        files = ([root] if root.is_file() else
                 sorted(f for f in root.rglob("*") if f.is_file() and f.suffix.lower() in _TEXT))
        if not root.exists():
            yield InputError(source, "no such file or folder")
            return
        for f in files:
            try:
                text, notes = decode_bytes(f.read_bytes())
            except (OSError, ValueError) as e:
                yield InputError(str(f), getattr(e, "strerror", None) or str(e))
                continue
            for note in notes:  # invalid UTF-8 was replaced: the article is kept, and said so
                yield InputError(str(f), note, level="warning")
            rel = f.relative_to(root) if root.is_dir() else Path(f.name)
            yield _Item((f, rel), str(f), None, pending=Document(text=text, id=str(rel)))

    # -- the run

    def items(self, kind: str) -> Iterator[_Item]:
        reader = {"jsonl": self.read_jsonl, "csv": self.read_csv, "parquet": self.read_parquet,
                  "text": self.read_text}[kind]
        for source in self.args.inputs:
            for it in reader(source):
                if isinstance(it, InputError):
                    self.error(it)
                    if it.level == "warning":
                        continue  # its record follows and is counted then
                self.total += 1
                if not isinstance(it, InputError):
                    yield it

    def judged(self, kind: str, judge: _Judge) -> Iterator[tuple[_Item, Explanation]]:
        """Each record with its verdict, in input order. Raw texts are parsed in chunks of 512;
        records already parsed are judged as they come unless a chunk is waiting before them."""
        chunk: list[_Item] = []
        one = self._judge_one
        for it in self.items(kind):
            if it.pending is None and not chunk:
                why = one(it, judge)
                if why is not None:
                    yield why
                continue
            chunk.append(it)
            if len(chunk) >= 512:
                yield from self._judge_chunk(chunk, judge)
                chunk = []
        yield from self._judge_chunk(chunk, judge)

    def _judge_chunk(self, chunk: list[_Item], judge: _Judge) -> Iterator[tuple[_Item, Explanation]]:
        pending = [it for it in chunk if it.pending is not None]
        if pending:
            by_doc = {id(it.pending): it for it in pending}

            def on_error(doc: Document, exc: Exception) -> None:
                it = by_doc[id(doc)]
                self.error(InputError(it.source, f"could not be parsed: {exc}", it.line, doc.id))

            for doc in self.parser().parse_many([it.pending for it in pending], on_error=on_error):
                by_doc[id(doc)].doc = doc
        for it in chunk:
            why = self._judge_one(it, judge)
            if why is not None:
                yield why

    def _judge_one(self, it: _Item, judge: _Judge) -> tuple[_Item, Explanation] | None:
        """The verdict on one record, or ``None`` when it turned out malformed (reported) or
        could not be parsed (reported by ``on_error``)."""
        rec = it.fast
        if rec is None:
            return None if it.doc is None else (it, judge(it.doc))
        if not judge.focus:
            hits = judge.scan(rec.mentions)
            if hits is None:  # a place not located yet: locate it, reading its record if new
                if not self._locate_new(it, rec, judge):
                    return self._judge_again(it, judge)
                hits = judge.scan(rec.mentions)
            return it, judge.judge_hits(hits)
        try:
            whole = _FAST[self.text_column][2].decode(it.raw)
        except _msgspec.MsgspecError:  # a field of the wrong type: the general path words it
            return self._judge_again(it, judge)
        return it, judge(self.fast_document(whole))

    def _locate_new(self, it: _Item, rec: Any, judge: _Judge) -> bool:
        """Locate the places of ``rec`` the judge has not seen, reading their whole records when
        this run has not seen them either. False when those records are malformed."""
        places = self.places
        if not all(m.place is None or m.place.geonameid in places for m in rec.mentions):
            try:
                whole = _FAST[self.text_column][1].decode(it.raw)
            except _msgspec.MsgspecError:  # a place field of the wrong type
                return False
            for m in whole.mentions:
                if m.place is not None:
                    self.to_place(m.place)
        for m in rec.mentions:
            if m.place is not None:
                judge.where(places[m.place.geonameid])
        return True

    def _judge_again(self, it: _Item, judge: _Judge) -> tuple[_Item, Explanation] | None:
        """Judge a record by the general path, which words the error of a malformed one."""
        again = self._from_raw(it.raw, it.source, it.line or 0)
        if isinstance(again, InputError):
            self.error(again)
            return None
        return self._judge_one(again, judge)

    def parser(self) -> Any:
        if getattr(self, "_parser", None) is None:
            from .pipeline import Geoparser

            self._parser = Geoparser(gazetteer=getattr(self.args, "gazetteer", None))
        return self._parser

    def run(self) -> int:
        args = self.args
        kinds = {_kind(p) for p in args.inputs}
        if len(kinds) != 1:
            raise ValueError(f"inputs mix formats ({', '.join(sorted(kinds))}); filter one format at a time")
        kind = kinds.pop()
        specs = list(args.within or [])
        if args.bbox:
            specs += [f"bbox:{b}" for b in args.bbox]
        if args.near:
            specs += [f"near:{n}" for n in args.near]
        if not specs:
            raise ValueError("no region: give --within, --bbox or --near")
        store = None
        if args.focus:
            from .gazetteer.store import get_store

            store = get_store(getattr(args, "gazetteer", None))
        judge = _Judge([_region_arg(s) for s in specs], area=args.area, demonyms=args.demonyms,
                       min_mentions=args.min_mentions, focus=args.focus, exclude=args.exclude, store=store,
                       min_score=args.min_score)
        self.csv_header: list[str] | None = None
        self.csv_delim = ","
        self.parquet_schema: Any = None
        write = {"jsonl": self.write_jsonl, "csv": self.write_csv, "parquet": self.write_parquet,
                 "text": self.write_text}[kind]
        write(self.judged(kind, judge))
        return self.finish()

    def _count(self, why: Explanation) -> bool:
        if why.kept:
            self.kept += 1
        else:
            self.dropped += 1
        return why.kept

    # -- writers: every kept record as it came in

    def write_jsonl(self, judged: Iterable[tuple[_Item, Explanation]]) -> None:
        with atomic_writer(self.args.output, "wb") as f:
            for it, why in judged:
                if not self._count(why):
                    continue
                raw: bytes = it.raw
                if raw[-1:] == b"\n" and raw[-2:] != b"\r\n" and not self.args.explain:
                    f.write(raw)  # the line as it came (the common case: no copy)
                    continue
                raw = raw.rstrip(b"\r\n")
                if self.args.explain:
                    body = raw.rstrip()
                    sep = b"" if body[:-1].rstrip().endswith(b"{") else b", "  # {} has no field yet
                    extra = json.dumps(why.to_dict(), ensure_ascii=False).encode()
                    raw = body[:-1].rstrip() + sep + b'"' + EXPLAIN_FIELD.encode() + b'": ' + extra + b"}"
                f.write(raw + b"\n")

    def write_csv(self, judged: Iterable[tuple[_Item, Explanation]]) -> None:
        with atomic_writer(self.args.output) as f:
            w = None
            for it, why in judged:
                if w is None:
                    w = csv.writer(f, delimiter=self.csv_delim, lineterminator="\n")
                    w.writerow(self.csv_header + ([EXPLAIN_FIELD] if self.args.explain else []))
                if not self._count(why):
                    continue
                w.writerow(it.raw + ([json.dumps(why.to_dict(), ensure_ascii=False)] if self.args.explain else []))
            if w is None and self.csv_header is not None:
                csv.writer(f, delimiter=self.csv_delim, lineterminator="\n").writerow(
                    self.csv_header + ([EXPLAIN_FIELD] if self.args.explain else []))

    def write_parquet(self, judged: Iterable[tuple[_Item, Explanation]]) -> None:
        pq = _pyarrow()
        import pyarrow as pa

        if self.args.output in (None, "-"):
            raise ValueError("Parquet output needs -o FILE")
        with atomic_writer(self.args.output, "wb") as f:
            writer = None
            rows: list[dict[str, Any]] = []

            def flush() -> None:
                nonlocal writer
                schema = self.parquet_schema
                if schema is None:
                    return
                if self.args.explain:
                    schema = schema.append(pa.field(EXPLAIN_FIELD, pa.string()))
                if writer is None:
                    writer = pq.ParquetWriter(f, schema)
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                rows.clear()

            for it, why in judged:
                if self._count(why):
                    row = dict(it.raw)
                    if self.args.explain:
                        row[EXPLAIN_FIELD] = json.dumps(why.to_dict(), ensure_ascii=False)
                    rows.append(row)
                    if len(rows) >= 4096:
                        flush()
            flush()
            if writer is not None:
                writer.close()

    def write_text(self, judged: Iterable[tuple[_Item, Explanation]]) -> None:
        out = self.args.output
        side: list[dict[str, Any]] = []
        if out in (None, "-"):
            for it, why in judged:
                if self._count(why):
                    line = str(it.raw[0])
                    if self.args.explain:
                        line += "\t" + json.dumps(why.to_dict(), ensure_ascii=False)
                    print(line)
            return
        dest = Path(out)
        dest.mkdir(parents=True, exist_ok=True)
        for it, why in judged:
            if self._count(why):
                src, rel = it.raw
                target = dest / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                with atomic_writer(target, "wb") as out_f:  # never a half-copied article
                    out_f.write(Path(src).read_bytes())
                side.append({"file": str(rel), EXPLAIN_FIELD: why.to_dict()})
        if self.args.explain:
            with atomic_writer(dest / f"{EXPLAIN_FIELD}.jsonl") as f:
                write_jsonl(side, f)

    def finish(self) -> int:
        if self.args.errors:
            with atomic_writer(self.args.errors) as f:
                write_jsonl((e.to_dict() for e in self.errors), f)
        errors = [e for e in self.errors if e.level != "warning"]
        warnings = len(self.errors) - len(errors)
        print(f"geomap filter: {self.total} input, {self.kept} kept, {self.dropped} dropped, "
              f"{len(errors)} error(s)" + (f", {warnings} warning(s)" if warnings else ""), file=sys.stderr)
        if errors:
            return 1 if self.kept + self.dropped else 2
        return 0


def _loads(raw: bytes) -> Any:
    """``json.loads``, through orjson when it is installed (3-4x faster on long lines)."""
    if _orjson is not None:
        try:
            return _orjson.loads(raw)
        except _orjson.JSONDecodeError:
            pass  # let the standard library decide (NaN, huge ints) and word the error
    return json.loads(raw)


try:  # optional speed-ups
    import orjson as _orjson
except ImportError:  # pragma: no cover - depends on the environment
    _orjson = None
try:
    import msgspec as _msgspec
except ImportError:  # pragma: no cover - depends on the environment
    _msgspec = None

_FAST: dict[str, Any] = {}

if _msgspec is not None:

    class _P(_msgspec.Struct, gc=False):
        geonameid: int
        name: str
        lat: float
        lon: float
        feature_class: str = ""
        feature_code: str = ""
        country_code: str | None = None
        admin1: str | None = None
        population: int = 0

    class _PId(_msgspec.Struct, gc=False):
        geonameid: int

    class _MLite(_msgspec.Struct, gc=False):
        """A mention with only its place's id (the hot path's first read)."""

        text: str
        start: int
        end: int
        sentence: int = 0
        kind: str = "toponym"
        place: _PId | None = None
        score: float = 1.0

    class _M(_MLite, gc=False):
        """A mention with its whole place."""

        place: _P | None = None


def _fast_decoder(text_column: str) -> tuple[Any, Any, Any] | None:
    """Three msgspec decoders for a JSONL line, from cheapest to fullest:

    - *lite* reads each mention's text, offsets, kind and only the id of its place (the
      article's text is checked to be a string, not decoded);
    - *mentions* reads the mentions with their places (the text still undecoded);
    - *full* reads ``text`` (or the text column), ``id`` and the mentions with their places.

    Every other field is skipped without building Python objects, though still checked
    to be well-formed JSON. ``None`` when msgspec is not installed.
    """
    if _msgspec is None:
        return None
    decs = _FAST.get(text_column)
    if decs is None:
        ms = _msgspec
        fields: list[tuple[str, Any, Any]] = [("text", Any, None), ("id", Any, None),
                                              ("mentions", list[_M] | None, None)]
        if text_column not in ("text", "id", "mentions"):
            fields.append((text_column, Any, None))
        lite = ms.defstruct("_Lite", [("text", ms.Raw, ms.Raw()), ("mentions", list[_MLite] | None, None)],
                            gc=False)
        mentions = ms.defstruct("_Mentions", [("text", ms.Raw, ms.Raw()), ("mentions", list[_M] | None, None)],
                                gc=False)
        decs = _FAST[text_column] = tuple(ms.json.Decoder(t) for t in
                                          (lite, mentions, ms.defstruct("_Record", fields, gc=False)))
    return decs


def _pyarrow() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise ValueError("reading Parquet needs pyarrow: pip install pyarrow") from None
    return pq


def _region_arg(spec: str) -> Any:
    from .regions import Region, RegionError

    try:
        return Region.parse(spec)
    except RegionError as e:
        raise ValueError(f"--within/--bbox/--near: {e}") from None


def _cmd_filter(args: argparse.Namespace) -> int:
    return _FilterRun(args).run()


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``geomap filter`` to the ``geomap`` command's subparsers.

    Examples
    --------
    >>> ap = argparse.ArgumentParser(prog="geomap")
    >>> p = add_parser(ap.add_subparsers(dest="command"))
    >>> ap.parse_args(["filter", "a.jsonl", "--within", "country:UA"]).within
    ['country:UA']
    """
    p = subparsers.add_parser(
        "filter", help="keep the articles about a region (JSONL, CSV, Parquet or text folders, written unchanged)",
        description="Keep the articles with places in a region; write them unchanged, in their input format. "
                    "Regions given several times (or --bbox/--near) are joined.")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="JSONL (raw or from `geomap extract`), CSV/TSV, Parquet, text files or folders, - for stdin")
    p.add_argument("--within", action="append", metavar="SPEC",
                   help="country:UA, admin1:UA-14, bbox:W,S,E,N, near:PLACE:100km, or a GeoJSON/WKT file")
    p.add_argument("--bbox", action="append", metavar="W,S,E,N", help="a longitude/latitude box")
    p.add_argument("--near", action="append", metavar="PLACE:KM", help='a radius around a place, e.g. "Kursk:100km"')
    p.add_argument("--exclude", action="store_true", help="keep the articles that do NOT match")
    p.add_argument("--min-mentions", type=int, default=1, metavar="N",
                   help="keep an article only with at least N mentions in the region (default 1)")
    p.add_argument("--focus", action="store_true", help="judge the article's focus places, not every mention")
    p.add_argument("--min-score", type=float, default=0.0, metavar="P",
                   help="count only mentions whose place is right with probability at least P (0-1; default 0)")
    p.add_argument("--demonyms", action="store_true", help="let demonyms (Ukrainian → Ukraine) count")
    p.add_argument("--area", choices=["majority", "intersects", "within"], default="majority",
                   help="when a country/admin-1 mention is in a region: most of its area (default), any, all")
    p.add_argument("--explain", action="store_true",
                   help=f"add a {EXPLAIN_FIELD!r} field saying why (a side file {EXPLAIN_FIELD}.jsonl for folders)")
    p.add_argument("--text-column", default="text", metavar="NAME", help="the text field/column (default: text)")
    p.add_argument("-o", "--output", metavar="FILE", help="output file (a folder for text inputs; default stdout)")
    p.add_argument("--errors", metavar="FILE", help="write unreadable records to this JSONL error report")
    p.set_defaults(func=_cmd_filter)
    return p


class _CallableModule(types.ModuleType):
    """Lets ``geomap.filter(docs, region)`` work even where ``geomap.filter`` is this module."""

    def __call__(self, *args: Any, **kwargs: Any) -> Iterator[Kept]:
        return filter(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
