"""Gazetteer speed and memory: lookups, geocode/reverse, store open time, RSS, dump import rate.

    .venv/bin/python benchmarks/gazetteer.py                 # default store + a 1M-row synthetic dump
    .venv/bin/python benchmarks/gazetteer.py --rows 200000   # a smaller dump
    .venv/bin/python benchmarks/gazetteer.py --rows 0        # skip the import
    .venv/bin/python benchmarks/gazetteer.py --build --rows 0  # also time a default build

Goals (issue 4): median candidate lookup < 50 µs, store open < 0.2 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def median_us(fn, items) -> float:
    times = []
    for x in items:
        t = time.perf_counter_ns()
        fn(x)
        times.append(time.perf_counter_ns() - t)
    return statistics.median(times) / 1000


def open_time_subprocess(path: Path) -> tuple[float, float]:
    """Seconds to open the store and answer one lookup in a fresh process (imports excluded)."""
    code = ("import time; from geomap.gazetteer.store import GazetteerStore; t=time.perf_counter(); "
            f"s=GazetteerStore({str(path)!r}, build=False); s.lookup('Kursk'); t1=time.perf_counter()-t; "
            "from geomap import Gazetteer; t=time.perf_counter(); Gazetteer(s).geocode('Kursk'); "
            "print(t1, time.perf_counter()-t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1])


def bench_store() -> None:
    from geomap.gazetteer.build import default_path
    from geomap.gazetteer.names import normalize
    from geomap.gazetteer.store import GazetteerStore

    path = default_path()
    GazetteerStore(path)  # build it first if it is missing
    opens = [open_time_subprocess(path) for _ in range(5)]
    print(f"store: {path} ({path.stat().st_size / 1e6:.1f} MB)")
    print(f"open + first lookup (fresh process, median of 5): {statistics.median(o[0] for o in opens) * 1000:.1f} ms"
          f"  [goal < 200 ms]")
    print(f"first geocode incl. geopy/resolve imports:        {statistics.median(o[1] for o in opens) * 1000:.1f} ms")

    rng = random.Random(4)
    sample = rng.sample([n for n, _ in GazetteerStore(path, build=False).names(min_population=0)], 5000)
    before = rss_mb()
    store = GazetteerStore(path, build=False)
    store.lookup("Kursk")
    opened = rss_mb()
    print(f"RSS: {before:.1f} MB before open, +{opened - before:.1f} MB after open and one lookup")

    store.clear_cache()
    uncached = median_us(store.lookup, sample)
    cached = median_us(store.lookup, sample)
    print(f"RSS after 5000 distinct lookups (LRU cache filled): +{rss_mb() - before:.1f} MB")
    print(f"store.lookup median: uncached {uncached:.1f} µs, cached {cached:.1f} µs  [goal < 50 µs]")
    hot = ["Kursk", "Washington", "Paris", "Springfield", "London", "Donetsk Oblast"]
    print("uncached, common names (SQL + Candidate objects): " + ", ".join(
        f"{n} {median_us(lambda x: store._query_key(normalize(x)), [n] * 50):.0f} µs" for n in hot))

    from geomap import Gazetteer
    from geomap.resolve import rank_candidates

    gz = Gazetteer(store)
    print(f"rank_candidates median (cached lookup + ranking): "
          f"{median_us(lambda n: rank_candidates(n, store), sample[:2000]):.1f} µs")
    print(f"Gazetteer.geocode median: {median_us(gz.geocode, sample[:2000]):.1f} µs")
    points = [(rng.uniform(-60, 70), rng.uniform(-180, 180)) for _ in range(2000)]
    print(f"Gazetteer.reverse median (R*Tree, random land+sea points): {median_us(gz.reverse, points):.1f} µs")
    cities = [c.place.point for c in (store.lookup(n)[0] for n in sample[:2000]) if c.place.feature_class == "P"]
    print(f"Gazetteer.reverse median (at populated places): {median_us(gz.reverse, cities):.1f} µs")


def bench_build() -> None:
    """Build the default store from the packaged sources into a temp folder: time, size, counts."""
    import json

    from geomap.gazetteer.build import build_default

    with tempfile.TemporaryDirectory() as tmp:
        stats = build_default(Path(tmp) / "g.sqlite", force=True)
    print(f"default build: {stats['seconds']:.1f} s, {stats['bytes'] / 1e6:.1f} MB  [goal < 90 s, < 250 MB]")
    print(f"places {stats['places']:,}, names {stats['names']:,}; by feature class: "
          + json.dumps(stats["feature_classes"]))
    codes = stats["feature_codes"]
    print("by feature code (top): " + ", ".join(f"{k} {v:,}" for k, v in list(codes.items())[:12]))


def synthetic_dump(path: Path, rows: int) -> None:
    """``rows`` GeoNames-format lines: 19 columns, ~6 alternate names, realistic class mix."""
    rng = random.Random(1)
    syll = ["ka", "ro", "vi", "an", "to", "mi", "sk", "el", "ur", "bo", "na", "dre", "po", "lin", "gor"]
    classes = [("P", "PPL")] * 40 + [("S", "SCH"), ("H", "STM"), ("T", "HLL"), ("L", "AREA"), ("V", "FRST"),
                                     ("A", "ADM3"), ("P", "PPLA3"), ("R", "RD"), ("U", "SMU")] * 6
    ccs = ["RU", "UA", "US", "DE", "FR", "CN", "IN", "BR", "NG", "ID"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        with zf.open("allCountries.txt", "w") as raw:
            buf = []
            for i in range(rows):
                name = "".join(rng.choice(syll) for _ in range(rng.randint(2, 4))).capitalize()
                alts = ",".join(name + s for s in rng.sample(["a", "o", "e", "sk", "ino", "ovo", "grad"],
                                                             rng.randint(0, 6)))
                fc, code = rng.choice(classes)
                pop = int(rng.paretovariate(1.2) * 50) if fc == "P" else 0
                buf.append("\t".join(map(str, (
                    10_000_000 + i, name, name, alts, f"{rng.uniform(-60, 70):.5f}", f"{rng.uniform(-180, 180):.5f}",
                    fc, code, rng.choice(ccs), "", f"{rng.randint(1, 40):02d}", "", "", "", pop, "", 100,
                    "Europe/Moscow", "2024-01-01"))))
                if len(buf) >= 10000:
                    raw.write(("\n".join(buf) + "\n").encode())
                    buf.clear()
            raw.write(("\n".join(buf) + "\n").encode() if buf else b"")


def bench_import(rows: int) -> None:
    from geomap.gazetteer.dumps import import_dumps

    with tempfile.TemporaryDirectory() as d:
        dump = Path(d) / "allCountries.zip"
        t = time.perf_counter()
        synthetic_dump(dump, rows)
        print(f"\nsynthetic dump: {rows:,} rows, {dump.stat().st_size / 1e6:.1f} MB zipped, "
              f"written in {time.perf_counter() - t:.1f} s")
        before = rss_mb()
        report = import_dumps([dump], Path(d) / "synthetic.sqlite", progress=sys.stderr.isatty())
        size = (Path(d) / "synthetic.sqlite").stat().st_size
        print(f"import: {report.rows_read:,} rows in {report.seconds:.1f} s = {report.rows_per_second:,.0f} rows/s "
              f"(incl. names, indexes, R*Tree); {report.places:,} places, {report.names:,} names, "
              f"{size / 1e6:.0f} MB; RSS +{rss_mb() - before:.0f} MB during import")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000, help="rows of the synthetic dump (0: skip)")
    ap.add_argument("--build", action="store_true", help="also time a default build into a temp folder")
    args = ap.parse_args()
    if args.build:
        bench_build()
    bench_store()
    if args.rows:
        bench_import(args.rows)


if __name__ == "__main__":
    main()
