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
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "sample-article.txt"
GWN = ROOT.parent / "shared" / "eval" / "gwn.jsonl"


def articles(n: int) -> list[str]:
    """N news-length texts: the dev corpus' articles when present, else the sample, repeated."""
    base: list[str] = []
    if GWN.exists():
        base = [json.loads(line)["text"] for line in GWN.open(encoding="utf-8")]
    base = base or [SAMPLE.read_text(encoding="utf-8")]
    return [base[i % len(base)] for i in range(n)]


def run_child(code: str, *args: str) -> dict:
    """Run ``code`` in a fresh interpreter; it prints one JSON line. Adds its max RSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res["max_rss_mb"] = round(max(after, before) / 1024, 1)  # ru_maxrss is a high-water mark over children
    return res


BUILD = """
import json, sys, time
from pathlib import Path
from geomap.gazetteer.build import build_default
t = time.perf_counter()
stats = build_default(Path(sys.argv[1]), force=True)
print(json.dumps({"seconds": time.perf_counter() - t}))
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
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        subprocess.run([sys.executable, "-m", "geomap.cli", "map", str(SAMPLE), "-o", str(out)], check=True,
                       capture_output=True)
        cold = time.perf_counter() - t
        rss = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
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
        print(f"peak memory (max RSS over child processes so far): {ours['max_rss_mb']} MB")


if __name__ == "__main__":
    main()
