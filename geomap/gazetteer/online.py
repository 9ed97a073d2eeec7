"""Online geocoders (Nominatim and any other geopy service) behind the Gazetteer interface.

>>> gc = online_geocoder("nominatim", user_agent="my-newsroom-app")        # doctest: +SKIP
>>> gc.geocode("Kursk")                                                     # doctest: +SKIP

Opt-in only: geomap is offline by default. Every call goes through geopy's
``RateLimiter`` (one request per ``min_delay_seconds``) and an on-disk SQLite cache
keyed by service, options and query, so a re-run sends no request at all.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import sqlite3
import threading
import zlib
from pathlib import Path
from typing import Any, Collection

from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import get_geocoder_for_service
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from geomap.gazetteer.geocoder import Ranked
from geomap.model import Place

__all__ = ["OnlineGeocoder", "online_geocoder", "default_cache_path"]


def default_cache_path() -> Path:
    """``$GEOMAP_GEOCODER_CACHE``, else ``$XDG_CACHE_HOME`` (or ``~/.cache``)``/geomap/geocoder-cache.sqlite``."""
    env = os.environ.get("GEOMAP_GEOCODER_CACHE")
    if env:
        return Path(env).expanduser()
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "geomap" / "geocoder-cache.sqlite"


class _Cache:
    """A tiny JSON-valued key/value table in SQLite, safe across threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._con = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        self._con.execute("CREATE TABLE IF NOT EXISTS cache (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        self._con.commit()

    def get(self, key: str) -> Any:
        with self._lock:
            row = self._con.execute("SELECT value FROM cache WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, key: str, value: Any) -> None:
        with self._lock:
            self._con.execute("INSERT OR REPLACE INTO cache VALUES (?, ?)", (key, json.dumps(value)))
            self._con.commit()

    def close(self) -> None:
        with self._lock:
            self._con.close()


#: Nominatim (OSM) class/type and place_rank -> GeoNames feature class and code.
def _osm_feature(raw: dict[str, Any]) -> tuple[str, str]:
    cls, typ = raw.get("class") or raw.get("category") or "", raw.get("type") or ""
    rank = int(raw.get("place_rank") or 0)
    if raw.get("addresstype") in ("city", "town", "village", "hamlet", "municipality"):
        return "P", "PPL"
    if cls == "boundary" and typ == "administrative" or raw.get("addresstype") in ("country", "state"):
        if rank <= 4 or raw.get("addresstype") == "country":
            return "A", "PCLI"
        if rank <= 8 or raw.get("addresstype") == "state":
            return "A", "ADM1"
        return "A", "ADM2" if rank <= 12 else "ADMD"
    if cls == "place":
        if typ in ("city", "town", "village", "hamlet", "suburb", "locality"):
            return "P", "PPL"
        if typ in ("country",):
            return "A", "PCLI"
        if typ in ("state", "region", "province"):
            return "A", "ADM1"
        return "L", "AREA"
    if cls in ("natural", "waterway", "water"):
        return ("H", "STM") if cls == "waterway" else ("T", "MT")
    return "S", typ.upper()[:10] or "BLDG"


def _place(loc: Location) -> Place:
    raw = loc.raw if isinstance(loc.raw, dict) else {}
    if "geonameId" in raw:  # geopy's GeoNames geocoder: a real GeoNames record
        return Place(int(raw["geonameId"]), raw.get("name") or loc.address, loc.latitude, loc.longitude,
                     raw.get("fcl") or "", raw.get("fcode") or "", raw.get("countryCode") or None,
                     raw.get("adminCode1") or None, int(raw.get("population") or 0))
    fclass, fcode = _osm_feature(raw)
    address = raw.get("address") if isinstance(raw.get("address"), dict) else {}
    cc = (address.get("country_code") or "").upper() or None
    ident = raw.get("place_id") or raw.get("osm_id")
    gid = int(ident) if str(ident or "").isdigit() else zlib.crc32((loc.address or "").encode())
    name = raw.get("name") or (loc.address or "").split(",")[0].strip()
    return Place(gid, name, float(loc.latitude), float(loc.longitude), fclass, fcode, cc, None,
                 int(raw.get("extratags", {}).get("population") or 0) if isinstance(raw.get("extratags"), dict)
                 and str(raw["extratags"].get("population") or "").isdigit() else 0)


class OnlineGeocoder:
    """A geopy geocoder made to look like :class:`geomap.Gazetteer`: ``geocode``,
    ``candidates`` (ranked in the service's order, with its ``importance``), ``reverse``.

    Requests go through ``RateLimiter``; answers are cached on disk forever (delete the
    cache file to refresh). ``requests`` counts the requests actually sent.
    """

    def __init__(self, geocoder: Geocoder, *, cache_path: str | Path | None = None,
                 min_delay_seconds: float = 1.0, max_retries: int = 2, service: str | None = None,
                 options: dict[str, Any] | None = None) -> None:
        self.geocoder = geocoder
        self.service = service or type(geocoder).__name__.lower()
        self.cache = _Cache(Path(cache_path) if cache_path else default_cache_path())
        self.requests = 0
        self._options_key = json.dumps(sorted((k, str(v)) for k, v in (options or {}).items()))
        self._geocode = RateLimiter(self._counted(geocoder.geocode), min_delay_seconds=min_delay_seconds,
                                    max_retries=max_retries, swallow_exceptions=False)
        self._reverse = RateLimiter(self._counted(geocoder.reverse), min_delay_seconds=min_delay_seconds,
                                    max_retries=max_retries, swallow_exceptions=False)
        self._geocode_params = set(inspect.signature(geocoder.geocode).parameters)
        self._reverse_params = set(inspect.signature(geocoder.reverse).parameters)

    def _counted(self, fn: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            self.requests += 1
            return fn(*args, **kwargs)
        return call

    def _key(self, method: str, query: Any, kwargs: dict[str, Any]) -> str:
        text = json.dumps([self.service, self._options_key, method, query, sorted(kwargs.items())], default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def _cached(self, method: str, query: Any, kwargs: dict[str, Any]) -> list[Location]:
        key = self._key(method, query, kwargs)
        hit = self.cache.get(key)
        if hit is None:
            call = self._geocode if method == "geocode" else self._reverse
            result = call(query, exactly_one=False, **kwargs)
            result = [] if result is None else ([result] if isinstance(result, Location) else list(result))
            hit = [[loc.address, [loc.latitude, loc.longitude, loc.altitude], loc.raw] for loc in result]
            self.cache.put(key, hit)
        return [Location(a, Point(*p), raw) for a, p, raw in hit]

    def _kwargs(self, params: set[str], **wanted: Any) -> dict[str, Any]:
        return {k: v for k, v in wanted.items() if v is not None and k in params}

    def candidates(self, name: str, *, country_codes: str | Collection[str] | None = None,
                   feature_class: str | Collection[str] | None = None, limit: int | None = 10) -> list[Ranked]:
        """The service's answers for ``name``, in its order, as :class:`Ranked` candidates."""
        codes = [country_codes] if isinstance(country_codes, str) else country_codes
        kwargs = self._kwargs(self._geocode_params, country_codes=[c.lower() for c in codes] if codes else None,
                              limit=limit, addressdetails=True if "addressdetails" in self._geocode_params else None)
        locs = self._cached("geocode", name, kwargs)
        classes = set(feature_class.upper()) if isinstance(feature_class, str) else \
            ({c.upper() for c in feature_class} if feature_class else None)
        out: list[Ranked] = []
        for i, loc in enumerate(locs):
            place = _place(loc)
            if classes is not None and place.feature_class not in classes:
                continue
            if codes and place.country_code and place.country_code not in {c.upper() for c in codes}:
                continue
            raw = loc.raw if isinstance(loc.raw, dict) else {"value": loc.raw}
            importance = float(raw.get("importance") or 0.0)
            features = {"service_rank": -float(i), "importance": round(importance, 4)}
            out.append(Ranked(place, sum(features.values()), features, "service",
                              {**raw, "address": loc.address, "service": self.service}))
        return out[:limit] if limit else out

    def geocode(self, query: str, *, exactly_one: bool = True,
                country_codes: str | Collection[str] | None = None,
                feature_class: str | Collection[str] | None = None,
                limit: int | None = None, **_: Any) -> Location | list[Location] | None:
        """Like :meth:`geomap.Gazetteer.geocode`, answered by the online service (or the cache)."""
        ranked = self.candidates(query, country_codes=country_codes, feature_class=feature_class,
                                 limit=limit or (None if not exactly_one else 10))
        if not ranked:
            return None
        return ranked[0].location if exactly_one else [r.location for r in ranked]

    def reverse(self, query: Any, *, exactly_one: bool = True, **_: Any) -> Location | list[Location] | None:
        pt = Point(query)
        locs = self._cached("reverse", f"{pt.latitude:.6f},{pt.longitude:.6f}", {})
        if not locs:
            return None
        return locs[0] if exactly_one else locs

    def close(self) -> None:
        self.cache.close()


def online_geocoder(name: str, *, cache_path: str | Path | None = None, min_delay_seconds: float = 1.0,
                    max_retries: int = 2, user_agent: str | None = None, **options: Any) -> OnlineGeocoder:
    """A geopy geocoder by service name (``"nominatim"``, ``"photon"``, ``"geonames"``...) with
    its ``options`` (``domain=``, ``scheme=``, ``username=``, ``api_key=``...), rate-limited and cached.
    """
    from geomap import __version__

    cls = get_geocoder_for_service(name)
    params = inspect.signature(cls.__init__).parameters
    if "user_agent" in params:
        options.setdefault("user_agent", user_agent or f"geomap/{__version__}")
    geocoder = cls(**options)
    shown = {k: v for k, v in options.items() if k not in ("api_key", "username", "password", "user_agent")}
    return OnlineGeocoder(geocoder, cache_path=cache_path, min_delay_seconds=min_delay_seconds,
                          max_retries=max_retries, service=name.lower(), options=shown)
