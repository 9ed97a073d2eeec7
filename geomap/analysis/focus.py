"""Each article's geographic focus: the countries, admin-1 areas and cities it is mainly about.

Focus scores
------------
Every resolved mention adds a weight to its place: 1 for a toponym or a region phrase,
:data:`DEMONYM_WEIGHT` for a demonym ("North Korean"), times a position factor from 1.5 (the
first character) down to 1.0 (the last), plus :data:`DATELINE_BONUS` once for a place named
in the dateline (``BRUSSELS —``). A city's weight also counts for its admin-1 area and its
country, and an admin-1 area's for its country. In each level (countries, admin-1 areas,
cities) the focus is the places scoring at least :data:`FOCUS_SHARE` of the best one (at most
:data:`FOCUS_MAX`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..model import Document, Place

__all__ = ["focus", "Focus", "FocusItem", "Containers", "containers", "dateline_end",
           "DEMONYM_WEIGHT", "DATELINE_BONUS", "FOCUS_SHARE", "FOCUS_MAX"]

#: Weight of a demonym mention in the focus (a toponym weighs 1).
DEMONYM_WEIGHT = 0.25
#: Added once to a place named in the dateline.
DATELINE_BONUS = 2.0
#: A place is in the focus when it scores at least this share of the best in its level.
FOCUS_SHARE = 0.4
#: At most this many places per level.
FOCUS_MAX = 5

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


def dateline_end(text: str) -> int:
    """End offset of the dateline's place part (``BRUSSELS, Belgium —``), or -1."""
    m = _DATELINE.search(text, 0, 2000)
    return m.end("head") if m else -1


class Containers:
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


_CONTAINERS: dict[int, Containers] = {}


def containers(store: Any) -> Containers:
    c = _CONTAINERS.get(id(store))
    if c is None or c.store is not store:
        c = _CONTAINERS[id(store)] = Containers(store)
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
        from ..gazetteer.store import get_store

        store = get_store()
    up = containers(store)
    n = max(len(doc.text), 1)
    dateline = dateline_end(doc.text)
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
