"""Filtering benchmark: articles/second, one core.

    .venv/bin/python benchmarks/filter.py              # 20,000 extracted articles, 200 raw texts
    .venv/bin/python benchmarks/filter.py 50000 400

1. ``geomap filter`` over already-extracted JSONL (``geomap extract`` output: text,
   sentences, mentions with places, places) against one country polygon (``country:UA``)
   and against 200 admin-1 polygons at once (one union region, an STRtree inside).
   The articles are synthetic: ~2,500 characters and 12 mentions of real gazetteer places
   each (countries, admin-1 areas and cities from a pool of 3,000), so the membership
   caches warm up as they would on a real collection. Goal: over 20,000 articles/s.
   The baseline measured in the same run is reading every line with ``json.loads`` (no
   judging, no writing): the whole filter's rate is printed as a multiple of it, which
   holds steadier than absolute rates on a shared machine.
2. Filtering raw text (parse + filter) against bare parsing of the same texts: the ratio
   shows what the filter adds on top of spaCy and the resolver.

Prints what it measured; nothing else.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from geomap.filter import add_parser, filter as geo_filter
from geomap.gazetteer.store import get_store
from geomap.model import Document, Mention, Sentence
from geomap.regions import Region, get_boundaries

FILLER = ("Officials said the situation remained tense as talks continued late into the evening, "
          "and analysts expected further statements in the coming days. ")


def place_pool(n: int, seed: int) -> list:
    store = get_store()
    rows = store._fetch(  # noqa: SLF001 - a benchmark may peek
        "SELECT geonameid FROM places WHERE feature_code IN ('PCLI','ADM1','PPL','PPLA','PPLC') "
        "AND population > 20000 ORDER BY geonameid")
    rng = random.Random(seed)
    ids = [r[0] for r in rows]
    rng.shuffle(ids)
    return [store.get(i) for i in ids[:n]]


def articles(n: int, seed: int = 6) -> list[Document]:
    rng = random.Random(seed)
    pool = place_pool(3000, seed)
    docs = []
    for i in range(n):
        parts, mentions, sentences, pos = [], [], [], 0
        for k, p in enumerate(rng.sample(pool, 12)):
            s = f"In {p.name} there was news. " + FILLER
            mentions.append(Mention(p.name, pos + 3, pos + 3 + len(p.name), k, "toponym", p, 0.9, "GPE"))
            sentences.append(Sentence(pos, pos + len(s)))
            parts.append(s)
            pos += len(s)
        docs.append(Document(text="".join(parts), id=f"a{i}", sentences=sentences, mentions=mentions,
                             meta={"date": "2024-10-28", "source": "bench"}))
    return docs


def run_cli(path: Path, specs: list[str], out: Path) -> float:
    ap = argparse.ArgumentParser(prog="geomap")
    ap.add_argument("--gazetteer")
    add_parser(ap.add_subparsers(dest="command", required=True))
    argv = ["filter", str(path), "-o", str(out)]
    for s in specs:
        argv += ["--within", s]
    args = ap.parse_args(argv)
    t = time.perf_counter()
    args.func(args)
    return time.perf_counter() - t


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    n_raw = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    except (AttributeError, OSError):
        pass
    docs = articles(n)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "extracted.jsonl"
        with src.open("w", encoding="utf-8") as f:
            for d in docs:
                f.write(json.dumps(d.to_dict(), ensure_ascii=False) + "\n")
        mb = src.stat().st_size / 1e6
        print(f"{n} extracted articles, {mb:.1f} MB ({mb * 1e3 / n:.1f} KB/article)")
        b = get_boundaries()
        admin1 = [r[0] for r in b._fetch("SELECT code FROM areas WHERE level = 'admin1' ORDER BY code")]  # noqa: SLF001
        specs200 = [f"admin1:{c}" for c in random.Random(1).sample(admin1, 200)]
        quarter = Path(tmp) / "quarter.jsonl"
        with src.open("rb") as f, quarter.open("wb") as q:
            for _, line in zip(range(n // 4), f):
                q.write(line)
        # the baseline, same run: only reading every line with the standard json module
        base = []
        for _ in range(3):
            t0 = time.perf_counter()
            with src.open("rb") as f:
                for line in f:
                    json.loads(line)
            base.append(time.perf_counter() - t0)
        base_rate = n / sorted(base)[1]
        print(f"  baseline, json.loads of every line (no judging, no writing): {base_rate:,.0f} articles/s")
        for label, specs in (("1 country polygon (country:UA)", ["country:UA"]), ("200 admin-1 polygons", specs200)):
            t0 = time.perf_counter()
            for s in specs:
                Region.parse(s)
            setup = time.perf_counter() - t0
            part = sorted(run_cli(quarter, specs, Path(tmp) / "out.jsonl") for _ in range(3))
            whole = sorted(run_cli(src, specs, Path(tmp) / "out.jsonl") for _ in range(3))
            kept = sum(1 for _ in (Path(tmp) / "out.jsonl").open())
            marginal = (n - n // 4) / max(whole[1] - part[1], 1e-9)
            print(f"  {label}: {n / whole[1]:,.0f} articles/s median of 3 whole runs (best {n / whole[0]:,.0f}; "
                  f"{mb / whole[1]:.1f} MB/s; {whole[1]:.2f} s incl. setup and fsync, region load {setup:.2f} s); "
                  f"{marginal:,.0f} articles/s once set up ({n // 4} vs {n} articles); kept {kept}; "
                  f"{n / whole[1] / base_rate:.2f}x the json.loads baseline",
                  flush=True)

    # raw text: parse + filter vs parse alone
    from geomap.pipeline import Geoparser

    texts = [d.text for d in articles(n_raw, seed=7)]
    gp = Geoparser()
    list(gp.parse_many(texts[:10]))  # load the model and warm the caches
    t = time.perf_counter()
    list(gp.parse_many(texts))
    bare = time.perf_counter() - t
    t = time.perf_counter()
    kept = sum(1 for _ in geo_filter(texts, "country:UA", geoparser=gp))
    filt = time.perf_counter() - t
    print(f"raw text, {n_raw} articles: parsing {n_raw / bare:.1f} articles/s, parse+filter {n_raw / filt:.1f} "
          f"articles/s; filter/parse time ratio {filt / bare:.3f} (kept {kept})")


if __name__ == "__main__":
    main()
