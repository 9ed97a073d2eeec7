"""Article filtering, focus, and ``geomap filter`` (geomap.filter)."""

from __future__ import annotations

import argparse
import csv
import json
import random

import pytest

import geomap
from geomap.filter import EXPLAIN_FIELD, add_parser, explain, filter, focus
from geomap.model import Document, Mention, Place


def run_filter(*argv: str) -> int:
    """``geomap filter …`` in-process (the same parser ``geomap.cli`` mounts)."""
    ap = argparse.ArgumentParser(prog="geomap")
    ap.add_argument("--gazetteer")
    add_parser(ap.add_subparsers(dest="command", required=True))
    args = ap.parse_args(["filter", *map(str, argv)])
    return args.func(args)


@pytest.fixture(scope="module")
def kursk_doc(geoparser, kursk_text):
    return geoparser.parse(kursk_text, id="kursk")


@pytest.fixture(scope="module")
def moscow_doc(geoparser):
    return geoparser.parse("Officials in Moscow said Russia would respond to the sanctions.", id="moscow")


# --------------------------------------------------------------------------- acceptance

def test_kursk_article_within_ukraine(kursk_doc, moscow_doc):
    assert geomap.within(kursk_doc, "country:UA")
    assert not geomap.within(moscow_doc, "country:UA")
    assert geomap.within(moscow_doc, "country:RU")


def test_kursk_article_near_tsukuryne_and_not_brazil(kursk_doc):
    why = explain(kursk_doc, "near:Tsukuryne:30km")
    assert why.kept and [m.text for m in why.matches] == ["Tsukuryne"]
    assert not geomap.within(kursk_doc, "country:BR")


def test_kursk_focus_is_russia_ukraine_north_korea(kursk_doc):
    f = geomap.focus(kursk_doc)
    assert {i.place.country_code for i in f.countries[:3]} == {"RU", "UA", "KP"}
    assert "JP" not in {i.place.country_code for i in f.countries}
    assert geomap.within(kursk_doc, "country:JP")  # Japan is mentioned…
    assert not geomap.within(kursk_doc, "country:JP", focus=True)  # …but it is not the focus
    assert geomap.within(kursk_doc, "country:UA", focus=True)


def test_containment_counts_cities_for_their_admin1_and_country(store):
    text = "Shelling hit Kramatorsk and Sloviansk overnight."
    kramatorsk = Place(704508, "Kramatorsk", 48.72305, 37.55629, "P", "PPL", "UA", "05", 150084)
    sloviansk = Place(712451, "Sloviansk", 48.86667, 37.61667, "P", "PPL", "UA", "05", 106972)
    doc = Document(text=text, mentions=[Mention("Kramatorsk", 13, 23, 0, place=kramatorsk),
                                        Mention("Sloviansk", 28, 37, 0, place=sloviansk)])
    f = focus(doc, store=store)
    assert [i.place.country_code for i in f.countries] == ["UA"]
    assert f.countries[0].mentions == 2
    assert f.admin1 and f.admin1[0].place.admin1 == "05"


def test_demonyms_count_only_when_asked():
    ua = Place(690791, "Ukraine", 49.0, 32.0, "A", "PCLI", "UA")
    doc = Document(text="Ukrainian troops advanced.",
                   mentions=[Mention("Ukrainian", 0, 9, 0, kind="demonym", place=ua)])
    assert not geomap.within(doc, "country:UA")
    assert geomap.within(doc, "country:UA", demonyms=True)


def test_min_mentions_exclude_and_area(kursk_doc):
    assert geomap.within(kursk_doc, "admin1:UA-14", min_mentions=3)  # Donetsk region, Donetsk, Tsukuryne
    assert not geomap.within(kursk_doc, "admin1:UA-14", min_mentions=4)
    assert not geomap.within(kursk_doc, "country:UA", exclude=True)
    assert geomap.within(kursk_doc, "country:BR", exclude=True)
    donbas = "bbox:36.5,47,40,49.5"
    assert explain(kursk_doc, donbas).matches[0].text != "Ukraine"
    assert "Ukraine" in [m.text for m in explain(kursk_doc, donbas, area="intersects").matches]


def test_filter_api_yields_kept_with_explanations(kursk_doc, moscow_doc):
    kept = list(geomap.filter.filter([kursk_doc, moscow_doc], "country:UA"))
    assert [d.id for d, _ in kept] == ["kursk"]
    why = kept[0].why
    assert why.region == "country:UA (Ukraine)" and why.matches[0].where == why.region
    assert json.loads(json.dumps(why.to_dict()))["kept"] is True
    # the module itself is callable, so geomap.filter(docs, region) works
    assert [d.id for d, _ in geomap.filter([moscow_doc], ["country:UA", "country:RU"])] == ["moscow"]


def test_filter_accepts_extracted_records_and_raw_text(kursk_doc, geoparser):
    records = [kursk_doc.to_dict(), {"text": "Rain fell on Lisbon, Portugal."}, "Kharkiv was shelled again."]
    kept = [d for d, _ in filter(records, "country:UA", geoparser=geoparser)]
    assert len(kept) == 2 and kept[1].text == "Kharkiv was shelled again."


# --------------------------------------------------------------------------- command line

def _extracted(doc: Document, chars: int | None = None) -> dict:
    """``geomap extract`` output for ``doc`` (cut to its first ``chars`` characters)."""
    if chars is not None:
        doc = Document(text=doc.text[:chars], id=doc.id, sentences=[s for s in doc.sentences if s.end <= chars],
                       mentions=[m for m in doc.mentions if m.end <= chars], meta=doc.meta)
    return doc.to_dict()


def test_cli_jsonl_10000_round_trip(tmp_path, kursk_doc, moscow_doc, capsys):
    rng = random.Random(6)
    lisbon = Document(text="Lisbon hosted the summit.", mentions=[Mention("Lisbon", 0, 6, 0, place=Place(
        2267057, "Lisbon", 38.72509, -9.1498, "P", "PPLC", "PT", "14", 517802))])
    templates = [_extracted(kursk_doc, 600), _extracted(moscow_doc), _extracted(lisbon)]
    lines, expected_kept = [], []
    for i in range(10_000):
        rec = dict(templates[i % 3])
        rec.update({"id": f"a{i}", "date": f"2024-10-{1 + i % 28:02d}", "score": rng.random(),
                    "nested": {"tags": ["war", "ужгород", "東京"], "n": i, "ok": None},
                    "title": f"Заголовок {i} – “quoted” \\ tab\t"})
        line = json.dumps(rec, ensure_ascii=i % 2 == 0)
        lines.append(line)
        if i % 3 == 0:
            expected_kept.append(line)
    lines.insert(5000, '{"id": "broken", "text": ')
    src = tmp_path / "articles.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out, errs = tmp_path / "kept.jsonl", tmp_path / "errors.jsonl"
    assert run_filter(src, "--within", "country:UA", "-o", out, "--errors", errs) == 1
    kept_lines = out.read_text(encoding="utf-8").splitlines()
    assert kept_lines == expected_kept  # byte for byte
    err = [json.loads(x) for x in errs.read_text().splitlines()]
    assert [e["line"] for e in err] == [5001]
    summary = capsys.readouterr().err
    assert "articles.jsonl:5001: invalid JSON" in summary
    assert "10001 input, 3334 kept, 6666 dropped, 1 error(s)" in summary


def test_cli_without_msgspec_reads_the_same(tmp_path, kursk_doc, monkeypatch, capsys):
    import geomap.filter_cli as gf

    monkeypatch.setattr(gf, "_fast_decoder", lambda *columns: None)
    lines = [json.dumps(_extracted(kursk_doc, 600)), '{"text": NaN', json.dumps({"id": 1, "x": NaN_free()}),
             json.dumps({**_extracted(kursk_doc, 600), "x": float("nan")})]
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text("\n".join(lines) + "\n")
    assert run_filter(src, "--within", "country:UA", "-o", out) == 1
    kept = out.read_text().splitlines()
    assert kept[0] == lines[0]
    assert json.loads(kept[1]) == {**json.loads(kept[1]), "x": None}  # NaN written as null: strict JSON out
    err = capsys.readouterr().err
    assert "in.jsonl:2: invalid JSON" in err and "in.jsonl:3: no 'text' string" in err
    assert "in.jsonl:4: warning: 1 NaN or Infinity value(s) written as null" in err
    assert "4 input, 2 kept, 0 dropped, 2 error(s), 1 warning(s)" in err


def NaN_free() -> dict:
    return {"nested": [1, {"a": None}]}


def test_cli_explain_adds_a_field_and_keeps_the_rest(tmp_path, kursk_doc):
    rec = {**_extracted(kursk_doc), "id": 7, "extra": {"x": [1, "ü"]}}
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert run_filter(src, "--near", "Tsukuryne:30km", "--explain", "-o", out) == 0
    got = json.loads(out.read_text(encoding="utf-8"))
    why = got.pop(EXPLAIN_FIELD)
    assert got == rec
    assert why["kept"] and why["matches"][0]["text"] == "Tsukuryne"


def test_cli_focus_and_exclude(tmp_path, kursk_doc):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(_extracted(kursk_doc)) + "\n")
    out = tmp_path / "out.jsonl"
    assert run_filter(src, "--within", "country:JP", "-o", out) == 0 and out.read_text()
    assert run_filter(src, "--within", "country:JP", "--focus", "-o", out) == 0 and not out.read_text()
    assert run_filter(src, "--within", "country:BR", "--exclude", "-o", out) == 0 and out.read_text()


def test_cli_raw_jsonl_is_parsed(tmp_path, kursk_text):
    src = tmp_path / "raw.jsonl"
    src.write_text(json.dumps({"id": 1, "text": kursk_text}) + "\n"
                   + json.dumps({"id": 2, "text": "Officials in Moscow said Russia would respond."}) + "\n")
    out = tmp_path / "out.jsonl"
    assert run_filter(src, "--within", "country:UA", "-o", out) == 0
    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == [1]


def test_cli_csv_keeps_every_column(tmp_path, capsys):
    src = tmp_path / "in.csv"
    with src.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "body", "date"])
        w.writerow(["1", "Shelling hit Kharkiv, officials said.", "2024-01-01"])
        w.writerow(["2", "Rain fell on Lisbon, \"again\".\nMore rain.", "2024-01-02"])
        w.writerow(["3", "Kyiv", "2024-01-03", "extra"])
    out = tmp_path / "out.csv"
    assert run_filter(src, "--text-column", "body", "--within", "country:UA", "-o", out) == 1
    rows = list(csv.reader(out.open(newline="", encoding="utf-8")))
    assert rows == [["id", "body", "date"], ["1", "Shelling hit Kharkiv, officials said.", "2024-01-01"]]
    assert "in.csv:5: 4 fields, expected 3" in capsys.readouterr().err


def test_cli_csv_reads_column_names_as_extract_does(tmp_path):
    """A header written "id, text" names the text column "text" for filter as for extract; the
    article is written back as it came, header and all."""
    src = tmp_path / "in.csv"
    src.write_text("id, text\n1,Shelling hit Kharkiv overnight.\n2,Rain fell on Lisbon.\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert run_filter(src, "--within", "country:UA", "-o", out) == 0
    assert out.read_text(encoding="utf-8").splitlines() == ["id, text", "1,Shelling hit Kharkiv overnight."]


def test_cli_text_folder(tmp_path):
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("Shelling hit Kharkiv overnight.")
    (folder / "sub" / "b.txt").write_text("Rain fell on Lisbon.")
    out = tmp_path / "kept"
    assert run_filter(folder, "--within", "country:UA", "--explain", "-o", out) == 0
    assert (out / "a.txt").read_text() == "Shelling hit Kharkiv overnight."
    assert not (out / "sub" / "b.txt").exists()
    side = [json.loads(x) for x in (out / f"{EXPLAIN_FIELD}.jsonl").read_text().splitlines()]
    assert side[0]["file"] == "a.txt" and side[0][EXPLAIN_FIELD]["kept"]


def test_cli_parquet(tmp_path, kursk_doc):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    rows = [{"id": 1, "text": "Shelling hit Kharkiv.", "meta": {"src": "x"}},
            {"id": 2, "text": "Rain in Lisbon.", "meta": {"src": "ü"}}]
    src, out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    pq.write_table(pa.Table.from_pylist(rows), src)
    assert run_filter(src, "--within", "country:UA", "-o", out) == 0
    assert pq.read_table(out).to_pylist() == rows[:1]


def test_cli_rejects_no_region_and_mixed_formats(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("{}\n")
    with pytest.raises(ValueError, match="no region"):
        run_filter(src)
    with pytest.raises(ValueError, match="mix formats"):
        run_filter(src, tmp_path / "x.csv", "--within", "country:UA")
    with pytest.raises(ValueError, match="unknown country"):
        run_filter(src, "--within", "country:Atlantis")


@pytest.mark.parametrize("within", ["country:UA", "country:BR"])
def test_cli_fast_path_reports_a_bad_mention(tmp_path, kursk_doc, capsys, within):
    """The hot path checks every record's mention fields, whether the record is kept or
    dropped; a wrong one is reported by line and the rest still judged."""
    good = _extracted(kursk_doc, 600)
    bad = json.loads(json.dumps(good))
    for m in bad["mentions"]:
        m["start"] = "oops"
    lines = [json.dumps(good), json.dumps(bad), json.dumps({"id": 3, "text": "x", "mentions": []})]
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text("\n".join(lines) + "\n")
    assert run_filter(src, "--within", within, "-o", out) == 1
    kept = 1 if within == "country:UA" else 0
    assert out.read_text().splitlines() == lines[:kept]
    err = capsys.readouterr().err
    assert "in.jsonl:2: malformed geomap record" in err
    assert f"3 input, {kept} kept, {2 - kept} dropped, 1 error(s)" in err


def test_cli_fast_path_reads_new_places_whole(tmp_path, kursk_doc, capsys):
    """A place id seen for the first time is read whole (a bad field there is reported); a
    place seen before is judged from its id, and --explain still names it."""
    good = _extracted(kursk_doc, 600)
    bad = json.loads(json.dumps(good))
    bad["mentions"][0]["place"]["geonameid"] = 999_999_999
    bad["mentions"][0]["place"]["lat"] = "north"
    lines = [json.dumps(good), json.dumps(bad), json.dumps(good)]
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text("\n".join(lines) + "\n")
    assert run_filter(src, "--within", "country:UA", "--explain", "-o", out) == 1
    assert "in.jsonl:2: malformed geomap record" in capsys.readouterr().err
    first, third = (json.loads(x)["_geomap"] for x in out.read_text().splitlines())
    assert first == third and first["matches"]


def test_union_of_many_regions_is_one_region():
    from geomap.regions import Region

    parts = [Region.country(c) for c in ("BE", "NL", "LU")]
    u = Region.union(*parts)
    assert len(u.parts) == 3 and u.name == " | ".join(p.name for p in parts)
    assert (parts[0] | parts[1] | parts[2]).parts == u.parts
    assert u.contains((50.85, 4.35)) and u.contains((52.37, 4.9)) and not u.contains((48.86, 2.35))


def test_min_score_counts_only_sure_mentions(geoparser):
    from geomap.filter import explain

    doc = geoparser.parse("Shelling hit Donetsk overnight.")
    assert explain(doc, "country:UA").kept
    assert not explain(doc, "country:UA", min_score=1.01).kept


def test_cli_reads_a_csv_field_over_the_csv_module_limit(tmp_path, capsys, store):
    """Issue 18, defect 5: the filter reads CSV with the shared reader (and its field limit)."""
    src = tmp_path / "in.csv"
    notes = "n" * 140_000
    src.write_text(f"id,notes,text\n1,{notes},Shelling hit Donetsk in Ukraine.\n2,short,Rain in Lisbon.\n",
                   encoding="utf-8")
    out = tmp_path / "kept.csv"
    assert run_filter(src, "--within", "country:UA", "-o", out) == 0
    rows = list(csv.reader(out.open(encoding="utf-8", newline="")))
    assert rows == [["id", "notes", "text"], ["1", notes, "Shelling hit Donetsk in Ukraine."]]
    assert "Traceback" not in capsys.readouterr().err


def test_cli_reports_an_unclosed_csv_quote_and_judges_the_rest(tmp_path, capsys, store):
    src = tmp_path / "in.csv"
    src.write_text('id,text\n1,Shelling hit Donetsk.\n2,"Rain in Lisbon.\n3,Drones over Kharkiv.\n', encoding="utf-8")
    out = tmp_path / "kept.csv"
    assert run_filter(src, "--within", "country:UA", "-o", out) == 1
    assert [r[0] for r in csv.reader(out.open(encoding="utf-8", newline=""))] == ["id", "1", "3"]
    err = capsys.readouterr().err
    assert "in.csv:3: unclosed quote" in err and "3 input, 2 kept, 0 dropped, 1 error(s)" in err
