"""Accuracy evaluation against gold toponyms: ``geomap evaluate --gold FILE.jsonl``.

The gold format is the team's evaluation JSONL (one article a line)::

    {"id": "12", "text": "...", "toponyms": [{"start": 3, "end": 9, "name": "Aleppo",
     "lat": 36.2, "lon": 37.16, "geonameid": "170063", "type": "Literal", "category": "literal"}]}

Predictions have the same shape (``id`` and per toponym ``start``, ``end``, ``lat``,
``lon``; other keys are carried along). The metrics reproduce the team's scorer:

* matching, per document and one-to-one: **exact** (same span) and **overlap** (the
  spans share a character; pairs taken by decreasing Jaccard overlap, exact pairs
  first, then by how far the ends are apart, then in order);
* recognition: precision, recall and F1 for both matchings;
* resolution, on matched pairs whose gold toponym has coordinates: haversine error,
  ``acc161`` (share of errors < 161 km), median and mean error, ``auc`` (mean of
  ln(error + 1) / ln(20039), lower is better), ``auc_trapz`` (trapezoid variant) and
  ``end_to_end_acc161`` (pairs within 161 km / gold toponyms with coordinates);
* a matched prediction without coordinates gets the maximum error, 20039 km, unless
  ``drop_unresolved_pred`` removes unresolved predictions before matching;
* a gold document without a prediction counts as an empty prediction.

Nothing heavy is imported at module level, so the CLI stays quick to start.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from .model import EARTH_RADIUS_KM, great_circle_km

if TYPE_CHECKING:  # pragma: no cover
    from .extract import Span_
    from .model import Document
    from .pipeline import Geoparser

__all__ = [
    "GoldToponym", "GoldDoc", "GoldFormatError", "load_gold", "score", "breakdown",
    "predictions_from_documents", "errors", "run_evaluation", "spans_with_gold",
    "gold_span_documents", "load_profile", "calibration", "expected_calibration_error", "format_table", "add_parser",
    "haversine_km", "match_exact", "match_overlap", "EARTH_RADIUS_KM", "MAX_ERROR_KM", "ACC_KM",
]

#: Half the Earth's circumference: the error of a prediction without coordinates.
MAX_ERROR_KM = 20039.0
#: A resolution is correct when its error is below this many km.
ACC_KM = 161.0
BREAKDOWN_FIELDS = ("type", "category")


# ---------------------------------------------------------------------------- gold data


class GoldFormatError(ValueError):
    """A gold line that does not follow the format; the message names the line."""


@dataclass(frozen=True, slots=True)
class GoldToponym:
    start: int
    end: int
    name: str
    lat: float | None = None
    lon: float | None = None
    geonameid: str | None = None
    type: str | None = None
    category: str | None = None
    #: Every other key of the record (normalized_name, modifier_type, …).
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def has_coords(self) -> bool:
        return self.lat is not None and self.lon is not None

    def get(self, key: str, default: Any = None) -> Any:
        if key in ("start", "end", "name", "lat", "lon", "geonameid", "type", "category"):
            return getattr(self, key)
        return self.extra.get(key, default)

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "name": self.name, "lat": self.lat, "lon": self.lon,
                "geonameid": self.geonameid, "type": self.type, "category": self.category, **self.extra}


@dataclass(frozen=True, slots=True)
class GoldDoc:
    id: str
    text: str
    toponyms: tuple[GoldToponym, ...]


def _coord(value: Any, lo: float, hi: float, what: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"{what} is not a number: {value!r}")
    v = float(value)
    if not (lo <= v <= hi):
        raise ValueError(f"{what} {v} is outside [{lo}, {hi}]")
    return v


def _offset(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise ValueError(f"{what} is not an integer: {value!r}")
    return value


def _gold_toponym(t: Any, text: str, k: int) -> GoldToponym:
    where = f"toponym {k}"
    if not isinstance(t, dict):
        raise ValueError(f"{where} is not an object")
    for key in ("start", "end"):
        if key not in t:
            raise ValueError(f"{where} has no {key!r}")
    start, end = _offset(t["start"], f"{where} start"), _offset(t["end"], f"{where} end")
    if not (0 <= start < end <= len(text)):
        raise ValueError(f"{where} span [{start}, {end}) is not inside the text (length {len(text)})")
    name = t.get("name")
    if name is None:
        name = text[start:end]
    elif text[start:end] != name:
        raise ValueError(f"{where} name {name!r} differs from the text at [{start}, {end}): {text[start:end]!r}")
    lat = _coord(t.get("lat"), -90.0, 90.0, f"{where} lat")
    lon = _coord(t.get("lon"), -180.0, 180.0, f"{where} lon")
    if (lat is None) != (lon is None):
        raise ValueError(f"{where} has only one of lat/lon")
    gid = t.get("geonameid")
    extra = {key: v for key, v in t.items()
             if key not in ("start", "end", "name", "lat", "lon", "geonameid", "type", "category")}
    return GoldToponym(start, end, name, lat, lon, None if gid is None else str(gid),
                       t.get("type"), t.get("category"), extra)


def load_gold(path: str | Path) -> list[GoldDoc]:
    """Read and validate a gold JSONL file; a bad line raises :class:`GoldFormatError`."""
    docs: list[GoldDoc] = []
    seen: set[str] = set()
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
                if not isinstance(d, dict):
                    raise ValueError("the line is not a JSON object")
                if d.get("id") is None:
                    raise ValueError("no 'id'")
                did = str(d["id"])
                if did in seen:
                    raise ValueError(f"duplicate document id {did!r}")
                text = d.get("text")
                if not isinstance(text, str):
                    raise ValueError("no 'text' string")
                tops = d.get("toponyms") or []
                if not isinstance(tops, list):
                    raise ValueError("'toponyms' is not a list")
                toponyms = tuple(_gold_toponym(t, text, k) for k, t in enumerate(tops))
            except ValueError as e:  # JSONDecodeError is a ValueError
                raise GoldFormatError(f"{path}:{n}: {e}") from None
            seen.add(did)
            docs.append(GoldDoc(did, text, toponyms))
    return docs


# ---------------------------------------------------------------------------- matching


@dataclass(frozen=True, slots=True)
class _Pt:
    """A span with optional coordinates, the only thing the metrics look at."""

    start: int
    end: int
    lat: float | None
    lon: float | None

    @property
    def has_coords(self) -> bool:
        return self.lat is not None and self.lon is not None


def _pt(t: Any) -> _Pt:
    if isinstance(t, GoldToponym):
        return _Pt(t.start, t.end, t.lat, t.lon)
    lat, lon = t.get("lat"), t.get("lon")
    return _Pt(int(t["start"]), int(t["end"]), None if lat is None else float(lat), None if lon is None else float(lon))


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere of the mean Earth radius (:func:`geomap.model.great_circle_km`)."""
    return great_circle_km(lat1, lon1, lat2, lon2)


def _error_km(gold: _Pt, pred: _Pt) -> float:
    if not pred.has_coords:
        return MAX_ERROR_KM
    return haversine_km(gold.lat, gold.lon, pred.lat, pred.lon)  # type: ignore[arg-type]


def match_exact(gold: Sequence[Any], pred: Sequence[Any]) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, pred index) of identical spans, first come first served."""
    free: dict[tuple[int, int], list[int]] = {}
    for j, p in enumerate(pred):
        free.setdefault((p.start, p.end), []).append(j)
    pairs = []
    for i, g in enumerate(gold):
        waiting = free.get((g.start, g.end))
        if waiting:
            pairs.append((i, waiting.pop(0)))
    return pairs


def match_overlap(gold: Sequence[Any], pred: Sequence[Any]) -> list[tuple[int, int]]:
    """One-to-one greedy pairs of spans sharing a character, best Jaccard overlap first."""
    ranked = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            shared = min(g.end, p.end) - max(g.start, p.start)
            if shared > 0:
                jaccard = shared / (max(g.end, p.end) - min(g.start, p.start))
                drift = abs(g.start - p.start) + abs(g.end - p.end)
                ranked.append((-jaccard, drift, i, j))
    ranked.sort()
    gold_used: set[int] = set()
    pred_used: set[int] = set()
    pairs = []
    for _, _, i, j in ranked:
        if i not in gold_used and j not in pred_used:
            gold_used.add(i)
            pred_used.add(j)
            pairs.append((i, j))
    return pairs


_MATCHERS = (("exact", match_exact), ("overlap", match_overlap))


# ---------------------------------------------------------------------------- scoring


def _gold_map(gold: Iterable[GoldDoc] | Mapping[str, Sequence[Any]]) -> dict[str, list[_Pt]]:
    if isinstance(gold, Mapping):
        return {str(k): [_pt(t) for t in v] for k, v in gold.items()}
    return {g.id: [_pt(t) for t in g.toponyms] for g in gold}


def _gold_records(gold: Iterable[GoldDoc] | Mapping[str, Sequence[Any]]) -> dict[str, list[Any]]:
    if isinstance(gold, Mapping):
        return {str(k): list(v) for k, v in gold.items()}
    return {g.id: list(g.toponyms) for g in gold}


def _pred_records(predictions: Iterable[Mapping[str, Any]] | Mapping[str, Sequence[Any]]) -> dict[str, list[Any]]:
    """Prediction records (``{"id", "toponyms"}``) or a mapping id → toponyms, by id."""
    if isinstance(predictions, Mapping):
        return {str(k): list(v) for k, v in predictions.items()}
    out: dict[str, list[Any]] = {}
    for rec in predictions:
        did = str(rec["id"])
        if did in out:
            raise ValueError(f"duplicate prediction id {did!r}")
        out[did] = list(rec.get("toponyms") or [])
    return out


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r > 0 else 0.0)


def resolution_metrics(errors_km: Sequence[float], n_gold_with_coords: int) -> dict[str, Any]:
    """acc@161, median/mean km, AUC, AUC_trapz and end-to-end acc@161 of a list of errors."""
    n = len(errors_km)
    out: dict[str, Any] = {"n_resolved_pairs": n}
    if n == 0:
        out.update(acc161=None, median_km=None, mean_km=None, auc=None, auc_trapz=None,
                   end_to_end_acc161=0.0 if n_gold_with_coords else None)
        return out
    good = sum(1 for e in errors_km if e < ACC_KM)
    logs = sorted(math.log(e + 1.0) / math.log(MAX_ERROR_KM) for e in errors_km)
    trapz = (sum(logs) - 0.5 * (logs[0] + logs[-1])) / (n - 1) if n > 1 else logs[0]
    out.update(
        acc161=good / n,
        median_km=statistics.median(errors_km),
        mean_km=sum(errors_km) / n,
        auc=sum(logs) / n,
        auc_trapz=trapz,
        end_to_end_acc161=good / n_gold_with_coords if n_gold_with_coords else None,
    )
    return out


def _prepare(gold: Any, predictions: Any, drop_unresolved_gold: bool, drop_unresolved_pred: bool):
    """(gold records by id, gold points by id, pred points by id, unknown pred ids)."""
    grec = _gold_records(gold)
    precs = _pred_records(predictions)
    gpts: dict[str, list[_Pt]] = {}
    ppts: dict[str, list[_Pt]] = {}
    for did, recs in grec.items():
        pts = [_pt(t) for t in recs]
        if drop_unresolved_gold:
            keep = [k for k, p in enumerate(pts) if p.has_coords]
            grec[did] = [recs[k] for k in keep]
            pts = [pts[k] for k in keep]
        gpts[did] = pts
        pp = [_pt(t) for t in precs.get(did, [])]
        ppts[did] = [p for p in pp if p.has_coords] if drop_unresolved_pred else pp
    unknown = sum(1 for d in precs if d not in grec)
    matched_docs = sum(1 for d in grec if d in precs)
    return grec, gpts, ppts, unknown, matched_docs


def score(gold: Iterable[GoldDoc] | Mapping[str, Sequence[Any]],
          predictions: Iterable[Mapping[str, Any]] | Mapping[str, Sequence[Any]], *,
          drop_unresolved_pred: bool = False, drop_unresolved_gold: bool = False) -> dict[str, Any]:
    """Recognition and resolution metrics for ``exact`` and ``overlap`` matching.

    ``gold`` is a list of :class:`GoldDoc` (or a mapping id → toponym dicts);
    ``predictions`` a list of ``{"id", "toponyms"}`` records (or a mapping id → toponyms).
    """
    _, gpts, ppts, unknown, matched_docs = _prepare(gold, predictions, drop_unresolved_gold, drop_unresolved_pred)
    n_gold = sum(len(v) for v in gpts.values())
    n_pred = sum(len(v) for v in ppts.values())
    n_coords = sum(1 for v in gpts.values() for g in v if g.has_coords)
    out: dict[str, Any] = {
        "documents": len(gpts), "pred_documents_matched": matched_docs, "pred_documents_unknown": unknown,
        "gold_toponyms": n_gold, "gold_toponyms_with_coords": n_coords, "pred_toponyms": n_pred,
    }
    for mode, matcher in _MATCHERS:
        tp = no_coords = 0
        errs: list[float] = []
        for did, g in gpts.items():
            p = ppts[did]
            pairs = matcher(g, p)
            tp += len(pairs)
            for i, j in pairs:
                if g[i].has_coords:
                    no_coords += not p[j].has_coords
                    errs.append(_error_km(g[i], p[j]))
        prec, rec, f1 = _prf(tp, n_pred, n_gold)
        out[mode] = {"tp": tp, "fp": n_pred - tp, "fn": n_gold - tp, "precision": prec, "recall": rec,
                     "f1": f1, "matched_pred_without_coords": no_coords,
                     **resolution_metrics(errs, n_coords)}
    return out


def breakdown(gold: Iterable[GoldDoc] | Mapping[str, Sequence[Any]],
              predictions: Iterable[Mapping[str, Any]] | Mapping[str, Sequence[Any]], field: str = "type", *,
              drop_unresolved_pred: bool = False, drop_unresolved_gold: bool = False) -> dict[str, dict[str, Any]]:
    """Per value of a gold field (``type``, ``category`` …): overlap recall, acc@161, e2e acc@161, AUC."""
    grec, gpts, ppts, _, _ = _prepare(gold, predictions, drop_unresolved_gold, drop_unresolved_pred)
    groups: dict[str, dict[str, Any]] = {}
    for did, g in gpts.items():
        p = ppts[did]
        found = dict(match_overlap(g, p))
        for i, (rec, gp) in enumerate(zip(grec[did], g)):
            value = rec.get(field) if hasattr(rec, "get") else None
            b = groups.setdefault(str(value), {"gold": 0, "with_coords": 0, "matched": 0, "errors": []})
            b["gold"] += 1
            b["with_coords"] += gp.has_coords
            if i in found:
                b["matched"] += 1
                if gp.has_coords:
                    b["errors"].append(_error_km(gp, p[found[i]]))
    out = {}
    for value in sorted(groups):
        b = groups[value]
        m = resolution_metrics(b["errors"], b["with_coords"])
        out[value] = {"gold": b["gold"], "recall_overlap": b["matched"] / b["gold"] if b["gold"] else None,
                      "acc161": m["acc161"], "end_to_end_acc161": m["end_to_end_acc161"], "auc": m["auc"]}
    return out


# ---------------------------------------------------------------------------- predictions and errors


def _mention_record(m: Any) -> dict[str, Any]:
    p = m.place
    return {
        "start": m.start, "end": m.end, "text": m.text, "kind": m.kind, "label": m.label,
        "lat": p.lat if p else None, "lon": p.lon if p else None,
        "geonameid": p.geonameid if p else None, "name": p.name if p else None,
        "feature_code": p.feature_code if p else None, "country_code": p.country_code if p else None,
        "score": m.score,
    }


def predictions_from_documents(docs: Iterable["Document"], *, demonyms: bool = False) -> list[dict[str, Any]]:
    """One ``{"id", "toponyms"}`` record per parsed Document (unresolved mentions have no coordinates).

    Demonym mentions ("Russian troops") count as toponyms only with ``demonyms=True``:
    annotation guidelines differ (GeoWebNews annotates adjectival uses, others do not).
    """
    return [{"id": d.id, "toponyms": [_mention_record(m) for m in d.mentions if demonyms or m.kind != "demonym"]}
            for d in docs]


def _sentence_text(doc: "Document | None", start: int) -> str | None:
    if doc is None:
        return None
    for s in doc.sentences:
        if s.start <= start < s.end:
            return doc.text[s.start:s.end].strip()
    return None


def _gold_side(t: Any) -> dict[str, Any]:
    get = t.get if hasattr(t, "get") else (lambda k, d=None: d)
    return {"name": get("normalized_name") or get("name"), "lat": get("lat"), "lon": get("lon"),
            "geonameid": get("geonameid"), "type": get("type"), "category": get("category"),
            "modifier_type": get("modifier_type")}


def _pred_side(t: Mapping[str, Any]) -> dict[str, Any]:
    return {k: t.get(k) for k in ("name", "lat", "lon", "geonameid", "feature_code", "country_code", "kind", "label")}


def errors(gold: Iterable[GoldDoc], predictions: Iterable[Mapping[str, Any]] | Mapping[str, Sequence[Any]],
           docs: Iterable["Document"] = (), *, threshold_km: float = ACC_KM) -> list[dict[str, Any]]:
    """Missed, spurious and wrongly placed (error >= ``threshold_km``) toponyms, overlap matching.

    Each record has the document id, the ``error`` kind, the span and its text, the
    sentence around it (when the parsed Document is given), the gold and predicted
    place, the error in km and, for a wrongly placed toponym, the mention's ranked
    ``candidates`` when the parse kept them (explain mode).
    """
    gold = list(gold)
    by_id = {d.id: d for d in docs}
    precs = _pred_records(predictions)
    out: list[dict[str, Any]] = []
    for gd in gold:
        doc = by_id.get(gd.id)
        g_recs, p_recs = list(gd.toponyms), precs.get(gd.id, [])
        g, p = [_pt(t) for t in g_recs], [_pt(t) for t in p_recs]
        pairs = match_overlap(g, p)
        paired_g = {i for i, _ in pairs}
        paired_p = {j for _, j in pairs}
        mentions = {(m.start, m.end): m for m in doc.mentions} if doc is not None else {}

        def record(kind: str, start: int, end: int, gt: Any, pt: Any, err: float | None) -> dict[str, Any]:
            return {"id": gd.id, "error": kind, "start": start, "end": end, "text": gd.text[start:end],
                    "sentence": _sentence_text(doc, start),
                    "gold": _gold_side(gt) if gt is not None else None,
                    "pred": {"start": pt["start"], "end": pt["end"], "text": gd.text[pt["start"]:pt["end"]],
                             **_pred_side(pt)} if pt is not None else None,
                    "error_km": None if err is None else round(err, 1)}

        for i, gt in enumerate(g_recs):
            if i not in paired_g:
                out.append(record("missed", g[i].start, g[i].end, gt, None, None))
        for j, pt in enumerate(p_recs):
            if j not in paired_p:
                out.append(record("spurious", p[j].start, p[j].end, None, pt, None))
        for i, j in sorted(pairs):
            if not g[i].has_coords:
                continue
            err = _error_km(g[i], p[j])
            if err >= threshold_km:
                r = record("wrong_place", g[i].start, g[i].end, g_recs[i], p_recs[j], err)
                m = mentions.get((p[j].start, p[j].end))
                if m is not None and m.candidates is not None:
                    r["candidates"] = m.candidates
                out.append(r)
    rank = {g.id: k for k, g in enumerate(gold)}
    out.sort(key=lambda r: (rank[r["id"]], r["start"], r["error"]))
    return out


# ---------------------------------------------------------------------------- running the geoparser


def spans_with_gold(extracted: "list[Span_]", gold_spans: "list[Span_]", text: str, store: Any) -> "list[Span_]":
    """The given (gold) spans among the extracted ones that do not overlap them, so that the
    resolver reads the whole article as it does when it extracts: "Quillan" annotated alone
    still sees the "Harlan County, Kentucky" after it. Marked as the extractor marks spans
    (datelines, "Y, X", region phrases, state bodies); returns the spans in text order."""
    from .extract import link_containment, mark_datelines, mark_qualifiers, mark_region_phrases, mark_state_bodies

    taken = sorted((g.start, g.end) for g in gold_spans)
    kept = [s for s in extracted if not any(a < s.end and s.start < b for a, b in taken)]
    ids = {id(s) for s in kept}
    for s in kept:
        if s.inside is not None and id(s.inside) not in ids:
            s.inside = None
    mark_datelines(gold_spans, text)  # "BOSTON (Reuters) -": the town it was filed in
    spans = sorted([*kept, *gold_spans], key=lambda s: (s.start, s.end))
    link_containment(spans, text)  # "Parkland, Florida": the resolver's "Y, X" feature
    mark_qualifiers(gold_spans, text)  # "Oulton Park, Cheshire.": the county, as extracted
    mark_region_phrases(gold_spans, store)  # "Suffolk County": the county
    mark_state_bodies(gold_spans, text, store)  # "a New York court": the state
    return spans


def gold_span_documents(gold: list[GoldDoc], geoparser: "Geoparser") -> list["Document"]:
    """Documents whose mentions are the GOLD spans, resolved with the whole article as context:
    the extracted mentions that do not overlap a gold span are resolved beside them and then
    left out."""
    from .extract import Span_, extract_spans, sentence_index
    from .model import Document, Mention, Sentence
    from .pipeline import sentences_of
    from .resolve import resolve_spans

    from .fast_extract import fast_sentences, fast_spans

    store = geoparser.lookups
    docs = []
    fast = geoparser.mode == "fast"
    sdocs = iter(gold) if fast else geoparser.nlp.pipe((g.text for g in gold), batch_size=32)
    for gd, sdoc in zip(gold, sdocs):
        if fast:
            sentences = [Sentence(a, b) for a, b in fast_sentences(gd.text)]
            extracted = fast_spans(gd.text, store, disable=geoparser.disable, place_filter=geoparser.place_filter)
        else:
            sentences = sentences_of(sdoc, gd.text)
            extracted = extract_spans(sdoc, store, gd.text, geoparser.disable)
        starts = [s.start for s in sentences]
        given = [Span_(t.start, t.end, "toponym", "gold", gd.text[t.start:t.end])
                 for t in sorted(gd.toponyms, key=lambda t: (t.start, t.end))]
        spans = spans_with_gold(extracted, given, gd.text, store)
        resolved = resolve_spans(spans, store, explain=True, text=gd.text, sentence_starts=starts,
                                 ranker=geoparser.ranker, disable=geoparser.disable)
        ids = {id(g) for g in given}
        mentions = [Mention(text=gd.text[s.start:s.end], start=s.start, end=s.end,
                            sentence=sentence_index(starts, s.start), kind=s.kind, place=r.place,
                            score=r.score, label=s.label, candidates=r.candidates, precision=r.precision,
                            adjustments=r.adjustments or None)
                    for s, r in zip(spans, resolved) if id(s) in ids]
        docs.append(Document(text=gd.text, id=gd.id, sentences=sentences, mentions=mentions))
    return docs


def run_evaluation(gold_path: str | Path, *, spans: str = "extracted", geoparser: "Geoparser | None" = None,
                   errors_path: str | Path | None = None, breakdown: str | None = "type",
                   limit: int | None = None, demonyms: bool = False,
                   drop_unresolved_pred: bool = False, every: int = 1) -> dict[str, Any]:
    """Parse every gold article and score the result.

    ``spans="extracted"`` scores the whole pipeline; ``spans="gold"`` gives the resolver
    the gold spans, so it measures resolution alone. The default Geoparser keeps its
    candidates (``explain=True``) so the errors file shows why a candidate won.
    """
    if spans not in ("extracted", "gold"):
        raise ValueError(f"spans must be 'extracted' or 'gold', not {spans!r}")
    if breakdown in ("none", ""):
        breakdown = None
    gold = load_gold(gold_path)[:: max(1, every)]
    if limit is not None:
        gold = gold[: max(0, limit)]
    if geoparser is None:
        from .pipeline import Geoparser

        geoparser = Geoparser(explain=True)
    t0 = time.perf_counter()
    if spans == "gold":
        docs = gold_span_documents(gold, geoparser)
    else:
        docs = list(geoparser.parse_many({"id": g.id, "text": g.text} for g in gold))
    seconds = time.perf_counter() - t0
    preds = predictions_from_documents(docs, demonyms=demonyms)
    result = score(gold, preds, drop_unresolved_pred=drop_unresolved_pred)
    result["spans"] = spans
    result["seconds"] = round(seconds, 2)
    result["calibration"] = calibration(gold, preds)
    if breakdown:
        result["breakdown_by_" + breakdown] = breakdown_fn(gold, preds, breakdown,
                                                           drop_unresolved_pred=drop_unresolved_pred)
    errs = errors(gold, preds, docs)
    counts: dict[str, int] = {"missed": 0, "spurious": 0, "wrong_place": 0}
    for e in errs:
        counts[e["error"]] += 1
    result["error_counts"] = counts
    if errors_path is not None:
        from .ingest import open_output, write_jsonl

        with open_output(str(errors_path)) as f:
            write_jsonl(errs, f)
        result["errors_path"] = str(errors_path)
    return result


def calibration(gold: Iterable[GoldDoc], predictions: Iterable[Mapping[str, Any]], bins: int = 10) -> dict[str, Any]:
    """How well a placed mention's ``score`` predicts that its place is right (within 161 km of
    the gold point), over the predictions matched (overlap) to gold toponyms with coordinates:
    the expected calibration error (``ece``, 0 is perfect) and the per-bin reliability table."""
    by_id = {str(p.get("id")): p.get("toponyms") or [] for p in predictions}
    pairs: list[tuple[float, bool]] = []
    for g in gold:
        pred = [t for t in by_id.get(g.id, []) if t.get("lat") is not None and t.get("score") is not None]
        gs = [_pt(t) for t in g.toponyms]
        ps = [_pt(t) for t in pred]
        for i, j in match_overlap(gs, ps):
            if gs[i].has_coords:
                pairs.append((float(pred[j]["score"]), _error_km(gs[i], ps[j]) < ACC_KM))
    ece, table = expected_calibration_error(pairs, bins)
    return {"ece": ece if pairs else None, "n": len(pairs), "bins": table}


def expected_calibration_error(pairs: Sequence[tuple[float, bool]], bins: int = 10) -> tuple[float, list[dict[str, Any]]]:
    """ECE of ``(probability, right)`` pairs over ``bins`` equal-width bins, and the per-bin table."""
    table = []
    ece = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inb = [(s, ok) for s, ok in pairs if lo <= s < hi or (b == bins - 1 and s >= hi)]
        if inb:
            conf = sum(s for s, _ in inb) / len(inb)
            acc = sum(ok for _, ok in inb) / len(inb)
            ece += len(inb) / len(pairs) * abs(conf - acc)
            table.append({"bin": [lo, hi], "n": len(inb), "mean_score": conf, "accuracy": acc})
    return ece, table


breakdown_fn = breakdown  # run_evaluation's ``breakdown`` argument shadows the function


# ---------------------------------------------------------------------------- output


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{100 * v:.1f}"


def _km(v: float | None) -> str:
    return "-" if v is None else f"{v:.1f}"


def _num(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"


def format_table(result: Mapping[str, Any]) -> str:
    """A readable table of a :func:`score` / :func:`run_evaluation` result."""
    lines = []
    head = []
    if "spans" in result:
        head.append(f"spans: {result['spans']}")
    if "seconds" in result:
        head.append(f"parse time: {result['seconds']:.1f} s")
    if head:
        lines.append("; ".join(head))
    lines.append(f"documents: {result['documents']} (with predictions: {result['pred_documents_matched']}; "
                 f"unknown prediction ids ignored: {result['pred_documents_unknown']})")
    lines.append(f"gold toponyms: {result['gold_toponyms']} (with coordinates: {result['gold_toponyms_with_coords']}); "
                 f"predicted toponyms: {result['pred_toponyms']}")
    lines.append("")
    row = "{:<8} {:>6} {:>6} {:>6} {:>6} {:>6} | {:>7} {:>9} {:>9} {:>6} {:>6} {:>8}"
    lines.append(row.format("match", "TP", "P", "R", "F1", "unres", "acc161", "median_km", "mean_km",
                            "AUC", "AUCtr", "e2e@161"))
    for mode in ("exact", "overlap"):
        d = result[mode]
        lines.append(row.format(mode, d["tp"], _pct(d["precision"]), _pct(d["recall"]), _pct(d["f1"]),
                                d["matched_pred_without_coords"], _pct(d["acc161"]), _km(d["median_km"]),
                                _km(d["mean_km"]), _num(d["auc"]), _num(d["auc_trapz"]),
                                _pct(d["end_to_end_acc161"])))
    lines.append("(P/R/F1/acc in %; unres = matched predictions without coordinates (20039 km); "
                 "AUC lower is better; e2e@161 = matches within 161 km / gold with coordinates)")
    if "error_counts" in result:
        c = result["error_counts"]
        lines.append(f"errors (overlap): missed {c['missed']}, spurious {c['spurious']}, "
                     f"wrongly placed (>= 161 km) {c['wrong_place']}"
                     + (f" -> {result['errors_path']}" if result.get("errors_path") else ""))
    cal = result.get("calibration")
    if cal and cal.get("ece") is not None:
        lines.append(f"calibration: a placed mention's score against being right within 161 km, "
                     f"expected calibration error {cal['ece']:.3f} over {cal['n']} matches")
    for key, groups in result.items():
        if not key.startswith("breakdown_by_"):
            continue
        lines.append("")
        lines.append(f"by {key[len('breakdown_by_'):]} (overlap matching)")
        brow = "{:<24} {:>6} {:>8} {:>7} {:>8} {:>6}"
        lines.append(brow.format("value", "gold", "recall", "acc161", "e2e@161", "AUC"))
        for value, b in groups.items():
            lines.append(brow.format(value, b["gold"], _pct(b["recall_overlap"]), _pct(b["acc161"]),
                                     _pct(b["end_to_end_acc161"]), _num(b["auc"])))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- command line


def load_profile(name_or_path: str | Path) -> dict[str, int]:
    """An evaluation profile: ``{name: geonameid}`` read from a TSV with columns ``name`` and
    ``target``; a bare name ("gwn") is a file of the gazetteer's ``profiles/`` folder.

    A profile holds one corpus's annotation conventions ("EU" placed at Europe), which are
    not what geomap gives by default."""
    import csv

    from .gazetteer.build import data_dir

    path = Path(name_or_path)
    if not path.suffix and not path.exists():
        path = data_dir() / "profiles" / f"{name_or_path}.tsv"
    with path.open("r", encoding="utf-8", newline="") as f:
        rows = csv.DictReader((line for line in f if line.strip() and not line.startswith("#")), delimiter="\t")
        out = {}
        for row in rows:
            try:
                out[row["name"].strip()] = int(row["target"])
            except (KeyError, TypeError, ValueError):
                raise ValueError(f"line {rows.line_num}: needs a name and a numeric target") from None
    return out


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from .cli_support import missing_file
    from .pipeline import Geoparser

    if args.limit is not None and args.limit < 1:
        print("geomap: error: --limit must be at least 1", file=sys.stderr)
        return 2
    if args.every < 1:
        print("geomap: error: --every must be at least 1", file=sys.stderr)
        return 2
    try:
        aliases = load_profile(args.profile) if args.profile else None
    except FileNotFoundError as e:
        print(f"geomap: error: {missing_file(e.filename or args.profile)}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as e:
        print(f"geomap: error: profile {args.profile}: {e}", file=sys.stderr)
        return 2
    geoparser = Geoparser(gazetteer=getattr(args, "gazetteer", None), explain=True, aliases=aliases,
                          mode="fast" if args.fast else "full")
    try:
        result = run_evaluation(args.gold, spans=args.spans, geoparser=geoparser, errors_path=args.errors,
                                breakdown=None if args.breakdown == "none" else args.breakdown,
                                limit=args.limit, demonyms=args.demonyms,
                                drop_unresolved_pred=args.drop_unresolved_pred, every=args.every)
    except GoldFormatError as e:
        print(f"geomap: error: {e}", file=sys.stderr)
        return 2
    if args.json:
        sys.stdout.write(json.dumps(result, indent=1) + "\n")
    else:
        sys.stdout.write(format_table(result))
    return 0


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``geomap evaluate`` on the CLI's subparsers; its handler returns an exit code."""
    from .cli_support import add_command

    ev = add_command(subparsers, "evaluate", help="score the geoparser against gold toponyms (JSONL)",
                     description="Parse every gold article and report recognition (P/R/F1) "
                                 "and resolution (acc@161, error km, AUC) accuracy.",
                     examples=["geomap evaluate --gold gold.jsonl",
                               "geomap evaluate --gold gold.jsonl --spans gold --errors misses.jsonl --json"])
    ev.add_argument("--gold", required=True, metavar="FILE", help="gold JSONL: id, text, toponyms with spans and lat/lon")
    ev.add_argument("--spans", choices=["extracted", "gold"], default="extracted",
                    help="score extracted mentions, or resolve the gold spans to measure resolution alone "
                         "(default: extracted)")
    ev.add_argument("--errors", metavar="FILE",
                    help="write missed, spurious and wrongly placed toponyms as JSONL (default: none)")
    ev.add_argument("--json", action="store_true", help="print the full result as JSON")
    ev.add_argument("--breakdown", choices=["type", "category", "none"], default="type",
                    help="per-value recall and accuracy for this gold field (default: type)")
    ev.add_argument("--limit", type=int, metavar="N", help="only the first N gold documents (default: all)")
    ev.add_argument("--demonyms", action="store_true",
                    help="count demonym mentions ('Russian troops' -> Russia) as toponyms, as GeoWebNews does")
    ev.add_argument("--drop-unresolved-pred", action="store_true",
                    help="drop predictions without coordinates before matching (EUPEG convention)")
    ev.add_argument("--every", type=int, default=1, metavar="N",
                    help="only every Nth gold document (a fixed sample; applied before --limit; default 1)")
    ev.add_argument("--profile", metavar="NAME|FILE",
                    help="a corpus's annotation conventions, as extra names (e.g. 'gwn': EU -> Europe); "
                         "a name of data/gazetteer/profiles/ or a TSV of name, target geonameid (default: none)")
    ev.add_argument("--fast", action="store_true",
                    help="evaluate the fast mode (no neural model); its filter was fitted on GeoWebNews, so score "
                         "that corpus with scripts/train_fast_filter.py, which cross-validates")
    ev.set_defaults(func=_cmd_evaluate)
    return ev
