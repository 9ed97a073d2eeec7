"""The data model: plain dataclasses that every stage passes along.

JSON keys match field names; ``to_dict``/``from_dict`` give the schema used by
``geomap extract``. Offsets are Python string indices into ``Document.text``,
and ``text[m.start:m.end] == m.text`` holds for every mention. This module imports nothing
from geomap: a document's focus and whether it is about a region are
:func:`geomap.focus` and :func:`geomap.within` (:mod:`geomap.analysis`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterator

__all__ = ["Place", "Sentence", "Mention", "Document", "PlaceGroup", "MENTION_KINDS", "great_circle_km", "EARTH_RADIUS_KM"]

#: The kinds a mention can have.
MENTION_KINDS = ("toponym", "region-phrase", "demonym", "embedded")


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer record: small and immutable, like ``geopy.Location``."""

    geonameid: int
    name: str
    lat: float
    lon: float
    feature_class: str
    feature_code: str
    country_code: str | None = None
    admin1: str | None = None
    population: int = 0

    @property
    def point(self) -> tuple[float, float]:
        """``(lat, lon)``, the order geopy uses."""
        return (self.lat, self.lon)

    @property
    def is_country(self) -> bool:
        return self.feature_code.startswith("PCL")

    @property
    def is_admin1(self) -> bool:
        return self.feature_code in ("ADM1", "ADM1H")

    def to_dict(self) -> dict[str, Any]:
        # the fields by hand: ``asdict`` deep-copies each value, a third of writing a document
        return {"geonameid": self.geonameid, "name": self.name, "lat": self.lat, "lon": self.lon,
                "feature_class": self.feature_class, "feature_code": self.feature_code,
                "country_code": self.country_code, "admin1": self.admin1, "population": self.population}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Place":
        return cls(
            geonameid=int(d["geonameid"]),
            name=str(d["name"]),
            lat=float(d["lat"]),
            lon=float(d["lon"]),
            feature_class=str(d.get("feature_class") or ""),
            feature_code=str(d.get("feature_code") or ""),
            country_code=d.get("country_code"),
            admin1=d.get("admin1"),
            population=int(d.get("population") or 0),
        )


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence's character span in the document text."""

    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end}


@dataclass(slots=True)
class Mention:
    """A place name (or demonym) found in the text, and what it resolved to."""

    text: str
    start: int
    end: int
    sentence: int
    kind: str = "toponym"
    place: Place | None = None
    score: float = 0.0
    label: str | None = None  # the NER label or rule that found it
    candidates: list[dict[str, Any]] | None = None
    #: "exact", or "containing": the gazetteer lacks the name and ``place`` is the place the
    #: text puts it in ("Royal Street in New Orleans" → New Orleans); maps draw it as approximate
    precision: str = "exact"
    #: rules that changed the ranker's choice: ``{"rule", "from", "to", "reason"}`` each
    adjustments: list[dict[str, Any]] | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "sentence": self.sentence,
            "kind": self.kind,
            "place": self.place.to_dict() if self.place else None,
            "score": round(self.score, 4),
            "label": self.label,
            "precision": self.precision,
        }
        if self.adjustments:
            d["adjustments"] = self.adjustments
        if self.candidates is not None:
            d["candidates"] = self.candidates
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Mention":
        return cls(
            text=d["text"],
            start=int(d["start"]),
            end=int(d["end"]),
            sentence=int(d.get("sentence", 0)),
            kind=d.get("kind", "toponym"),
            place=Place.from_dict(d["place"]) if d.get("place") else None,
            score=float(d.get("score") or 0.0),
            label=d.get("label"),
            candidates=d.get("candidates"),
            precision=str(d.get("precision") or "exact"),
            adjustments=d.get("adjustments") or None,
        )


@dataclass(slots=True)
class PlaceGroup:
    """A resolved place with every mention that points at it (one map marker)."""

    place: Place
    mentions: list[Mention]


@dataclass(slots=True)
class Document:
    """A parsed article: its text, sentences, mentions and carried-through metadata."""

    text: str
    id: str | None = None
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def sentence_text(self, index: int) -> str:
        s = self.sentences[index]
        return self.text[s.start : s.end]

    def sentence_of(self, mention: Mention) -> Sentence:
        return self.sentences[mention.sentence]

    def places(self, *, demonyms: bool = False, embedded: bool = False) -> list[PlaceGroup]:
        """Mentions grouped by resolved place, in order of first mention.

        Demonyms ("Kuwaiti") and places inside organisation names ("Washington Post")
        are left out unless ``demonyms=True`` / ``embedded=True``.
        """
        groups: dict[int, PlaceGroup] = {}
        for m in self.mentions:
            if m.place is None or (m.kind == "demonym" and not demonyms) or (m.kind == "embedded" and not embedded):
                continue
            g = groups.get(m.place.geonameid)
            if g is None:
                groups[m.place.geonameid] = PlaceGroup(m.place, [m])
            else:
                g.mentions.append(m)
        return list(groups.values())

    def unplace_below(self, min_score: float) -> int:
        """Drop the place of every mention whose ``score`` (the probability that its place is
        right) is below ``min_score``; the mentions stay. Returns how many lost their place."""
        n = 0
        for m in self.mentions:
            if m.place is not None and m.score < min_score:
                m.place, n = None, n + 1
        return n

    def unresolved(self) -> Iterator[Mention]:
        return (m for m in self.mentions if m.place is None)

    def to_dict(self) -> dict[str, Any]:
        """The JSON schema; ``places`` lists each resolved place with its mention indices."""
        index = {id(m): i for i, m in enumerate(self.mentions)}
        return {
            "id": self.id,
            "text": self.text,
            "sentences": [s.to_dict() for s in self.sentences],
            "mentions": [m.to_dict() for m in self.mentions],
            "places": [
                {**g.place.to_dict(), "mentions": [index[id(m)] for m in g.mentions]}
                for g in self.places(demonyms=True, embedded=True)
            ],
            "meta": self.meta,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Document":
        return cls(
            text=d["text"],
            id=d.get("id"),
            sentences=[Sentence(int(s["start"]), int(s["end"])) for s in d.get("sentences", [])],
            mentions=[Mention.from_dict(m) for m in d.get("mentions", [])],
            meta=dict(d.get("meta") or {}),
        )


#: The mean Earth radius (IUGG), km.
EARTH_RADIUS_KM = 6371.0088


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in km on a sphere of the mean Earth radius: plain floats,
    no objects, for the inner loops of ranking and scoring."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    h = (math.sin((phi2 - phi1) / 2) ** 2
         + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
