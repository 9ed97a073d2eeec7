"""Accuracy of geomap against a gold corpus, next to a baseline measured in the same run.

    .venv/bin/python benchmarks/accuracy.py [--gold ../shared/eval/gwn.jsonl] [--errors FILE]
                                            [--limit N] [--breakdown type|category|none] [--no-gold-spans]
                                            [--profile gwn] [--every N]

* **geomap**: :func:`geomap.evaluate.run_evaluation` on extracted spans (the full pipeline)
  and, unless ``--no-gold-spans``, on the gold spans (resolution alone).
* **hand-set weights**: the same pipeline with the ranker before learning (every feature
  weighted 1), for extracted and gold spans, and the calibration (ECE) of both.
* **baseline**: the same spaCy model's GPE/LOC/FAC entities, each resolved to its most
  populous gazetteer candidate.

Everything printed is measured here; nothing is hard-coded.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geomap.evaluate import breakdown, format_table, load_gold, run_evaluation, score  # noqa: E402

DEFAULT_GOLD = ROOT.parent / "shared" / "eval" / "gwn.jsonl"
BASELINE_LABELS = {"GPE", "LOC", "FAC"}


def baseline_predictions(gold, nlp, store) -> list[dict]:
    """Bare NER + most populous candidate: what spaCy and a gazetteer give without any rules."""
    preds = []
    for g, sdoc in zip(gold, nlp.pipe((d.text for d in gold), batch_size=32)):
        tops = []
        for ent in sdoc.ents:
            if ent.label_ not in BASELINE_LABELS:
                continue
            cands = sorted(store.lookup(ent.text), key=lambda c: -c.place.population)
            p = cands[0].place if cands else None
            tops.append({"start": ent.start_char, "end": ent.end_char, "text": ent.text,
                         "lat": p.lat if p else None, "lon": p.lon if p else None,
                         "geonameid": p.geonameid if p else None})
        preds.append({"id": g.id, "toponyms": tops})
    return preds


def _delta(name: str, a: float | None, b: float | None, *, pct: bool = True, lower_better: bool = False) -> str:
    if a is None or b is None:
        return f"{name:<22} geomap {a!s:>8}  baseline {b!s:>8}"
    scale, digits, unit = (100.0, 2, " pts") if pct else (1.0, 3, "    ")
    ratio = f"{a / b:.2f}x" if b else "-"
    better = (a < b) if lower_better else (a > b)
    verdict = "geomap better" if better else ("equal" if a == b else "baseline better")
    return (f"{name:<22} geomap {scale * a:8.{digits}f}  baseline {scale * b:8.{digits}f}  "
            f"delta {scale * (a - b):+8.{digits}f}{unit}  ratio {ratio}  ({verdict})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold", default=str(DEFAULT_GOLD), help="gold JSONL (default: %(default)s)")
    ap.add_argument("--errors", metavar="FILE", help="write geomap's errors (extracted spans) as JSONL")
    ap.add_argument("--gold-errors", metavar="FILE", help="write geomap's errors on gold spans as JSONL")
    ap.add_argument("--limit", type=int, metavar="N", help="only the first N documents")
    ap.add_argument("--breakdown", choices=["type", "category", "none"], default="type")
    ap.add_argument("--no-gold-spans", action="store_true", help="skip the resolution-only run on gold spans")
    ap.add_argument("--profile", help="an evaluation profile of corpus conventions (e.g. gwn)")
    ap.add_argument("--every", type=int, default=1, metavar="N", help="only every Nth document")
    args = ap.parse_args(argv)
    if not Path(args.gold).exists():
        print(f"accuracy: no gold file at {args.gold}", file=sys.stderr)
        return 2
    bd = None if args.breakdown == "none" else args.breakdown

    from geomap.pipeline import Geoparser

    from geomap.evaluate import load_profile
    from geomap.resolve.ranker import Ranker

    aliases = load_profile(args.profile) if args.profile else None
    geoparser = Geoparser(explain=True, aliases=aliases)
    t = time.perf_counter()
    store, nlp = geoparser.gazetteer, geoparser.nlp
    print(f"loaded spaCy model and gazetteer in {time.perf_counter() - t:.1f} s", file=sys.stderr)

    ours = run_evaluation(args.gold, spans="extracted", geoparser=geoparser, errors_path=args.errors,
                          breakdown=bd, limit=args.limit, demonyms=True, every=args.every)
    print("=== geomap (extracted spans: recognition + resolution; demonyms counted, as GeoWebNews does) ===")
    print(format_table(ours))
    # the same pipeline with the hand-set ranker (every feature weighted 1), measured in this run
    hand = Geoparser(explain=True, aliases=aliases, ranker=Ranker.hand_set())
    hand_ext = run_evaluation(args.gold, spans="extracted", geoparser=hand, breakdown=None, limit=args.limit,
                              demonyms=True, every=args.every)

    if not args.no_gold_spans:
        on_gold = run_evaluation(args.gold, spans="gold", geoparser=geoparser, errors_path=args.gold_errors,
                                 breakdown=bd, limit=args.limit, every=args.every)
        print("=== geomap (gold spans: resolution only) ===")
        print(format_table(on_gold))
        hand_gold = run_evaluation(args.gold, spans="gold", geoparser=hand, breakdown=None, limit=args.limit,
                                   every=args.every)
        print("=== learned ranker vs hand-set weights (same pipeline, same run) ===")
        print(_delta("gold-span acc@161", on_gold["overlap"]["acc161"], hand_gold["overlap"]["acc161"]))
    print(_delta("e2e acc@161 (overlap)", ours["overlap"]["end_to_end_acc161"], hand_ext["overlap"]["end_to_end_acc161"]))
    print(_delta("calibration ECE", ours["calibration"]["ece"], hand_ext["calibration"]["ece"], pct=False,
                 lower_better=True))

    gold = load_gold(args.gold)[:: max(1, args.every)]
    if args.limit is not None:
        gold = gold[: args.limit]
    t = time.perf_counter()
    base_preds = baseline_predictions(gold, nlp, store)
    base = score(gold, base_preds)
    base["spans"] = "spaCy GPE/LOC/FAC + most populous candidate"
    base["seconds"] = round(time.perf_counter() - t, 2)
    if bd:
        base["breakdown_by_" + bd] = breakdown(gold, base_preds, bd)
    print("=== baseline (bare spaCy NER + most populous gazetteer candidate) ===")
    print(format_table(base))

    print("=== geomap vs baseline ===")
    for mode in ("exact", "overlap"):
        o, b = ours[mode], base[mode]
        print(_delta(f"F1 ({mode})", o["f1"], b["f1"]))
        print(_delta(f"acc@161 ({mode})", o["acc161"], b["acc161"]))
        print(_delta(f"e2e acc@161 ({mode})", o["end_to_end_acc161"], b["end_to_end_acc161"]))
        print(_delta(f"AUC ({mode})", o["auc"], b["auc"], pct=False, lower_better=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
