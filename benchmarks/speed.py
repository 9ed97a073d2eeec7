"""Speed and memory of the foundation pipeline, with bare spaCy NER as the baseline.

Run by hand:  .venv/bin/python benchmarks/speed.py [--docs 1000] [--skip-build]

Prints, all measured in this run:
* the gazetteer build (seconds, size, records) into a temporary path;
* cold start to a finished map of the sample article (a fresh ``geomap map`` process);
* ``Geoparser.parse_many`` throughput on N news-length articles against bare
  ``nlp.pipe`` NER with the same spaCy pipeline (the ratio is what matters);
* peak memory (max RSS) of each process.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpus import SAMPLE, articles  # benchmarks run as scripts: their folder is on sys.path


_RSS = "\nimport resource as _r; print(json.dumps({'rss_kb': _r.getrusage(_r.RUSAGE_SELF).ru_maxrss}))"


def run_child(code: str, *args: str) -> dict:
    """Run ``code`` in a fresh interpreter; it prints one JSON line. Adds that process's own peak RSS."""
    out = subprocess.run([sys.executable, "-c", code + _RSS, *args], capture_output=True, text=True, check=True)
    lines = out.stdout.strip().splitlines()
    res = json.loads(lines[-2])
    res["max_rss_mb"] = round(json.loads(lines[-1])["rss_kb"] / 1024, 1)
    return res


BUILD = """
import json, sys, time
from pathlib import Path
from geomap.gazetteer.build import build_default
t = time.perf_counter()
stats = build_default(Path(sys.argv[1]), force=True)
print(json.dumps({"seconds": time.perf_counter() - t}))
"""

MAP = """
import json, sys
from geomap.cli import main
code = main(["map", sys.argv[1], "-o", sys.argv[2], "--quiet"])
print(json.dumps({"code": code}))
"""

THROUGHPUT = """
import json, sys, time
texts = json.load(open(sys.argv[1]))
mode = sys.argv[2]
from geomap.pipeline import Geoparser, load_nlp
nlp = load_nlp()
words = sum(len(t.split()) for t in texts)
if mode == "baseline":
    list(nlp.pipe(texts[:20]))  # warm-up
    t = time.perf_counter()
    n = sum(1 for d in nlp.pipe(texts, batch_size=32) for e in d.ents if e.label_ in ("GPE", "LOC", "FAC"))
else:
    gp = Geoparser()
    list(gp.parse_many(texts[:20]))
    t = time.perf_counter()
    n = sum(len(d.mentions) for d in gp.parse_many(texts, batch_size=32))
dt = time.perf_counter() - t
print(json.dumps({"seconds": dt, "docs_per_s": len(texts) / dt, "words_per_s": words / dt, "mentions": n}))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--skip-build", action="store_true")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_build:
            db = Path(tmp) / "gaz.sqlite"
            b = run_child(BUILD, str(db))
            con = sqlite3.connect(db)
            places = con.execute("select count(*) from places").fetchone()[0]
            names = con.execute("select count(*) from names").fetchone()[0]
            con.close()
            print(f"gazetteer build   {b['seconds']:.1f} s, {db.stat().st_size / 2**20:.1f} MB, "
                  f"{places:,} places, {names:,} names, max RSS {b['max_rss_mb']} MB")
            db.unlink()

        out = Path(tmp) / "map.html"
        t = time.perf_counter()
        m = run_child(MAP, str(SAMPLE), str(out))
        cold = time.perf_counter() - t
        rss = m["max_rss_mb"]
        print(f"cold start → map  {cold:.2f} s for the sample article (store already built), "
              f"{out.stat().st_size / 1024:.0f} KB HTML, max RSS {rss:.0f} MB")

        texts = articles(args.docs)
        tf = Path(tmp) / "texts.json"
        tf.write_text(json.dumps(texts))
        words = sum(len(t.split()) for t in texts)
        base = run_child(THROUGHPUT, str(tf), "baseline")
        ours = run_child(THROUGHPUT, str(tf), "geomap")
        print(f"\n{len(texts):,} articles, {words:,} words, one process")
        print(f"{'':22}{'docs/s':>10}{'words/s':>12}{'seconds':>10}")
        for label, r in (("bare nlp.pipe NER", base), ("geomap parse_many", ours)):
            print(f"{label:22}{r['docs_per_s']:10.1f}{r['words_per_s']:12,.0f}{r['seconds']:10.1f}")
        print(f"ratio geomap / bare NER throughput: {ours['docs_per_s'] / base['docs_per_s']:.2f}")
        print(f"peak memory (max RSS of each process): bare NER {base['max_rss_mb']} MB, geomap {ours['max_rss_mb']} MB")


if __name__ == "__main__":
    main()
