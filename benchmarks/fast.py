"""Speed and accuracy of the fast mode against the full mode and geotext, from one run.

Run by hand:  .venv/bin/pip install -e '.[train,bench]'
              .venv/bin/python benchmarks/fast.py [--docs 1000] [--full-docs 1000] [--every 20] [--distinct 4000]

Speed: whole processes, one core each, one after the other on the same N news articles
(GeoWebNews' texts, repeated): ``geomap extract --fast``, ``geomap extract`` and geotext
(its ``GeoText`` per article). Words are whitespace-separated tokens; each process's peak
memory (max RSS) is its own. The ratios between the rows are what matters on a shared machine.
The news articles repeat GeoWebNews' 200, which favours what the fast mode keeps of each name
across a run; ``--distinct N`` also times the fast mode and geotext on N wiktor-train articles,
which never repeat and each name an ambiguous place (the archive case: most names met once).

Accuracy, in ``evaluate --demonyms``'s terms (overlap matching):
* GeoWebNews: the fast filter is fitted on it, so the fast row is cross-validated (5 folds by
  document, scripts/train_fast_filter.py); the full row uses the shipped ranker;
* wiktor-train: every ``--every``-th article. The fast filter never saw it; the ranker both
  modes share was fitted on it (scripts/train_ranker.py --fast gives both modes cross-validated
  by name);
* geotext has no coordinates: each name it reports is found in the text (whole words) and
  placed at the gazetteer's most populous place of that name.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from corpus import GWN, ROOT, articles, compile_geomap  # benchmarks run as scripts: their folder is on sys.path

WIKTOR = GWN.with_name("wiktor-train.jsonl")
_RSS = "\nimport resource as _r; print(json.dumps({'rss_kb': _r.getrusage(_r.RUSAGE_SELF).ru_maxrss}))"

EXTRACT = """
import json, sys, time
t = time.perf_counter()
from geomap.cli import main
code = main(["extract", *sys.argv[3:], sys.argv[1], "-o", sys.argv[2], "--quiet"])
print(json.dumps({"seconds": time.perf_counter() - t, "code": code}))
"""

GEOTEXT = """
import json, sys, time
t = time.perf_counter()
from geotext import GeoText
found = 0
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        g = GeoText(json.loads(line)["text"])
        found += len(g.cities) + len(g.countries)
print(json.dumps({"seconds": time.perf_counter() - t, "found": found}))
"""


def run_child(code: str, *args: str) -> dict:
    """Run ``code`` in a fresh interpreter (the whole process is timed from its start)."""
    import time

    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code + _RSS, *args], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t
    lines = out.stdout.strip().splitlines()
    res = json.loads(lines[-2])
    res["wall"] = wall
    res["max_rss_mb"] = round(json.loads(lines[-1])["rss_kb"] / 1024, 1)
    return res


def distinct_texts(n: int) -> list[str]:
    """The first ``n`` wiktor-train articles: encyclopedic texts that never repeat, every one about
    an ambiguous name (read at run time from ../shared/eval, never copied; none when absent)."""
    if not WIKTOR.exists():
        return []
    with open(WIKTOR, encoding="utf-8") as f:
        return [json.loads(line)["text"] for _, line in zip(range(n), f)]


def speed(n_fast: int, n_full: int, n_distinct: int = 0) -> list[tuple[str, int, int, dict]]:
    """(label, articles, words, the child's result) of each timed process."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, n, code, extra in (("geomap extract --fast", n_fast, EXTRACT, ["--fast"]),
                                      ("geotext", n_fast, GEOTEXT, []),
                                      ("geomap extract (full)", n_full, EXTRACT, []),
                                      ("geomap extract --fast, distinct articles", n_distinct, EXTRACT, ["--fast"]),
                                      ("geotext, distinct articles", n_distinct, GEOTEXT, [])):
            if n <= 0:
                continue
            distinct = "distinct" in label
            texts = distinct_texts(n) if distinct else articles(n)
            if not texts:
                continue
            n = len(texts)
            src = Path(tmp) / f"in{n}{'d' if distinct else ''}.jsonl"
            if not src.exists():
                src.write_text("".join(json.dumps({"id": str(i), "text": t}) + "\n" for i, t in enumerate(texts)),
                               encoding="utf-8")
            words = sum(len(t.split()) for t in texts)
            args = [str(src), str(Path(tmp) / "out.jsonl"), *extra] if code is EXTRACT else [str(src)]
            rows.append((label, n, words, run_child(code, *args)))
    return rows


def geotext_predictions(gold: list, store) -> list[dict]:
    """geotext's names, found in the text, at the gazetteer's most populous place of that name."""
    from geotext import GeoText

    preds = []
    for g in gold:
        found = GeoText(g.text)
        names = sorted(set(found.cities) | set(found.countries), key=len, reverse=True)
        tops, taken = [], set()
        for name in names:
            cands = store.lookup(name)
            if not cands:
                continue
            place = cands[0].place
            for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", g.text):
                if not taken & set(range(*m.span())):
                    taken |= set(range(*m.span()))
                    tops.append({"start": m.start(), "end": m.end(), "lat": place.lat, "lon": place.lon})
        preds.append({"id": g.id, "toponyms": tops})
    return preds


def accuracy(every: int) -> list[tuple[str, str, dict]]:
    from geomap.evaluate import load_gold, predictions_from_documents, score
    from geomap.gazetteer.store import get_store
    from geomap.pipeline import Geoparser

    sys.path.insert(0, str(ROOT / "scripts"))
    import train_fast_filter

    store = get_store()
    out = []
    gwn = sorted(load_gold(GWN), key=lambda g: g.id)
    wik = load_gold(WIKTOR)[::every]
    for corpus, gold in (("GeoWebNews", gwn), (f"wiktor-train 1/{every}", wik)):
        for mode in ("full", "fast"):
            if corpus == "GeoWebNews" and mode == "fast":
                xs, ys, groups = train_fast_filter.examples(gold, store)
                res = train_fast_filter.cross_validate(gold, store, xs, ys, groups, 5)
                out.append((corpus, "fast (CV by document)", res["overlap"]))
                continue
            parser = Geoparser(gazetteer=store, mode=mode)
            docs = parser.parse_many({"id": g.id, "text": g.text} for g in gold)
            out.append((corpus, mode, score(gold, predictions_from_documents(docs, demonyms=True))["overlap"]))
        out.append((corpus, "geotext", score(gold, geotext_predictions(gold, store))["overlap"]))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=1000, help="articles for the fast mode and geotext")
    ap.add_argument("--full-docs", type=int, default=1000, help="articles for the full mode (0: skip it)")
    ap.add_argument("--every", type=int, default=20, help="wiktor-train sample: every Nth article")
    ap.add_argument("--distinct", type=int, default=0, metavar="N",
                    help="also time the fast mode and geotext on N wiktor-train articles, which never repeat "
                         "(the news articles repeat GeoWebNews' 200, which favours what the fast mode keeps per name)")
    ap.add_argument("--no-accuracy", action="store_true")
    args = ap.parse_args(argv)

    compile_geomap()
    rows = speed(args.docs, args.full_docs, args.distinct)
    by = {label: words / r["wall"] for label, _, words, r in rows}
    print("| process (one core, whole) | articles | words | seconds | words/s | vs geotext | vs full | max RSS MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, n, words, r in rows:
        wps = words / r["wall"]
        geotext = "geotext, distinct articles" if "distinct" in label else "geotext"
        vs_geo = wps / by[geotext] if geotext in by else float("nan")
        vs_full = (wps / by["geomap extract (full)"] if "geomap extract (full)" in by and "distinct" not in label
                   else float("nan"))  # (the full mode runs on the news articles only)
        print(f"| {label} | {n} | {words:,} | {r['wall']:.2f} | {wps:,.0f} | {vs_geo:.2f} | {vs_full:.1f} | "
              f"{r['max_rss_mb']:.0f} |")
    if args.no_accuracy:
        return 0
    print()
    print("| corpus | recogniser | P | R | F1 | Acc@161 | end-to-end |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for corpus, label, o in accuracy(args.every):
        print(f"| {corpus} | {label} | {o['precision']:.3f} | {o['recall']:.3f} | {o['f1']:.3f} | "
              f"{o['acc161'] or 0:.3f} | {o['end_to_end_acc161'] or 0:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
