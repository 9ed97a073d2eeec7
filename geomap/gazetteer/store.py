"""Read-only access to the gazetteer SQLite store built by :mod:`geomap.gazetteer.build`."""

from __future__ import annotations

import errno
import functools
import json
import os
import sqlite3
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Collection, Iterable, Iterator

from geomap.gazetteer.build import (CUSTOM_SOURCE, curated_digest, DIVISION_WHERE, KIND_RANK, PHRASE_WHERE, PLACE_COLUMNS, SCHEMA_VERSION,
                                    stored_value, build_default, default_path)
from geomap.gazetteer.check import StoreError, check_store_path
from geomap.gazetteer.names import normalize
from geomap.model import Place

__all__ = ["Candidate", "GazetteerStore", "get_store", "forget_cached"]

#: About how long the default build takes on a small machine (2 cores), for the first-run notice.
BUILD_SECONDS = 30

_PLACE_COLUMNS = ("p.geonameid, p.name, p.lat, p.lon, p.feature_class, p.feature_code, "
                  "p.country_code, p.admin1, p.population")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A place that carries the looked-up name, and how (``name_kind``) it carries it."""

    place: Place
    matched: str
    name_kind: str


def _place(row: tuple[Any, ...]) -> Place:
    return Place(int(row[0]), row[1], float(row[2]), float(row[3]), row[4], row[5],
                 row[6], row[7], int(row[8] or 0))


def _stored_schema_version(path: Path) -> str | None:
    return stored_value(path, "schema_version")


def _stale_default(path: Path) -> bool:
    """The default store was built from other curated tables than the ones shipped now."""
    return stored_value(path, "builder") == "default" and stored_value(path, "curated") != curated_digest()


#: The meta entries stored as JSON text.
JSON_META = ("sources", "counts", "filters", "skipped")


#: Entries a :meth:`GazetteerStore.memo` dict holds before it is emptied.
MEMO_SIZE = 200_000
#: Names asked about in one query by :meth:`GazetteerStore.prefetch` (SQLite's own limit is 999 at the least).
_PREFETCH_CHUNK = 500
#: Abbreviated words of names, written out: a name the gazetteer lacks is looked up once more so.
_SHORT_WORDS = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount"}
#: ...a saint's only in a name of three words or more: "St. Johns County", "Gulf of St. Lawrence"
#: (not "St. Luke", a saint before it is a parish of Dominica).
_SAINTS = ("st", "ste")


def _written_out(key: str) -> str | None:
    """``key`` (normalised) with its abbreviated words written out (:data:`_SHORT_WORDS`), or None."""
    words = key.split(" ")
    if len(words) < 2 or not any(w in _SHORT_WORDS for w in words) or (len(words) < 3 and any(w in _SAINTS for w in words)):
        return None
    return " ".join(_SHORT_WORDS.get(w, w) for w in words)


class GazetteerStore:
    """Lookups against the gazetteer.

    A path that holds anything but a geomap store is refused (:class:`StoreError`), never
    replaced. Only the default store (``build=None`` and no path, or the default path) is built
    when missing or stale; ``build=True`` allows it for any path, ``build=False`` never. The
    connection is read-only and re-opened after a ``fork``; lookups are cached per instance.
    """

    def __init__(self, path: str | Path | None = None, *, build: bool | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        if build is None:  # only the default store is built (or rebuilt) when missing or stale
            build = path is None or self.path.resolve() == default_path().resolve()
        check_store_path(self.path, create=build)  # a file that is not a store is never replaced
        if _stored_schema_version(self.path) != str(SCHEMA_VERSION) or _stale_default(self.path):
            if not build:
                raise StoreError(f"{self.path} was built by another version of geomap; rebuild it with "
                                 f"`geomap --gazetteer {self.path} gazetteer build --force`")
            if stored_value(self.path, "builder") not in (None, "default"):
                # a store imported from GeoNames dumps is never silently replaced by the default one
                raise StoreError(f"{self.path} was built from GeoNames dumps with an older schema; "
                                 "rebuild it with `geomap gazetteer build --from ... --force`")
            print(f"geomap: building the gazetteer once, about {BUILD_SECONDS} s, at {self.path}",
                  file=sys.stderr, flush=True)
            try:
                build_default(self.path, force=True, progress=sys.stderr.isatty())
            except (OSError, sqlite3.Error) as e:  # a full disk, a read-only folder
                full = getattr(e, "errno", None) == errno.ENOSPC or "full" in str(e)
                raise StoreError(f"cannot build the gazetteer at {self.path}: "
                                 f"{'no space left on the device' if full else e}") from None
        self._lock = threading.RLock()
        self._con: sqlite3.Connection | None = None
        self._pid = -1
        self._lookup_key = functools.lru_cache(maxsize=65536)(self._query_key)
        self._main_town = functools.lru_cache(maxsize=4096)(self._query_main_town)
        self._division_names: frozenset[str] | None = None
        self._demonym_names: frozenset[str] | None = None
        self._phrases: tuple[Any] | None = None
        self._memos: dict[str, dict[Any, Any]] = {}
        self._absent: frozenset[str] = frozenset()  # keys the last prefetch() found no name for

    # -- connection

    def _conn(self) -> sqlite3.Connection:
        if self._con is None or self._pid != os.getpid():
            self._con = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True,
                                        check_same_thread=False)
            # map the file instead of read() calls: lookups are small random reads; the pages are
            # shared by every process that opens the store (workers, the service)
            self._con.execute("PRAGMA mmap_size = 268435456")
            self._pid = os.getpid()
        return self._con

    def _fetch(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._conn().execute(sql, params).fetchall()

    def _fetch_names(self, sql: str) -> list[str]:
        """The names (one column) ``sql`` selects, joined by SQLite in one string and split here:
        a fixed cost of every process, about half that of fetching a row per name. Normalised
        names hold no line breaks."""
        rows = self._fetch(f"SELECT group_concat(name, char(10)) FROM ({sql})")
        return rows[0][0].split("\n") if rows and rows[0][0] else []

    def close(self) -> None:
        """Close the connection (a later call re-opens it)."""
        with self._lock:
            if self._con is not None and self._pid == os.getpid():
                self._con.close()
            self._con = None

    def __enter__(self) -> "GazetteerStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- lookups

    def _query_key(self, key: str) -> tuple[Candidate, ...]:
        for k in (key, _written_out(key)):  # the name as written, else with its abbreviations written out
            if k is None:
                break
            rows = [] if k in self._absent else self._fetch(  # (prefetch() asked already: no name, no query)
                f"SELECT {_PLACE_COLUMNS}, n.kind FROM names n JOIN places p USING (geonameid) "
                "WHERE n.name = ?", (k,))
            if rows:
                cands = [Candidate(_place(r), k, r[9]) for r in rows]
                cands.sort(key=lambda c: (-c.place.population, KIND_RANK[c.name_kind], c.place.geonameid))
                return tuple(cands)
        return ()

    def lookup(self, name: str, *, kinds: Collection[str] | None = None,
               feature_classes: Collection[str] | None = None,
               country_codes: Collection[str] | None = None) -> list[Candidate]:
        """Places called ``name`` (normalised), most populous first, optionally filtered."""
        key = normalize(name)
        if not key:
            return []
        return [c for c in self._lookup_key(key)
                if (kinds is None or c.name_kind in kinds)
                and (feature_classes is None or c.place.feature_class in feature_classes)
                and (country_codes is None or c.place.country_code in country_codes)]

    def prefetch(self, names: Iterable[str]) -> None:
        """Ask the store in one query (a few for many names) which of ``names`` it has no entry
        for, so that looking those up right after costs no query of its own: most capitalised
        words a text is searched for name no place. Only the last call's answer is kept."""
        keys = {normalize(n) for n in names}
        keys.discard("")
        if not keys:
            return
        ordered, found = sorted(keys), set()
        for i in range(0, len(ordered), _PREFETCH_CHUNK):
            chunk = ordered[i : i + _PREFETCH_CHUNK]
            rows = self._fetch(f"SELECT DISTINCT name FROM names WHERE name IN ({', '.join('?' * len(chunk))})", tuple(chunk))
            found.update(r[0] for r in rows)
        self._absent = frozenset(keys - found)

    def division_names(self) -> frozenset[str]:
        """Every normalised name of a country, a first- or second-level division, or a country's
        demonym: what an article's text is searched for as evidence. Read once per store."""
        with self._lock:
            cached = self._division_names
            if cached is None:
                # written at build time (a fixed cost of every process: ~0.05 s instead of ~0.2 s for the join);
                # the user's own places are read here, and a store of an older geomap has no such table
                join = "FROM places p CROSS JOIN names n ON n.geonameid = p.geonameid WHERE " + DIVISION_WHERE
                try:
                    names = self._fetch_names(f"SELECT name FROM division_names UNION ALL SELECT n.name {join} "
                                              "AND p.geonameid < 0")
                except sqlite3.OperationalError:
                    names = self._fetch_names(f"SELECT n.name {join}")
                cached = self._division_names = frozenset(names)
            return cached

    def division_names_among(self, keys: Iterable[str]) -> frozenset[str]:
        """Those of ``keys`` (normalised names) that :meth:`division_names` holds, asked of the
        store in one query (a few for many keys) instead of reading every such name: a process
        pays for the names its texts hold, not ~0.3 s for all of them at its start."""
        keys = set(keys)
        keys.discard("")
        with self._lock:
            if self._division_names is not None or not keys:
                return frozenset(keys & (self._division_names or frozenset()))
        ordered, found = sorted(keys), set()
        custom = ("SELECT n.name FROM places p CROSS JOIN names n ON n.geonameid = p.geonameid WHERE "
                  f"{DIVISION_WHERE} AND p.geonameid < 0 AND n.name IN")
        for i in range(0, len(ordered), _PREFETCH_CHUNK):
            chunk = tuple(ordered[i : i + _PREFETCH_CHUNK])
            marks = ", ".join("?" * len(chunk))
            try:
                rows = self._fetch(f"SELECT name FROM division_names WHERE name IN ({marks}) "
                                   f"UNION ALL {custom} ({marks})", chunk + chunk)
            except sqlite3.OperationalError:  # a store of an older geomap has no such table
                return frozenset(keys & self.division_names())
            found.update(r[0] for r in rows)
        return frozenset(found)

    def demonym_names(self) -> frozenset[str]:
        """Every normalised demonym ("kuwaiti", "north korean"): one set test before a lookup.
        Read once per store, from the table written at build time (a store of an older geomap
        has none: its names are scanned instead)."""
        with self._lock:
            if self._demonym_names is None:
                try:
                    names = self._fetch_names("SELECT name FROM demonym_names")
                except sqlite3.OperationalError:
                    names = self._fetch_names("SELECT DISTINCT name FROM names WHERE kind = 'demonym'")
                self._demonym_names = frozenset(names)
            return self._demonym_names

    def phrase_automaton(self) -> Any:
        """An Aho-Corasick automaton (pyahocorasick) over the names the text is searched for as
        whole phrases, each mapped to its length: every name of the user's own places, and the
        multi-word names of sites, water bodies, relief and regions ("Gulf of Aden", "Heathrow
        Airport"), which the model often misses or tags as people. None when there are none.
        Built once per store."""
        with self._lock:
            if self._phrases is None:
                import ahocorasick

                custom = ("SELECT n.name FROM places p JOIN names n USING (geonameid) WHERE p.geonameid < 0 "
                          "AND n.kind IN ('name', 'alt', 'abbr')")
                try:  # written at build time; a store imported by an older geomap has no such table
                    names = self._fetch_names(f"SELECT name FROM phrases UNION {custom}")
                except sqlite3.OperationalError:
                    names = self._fetch_names("SELECT DISTINCT n.name FROM names n JOIN places p USING (geonameid) "
                                              f"WHERE {PHRASE_WHERE} UNION {custom}")
                automaton = ahocorasick.Automaton()
                for key in names:
                    automaton.add_word(key, len(key))
                if len(automaton):
                    automaton.make_automaton()
                self._phrases = (automaton if len(automaton) else None,)
            return self._phrases[0]

    def extent(self, geonameid: int) -> tuple[float, float, float, float] | None:
        """(south, west, north, east) of a place with an extent (a sea, a gulf), else None.
        Stores imported from dumps by an older geomap have no extents."""
        try:
            rows = self._fetch("SELECT south, west, north, east FROM extents WHERE geonameid = ?", (int(geonameid),))
        except sqlite3.OperationalError:
            return None
        return tuple(rows[0]) if rows else None  # type: ignore[return-value]

    def is_custom_name(self, name: str) -> bool:
        """Whether ``name`` names one of the user's own places."""
        key = normalize(name)
        return bool(key) and any(c.place.geonameid < 0 for c in self._lookup_key(key))

    def has_name(self, name: str) -> bool:
        key = normalize(name)
        return bool(key) and bool(self._fetch("SELECT 1 FROM names WHERE name = ? LIMIT 1", (key,)))

    def get(self, geonameid: int) -> Place | None:
        rows = self._fetch(f"SELECT {_PLACE_COLUMNS} FROM places p WHERE p.geonameid = ?",
                           (int(geonameid),))
        return _place(rows[0]) if rows else None

    def country(self, iso2: str) -> Place | None:
        """The country with ISO 3166-1 alpha-2 code ``iso2``."""
        rows = self._fetch(f"SELECT {_PLACE_COLUMNS} FROM countries c JOIN places p USING (geonameid) "
                           "WHERE c.iso2 = ?", (iso2.upper(),))
        return _place(rows[0]) if rows else None

    def admin1(self, country_code: str, admin1_code: str) -> Place | None:
        """The first-level division with GeoNames code ``country_code.admin1_code``."""
        rows = self._fetch(f"SELECT {_PLACE_COLUMNS} FROM places p WHERE p.country_code = ? "
                           "AND p.admin1 = ? AND p.feature_code IN ('ADM1', 'ADM1H') "
                           "ORDER BY p.population DESC LIMIT 1", (country_code.upper(), admin1_code))
        return _place(rows[0]) if rows else None

    def main_town(self, country_code: str, admin1_code: str | None = None) -> Place | None:
        """The most populous town of a country, or of one of its first-level divisions."""
        return self._main_town(country_code.upper(), admin1_code)

    def capital(self, country_code: str) -> Place | None:
        """A country's capital (its biggest ``PPLC``), else its most populous town."""
        return self._main_town(country_code.upper(), None, capital=True)

    def _query_main_town(self, country_code: str, admin1_code: str | None, capital: bool = False) -> Place | None:
        if capital:
            rows = self._fetch(f"SELECT {_PLACE_COLUMNS} FROM places p WHERE p.country_code = ? AND p.feature_code = 'PPLC'"
                               " ORDER BY p.population DESC LIMIT 1", (country_code,))
            if rows:
                return _place(rows[0])
        sql = f"SELECT {_PLACE_COLUMNS} FROM places p WHERE p.country_code = ? AND p.feature_class = 'P'"
        params: tuple[Any, ...] = (country_code,)
        if admin1_code is not None:
            sql += " AND p.admin1 = ?"
            params += (admin1_code,)
        rows = self._fetch(sql + " ORDER BY p.population DESC LIMIT 1", params)
        return _place(rows[0]) if rows else None

    def names(self, min_population: int = 0,
              kinds: Collection[str] | None = None) -> Iterator[tuple[str, int]]:
        """Distinct normalised names with the largest population among their places."""
        sql = "SELECT n.name, MAX(p.population) FROM names n JOIN places p USING (geonameid)"
        params: tuple[Any, ...] = ()
        if kinds is not None:
            kinds = list(kinds)
            sql += f" WHERE n.kind IN ({','.join('?' * len(kinds))})"
            params = tuple(kinds)
        sql += " GROUP BY n.name HAVING MAX(p.population) >= ?"
        yield from self._fetch(sql, params + (int(min_population),))

    def similar_names(self, name: str, *, limit: int = 5) -> list[str]:
        """The places whose names are close to ``name`` (a typo's corrections, rapidfuzz), as
        their main names, best known first. Cheap: only names with the same first letter are compared."""
        from rapidfuzz import fuzz, process

        key = normalize(name)
        if not key:
            return []
        # SQLite gives the bare column p.name from the row of MAX(population): the best-known place's name
        rows = self._fetch(
            "SELECT n.name, MAX(p.population), p.name FROM names n JOIN places p USING (geonameid) "
            "WHERE n.name >= ? AND n.name < ? AND n.kind IN ('name', 'core', 'alt') GROUP BY n.name",
            (key[0], chr(ord(key[0]) + 1)))
        found = process.extract(key, [r[0] for r in rows], scorer=fuzz.ratio, limit=50, score_cutoff=75)
        if not found:
            return []
        best = max(score for _, score, _ in found)
        close = sorted((i for _, score, i in found if score >= best - 5), key=lambda i: -rows[i][1])
        return list(dict.fromkeys(rows[i][2] for i in close))[:limit]

    def meta(self) -> dict[str, str]:
        return dict(self._fetch("SELECT key, value FROM meta"))

    def info(self) -> dict[str, Any]:
        """:meth:`meta` with its JSON-valued entries (sources, counts, filters, skipped) decoded."""
        out: dict[str, Any] = {}
        for key, value in self.meta().items():
            try:
                out[key] = json.loads(value) if key in JSON_META else value
            except ValueError:
                out[key] = value
        return out

    # -- records, hierarchy, space (used by geomap.gazetteer.geocoder)

    def record(self, geonameid: int) -> dict[str, Any] | None:
        """The full stored row of a place (``admin2`` and ``source`` included) as a dict."""
        rows = self._fetch(f"SELECT {', '.join(PLACE_COLUMNS)} FROM places WHERE geonameid = ?",
                           (int(geonameid),))
        return dict(zip(PLACE_COLUMNS, rows[0])) if rows else None

    def admin2(self, country_code: str, admin1_code: str, admin2_code: str) -> Place | None:
        """The second-level division with GeoNames code ``country.admin1.admin2``."""
        rows = self._fetch(f"SELECT {_PLACE_COLUMNS} FROM places p WHERE p.country_code = ? "
                           "AND p.admin1 = ? AND p.admin2 = ? AND p.feature_code IN ('ADM2', 'ADM2H') "
                           "ORDER BY p.population DESC LIMIT 1",
                           (country_code.upper(), admin1_code, admin2_code))
        return _place(rows[0]) if rows else None

    def parents(self, geonameid: int) -> list[Place]:
        """Direct parents from GeoNames' ``hierarchy.zip`` (empty when it was not imported)."""
        rows = self._fetch(f"SELECT {_PLACE_COLUMNS} FROM hierarchy h JOIN places p ON p.geonameid = h.parent "
                           "WHERE h.child = ? ORDER BY (h.type = 'ADM') DESC, p.geonameid", (int(geonameid),))
        return [_place(r) for r in rows]

    def within(self, min_lat: float, max_lat: float, min_lon: float, max_lon: float) -> list[Place]:
        """Indexed places (populated places and custom places) inside a lat/lon box, via the R*Tree."""
        rows = self._fetch(f"SELECT {_PLACE_COLUMNS} FROM places_rtree r JOIN places p ON p.geonameid = r.id "
                           "WHERE r.max_lat >= ? AND r.min_lat <= ? AND r.max_lon >= ? AND r.min_lon <= ?",
                           (min_lat, max_lat, min_lon, max_lon))
        return [_place(r) for r in rows]

    def counts(self) -> dict[str, Any]:
        """Places by feature class, by country and by source; names by kind."""
        def grouped(sql: str) -> dict[str, int]:
            return {str(k) if k is not None else "": int(n) for k, n in self._fetch(sql)}
        return {
            "places": int(self._fetch("SELECT COUNT(*) FROM places")[0][0]),
            "names": int(self._fetch("SELECT COUNT(*) FROM names")[0][0]),
            "by_feature_class": grouped("SELECT feature_class, COUNT(*) FROM places GROUP BY 1 ORDER BY 2 DESC"),
            "by_country": grouped("SELECT country_code, COUNT(*) FROM places GROUP BY 1 ORDER BY 2 DESC"),
            "by_source": grouped("SELECT source, COUNT(*) FROM places GROUP BY 1 ORDER BY 2 DESC"),
            "by_name_kind": grouped("SELECT kind, COUNT(*) FROM names GROUP BY 1 ORDER BY 2 DESC"),
        }

    def is_custom(self, geonameid: int) -> bool:
        """True for a place the user added (``geomap gazetteer add``)."""
        rows = self._fetch("SELECT source FROM places WHERE geonameid = ?", (int(geonameid),))
        return bool(rows) and rows[0][0] == CUSTOM_SOURCE

    def memo(self, namespace: str) -> dict[Any, Any]:
        """A dict for what a caller derives from this store's lookups (say, per name), kept as
        long as the lookups it came from: emptied by :meth:`clear_cache`, and when it holds
        ``MEMO_SIZE`` entries."""
        with self._lock:
            memo = self._memos.setdefault(namespace, {})
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            return memo

    def clear_cache(self) -> None:
        """Forget cached lookups and re-open the file on next use (after ``add`` or a rebuild)."""
        self._memos = {}
        self._absent = frozenset()
        self._lookup_key.cache_clear()
        self._main_town.cache_clear()
        self._division_names = None
        self._demonym_names = None
        self._phrases = None
        self.close()


_STORES: dict[Path, GazetteerStore] = {}
_STORES_LOCK = threading.Lock()


def get_store(path: str | Path | None = None) -> GazetteerStore:
    """One shared :class:`GazetteerStore` per path per process."""
    key = (Path(path) if path is not None else default_path()).resolve()
    with _STORES_LOCK:
        store = _STORES.get(key)
        if store is None:
            store = _STORES[key] = GazetteerStore(key)
        return store


def forget_cached(path: str | Path) -> None:
    """Drop the cached lookups of the store at ``path`` if this process has it open (its file changed)."""
    with _STORES_LOCK:
        store = _STORES.get(Path(path).resolve())
    if store is not None:
        store.clear_cache()
