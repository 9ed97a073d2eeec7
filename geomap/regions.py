"""Regions: countries, first-level divisions, polygons, boxes and radii, and who is in them.

A :class:`Region` is one or more shapely geometries in lon/lat (WGS84) with a label each.
Make one from a country or an admin-1 area (real Natural Earth boundaries shipped in
``data/boundaries``), a GeoJSON or WKT file, a bounding box, a geodesic radius around a
place, or a union of regions (``a | b``). :meth:`Region.parse` reads the same specs as the
command line (``country:UA``, ``admin1:UA-14``, ``area.geojson``, ``bbox:W,S,E,N``,
``near:Kursk:100km``).

Membership rule
---------------
:meth:`Region.contains` decides whether a resolved :class:`~geomap.model.Place` is in the
region:

* **A point place** (a city, a village, anything without a boundary polygon, or a country or
  admin-1 area whose polygon is unknown) is in the region when its GeoNames point lies in
  the region's interior. A point exactly on the boundary is not in.
* **A country or an admin-1 area** (``PCL*``, ``ADM1``) is judged by its boundary polygon and
  the ``area`` reading:

  ``"majority"`` (default)
      more than half of its area lies inside the region. "Russia" is not in Ukraine (they
      only share a border), "Ukraine" is not in a polygon around the Donbas front (the front
      is a small part of Ukraine), "Donetsk Oblast" is in Ukraine.
  ``"intersects"``
      some of its area (more than :data:`MIN_OVERLAP_KM2`) lies inside. Russia intersects a
      box around Kursk.
  ``"within"``
      all of its area lies inside, up to the precision of the boundary data
      (:data:`WITHIN_SHARE` of it).

  Touching borders never count under any reading: only area inside counts, and neighbours in
  the boundary data share their borders exactly.

Areas are measured on the sphere (a cylindrical equal-area projection), so a northern
country is not over-weighted. Decisions are cached per region and place, so testing the same
places again (the common case over many articles) costs a dictionary lookup.

Performance
-----------
Each region's geometry is prepared (:func:`shapely.prepare`); a region made of many parts
(a union of 200 polygons) keeps an :class:`shapely.STRtree` of them to find the parts a
point or a polygon may touch. :meth:`Region.contains_xy` tests arrays of coordinates at once.

Examples
--------
>>> from geomap.regions import Region
>>> from geomap.model import Place
>>> ua = Region.country("UA")
>>> kursk = Place(538560, "Kursk", 51.73733, 36.18735, "P", "PPL", "RU", "41", 440052)
>>> ua.contains(kursk), Region.country("RU").contains(kursk)
(False, True)
>>> Region.parse("near:Kursk:100km").contains(kursk)
True
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
import sqlite3
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from .model import EARTH_RADIUS_KM, Place

__all__ = [
    "Region",
    "RegionError",
    "Area",
    "Boundaries",
    "get_boundaries",
    "boundaries_path",
    "AREA_RULES",
    "MIN_OVERLAP_KM2",
    "WITHIN_SHARE",
    "EARTH_RADIUS_KM",
]

#: The readings of membership for countries and admin-1 areas.
AREA_RULES = ("majority", "intersects", "within")
#: Under ``area="intersects"`` an area must overlap the region by more than this (km²).
MIN_OVERLAP_KM2 = 0.5
#: Under ``area="within"`` this share of an area must lie inside the region.
WITHIN_SHARE = 0.995

_GRID = 1e-4
_UNITS_KM = {"km": 1.0, "m": 0.001, "mi": 1.609344, "nm": 1.852}


class RegionError(ValueError):
    """A region spec or file that cannot be turned into a region."""


# --------------------------------------------------------------------------- boundaries

def boundaries_path() -> Path:
    """The boundary store: ``$GEOMAP_BOUNDARIES``, ``geomap/_data/boundaries`` in a wheel, else the repo's.

    Returns
    -------
    pathlib.Path
        Path of ``boundaries.sqlite`` (made by ``scripts/build_boundaries.py``).
    """
    env = os.environ.get("GEOMAP_BOUNDARIES")
    if env:
        return Path(env).expanduser()
    here = Path(__file__).resolve().parent
    packaged = here / "_data" / "boundaries" / "boundaries.sqlite"
    return packaged if packaged.exists() else here.parent / "data" / "boundaries" / "boundaries.sqlite"


@dataclass(frozen=True, slots=True)
class Area:
    """One country or first-level division in the boundary store."""

    id: int
    level: str  # "country" or "admin1"
    iso2: str
    code: str  # ISO 3166-2 ("UA-14"), or the ISO2 code of a country
    geonameid: int | None
    gn_admin1: str | None
    name: str
    area_km2: float
    bounds: tuple[float, float, float, float]


def decode_geometry(blob: bytes) -> BaseGeometry:
    """Read a geometry written by ``scripts/build_boundaries.py``'s ``encode_geometry``."""
    raw = np.frombuffer(zlib.decompress(blob), dtype="<i4")
    n0, n1, n2 = (int(v) for v in raw[:3])
    offsets = (raw[3:3 + n0], raw[3 + n0:3 + n0 + n1], raw[3 + n0 + n1:3 + n0 + n1 + n2])
    coords = np.cumsum(raw[3 + n0 + n1 + n2:].reshape(-1, 2).astype(np.int64), axis=0) * _GRID
    geom = shapely.from_ragged_array(shapely.GeometryType.MULTIPOLYGON, coords,
                                     tuple(o.astype(np.int64) for o in offsets))[0]
    return geom.geoms[0] if len(geom.geoms) == 1 else geom


def _ea(geom: BaseGeometry) -> BaseGeometry:
    """Project lon/lat to a cylindrical equal-area plane in km (areas are true areas)."""
    r = EARTH_RADIUS_KM
    return shapely.transform(geom, lambda xy: np.column_stack(
        [np.radians(xy[:, 0]) * r, np.sin(np.radians(np.clip(xy[:, 1], -90, 90))) * r]))


def area_km2(geom: BaseGeometry) -> float:
    """Area of a lon/lat geometry on the sphere, in km²."""
    return float(shapely.area(_ea(geom)))


class Boundaries:
    """Read-only access to the country and admin-1 polygons (``data/boundaries``).

    Parameters
    ----------
    path : str or Path, optional
        The SQLite file; default :func:`boundaries_path`.

    Examples
    --------
    >>> b = get_boundaries()
    >>> b.admin1("UA-14").name, b.country("Ukraine").code
    ('Donetsk', 'UA')
    """

    _COLS = "id, level, iso2, code, geonameid, gn_admin1, name, area_km2, minx, miny, maxx, maxy"

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else boundaries_path()
        if not self.path.exists():
            raise FileNotFoundError(f"no boundary data at {self.path} (run scripts/build_boundaries.py)")
        self._lock = threading.RLock()
        self._con: sqlite3.Connection | None = None
        self._pid = -1
        self.geometry = functools.lru_cache(maxsize=1024)(self._geometry)  # type: ignore[method-assign]
        self._for_place: dict[int, Area | None] = {}

    def _fetch(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            if self._con is None or self._pid != os.getpid():
                self._con = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True,
                                            check_same_thread=False)
                self._pid = os.getpid()
            return self._con.execute(sql, params).fetchall()

    @staticmethod
    def _area(row: tuple[Any, ...]) -> Area:
        return Area(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], tuple(row[8:12]))

    def _one(self, where: str, params: tuple[Any, ...]) -> Area | None:
        rows = self._fetch(f"SELECT {self._COLS} FROM areas WHERE {where} ORDER BY area_km2 DESC LIMIT 1", params)
        return self._area(rows[0]) if rows else None

    def _by_name(self, name: str, level: str) -> Area | None:
        from .gazetteer.names import normalize

        key = normalize(name)
        return self._one("level = ? AND id IN (SELECT area FROM names WHERE name = ?)", (level, key)) if key else None

    def _geometry(self, area_id: int) -> BaseGeometry:
        blob = self._fetch("SELECT geometry FROM areas WHERE id = ?", (area_id,))[0][0]
        return decode_geometry(blob)

    def country(self, query: str) -> Area | None:
        """A country by ISO 3166-1 alpha-2 / alpha-3 code or English name."""
        q = query.strip()
        if len(q) == 2 and q.isalpha():
            return self._one("level = 'country' AND iso2 = ?", (q.upper(),))
        return self._by_name(q, "country")

    def admin1(self, query: str | int) -> Area | None:
        """A first-level division by ISO 3166-2 code (``UA-14``), GeoNames id or name."""
        if isinstance(query, int) or str(query).strip().isdigit():
            return self._one("level = 'admin1' AND geonameid = ?", (int(query),))
        q = str(query).strip()
        if re.fullmatch(r"[A-Za-z]{2}-[A-Za-z0-9]{1,4}", q):
            hit = self._one("level = 'admin1' AND code = ?", (q.upper(),))
            if hit:
                return hit
        return self._by_name(q, "admin1")

    def admin1_of(self, country_code: str, gn_admin1: str) -> Area | None:
        """A first-level division by its GeoNames codes (``"UA", "05"``)."""
        return self._one("level = 'admin1' AND iso2 = ? AND gn_admin1 = ?", (country_code.upper(), gn_admin1))

    def for_place(self, place: Place) -> Area | None:
        """The boundary of a country or admin-1 :class:`Place`, or ``None`` (cities, regions…)."""
        try:
            return self._for_place[place.geonameid]
        except KeyError:
            pass
        area: Area | None = None
        if place.is_country and place.country_code:
            area = self._one("level = 'country' AND iso2 = ?", (place.country_code.upper(),))
        elif place.is_admin1:
            area = self._one("level = 'admin1' AND geonameid = ?", (place.geonameid,))
            if area is None and place.country_code and place.admin1:
                area = self.admin1_of(place.country_code, place.admin1)
        self._for_place[place.geonameid] = area
        return area

    def meta(self) -> dict[str, str]:
        return dict(self._fetch("SELECT key, value FROM meta"))


_BOUNDARIES: dict[Path, Boundaries] = {}
_BOUNDARIES_LOCK = threading.Lock()


def get_boundaries(path: str | Path | None = None) -> Boundaries:
    """One shared :class:`Boundaries` per path per process."""
    key = (Path(path) if path is not None else boundaries_path()).resolve()
    with _BOUNDARIES_LOCK:
        b = _BOUNDARIES.get(key)
        if b is None:
            b = _BOUNDARIES[key] = Boundaries(key)
        return b


# --------------------------------------------------------------------------- region

@dataclass(frozen=True, slots=True)
class _Part:
    label: str
    geometry: BaseGeometry


_MISS = object()


class Region:
    """A geographic region: one or more labelled lon/lat geometries.

    Parameters
    ----------
    geometry : shapely geometry, optional
        A (Multi)Polygon in lon/lat. Use the class methods to build regions by name.
    name : str, optional
        The label shown in explanations (default: the geometry type).
    parts : sequence of (label, geometry), optional
        Several labelled geometries (what ``a | b`` makes).

    See also
    --------
    Region.parse : the command-line specs.

    Examples
    --------
    >>> r = Region.bbox(36.0, 47.5, 39.0, 49.0) | Region.country("BE")
    >>> r.contains((48.0, 37.8)), r.contains((50.85, 4.35)), r.contains((55.75, 37.62))
    (True, True, False)
    """

    __slots__ = ("name", "parts", "_geometry", "_ea_area", "_parts_area", "_bounds", "_boxes", "_tree", "_cache", "_lock")

    def __init__(self, geometry: BaseGeometry | None = None, *, name: str | None = None,
                 parts: Sequence[tuple[str, BaseGeometry]] | None = None) -> None:
        items: list[_Part] = []
        if geometry is not None:
            items.append(_Part(name or geometry.geom_type, _polygonal(geometry, name or "geometry")))
        for label, g in parts or ():
            items.append(_Part(label, _polygonal(g, label)))
        if not items:
            raise RegionError("a region needs at least one geometry")
        for p in items:
            shapely.prepare(p.geometry)
        self._setup(tuple(items), name or " | ".join(p.label for p in items))

    def _setup(self, parts: tuple[_Part, ...], name: str) -> None:
        """Hold checked, prepared ``parts``; the union, areas, tree and caches come lazily."""
        self.parts = parts
        self.name = name
        self._geometry: BaseGeometry | None = parts[0].geometry if len(parts) == 1 else None
        self._ea_area: float | None = None
        self._parts_area: float | None = None
        self._bounds: tuple[float, float, float, float] | None = None
        self._boxes: np.ndarray | None = None
        self._tree: shapely.STRtree | None = None
        self._cache: dict[tuple[int, str], Any] = {}
        self._lock = threading.Lock()

    # ---------------------------------------------------------------- constructors

    @classmethod
    def country(cls, query: str, *, boundaries: Boundaries | None = None) -> "Region":
        """A country by ISO code (``"UA"``, ``"UKR"``) or name (``"Ukraine"``).

        Examples
        --------
        >>> Region.country("UA").name
        'country:UA (Ukraine)'
        """
        b = boundaries or get_boundaries()
        area = b.country(query)
        if area is None:
            cc = _gazetteer_country(query)
            area = b.country(cc) if cc else None
        if area is None:
            raise RegionError(f"unknown country {query!r}")
        return cls(b.geometry(area.id), name=f"country:{area.code} ({area.name})")

    @classmethod
    def admin1(cls, query: str | int, *, boundaries: Boundaries | None = None) -> "Region":
        """A first-level division by ISO 3166-2 code (``"UA-14"``), GeoNames id or name.

        Examples
        --------
        >>> Region.admin1("UA-14").name
        'admin1:UA-14 (Donetsk)'
        >>> Region.admin1(709716).name == Region.admin1("Donetsk Oblast").name
        True
        """
        b = boundaries or get_boundaries()
        area = b.admin1(query)
        if area is None and not str(query).strip().isdigit():
            place = _gazetteer_admin1(str(query))
            area = b.for_place(place) if place else None
        if area is None:
            raise RegionError(f"unknown first-level division {query!r}")
        return cls(b.geometry(area.id), name=f"admin1:{area.code} ({area.name})")

    @classmethod
    def bbox(cls, west: float, south: float, east: float, north: float) -> "Region":
        """A longitude/latitude box; ``west > east`` crosses the antimeridian.

        Examples
        --------
        >>> Region.bbox(170, -50, -170, -30).contains((-40.0, 179.0))
        True
        """
        west, south, east, north = map(float, (west, south, east, north))
        if not (-90 <= south < north <= 90) or not (-180 <= west <= 180 and -180 <= east <= 180) or west == east:
            raise RegionError(f"bad bbox {west},{south},{east},{north} (expected W,S,E,N in degrees)")
        name = f"bbox:{_num(west)},{_num(south)},{_num(east)},{_num(north)}"
        if west < east:
            return cls(shapely.box(west, south, east, north), name=name)
        return cls(shapely.MultiPolygon([shapely.box(west, south, 180, north), shapely.box(-180, south, east, north)]),
                   name=name)

    @classmethod
    def near(cls, center: Any, km: float, *, segments: int = 72, name: str | None = None) -> "Region":
        """A geodesic circle of ``km`` around a place name, a :class:`Place`, ``(lat, lon)`` or a geopy point.

        The circle is the polygon through ``segments`` points at distance ``km`` on the
        WGS84 ellipsoid (:func:`geopy.distance.distance`), split at the antimeridian.

        Examples
        --------
        >>> r = Region.near((51.73733, 36.18735), 100)
        >>> r.contains((51.7, 37.5)), r.contains((51.7, 38.0))
        (True, False)
        """
        from geopy.distance import distance

        lat, lon, label = _center(center)
        if not km > 0:
            raise RegionError("the radius must be positive")
        d = distance(kilometers=float(km))
        pts = [d.destination((lat, lon), bearing=360.0 * i / segments) for i in range(segments)]
        lons = np.array([p.longitude for p in pts])
        lons = lon + (lons - lon + 180.0) % 360.0 - 180.0  # unwrap around the centre
        ring = np.column_stack([lons, [p.latitude for p in pts]])
        if km >= 0.99 * math.pi * EARTH_RADIUS_KM / 2 and abs(lat) > 45:  # around a pole
            raise RegionError("a radius this large around a point this far north or south is not supported")
        poly = shapely.Polygon(ring)
        world = shapely.box(-180, -90, 180, 90)
        pieces = [shapely.intersection(shapely.affinity.translate(poly, dx), world) for dx in (-360, 0, 360)]
        geom = shapely.union_all([p for p in pieces if not p.is_empty])
        return cls(geom, name=name or f"near:{label}:{_num(km)}km")

    @classmethod
    def from_geojson(cls, obj: dict[str, Any] | str, *, name: str | None = None) -> "Region":
        """A region from a GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection.

        Each feature becomes a part, labelled by its ``name`` property when it has one.
        """
        if isinstance(obj, str):
            try:
                obj = json.loads(obj)
            except json.JSONDecodeError as e:
                raise RegionError(f"invalid GeoJSON: {e.msg} at line {e.lineno}") from None
        if not isinstance(obj, dict):
            raise RegionError("GeoJSON must be an object")
        kind = obj.get("type")
        base = name or "geojson"
        if kind == "FeatureCollection":
            feats = obj.get("features") or []
        elif kind == "Feature":
            feats = [obj]
        else:
            feats = [{"type": "Feature", "geometry": obj, "properties": {}}]
        parts = []
        for i, f in enumerate(feats):
            geom = (f or {}).get("geometry")
            if not geom:
                continue
            props = f.get("properties") or {}
            label = props.get("name") or props.get("id") or (base if len(feats) == 1 else f"{base}#{i}")
            try:
                g = shapely.from_geojson(json.dumps(geom))
            except Exception as e:  # noqa: BLE001 - GEOS reader errors
                raise RegionError(f"{label}: invalid geometry ({e})") from None
            parts.append((str(label), g))
        if not parts:
            raise RegionError(f"{base}: no polygon in the GeoJSON")
        return cls(parts=parts, name=name)

    @classmethod
    def from_wkt(cls, wkt: str, *, name: str | None = None) -> "Region":
        """A region from WKT (``POLYGON``, ``MULTIPOLYGON``…) in lon/lat."""
        try:
            geom = shapely.from_wkt(wkt.strip())
        except Exception as e:  # noqa: BLE001 - GEOS reader errors
            raise RegionError(f"invalid WKT: {e}") from None
        return cls(geom, name=name or "wkt")

    @classmethod
    def from_file(cls, path: str | Path) -> "Region":
        """A region from a ``.geojson``/``.json`` or ``.wkt`` file (GeoJSON when it starts with ``{``)."""
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8-sig")
        except OSError as e:
            raise RegionError(f"{p}: {e.strerror or e}") from None
        if text.lstrip().startswith("{"):
            return cls.from_geojson(text, name=p.name)
        return cls.from_wkt(text, name=p.name)

    @classmethod
    def parse(cls, spec: str) -> "Region":
        """A region from a command-line spec.

        ``country:UA`` / ``country:Ukraine``, ``admin1:UA-14`` / ``admin1:Donetsk`` /
        ``admin1:709716``, ``bbox:W,S,E,N``, ``near:PLACE:100km`` (also ``near:LAT,LON:50mi``),
        ``wkt:POLYGON((…))``, or the path of a GeoJSON/WKT file. Several specs joined by
        ``|`` make a union.

        Examples
        --------
        >>> Region.parse("country:UA|admin1:RU-KRS").name
        'country:UA (Ukraine) | admin1:RU-KRS (Kursk)'
        """
        spec = spec.strip()
        if "|" in spec and not Path(spec).exists():
            return cls.union(*(cls.parse(s) for s in spec.split("|") if s.strip()))
        kind, _, rest = spec.partition(":")
        kind = kind.lower()
        if kind == "country" and rest:
            return cls.country(rest)
        if kind in ("admin1", "adm1") and rest:
            return cls.admin1(rest)
        if kind == "bbox" and rest:
            return cls.bbox(*_floats(rest, 4, "bbox:W,S,E,N"))
        if kind == "wkt" and rest:
            return cls.from_wkt(rest)
        if kind == "near" and rest:
            where, sep, radius = rest.rpartition(":")
            if not sep or not where:
                raise RegionError(f"bad near spec {spec!r} (expected near:PLACE:100km)")
            return cls.near(where, _km(radius))
        if Path(spec).is_file():
            return cls.from_file(spec)
        if Path(spec).suffix.lower() in (".geojson", ".json", ".wkt"):
            raise RegionError(f"{spec}: no such file")
        raise RegionError(f"unknown region {spec!r} (use country:CC, admin1:CC-XX, bbox:W,S,E,N, "
                          f"near:PLACE:KM or a GeoJSON/WKT file)")

    # ---------------------------------------------------------------- algebra and geometry

    def __or__(self, other: "Region") -> "Region":
        if not isinstance(other, Region):
            return NotImplemented
        return Region.union(self, other)

    @classmethod
    def union(cls, *regions: "Region") -> "Region":
        """One region made of all the parts of ``regions`` (``a | b | c`` in one step: the parts
        are already checked and prepared, so a union of hundreds costs no more than its parts).

        Examples
        --------
        >>> Region.union(Region.country("BE"), Region.country("NL")).name
        'country:BE (Belgium) | country:NL (Netherlands)'
        """
        if not regions:
            raise RegionError("a region needs at least one geometry")
        if len(regions) == 1:
            return regions[0]
        out = cls.__new__(cls)
        out._setup(tuple(p for r in regions for p in r.parts), " | ".join(r.name for r in regions))
        return out

    def __repr__(self) -> str:
        return f"Region({self.name!r})"

    @property
    def geometry(self) -> BaseGeometry:
        """The union of the parts (prepared)."""
        if self._geometry is None:
            g = shapely.union_all([p.geometry for p in self.parts])
            shapely.prepare(g)
            self._geometry = g
        return self._geometry

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(west, south, east, north)`` of the union."""
        if self._bounds is None:
            self._bounds = tuple(map(float, shapely.total_bounds([p.geometry for p in self.parts])))  # type: ignore[assignment]
        return self._bounds  # type: ignore[return-value]

    @property
    def area_km2(self) -> float:
        """The region's area on the sphere."""
        if self._ea_area is None:
            self._ea_area = area_km2(self.geometry)
        return self._ea_area

    def _parts_km2(self) -> float:
        """The sum of the parts' areas: the region's area when they do not overlap, else more
        (cheaper than :attr:`area_km2` for a union of many parts, which it bounds)."""
        if len(self.parts) == 1:
            return self.area_km2
        if self._parts_area is None:
            self._parts_area = sum(area_km2(p.geometry) for p in self.parts)
        return self._parts_area

    @property
    def tree(self) -> shapely.STRtree:
        """An STRtree over the parts."""
        if self._tree is None:
            self._tree = shapely.STRtree([p.geometry for p in self.parts])
        return self._tree

    # ---------------------------------------------------------------- membership

    def contains_xy(self, lon: Any, lat: Any) -> np.ndarray | bool:
        """Vectorised point test: which ``(lon, lat)`` lie in the region's interior.

        Parameters
        ----------
        lon, lat : float or array_like
            Coordinates in degrees (note the x, y order, as in shapely).

        Returns
        -------
        bool or numpy.ndarray of bool

        Examples
        --------
        >>> Region.country("UA").contains_xy([37.8, 37.62], [48.0, 55.75]).tolist()
        [True, False]
        """
        if len(self.parts) == 1:
            return shapely.contains_xy(self.parts[0].geometry, lon, lat)
        x, y = np.broadcast_arrays(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
        out = np.zeros(x.shape, dtype=bool)
        pts = shapely.points(x.ravel(), y.ravel())
        idx = self.tree.query(pts, predicate="within")  # (point index, part index)
        out.ravel()[np.unique(idx[0])] = True
        return bool(out) if out.ndim == 0 else out

    def contains(self, place: Any, *, area: str = "majority",
                 boundaries: Boundaries | None = None) -> bool | np.ndarray:
        """Whether a place is in the region, by the membership rule of this module.

        Parameters
        ----------
        place : Place, (lat, lon), shapely Point, or a list of them
            A list gives an array of booleans.
        area : {"majority", "intersects", "within"}
            How countries and admin-1 areas are judged (points ignore it).
        boundaries : Boundaries, optional
            Where country and admin-1 polygons come from (default: the bundled data).

        Returns
        -------
        bool or numpy.ndarray of bool

        Examples
        --------
        >>> from geomap.model import Place
        >>> russia = Place(2017370, "Russia", 60.0, 100.0, "A", "PCLI", "RU")
        >>> ua = Region.country("UA")
        >>> ua.contains(russia), ua.contains(russia, area="intersects")
        (False, False)
        """
        if isinstance(place, list) or (isinstance(place, tuple) and place and not _is_number(place[0])):
            return np.array([self.locate(p, area=area, boundaries=boundaries) is not None for p in place], dtype=bool)
        return self.locate(place, area=area, boundaries=boundaries) is not None

    def locate(self, place: Any, *, area: str = "majority", boundaries: Boundaries | None = None) -> str | None:
        """The label of the part that holds ``place`` (see :meth:`contains`), or ``None``.

        For an area judged by its polygon the label is the part with the largest overlap.
        """
        if area not in AREA_RULES:
            raise ValueError(f"area must be one of {AREA_RULES}, not {area!r}")
        if isinstance(place, Place):
            key = (place.geonameid, area)
            hit = self._cache.get(key, _MISS)
            if hit is _MISS:
                hit = self._locate_place(place, area, boundaries)
                with self._lock:
                    self._cache[key] = hit
            return hit  # type: ignore[return-value]
        if isinstance(place, BaseGeometry):
            if isinstance(place, shapely.Point):
                return self._locate_xy(place.x, place.y)
            return self._locate_polygon(place, area)
        lat, lon = place  # (lat, lon), as geopy
        return self._locate_xy(float(lon), float(lat))

    def _locate_place(self, place: Place, area: str, boundaries: Boundaries | None) -> str | None:
        if place.is_country or place.is_admin1:
            b = boundaries or _default_boundaries()
            a = b.for_place(place) if b is not None else None
            if a is not None:
                if not self._may_hold(a.bounds, a.area_km2, area):
                    return None  # decided from the stored box and area, without reading the polygon
                return self._measure(b.geometry(a.id), area, a.area_km2)
        return self._locate_xy(place.lon, place.lat)

    def _locate_xy(self, x: float, y: float) -> str | None:
        if len(self.parts) == 1:
            p = self.parts[0]
            return p.label if shapely.contains_xy(p.geometry, x, y) else None
        if self._boxes is None:  # the parts' boxes as columns: one vectorised test finds the candidates
            self._boxes = shapely.bounds(np.array([p.geometry for p in self.parts], dtype=object)).T.copy()
        x0, y0, x1, y1 = self._boxes
        for i in np.flatnonzero((x0 <= x) & (x <= x1) & (y0 <= y) & (y <= y1)):
            part = self.parts[int(i)]
            if shapely.contains_xy(part.geometry, x, y):  # prepared: interior only, as "within"
                return part.label
        return None

    def _may_hold(self, bounds: tuple[float, float, float, float], total: float, area: str) -> bool:
        """Whether an area with these bounds and size can pass ``area``'s rule at all."""
        gx0, gy0, gx1, gy1 = bounds
        rx0, ry0, rx1, ry1 = self.bounds
        if gx1 <= rx0 or gx0 >= rx1 or gy1 <= ry0 or gy0 >= ry1 or total <= 0:
            return False
        if area == "majority" and self._parts_km2() <= 0.5 * total:
            return False  # the region is too small to hold most of it (the parts' sum bounds its area)
        if area == "within" and self._parts_km2() < WITHIN_SHARE * total:
            return False
        return len(self.parts) == 1 or len(self.tree.query(shapely.box(*bounds))) > 0

    def _locate_polygon(self, geom: BaseGeometry, area: str) -> str | None:
        total = area_km2(geom)
        if not self._may_hold(geom.bounds, total, area):
            return None
        return self._measure(geom, area, total)

    def _measure(self, geom: BaseGeometry, area: str, total: float) -> str | None:
        """The label of the part holding most of ``geom`` (of ``total`` km²) when ``area``'s rule
        passes, once :meth:`_may_hold` said it can."""
        idx = self.tree.query(geom) if len(self.parts) > 1 else [0]
        best, best_km2, inside = None, 0.0, 0.0
        for i in idx:
            part = self.parts[int(i)]
            if shapely.contains_properly(part.geometry, geom):
                km2 = total
            else:
                km2 = area_km2(shapely.intersection(part.geometry, geom))
            if km2 > best_km2:
                best, best_km2 = part.label, km2
        if best is None:
            return None
        if len(idx) > 1:  # the parts may overlap: measure the union of those that meet it once
            inside = area_km2(shapely.intersection(shapely.union_all([self.parts[int(i)].geometry for i in idx]), geom))
        else:
            inside = best_km2
        if area == "majority":
            return best if inside > 0.5 * total else None
        if area == "within":
            return best if inside >= WITHIN_SHARE * total else None
        return best if inside > MIN_OVERLAP_KM2 else None


# --------------------------------------------------------------------------- helpers

@functools.lru_cache(maxsize=1)
def _default_boundaries_cached() -> Boundaries | None:
    try:
        return get_boundaries()
    except FileNotFoundError:
        return None


def _default_boundaries() -> Boundaries | None:
    return _default_boundaries_cached()


def _polygonal(geom: Any, label: str) -> BaseGeometry:
    if not isinstance(geom, BaseGeometry):
        raise RegionError(f"{label}: not a shapely geometry")
    if geom.geom_type == "GeometryCollection":
        geom = shapely.union_all([g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")])
    if geom.geom_type not in ("Polygon", "MultiPolygon") or geom.is_empty:
        raise RegionError(f"{label}: a region must be a Polygon or MultiPolygon, not {geom.geom_type}")
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
        if geom.geom_type == "GeometryCollection":
            geom = shapely.union_all([g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")])
    x0, y0, x1, y1 = geom.bounds
    if x0 < -180.0001 or x1 > 180.0001 or y0 < -90.0001 or y1 > 90.0001:
        raise RegionError(f"{label}: coordinates out of lon/lat range (is it projected, or lat/lon swapped?)")
    return geom


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float, np.floating, np.integer)) and not isinstance(v, bool)


def _num(v: float) -> str:
    return f"{v:g}"


def _floats(text: str, n: int, what: str) -> list[float]:
    try:
        vals = [float(v) for v in text.split(",")]
    except ValueError:
        raise RegionError(f"expected {what}, got {text!r}") from None
    if len(vals) != n:
        raise RegionError(f"expected {what}, got {text!r}")
    return vals


def _km(text: str) -> float:
    m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*(km|m|mi|nm)?\s*", text.lower())
    if not m:
        raise RegionError(f"bad radius {text!r} (expected e.g. 100km, 30mi)")
    return float(m.group(1)) * _UNITS_KM[m.group(2) or "km"]


def _center(center: Any) -> tuple[float, float, str]:
    if isinstance(center, Place):
        return center.lat, center.lon, center.name
    if isinstance(center, str):
        s = center.strip()
        m = re.fullmatch(r"(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)", s)
        if m:
            return float(m.group(1)), float(m.group(2)), s
        place = _gazetteer_place(s)
        if place is None:
            raise RegionError(f"unknown place {s!r}")
        return place.lat, place.lon, s
    if isinstance(center, BaseGeometry) and center.geom_type == "Point":
        return center.y, center.x, f"{center.y:g},{center.x:g}"
    for attr in ("latitude", "lat"):
        if hasattr(center, attr):  # geopy Location / Point
            lat, lon = float(getattr(center, attr)), float(getattr(center, "longitude", getattr(center, "lon", 0)))
            return lat, lon, f"{lat:g},{lon:g}"
    try:
        lat, lon = center
        return float(lat), float(lon), f"{float(lat):g},{float(lon):g}"
    except (TypeError, ValueError):
        raise RegionError(f"cannot make a centre of {center!r}") from None


def _store() -> Any:
    from .gazetteer.store import get_store

    return get_store()


def _gazetteer_place(name: str) -> Place | None:
    """The place called ``name``: the most populous populated place, else area, else anything."""
    cands = _store().lookup(name)
    for classes in ("P", "A", None):
        for c in cands:
            if classes is None or c.place.feature_class == classes:
                return c.place
    return None


def _gazetteer_country(name: str) -> str | None:
    for c in _store().lookup(name):
        if c.place.is_country:
            return c.place.country_code
    return None


def _gazetteer_admin1(name: str) -> Place | None:
    from .gazetteer.names import core_name

    for q in dict.fromkeys((name, core_name(name))):
        for c in _store().lookup(q):
            if c.place.is_admin1:
                return c.place
    return None


def iter_parts(region: Region) -> Iterable[tuple[str, BaseGeometry]]:
    """The ``(label, geometry)`` parts of a region."""
    return ((p.label, p.geometry) for p in region.parts)
