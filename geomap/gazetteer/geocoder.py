"""The offline gazetteer as a geopy geocoder.

>>> from geomap import Gazetteer
>>> gz = Gazetteer()
>>> gz.geocode("Kursk").raw["feature_code"]                       # doctest: +SKIP
'PPL'
>>> gz.geocode("Kursk Oblast").raw["feature_code"]                # doctest: +SKIP
'ADM1'
>>> gz.reverse((51.73, 36.19)).address                            # doctest: +SKIP
'Kursk, Kursk Oblast, Russia'

Candidates are ranked by :func:`geomap.resolve.rank_candidates`, the article ranker
with an empty context, so ``geocode`` and ``geomap extract`` agree on a lone name.
Distances go through :mod:`geopy.distance`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Collection

from geopy.distance import EARTH_RADIUS, geodesic
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location
from geopy.point import Point

from geomap.gazetteer.store import GazetteerStore, get_store
from geomap.model import Place, great_circle_km

__all__ = ["Gazetteer", "Ranked", "place_location"]

_KM_PER_DEGREE = EARTH_RADIUS * math.pi / 180  # on the sphere great_circle uses


@dataclass(frozen=True, slots=True)
class Ranked:
    """One ranked candidate: the place, its score, the features that summed to it."""

    place: Place
    score: float
    features: dict[str, float] = field(default_factory=dict)
    matched: str = "name"  # how the place carries the name: name, alt, abbr, core, demonym
    raw: dict[str, Any] = field(default_factory=dict)  # the full record (or the service's answer)

    @property
    def location(self) -> Location:
        return Location(self.raw.get("address") or self.place.name, self.place.point,
                        {**self.raw, "score": round(self.score, 4), "features": self.features,
                         "matched": self.matched})


def _classes(feature_class: str | Collection[str] | None) -> list[str] | None:
    if feature_class is None:
        return None
    if isinstance(feature_class, str):
        return list(feature_class.replace(",", "").upper())
    return [c.upper() for c in feature_class]


def _codes(country_codes: str | Collection[str] | None) -> list[str] | None:
    if country_codes is None:
        return None
    if isinstance(country_codes, str):
        country_codes = country_codes.split(",")
    return [c.strip().upper() for c in country_codes if c.strip()]


def place_location(place: Place, raw: dict[str, Any] | None = None) -> Location:
    """A ``geopy.Location`` for a :class:`Place`; ``.raw`` is its fields updated with ``raw``."""
    raw = {**place.to_dict(), **(raw or {})}
    return Location(raw.get("address") or place.name, place.point, raw)


class Gazetteer(Geocoder):
    """A geopy geocoder over the offline GeoNames store; no request ever leaves the machine.

    Parameters
    ----------
    store:
        A :class:`GazetteerStore`, a path to a store, or ``None`` for the default one
        (built from the bundled data on first use). The store opens lazily.

    See also
    --------
    geomap.gazetteer.online.online_geocoder : the same interface over an online service.
    """

    def __init__(self, store: GazetteerStore | str | Path | None = None, *,
                 demonyms: bool = False, user_agent: str | None = None) -> None:
        super().__init__(user_agent=user_agent or "geomap")
        self._store = store
        self.demonyms = demonyms

    @property
    def store(self) -> GazetteerStore:
        if not isinstance(self._store, GazetteerStore):
            self._store = get_store(self._store)
        return self._store

    # -- ranked candidates

    def candidates(self, name: str, *, country_codes: str | Collection[str] | None = None,
                   feature_class: str | Collection[str] | None = None,
                   limit: int | None = 10) -> list[Ranked]:
        """The places called ``name``, best first, with the features that ranked them.

        Ranked like a lone toponym in an article (population, feature type, how the name
        matched); ``country_codes`` (ISO2) and ``feature_class`` (GeoNames letters, "P",
        "A"...) filter before ranking. Demonyms match only when the geocoder was made with
        ``demonyms=True``.
        """
        from geomap.resolve import rank_candidates
        from geomap.resolve.ranker import default_ranker

        kinds = None if self.demonyms else ("name", "alt", "abbr", "core")
        ranked = rank_candidates(name, self.store, country_codes=_codes(country_codes),
                                 feature_classes=_classes(feature_class), kinds=kinds)
        ranked = ranked[:limit] if limit else ranked  # records (and addresses) only for what is returned
        ranker = default_ranker()  # each feature's contribution to the score: weight x value
        return [Ranked(c.place, s, {k: round(v, 4) for k, v in ranker.contributions(f).items()}, c.name_kind,
                       self._raw(c.place)) for s, c, f in ranked]

    # -- geopy interface

    def geocode(self, query: str, *, exactly_one: bool = True,
                country_codes: str | Collection[str] | None = None,
                feature_class: str | Collection[str] | None = None,
                limit: int | None = None, timeout: Any = DEFAULT_SENTINEL) -> Location | list[Location] | None:
        """The best place for ``query`` (or all of them, ranked, with ``exactly_one=False``).

        ``"Name, Context"`` (e.g. ``"Springfield, Illinois"``) prefers places inside the
        context when the full string is not itself a name. Returns ``None`` when nothing
        matches, like every geopy geocoder.
        """
        n = 1 if exactly_one else limit
        ranked = self.candidates(query, country_codes=country_codes, feature_class=feature_class, limit=n)
        if not ranked and "," in query:
            ranked = self._with_context(query, country_codes, feature_class)[:n] if n else \
                self._with_context(query, country_codes, feature_class)
        if not ranked:
            return None
        return ranked[0].location if exactly_one else [r.location for r in ranked]

    def reverse(self, query: Any, *, exactly_one: bool = True, limit: int = 5,
                max_km: float | None = None, timeout: Any = DEFAULT_SENTINEL) -> Location | list[Location] | None:
        """The nearest populated place to ``query`` (``(lat, lon)``, ``"lat, lon"`` or a geopy ``Point``).

        Uses the store's R*Tree with growing boxes, so it reads a few dozen rows, not the
        table. ``raw["distance_km"]`` is the geodesic distance; ``exactly_one=False``
        gives the ``limit`` nearest. ``None`` when nothing lies within ``max_km``.
        """
        pt = Point(query)
        found = self.nearest(pt.latitude, pt.longitude, k=1 if exactly_one else limit, max_km=max_km)
        if not found:
            return None
        locs = [place_location(p, {**self._raw(p), "distance_km": round(d, 3)})
                for p, d in found]
        return locs[0] if exactly_one else locs

    def nearest(self, lat: float, lon: float, *, k: int = 1,
                max_km: float | None = None) -> list[tuple[Place, float]]:
        """The ``k`` nearest indexed places and their geodesic distances in km.

        Boxes grow from 0.1° until one holds ``k`` places; then a last box of exactly the
        k-th distance makes the answer exact. Candidates are ordered by a haversine on
        the sphere; the distances returned are ``geopy.distance.geodesic``.
        """
        degrees = 0.1
        while True:
            found = self._box(lat, lon, degrees)
            best = sorted(((great_circle_km(lat, lon, p.lat, p.lon), p) for p in found),
                          key=lambda t: (t[0], t[1].geonameid))
            radius = degrees * _KM_PER_DEGREE  # every place within this lies inside the box
            if (len(best) >= k and best[k - 1][0] <= radius) or degrees >= 180:
                break
            if max_km is not None and radius > max_km * 1.01:
                break
            if len(best) >= k:  # the k-th found is farther than the box is sure of: one exact box
                degrees = min(180.0, best[k - 1][0] / _KM_PER_DEGREE * 1.0001)
            else:
                degrees = min(180.0, degrees * 2)
        out = [(p, geodesic((lat, lon), p.point).km) for _, p in best[:k]]
        return [(p, d) for p, d in out if max_km is None or d <= max_km]

    def _box(self, lat: float, lon: float, degrees: float) -> list[Place]:
        lo, hi = max(-90.0, lat - degrees), min(90.0, lat + degrees)
        if abs(lat) + degrees >= 89.5:  # the box holds a pole: every longitude
            return self.store.within(lo, hi, -180, 180)
        half = degrees / math.cos(math.radians(abs(lat) + degrees))
        if half >= 180:
            return self.store.within(lo, hi, -180, 180)
        west, east = lon - half, lon + half
        if west < -180:
            return self.store.within(lo, hi, west + 360, 180) + self.store.within(lo, hi, -180, east)
        if east > 180:
            return self.store.within(lo, hi, west, 180) + self.store.within(lo, hi, -180, east - 360)
        return self.store.within(lo, hi, west, east)

    # -- records

    def get(self, geonameid: int) -> Location | None:
        """The place with this GeoNames id as a ``geopy.Location`` (``None`` if unknown)."""
        place = self.store.get(geonameid)
        return place_location(place, self._raw(place)) if place else None

    def place(self, geonameid: int) -> Place | None:
        """The place with this GeoNames id as a :class:`geomap.Place`."""
        return self.store.get(geonameid)

    def hierarchy(self, place: Place | Location | int) -> list[Place]:
        """The place's administrative parents, top down: ``[country, admin-1, admin-2]``.

        From the place's GeoNames codes; GeoNames' ``hierarchy.zip`` (when imported)
        fills in what the codes cannot. A level the store does not hold is left out.
        """
        place = self._as_place(place)
        if place is None:
            return []
        rec = self.store.record(place.geonameid) or {}
        chain: list[Place] = []
        cc, a1, a2 = place.country_code, place.admin1, rec.get("admin2")
        if cc and not place.is_country:
            country = self.store.country(cc)
            if country is not None:
                chain.append(country)
            if a1 and not place.is_admin1:
                admin1 = self.store.admin1(cc, a1)
                if admin1 is not None:
                    chain.append(admin1)
                if a2 and not place.feature_code.startswith("ADM2"):
                    admin2 = self.store.admin2(cc, a1, a2)
                    if admin2 is not None:
                        chain.append(admin2)
        if len(chain) < 2:
            chain = self._from_hierarchy_table(place) or chain
        return chain

    def distance(self, a: Place | Location | int, b: Place | Location | int) -> float:
        """Geodesic distance in km between two places (``geopy.distance.geodesic``)."""
        pa, pb = self._as_place(a), self._as_place(b)
        if pa is None or pb is None:
            raise ValueError("unknown place")
        return geodesic(pa.point, pb.point).km

    # -- helpers

    def _from_hierarchy_table(self, place: Place) -> list[Place]:
        chain: list[Place] = []
        seen = {place.geonameid}
        current = place
        while True:
            parents = [p for p in self.store.parents(current.geonameid) if p.geonameid not in seen]
            if not parents or parents[0].feature_code in ("CONT", "AREA") or parents[0].feature_class == "L":
                break
            current = parents[0]
            seen.add(current.geonameid)
            chain.append(current)
        chain.reverse()
        return [p for p in chain if p.is_country or p.feature_code.startswith("ADM")][:3]

    def _as_place(self, x: Place | Location | int) -> Place | None:
        if isinstance(x, Place):
            return x
        if isinstance(x, Location):
            gid = (x.raw or {}).get("geonameid")
            return self.store.get(int(gid)) if gid is not None else None
        return self.store.get(int(x))

    def _address(self, place: Place) -> str:
        parts = [place.name]
        for parent in reversed(self.hierarchy(place)):
            if parent.name not in parts:
                parts.append(parent.name)
        return ", ".join(parts)

    def _raw(self, place: Place) -> dict[str, Any]:
        rec = self.store.record(place.geonameid) or place.to_dict()
        extent = self.store.extent(place.geonameid)
        if extent is not None:  # Nominatim's order: south, north, west, east
            rec["boundingbox"] = [extent[0], extent[2], extent[1], extent[3]]
        return {**rec, "address": self._address(place)}

    def _with_context(self, query: str, country_codes: Any, feature_class: Any) -> list[Ranked]:
        name, _, context = query.partition(",")
        ranked = self.candidates(name.strip(), country_codes=country_codes, feature_class=feature_class,
                                 limit=None)
        outer = self.candidates(context.strip(), limit=1)
        if not outer:
            return ranked
        o = outer[0].place
        inside = [r for r in ranked if _inside(o, r.place)]
        return inside + [r for r in ranked if r not in inside]


def _inside(outer: Place, inner: Place) -> bool:
    if outer.is_country:
        return inner.country_code == outer.country_code
    if outer.is_admin1:
        return (inner.country_code, inner.admin1) == (outer.country_code, outer.admin1)
    return great_circle_km(outer.lat, outer.lon, inner.lat, inner.lon) < 50
