"""Fit the fast recogniser's place/not-place filter (geomap/fast_filter.json) and report it
cross-validated.

    .venv/bin/python scripts/train_fast_filter.py [--gold ../shared/eval/gwn.jsonl] [--folds 5] [--write]

Every gazetteer match the fast recogniser finds in a gold article is an example: a place when
it overlaps a gold toponym. Logistic regression (scikit-learn, deterministic: lbfgs, fixed
folds) over :data:`geomap.fast_extract.FEATURES`. The figures printed are cross-validated with
folds split by document: each fold's filter parses only the articles it was not fitted on,
end to end through the same resolver. ``--write`` fits on every article and writes the weights.
Needs the ``train`` extra.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geomap.evaluate import load_gold, predictions_from_documents, score  # noqa: E402
from geomap.fast_extract import FEATURES, FILTER_PATH, fast_candidates, filter_from_model  # noqa: E402
from geomap.pipeline import Geoparser  # noqa: E402

C = 1.0


def examples(gold: list, store) -> tuple[list[list[float]], list[int], list[int]]:
    """Feature rows, labels (1: overlaps a gold toponym) and document index of every match."""
    xs, ys, groups = [], [], []
    for d, g in enumerate(gold):
        _, judged = fast_candidates(g.text, store)
        spans = [(t.start, t.end) for t in g.toponyms]
        for c in judged:
            xs.append([c.features[k] for k in FEATURES])
            ys.append(int(any(a < c.span.end and c.span.start < b for a, b in spans)))
            groups.append(d)
    return xs, ys, groups


def fit(xs: list[list[float]], ys: list[int]):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=C, max_iter=2000, solver="lbfgs")
    model.fit(xs, ys)
    return filter_from_model(model.coef_[0], model.intercept_[0])


def cross_validate(gold: list, store, xs, ys, groups, folds: int, demonyms: bool = True) -> dict:
    """End-to-end scores of the fast mode, each article parsed by a filter not fitted on it."""
    preds = []
    for k in range(folds):
        train = [i for i, g in enumerate(groups) if g % folds != k]
        flt = fit([xs[i] for i in train], [ys[i] for i in train])
        held = [g for d, g in enumerate(gold) if d % folds == k]
        parser = Geoparser(gazetteer=store, mode="fast", place_filter=flt)
        docs = list(parser.parse_many({"id": g.id, "text": g.text} for g in held))
        preds += predictions_from_documents(docs, demonyms=demonyms)
    return score(gold, preds)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", default=str(ROOT.parent / "shared" / "eval" / "gwn.jsonl"))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--write", action="store_true", help="fit on every article and write geomap/fast_filter.json")
    args = ap.parse_args(argv)
    from geomap.gazetteer.store import get_store

    store = get_store()
    gold = sorted(load_gold(args.gold), key=lambda g: g.id)
    xs, ys, groups = examples(gold, store)
    print(f"{len(xs)} matches in {len(gold)} articles, {sum(ys)} places")
    result = cross_validate(gold, store, xs, ys, groups, args.folds)
    ov = result["overlap"]
    print(f"cross-validated ({args.folds} folds by document), demonyms counted: overlap P {ov['precision']:.3f} "
          f"R {ov['recall']:.3f} F1 {ov['f1']:.3f}; acc@161 {ov['acc161']:.3f}; "
          f"end-to-end {ov['end_to_end_acc161']:.3f}")
    if args.write:
        flt = fit(xs, ys)
        FILTER_PATH.write_text(json.dumps({
            "about": "fast recogniser's place filter: logistic regression fitted by scripts/train_fast_filter.py",
            "bias": round(flt.bias, 4), "threshold": flt.threshold,
            "weights": {k: round(v, 4) for k, v in flt.weights.items()}}, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {FILTER_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
