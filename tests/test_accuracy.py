"""Accuracy floors on ../shared/eval, so that no change loses what an earlier one won.

GeoWebNews is scored with its annotation conventions (``--profile gwn``) and demonyms, as
``geomap evaluate --demonyms --profile gwn``; WikToR with a fixed sample (every 20th
article) of the training corpus the shipped ranker was fitted to, so its figures only guard
against regressions: the honest, cross-validated ones come from ``scripts/train_ranker.py``.

The floors are what the learned ranker measured when it landed (raised when the gazetteer
gained second-order divisions, airports and seas: WikToR sample e2e .497 -> .544, gold
spans .666 -> .714; descriptions read past a parenthesis: recall .748 -> .792, e2e -> .571;
December 6: e2e .783 -> .791, gold spans .834; then, descriptions and containers read as
the text says: e2e .805, gold spans .850, fast e2e .822), less a small margin. Without its
profile GeoWebNews must meet issue 16's floors (F1 .90, Acc@161 .95, end-to-end .82; reached
December 6 with oceans at GeoNames' points and sites the text places: .903 / .955 / .821).
Raise a floor when a change reaches it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"


def _corpus(name: str) -> Path:
    path = EVAL / name
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing in CI")
        pytest.skip("../shared/eval is not beside this checkout")
    return path


@pytest.fixture(scope="module")
def evaluate(store):
    from geomap.evaluate import load_profile, run_evaluation
    from geomap.pipeline import Geoparser

    plain = Geoparser(gazetteer=store, explain=True)
    gwn = Geoparser(gazetteer=store, explain=True, aliases=load_profile("gwn"))

    def run(corpus: str, **kw):
        parser = gwn if corpus == "gwn.jsonl" else plain
        return run_evaluation(_corpus(corpus), geoparser=parser, breakdown=None, **kw)["overlap"]

    return run


def test_geowebnews_floors_without_its_profile(store):
    from geomap.evaluate import run_evaluation
    from geomap.pipeline import Geoparser

    o = run_evaluation(_corpus("gwn.jsonl"), geoparser=Geoparser(gazetteer=store), breakdown=None, demonyms=True)["overlap"]
    assert o["f1"] >= 0.90, o
    assert o["acc161"] >= 0.95, o
    assert o["end_to_end_acc161"] >= 0.82, o


def test_geowebnews_floors(evaluate):
    o = evaluate("gwn.jsonl", demonyms=True)
    assert o["f1"] >= 0.90, o
    assert o["acc161"] >= 0.95, o
    assert o["end_to_end_acc161"] >= 0.82, o


def test_wiktor_sample_floors(evaluate):
    extracted = evaluate("wiktor-train.jsonl", every=20)
    assert extracted["recall"] >= 0.90, extracted
    assert extracted["end_to_end_acc161"] >= 0.79, extracted
    given = evaluate("wiktor-train.jsonl", spans="gold", every=20)
    assert given["acc161"] >= 0.835, given


def test_fast_mode_floors(store):
    """``--fast``: WikToR's sample (the fast filter was never fitted on it; e2e .725 when it
    landed, .847 on December 6) and GeoWebNews with the shipped filter, which was fitted on it
    (F1 .85, e2e .80; December 6, with hyphenated words, region phrases inside sentences and
    first names before surnames: F1 .865, e2e .825): a regression guard only; the
    cross-validated GeoWebNews figures (F1 .857, e2e .812) come from ``scripts/train_fast_filter.py``."""
    from geomap.evaluate import load_profile, run_evaluation
    from geomap.pipeline import Geoparser

    gwn = Geoparser(gazetteer=store, mode="fast", aliases=load_profile("gwn"))
    o = run_evaluation(_corpus("gwn.jsonl"), geoparser=gwn, breakdown=None, demonyms=True)["overlap"]
    assert o["f1"] >= 0.85 and o["end_to_end_acc161"] >= 0.81, o
    plain = Geoparser(gazetteer=store, mode="fast")
    w = run_evaluation(_corpus("wiktor-train.jsonl"), geoparser=plain, breakdown=None, every=20)["overlap"]
    assert w["recall"] >= 0.93 and w["end_to_end_acc161"] >= 0.80, w
