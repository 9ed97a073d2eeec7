"""The learned ranker: a conditional logit over named candidate features.

A candidate's score is ``sum(weight[f] * value[f])`` over its features; the candidates of
one mention compete through a softmax, and the winner's *score* is the calibrated
probability that the chosen place is right (within 161 km): the softmax mass of the
candidates within 161 km of it, through a Platt scaling fitted on held-out folds.

The weights are learned by ``scripts/train_ranker.py`` from annotated corpora (folds split
by name) and shipped as ``ranker.json`` beside this module: a small, readable file.
Because the model is linear, each feature's contribution to a choice is its weight times
its value, which is what ``--explain`` prints.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

__all__ = ["Ranker", "default_ranker", "RANKER_PATH", "HAND_FEATURES"]

RANKER_PATH = Path(__file__).with_name("ranker.json")
#: Distance (km) within which two candidates count as the same answer.
SAME_KM = 161.0


@dataclass(frozen=True)
class Ranker:
    """Feature weights, a bias for the calibration, and what the weights were trained on."""

    weights: Mapping[str, float]
    calibration: tuple[float, float] = (1.0, 0.0)  # Platt (a, b) on logit(mass)
    meta: Mapping[str, Any] = field(default_factory=dict)

    def score(self, features: Mapping[str, float], start: float = 0.0) -> float:
        """The sum of weight × value over ``features``, in their order, added to ``start``: the
        score of features ``a`` then ``b`` is ``score(b, start=score(a))``, to the last bit."""
        get = self.weights.get
        total = start
        for k, v in features.items():  # a loop, not sum() over a generator: asked of every candidate twice
            total += get(k, 0.0) * v
        return total

    def contributions(self, features: Mapping[str, float]) -> dict[str, float]:
        """Each feature's share of the score (weight × value), largest first, zeros left out."""
        out = {k: self.weights.get(k, 0.0) * v for k, v in features.items()}
        return dict(sorted(((k, v) for k, v in out.items() if v), key=lambda kv: -abs(kv[1])))

    def calibrate(self, mass: float) -> float:
        """The probability that a choice of softmax ``mass`` is right."""
        m = min(max(mass, 1e-6), 1 - 1e-6)
        a, b = self.calibration
        return 1.0 / (1.0 + math.exp(-(a * math.log(m / (1 - m)) + b)))

    @classmethod
    def load(cls, path: str | Path) -> "Ranker":
        d = json.loads(Path(path).read_text(encoding="utf-8"))
        a, b = d.get("calibration", (1.0, 0.0))
        return cls({str(k): float(v) for k, v in d["weights"].items()}, (float(a), float(b)), d.get("meta", {}))

    def save(self, path: str | Path) -> None:
        d = {"weights": {k: round(v, 6) for k, v in sorted(self.weights.items())},
             "calibration": [round(x, 6) for x in self.calibration], "meta": dict(self.meta)}
        Path(path).write_text(json.dumps(d, indent=1, sort_keys=False) + "\n", encoding="utf-8")

    @classmethod
    def uniform(cls, names: Iterable[str]) -> "Ranker":
        """Every feature of ``names`` weighted 1, every other 0."""
        return cls({n: 1.0 for n in names})

    @classmethod
    def hand_set(cls) -> "Ranker":
        """The ranker before learning: the hand-set feature values summed (the learned fit's prior,
        and the benchmarks' baseline)."""
        return cls.uniform([*HAND_FEATURES, *(f"{n}@told" for n in HAND_FEATURES)])


#: The features the hand-set ranker summed with weight 1 before the weights were learned.
HAND_FEATURES = ("type", "population", "name", "city", "region", "country", "generic", "code", "admin1", "siblings",
                 "dateline", "inside", "holds", "qualifier", "near")


_DEFAULT: Ranker | None = None


def default_ranker() -> Ranker:
    """The shipped ranker, loaded once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Ranker.load(RANKER_PATH)
    return _DEFAULT
