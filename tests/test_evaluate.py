"""Accuracy evaluation: gold loading, matching, metrics, errors, CLI and parity with the team scorer."""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import random
from pathlib import Path

import pytest

from geomap.evaluate import (
    MAX_ERROR_KM,
    GoldDoc,
    GoldFormatError,
    GoldToponym,
    add_parser,
    breakdown,
    errors,
    format_table,
    haversine_km,
    load_gold,
    match_exact,
    match_overlap,
    predictions_from_documents,
    run_evaluation,
    score,
)
from geomap.model import Document, Mention, Place, Sentence

SHARED_EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
#: One degree of longitude along the equator on the mean-radius sphere.
KM_PER_DEG = 6371.0088 * math.pi / 180.0  # 111.19508 km


def gold_doc(did: str, text: str, *spans: tuple) -> GoldDoc:
    """``spans``: (start, end, lat, lon[, type])."""
    tops = []
    for s in spans:
        start, end, lat, lon = s[:4]
        tops.append(GoldToponym(start, end, text[start:end], lat, lon, None, s[4] if len(s) > 4 else "Literal",
                                "literal"))
    return GoldDoc(did, text, tuple(tops))


def pred(did: str, *spans: tuple) -> dict:
    return {"id": did, "toponyms": [{"start": s[0], "end": s[1], "lat": s[2], "lon": s[3]} for s in spans]}


def write_jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------- gold loading


def test_load_gold_reads_records(tmp_path):
    text = "Rain fell on Lyon and on Nantes."
    path = write_jsonl(tmp_path / "g.jsonl", [
        {"id": 7, "text": text, "toponyms": [
            {"start": 13, "end": 17, "name": "Lyon", "lat": 45.75, "lon": 4.85, "geonameid": 2996944,
             "type": "Literal", "category": "literal", "modifier_type": None},
            {"start": 25, "end": 31, "name": "Nantes", "lat": None, "lon": None, "geonameid": None}]},
        "",
        {"id": "b", "text": "Nothing here."},
    ])
    docs = load_gold(path)
    assert [d.id for d in docs] == ["7", "b"]
    lyon, nantes = docs[0].toponyms
    assert (lyon.start, lyon.end, lyon.name, lyon.lat, lyon.geonameid) == (13, 17, "Lyon", 45.75, "2996944")
    assert lyon.get("modifier_type") is None and lyon.get("type") == "Literal"
    assert lyon.has_coords and not nantes.has_coords
    assert docs[1].toponyms == ()


@pytest.mark.parametrize("bad, message", [
    ('{"id": "x", "text": "Oslo", "toponyms": [', "line 2"),
    ({"id": "x", "text": "Oslo"}, "duplicate document id"),
    ({"id": "y", "toponyms": []}, "text"),
    ({"text": "Oslo"}, "id"),
    ({"id": "y", "text": "Oslo", "toponyms": [{"start": 0, "end": 9, "lat": 1, "lon": 1}]}, "not inside the text"),
    ({"id": "y", "text": "Oslo", "toponyms": [{"start": 0, "end": 4, "name": "Bergen"}]}, "differs"),
    ({"id": "y", "text": "Oslo", "toponyms": [{"start": 0, "end": 4, "lat": 59.9}]}, "only one of lat/lon"),
    ({"id": "y", "text": "Oslo", "toponyms": [{"start": 0, "end": 4, "lat": 99.0, "lon": 0}]}, "outside"),
    ({"id": "y", "text": "Oslo", "toponyms": [{"start": "0", "end": 4}]}, "not an integer"),
    ('[1, 2]', "not a JSON object"),
])
def test_load_gold_errors_name_the_line(tmp_path, bad, message):
    path = write_jsonl(tmp_path / "g.jsonl", [{"id": "x", "text": "Oslo", "toponyms": []}, bad])
    with pytest.raises(GoldFormatError) as e:
        load_gold(path)
    assert f"{path}:2:" in str(e.value)
    assert message in str(e.value)


# ---------------------------------------------------------------------------- matching


def test_exact_versus_overlap_matching():
    text = "Visitors to New York City saw snow."
    gold = [gold_doc("d", text, (12, 25, 40.71, -74.01))]
    r = score(gold, [pred("d", (12, 20, 40.71, -74.01))])  # "New York" inside "New York City"
    assert (r["exact"]["tp"], r["exact"]["fp"], r["exact"]["fn"]) == (0, 1, 1)
    assert (r["overlap"]["tp"], r["overlap"]["fp"], r["overlap"]["fn"]) == (1, 0, 0)
    assert r["exact"]["f1"] == 0.0 and r["overlap"]["f1"] == 1.0
    assert r["exact"]["acc161"] is None and r["exact"]["end_to_end_acc161"] == 0.0
    assert r["overlap"]["acc161"] == 1.0 and r["overlap"]["median_km"] == 0.0


def test_one_to_one_greedy_prefers_exact_then_best_jaccard():
    g = [gold_doc("d", "x" * 30, (0, 10, 0.0, 0.0))].pop().toponyms
    # two predictions overlap one gold span: the exact one wins, the other is spurious
    assert match_overlap(g, [GoldToponym(0, 5, "", None, None), GoldToponym(0, 10, "", None, None)]) == [(0, 1)]
    # one prediction overlaps two gold spans: it goes to the better Jaccard overlap only
    two = gold_doc("d", "x" * 30, (0, 5, 0.0, 0.0), (6, 10, 0.0, 0.0)).toponyms
    wide = [GoldToponym(0, 10, "", None, None)]
    assert match_overlap(two, wide) == [(0, 0)]  # 5/10 beats 4/10
    # equal Jaccard: the pair whose ends are closer wins, then gold order
    assert match_overlap([GoldToponym(2, 6, "", None, None)],
                         [GoldToponym(0, 4, "", None, None), GoldToponym(4, 8, "", None, None)]) == [(0, 0)]
    # exact matching is one-to-one too: a duplicated prediction counts once
    assert match_exact(two, [GoldToponym(0, 5, "", None, None)] * 2) == [(0, 0)]
    r = score([gold_doc("d", "x" * 30, (0, 5, 0.0, 0.0), (6, 10, 0.0, 0.0))], [pred("d", (0, 10, 0.0, 0.0))])
    assert (r["overlap"]["tp"], r["overlap"]["fp"], r["overlap"]["fn"]) == (1, 0, 1)
    assert r["overlap"]["precision"] == 1.0 and r["overlap"]["recall"] == 0.5
    assert r["overlap"]["f1"] == pytest.approx(2 / 3)


def test_unresolved_prediction_gets_the_maximum_error():
    gold = [gold_doc("d", "Springfield and Shelbyville", (0, 11, 39.8, -89.65), (16, 27, 39.4, -88.8))]
    preds = [{"id": "d", "toponyms": [{"start": 0, "end": 11, "lat": None, "lon": None},
                                      {"start": 16, "end": 27, "lat": 39.4, "lon": -88.8}]}]
    r = score(gold, preds)
    e = r["exact"]
    assert e["tp"] == 2 and e["matched_pred_without_coords"] == 1
    assert e["mean_km"] == pytest.approx(MAX_ERROR_KM / 2)
    assert e["acc161"] == 0.5 and e["end_to_end_acc161"] == 0.5
    assert e["auc"] == pytest.approx(0.5, abs=1e-5)  # (ln(20040) / ln(20039) + 0) / 2 = 0.5000025
    dropped = score(gold, preds, drop_unresolved_pred=True)
    assert dropped["pred_toponyms"] == 1 and dropped["exact"]["tp"] == 1 and dropped["exact"]["recall"] == 0.5
    assert dropped["exact"]["acc161"] == 1.0 and dropped["exact"]["end_to_end_acc161"] == 0.5


def test_gold_without_coordinates_counts_for_recognition_only():
    gold = [gold_doc("d", "Atlantis and Rome", (0, 8, None, None), (13, 17, 41.9, 12.5))]
    r = score(gold, [pred("d", (0, 8, 1.0, 1.0), (13, 17, 41.9, 12.5))])
    assert r["gold_toponyms"] == 2 and r["gold_toponyms_with_coords"] == 1
    assert r["exact"]["tp"] == 2 and r["exact"]["n_resolved_pairs"] == 1 and r["exact"]["mean_km"] == 0.0
    r2 = score(gold, [pred("d")], drop_unresolved_gold=True)
    assert r2["gold_toponyms"] == 1


def test_missing_prediction_document_counts_as_empty_and_unknown_ids_are_ignored():
    gold = [gold_doc("a", "Cairo", (0, 5, 30.04, 31.24)), gold_doc("b", "Lima", (0, 4, -12.04, -77.03))]
    r = score(gold, [pred("a", (0, 5, 30.04, 31.24)), pred("zzz", (0, 3, 0.0, 0.0))])
    assert r["documents"] == 2 and r["pred_documents_matched"] == 1 and r["pred_documents_unknown"] == 1
    assert r["pred_toponyms"] == 1  # the unknown document's toponym is not counted
    o = r["overlap"]
    assert (o["tp"], o["fp"], o["fn"]) == (1, 0, 1)
    assert o["precision"] == 1.0 and o["recall"] == 0.5 and o["acc161"] == 1.0 and o["end_to_end_acc161"] == 0.5
    empty = score(gold, [])
    assert empty["overlap"]["f1"] == 0.0 and empty["overlap"]["acc161"] is None
    assert empty["overlap"]["end_to_end_acc161"] == 0.0
    with pytest.raises(ValueError):
        score(gold, [pred("a"), pred("a")])


def test_resolution_metrics_by_hand():
    # four toponyms on the equator, predicted 0, 1, 2 and 10 degrees of longitude east
    text = "aaa bbb ccc ddd"
    gold = [gold_doc("d", text, (0, 3, 0.0, 0.0), (4, 7, 0.0, 10.0), (8, 11, 0.0, 20.0), (12, 15, 0.0, 30.0))]
    r = score(gold, [pred("d", (0, 3, 0.0, 0.0), (4, 7, 0.0, 11.0), (8, 11, 0.0, 22.0), (12, 15, 0.0, 40.0))])
    o = r["exact"]
    assert haversine_km(0, 0, 0, 1) == pytest.approx(111.19508, abs=1e-5)
    # errors: 0, 111.195, 222.390, 1111.951 km; two of them are below 161 km
    assert o["acc161"] == 0.5 and o["end_to_end_acc161"] == 0.5
    assert o["median_km"] == pytest.approx((111.19508 + 222.39016) / 2, abs=1e-4)  # 166.79262
    assert o["mean_km"] == pytest.approx((0 + 111.19508 + 222.39016 + 1111.95080) / 4, abs=1e-4)  # 361.38401
    # AUC = mean of ln(e + 1) / ln(20039) = (0 + 4.72022 + 5.40892 + 7.01477) / 9.90544 / 4
    assert o["auc"] == pytest.approx(0.432690, abs=1e-5)
    logs = sorted(math.log(e + 1) / math.log(MAX_ERROR_KM) for e in (0, KM_PER_DEG, 2 * KM_PER_DEG, 10 * KM_PER_DEG))
    assert o["auc_trapz"] == pytest.approx((0.5 * logs[0] + logs[1] + logs[2] + 0.5 * logs[3]) / 3)
    # London–Paris sanity check
    assert haversine_km(51.5074, -0.1278, 48.8566, 2.3522) == pytest.approx(343.56, abs=0.1)


def test_breakdown_by_type():
    text = "aaa bbb ccc"
    gold = [gold_doc("d", text, (0, 3, 0.0, 0.0, "Literal"), (4, 7, 0.0, 10.0, "Metonymic"),
                     (8, 11, 0.0, 20.0, "Metonymic"))]
    b = breakdown(gold, [pred("d", (0, 3, 0.0, 0.0), (4, 6, 0.0, 30.0))], "type")
    assert list(b) == ["Literal", "Metonymic"]
    assert b["Literal"] == {"gold": 1, "recall_overlap": 1.0, "acc161": 1.0, "end_to_end_acc161": 1.0, "auc": 0.0}
    assert b["Metonymic"]["gold"] == 2 and b["Metonymic"]["recall_overlap"] == 0.5
    assert b["Metonymic"]["acc161"] == 0.0 and b["Metonymic"]["end_to_end_acc161"] == 0.0
    assert set(breakdown(gold, [], "category")) == {"literal"}
    assert set(breakdown(gold, [], "modifier_type")) == {"None"}


# ---------------------------------------------------------------------------- predictions and errors


OSLO = Place(3143244, "Oslo", 59.91, 10.75, "P", "PPLC", "NO", "12", 580000)
NORWAY = Place(3144096, "Norway", 62.0, 10.0, "A", "PCLI", "NO", None, 5000000)
PARIS_TX = Place(4717560, "Paris", 33.66, -95.56, "P", "PPLA2", "US", "TX", 25000)


def parsed_doc() -> Document:
    text = "Talks in Oslo ended. Norwegian and Paris officials left. Mars was quiet."
    return Document(text=text, id="d", sentences=[Sentence(0, 20), Sentence(21, 56), Sentence(57, len(text))],
                    mentions=[
                        Mention("Oslo", 9, 13, 0, "toponym", OSLO, 0.9, "ner:GPE"),
                        Mention("Norwegian", 21, 30, 1, "demonym", NORWAY, 0.8, "ner:NORP"),
                        Mention("Paris", 35, 40, 1, "toponym", PARIS_TX, 0.4, "ner:GPE",
                                candidates=[{"name": "Paris", "country_code": "US", "score": 3.1},
                                            {"name": "Paris", "country_code": "FR", "score": 3.0}]),
                        Mention("Mars", 57, 61, 2, "toponym", None, 0.0, "ner:LOC"),
                    ])


def test_predictions_from_documents():
    doc = parsed_doc()
    (rec,) = predictions_from_documents([doc], demonyms=True)
    assert rec["id"] == "d" and [t["text"] for t in rec["toponyms"]] == ["Oslo", "Norwegian", "Paris", "Mars"]
    oslo = rec["toponyms"][0]
    assert (oslo["start"], oslo["end"], oslo["lat"], oslo["lon"], oslo["geonameid"], oslo["kind"]) == \
        (9, 13, 59.91, 10.75, 3143244, "toponym")
    assert rec["toponyms"][3]["lat"] is None and rec["toponyms"][3]["geonameid"] is None
    (no_dem,) = predictions_from_documents([doc])  # the default leaves demonyms out
    assert [t["text"] for t in no_dem["toponyms"]] == ["Oslo", "Paris", "Mars"]


def test_errors_lists_missed_spurious_and_wrongly_placed():
    doc = parsed_doc()
    gold = [GoldDoc("d", doc.text, (
        GoldToponym(9, 13, "Oslo", 59.91, 10.75, "3143244", "Literal", "literal"),
        GoldToponym(21, 30, "Norwegian", 62.0, 10.0, None, "Non_Literal_Modifier", "associative"),
        GoldToponym(35, 40, "Paris", 48.85, 2.35, "2988507", "Non_Literal_Modifier", "associative",
                    {"normalized_name": "Paris, France"}),
        GoldToponym(0, 5, "Talks", 1.0, 1.0, None, "Literal", "literal"),  # never predicted
    ))]
    errs = errors(gold, predictions_from_documents([doc], demonyms=True), [doc])
    kinds = [(e["error"], e["text"]) for e in errs]
    assert kinds == [("missed", "Talks"), ("wrong_place", "Paris"), ("spurious", "Mars")]
    missed, wrong, spurious = errs
    assert missed["sentence"] == "Talks in Oslo ended." and missed["pred"] is None and missed["gold"]["lat"] == 1.0
    assert wrong["gold"]["name"] == "Paris, France" and wrong["pred"]["name"] == "Paris"
    assert wrong["pred"]["country_code"] == "US" and wrong["error_km"] > 7000
    assert wrong["candidates"][1]["country_code"] == "FR"
    assert wrong["sentence"] == "Norwegian and Paris officials left."
    assert spurious["gold"] is None and spurious["pred"]["lat"] is None and spurious["id"] == "d"
    # without the parsed documents the records still come, without sentences or candidates
    bare = errors(gold, predictions_from_documents([doc], demonyms=True))
    assert [e["error"] for e in bare] == ["missed", "wrong_place", "spurious"]
    assert bare[1]["sentence"] is None and "candidates" not in bare[1]


def test_format_table_shows_both_matchings_and_breakdown():
    gold = [gold_doc("d", "aaa bbb", (0, 3, 0.0, 0.0), (4, 7, 0.0, 10.0, "Metonymic"))]
    preds = [pred("d", (0, 3, 0.0, 0.0))]
    result = score(gold, preds)
    result["breakdown_by_type"] = breakdown(gold, preds, "type")
    table = format_table(result)
    assert "exact" in table and "overlap" in table and "acc161" in table and "e2e@161" in table
    assert "Metonymic" in table and "by type" in table
    assert "100.0" in table and "50.0" in table


# ---------------------------------------------------------------------------- command line


def test_add_parser_registers_evaluate(tmp_path, capsys):
    ap = argparse.ArgumentParser(prog="geomap")
    ap.add_argument("--gazetteer")
    sub = ap.add_subparsers(dest="command", required=True)
    add_parser(sub)
    args = ap.parse_args(["evaluate", "--gold", "g.jsonl", "--spans", "gold", "--errors", "e.jsonl", "--json",
                          "--breakdown", "category", "--limit", "3"])
    assert (args.gold, args.spans, args.errors, args.json, args.breakdown, args.limit) == \
        ("g.jsonl", "gold", "e.jsonl", True, "category", 3)
    with pytest.raises(SystemExit):
        ap.parse_args(["evaluate", "--gold", "g.jsonl", "--spans", "nope"])
    bad = write_jsonl(tmp_path / "bad.jsonl", ["{not json"])
    args = ap.parse_args(["evaluate", "--gold", str(bad)])
    assert args.func(args) == 2
    assert "bad.jsonl:1:" in capsys.readouterr().err


def test_run_evaluation_end_to_end(tmp_path, geoparser):
    text = "The minister flew from Paris to Berlin on Monday."
    gold = write_jsonl(tmp_path / "g.jsonl", [{"id": "1", "text": text, "toponyms": [
        {"start": 23, "end": 28, "name": "Paris", "lat": 48.85341, "lon": 2.3488, "type": "Literal"},
        {"start": 32, "end": 38, "name": "Berlin", "lat": 52.52437, "lon": 13.41053, "type": "Literal"}]}])
    for spans in ("extracted", "gold"):
        errs_path = tmp_path / f"errors-{spans}.jsonl"
        r = run_evaluation(gold, spans=spans, geoparser=geoparser, errors_path=errs_path)
        assert r["spans"] == spans and r["documents"] == 1
        assert r["exact"]["recall"] == 1.0 and r["exact"]["acc161"] == 1.0, r
        assert "breakdown_by_type" in r and r["breakdown_by_type"]["Literal"]["gold"] == 2
        assert errs_path.exists()
        assert "exact" in format_table(r)
    with pytest.raises(ValueError):
        run_evaluation(gold, spans="nope", geoparser=geoparser)


# ---------------------------------------------------------------------------- parity with the team scorer


def _shared_scorer():
    path = SHARED_EVAL / "score.py"
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing in CI")
        pytest.skip("../shared/eval is not beside this checkout")
    spec = importlib.util.spec_from_file_location("_shared_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _synthetic(seed: int) -> tuple[list[dict], list[dict]]:
    """Random gold/prediction records: overlapping, nested, duplicated and unresolved spans."""
    rnd = random.Random(seed)
    letters = "abcdefghij klmnop"
    gold, preds = [], []
    for d in range(40):
        text = "".join(rnd.choice(letters) for _ in range(120))
        gtops = []
        for _ in range(rnd.randint(0, 8)):
            start = rnd.randrange(0, 110)
            end = start + rnd.randint(1, 10)
            coords = (None, None) if rnd.random() < 0.1 else (rnd.uniform(-90, 90), rnd.uniform(-180, 180))
            gtops.append({"start": start, "end": end, "name": text[start:end], "lat": coords[0], "lon": coords[1],
                          "type": rnd.choice(["Literal", "Metonymic", "Mixed"]),
                          "category": rnd.choice(["literal", "associative"])})
        gold.append({"id": f"doc{d}", "text": text, "toponyms": gtops})
        if rnd.random() < 0.1:
            continue  # no prediction for this document
        ptops = []
        for g in gtops:
            if rnd.random() < 0.25:
                continue
            s, e = g["start"], g["end"]
            if rnd.random() < 0.3:
                s, e = max(0, s + rnd.randint(-3, 3)), e + rnd.randint(-3, 3)
                e = max(e, s + 1)
            if g["lat"] is not None and rnd.random() < 0.6:
                lat = max(-90.0, min(90.0, g["lat"] + rnd.gauss(0, 1.5)))
                lon = g["lon"] + rnd.gauss(0, 1.5)
            elif rnd.random() < 0.15:
                lat = lon = None
            else:
                lat, lon = rnd.uniform(-90, 90), rnd.uniform(-180, 180)
            ptops.append({"start": s, "end": e, "lat": lat, "lon": lon})
            if rnd.random() < 0.1:
                ptops.append(dict(ptops[-1]))  # a duplicate prediction
        for _ in range(rnd.randint(0, 3)):
            start = rnd.randrange(0, 110)
            ptops.append({"start": start, "end": start + rnd.randint(1, 12), "lat": rnd.uniform(-90, 90),
                          "lon": rnd.uniform(-180, 180)})
        rnd.shuffle(ptops)
        preds.append({"id": f"doc{d}", "toponyms": ptops})
    preds.append({"id": "not-in-gold", "toponyms": [{"start": 0, "end": 2, "lat": 0.0, "lon": 0.0}]})
    return gold, preds


def _assert_same(mine, theirs, where="result"):
    if isinstance(theirs, dict):
        assert isinstance(mine, dict), where
        for k, v in theirs.items():
            assert k in mine, f"{where}.{k} missing"
            _assert_same(mine[k], v, f"{where}.{k}")
    elif theirs is None or isinstance(theirs, (bool, str)):
        assert mine == theirs, f"{where}: {mine!r} != {theirs!r}"
    elif isinstance(theirs, int):
        assert mine == theirs and isinstance(mine, int), f"{where}: {mine!r} != {theirs!r}"
    else:
        assert mine is not None and abs(mine - theirs) <= 1e-9, f"{where}: {mine!r} != {theirs!r}"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_parity_with_shared_score_py(tmp_path, seed):
    ref = _shared_scorer()
    gold_rows, pred_rows = _synthetic(seed)
    gold_path = write_jsonl(tmp_path / "gold.jsonl", gold_rows)
    pred_path = write_jsonl(tmp_path / "pred.jsonl", pred_rows)
    gold = load_gold(gold_path)
    ref_gold, _ = ref.load_jsonl(gold_path)
    ref_pred, _ = ref.load_jsonl(pred_path)
    checked = 0
    for drop_pred in (False, True):
        for drop_gold in (False, True):
            for field in ("type", "category"):
                theirs = ref.score(ref_gold, ref_pred, drop_unresolved_gold=drop_gold, breakdown=field,
                                   drop_unresolved_pred=drop_pred)
                mine = score(gold, pred_rows, drop_unresolved_pred=drop_pred, drop_unresolved_gold=drop_gold)
                mine["breakdown_by_" + field] = breakdown(gold, pred_rows, field, drop_unresolved_pred=drop_pred,
                                                          drop_unresolved_gold=drop_gold)
                _assert_same(mine, theirs)
                assert list(mine["breakdown_by_" + field]) == list(theirs["breakdown_by_" + field])
                checked += theirs["overlap"]["tp"]
    assert checked > 100  # the synthetic data exercised the matching


def test_calibration_reports_how_well_scores_predict_being_right():
    from geomap.evaluate import GoldDoc, GoldToponym, calibration

    gold = [GoldDoc("a", "Kursk and Paris", (GoldToponym(0, 5, "Kursk", 51.7, 36.2), GoldToponym(10, 15, "Paris", 48.9, 2.35)))]
    preds = [{"id": "a", "toponyms": [{"start": 0, "end": 5, "lat": 51.7, "lon": 36.2, "score": 0.9},
                                      {"start": 10, "end": 15, "lat": 33.7, "lon": -95.6, "score": 0.9}]}]
    cal = calibration(gold, preds)
    assert cal["n"] == 2 and abs(cal["ece"] - 0.4) < 1e-9  # said 0.9, right half the time


def test_a_profile_is_read_by_name_or_path(tmp_path):
    from geomap.evaluate import load_profile

    assert load_profile("gwn")["EU"] == 6255148
    path = tmp_path / "mine.tsv"
    path.write_text("name\ttarget\nQuillan\tnot-a-number\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        load_profile(path)
