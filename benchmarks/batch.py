"""Batch throughput and memory: geomap extract (1 and 2 workers, Dask) against bare spaCy NER.

Every configuration is a whole process, timed from start to exit, measured in the same run
(so the ratios hold even on a busy machine); peak RSS is sampled (psutil) for the process and
each of its children (pool or Dask workers).

    .venv/bin/python benchmarks/batch.py                      # 1,000 news-length articles
    .venv/bin/python benchmarks/batch.py --articles 200 --short 2000
    .venv/bin/python benchmarks/batch.py --memory 200000      # peak memory on 200,000 short documents

The articles are news texts (``--text news``, the default: GeoWebNews' articles read at run
time from ../shared/eval, never copied, repeated to the count; the bundled sample when
absent) or generated from template sentences dense with place names (``--text synthetic``,
a stress case: one place name per six words). Short and memory documents are generated.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

PLACES = ["Kyiv", "Kursk", "Paris", "Lyon", "Texas", "Austin", "Berlin", "Donetsk", "Porto Alegre", "Brazil",
          "Doha", "Qatar", "Lagos", "Nairobi", "Tokyo", "Osaka", "Mumbai", "Delhi", "Sydney", "Perth", "Kharkiv",
          "Lisbon", "Gaza", "Cairo", "Jakarta", "Manila", "Ohio", "Bavaria", "Toronto", "Chile"]
TEMPLATES = [
    "Officials in {a} said talks with {b} would resume next week.",
    "Floods hit {a} after heavy rain, and residents fled to {b}.",
    "The minister travelled from {a} to {b} on Monday.",
    "Shelling was reported near {a} in the {b} region.",
    "Prices rose in {a}, while markets in {b} were calm.",
    "Analysts said the decision would weigh on exporters for months.",
    "The company, which employs about 4,000 people, declined to comment.",
    "Lawmakers are expected to vote on the measure before the end of the year.",
]

BARE_NER = r"""
import json, sys, spacy
nlp = spacy.load(sys.argv[2], exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"])
n = 0
with open(sys.argv[1], "rb") as f:
    texts = (json.loads(line)["text"] for line in f)
    for doc in nlp.pipe(texts, batch_size=128):
        n += len(doc.ents)
print(n, file=sys.stderr)
"""


def generate(path: Path, n: int, sentences: int, seed: int) -> int:
    rnd = random.Random(seed)
    words = 0
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            text = " ".join(rnd.choice(TEMPLATES).format(a=rnd.choice(PLACES), b=rnd.choice(PLACES))
                            for _ in range(sentences))
            words += len(text.split())
            f.write(json.dumps({"id": f"d{i}", "text": text}) + "\n")
    return words


def write_news(path: Path, n: int) -> int:
    import corpus  # benchmarks/corpus.py

    words = 0
    with open(path, "w", encoding="utf-8") as f:
        for i, text in enumerate(corpus.articles(n)):
            words += len(text.split())
            f.write(json.dumps({"id": f"d{i}", "text": text}) + "\n")
    return words


def run(cmd: list[str], *, first_line: bool = False) -> dict:
    """Run ``cmd``; wall time, peak RSS of the main process and of its biggest child, time to first stdout line."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE if first_line else subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    peak_main, peak_child, stop = [0], [0], threading.Event()

    def sample() -> None:
        try:
            p = psutil.Process(proc.pid)
            while not stop.is_set():
                try:
                    peak_main[0] = max(peak_main[0], p.memory_info().rss)
                    for c in p.children(recursive=True):
                        try:
                            peak_child[0] = max(peak_child[0], c.memory_info().rss)
                        except psutil.Error:
                            pass
                except psutil.Error:
                    return
                stop.wait(0.2)
        except psutil.Error:
            return

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    first = None
    if first_line:
        line = proc.stdout.readline()
        first = time.perf_counter() - t0 if line else None
        for _ in proc.stdout:
            pass
    err = proc.stderr.read().decode()
    proc.wait()
    wall = time.perf_counter() - t0
    stop.set()
    th.join()
    if proc.returncode not in (0,):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err}")
    return {"seconds": wall, "rss_main_mb": peak_main[0] / 2**20, "rss_worker_mb": peak_child[0] / 2**20,
            "first_doc_s": first, "stderr": err.strip().splitlines()[-1:] }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=1000, help="news-length articles for throughput (default 1000)")
    ap.add_argument("--text", choices=("news", "synthetic"), default="news",
                    help="news texts (default) or synthetic place-dense articles")
    ap.add_argument("--sentences", type=int, default=30, help="sentences per synthetic article (default 30, ~350 words)")
    ap.add_argument("--short", type=int, default=0, help="also time this many short (2-sentence) documents")
    ap.add_argument("--memory", type=int, default=0, metavar="N", help="peak memory on N short documents (e.g. 200000)")
    ap.add_argument("--no-dask", action="store_true")
    ap.add_argument("--ratio-runs", type=int, default=1, metavar="K",
                    help="time bare NER and geomap extract (1 process) K times, alternately, and report each "
                         "pipeline / bare NER ratio and their median (default 1: the single pair above)")
    args = ap.parse_args()
    py = sys.executable
    from geomap.pipeline import DEFAULT_MODEL

    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        sets = []
        if args.articles:
            src = tmpd / "articles.jsonl"
            words = (write_news(src, args.articles) if args.text == "news"
                     else generate(src, args.articles, args.sentences, 1))
            sets.append((f"{args.text} articles", src, args.articles, words))
        if args.short:
            src = tmpd / "short.jsonl"
            sets.append(("short", src, args.short, generate(src, args.short, 2, 2)))
        for name, src, n, words in sets:
            out = str(tmpd / "out.jsonl")
            configs = [
                ("bare spaCy NER (nlp.pipe, 1 process)", [py, "-c", BARE_NER, str(src), DEFAULT_MODEL], False),
                ("geomap extract, 1 process", [py, "-m", "geomap.cli", "extract", str(src), "-q"], True),
                ("geomap extract --workers 2", [py, "-m", "geomap.cli", "extract", str(src), "-o", out, "-q",
                                                "--workers", "2"], False),
            ]
            if not args.no_dask:
                configs.append(("geomap extract --engine dask (LocalCluster, 2 workers)",
                                [py, "-m", "geomap.cli", "extract", str(src), "-o", out, "-q", "--engine", "dask",
                                 "--workers", "2"], False))
            print(f"\n## {n:,} {name} documents, {words:,} words (whole processes, start to exit)")
            results = {}
            for label, cmd, first in configs:
                r = run(cmd, first_line=first)
                results[label] = r
                extra = f", first document out after {r['first_doc_s']:.2f} s" if r["first_doc_s"] else ""
                print(f"- {label}: {r['seconds']:.1f} s, {n / r['seconds']:,.1f} docs/s, "
                      f"{words / r['seconds']:,.0f} words/s; peak RSS main {r['rss_main_mb']:,.0f} MB, "
                      f"per worker {r['rss_worker_mb']:,.0f} MB{extra}", flush=True)
            t = {k: v["seconds"] for k, v in results.items()}
            bare, one, two = t[configs[0][0]], t[configs[1][0]], t[configs[2][0]]
            print(f"- ratio pipeline / bare NER (1 process, words/s): {bare / one:.2f}")
            if args.ratio_runs > 1:  # a busy machine drifts between two runs: alternate them and take the median
                ratios = [bare / one]
                for _ in range(args.ratio_runs - 1):
                    b = run(configs[0][1])["seconds"]
                    ratios.append(b / run(configs[1][1])["seconds"])
                print(f"- ratio over {len(ratios)} alternating pairs: median {statistics.median(ratios):.2f} "
                      f"(each: {', '.join(f'{r:.2f}' for r in ratios)})", flush=True)
            print(f"- speed-up 1 → 2 workers: {one / two:.2f}x")
            if not args.no_dask:
                print(f"- Dask LocalCluster time / --workers 2 time: {t[configs[3][0]] / two:.2f}")
        if args.memory:
            src = tmpd / "memory.jsonl"
            words = generate(src, args.memory, 2, 3)
            print(f"\n## peak memory on {args.memory:,} short documents ({words:,} words)")
            for label, extra in (("1 process", []), ("--workers 2", ["--workers", "2"])):
                r = run([py, "-m", "geomap.cli", "extract", str(src), "-o", str(tmpd / "m.jsonl"), "-q", *extra])
                print(f"- {label}: {r['seconds']:.0f} s ({args.memory / r['seconds']:,.0f} docs/s); peak RSS main "
                      f"{r['rss_main_mb']:,.0f} MB, per worker {r['rss_worker_mb']:,.0f} MB", flush=True)


if __name__ == "__main__":
    main()
