"""The fast recogniser (``Geoparser(mode="fast")``): no neural model, the same resolver."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from geopy.distance import geodesic

from geomap.fast_extract import (FAST_RULES, FEATURES, FastFilter, NameMemo, default_filter, fast_candidates,
                                 fast_sentences)

NOT_PLACES = {"Virginia", "Virginia Mayo", "Mayo", "Austin", "Lloyd Austin", "Singh", "Rutte", "Lavrov"}


@pytest.fixture(scope="module")
def fast(store):
    from geomap.pipeline import Geoparser

    return Geoparser(gazetteer=store, mode="fast")


@pytest.fixture(scope="module")
def kursk_fast(fast, kursk_text):
    return fast.parse(kursk_text, id="kursk")


def _placed(doc) -> dict[str, list]:
    out: dict[str, list] = {}
    for m in doc.mentions:
        if m.place is not None:
            out.setdefault(m.text, []).append(m.place)
    return out


def test_canonical_article_in_fast_mode(kursk_fast):
    placed = _placed(kursk_fast)
    assert all(geodesic(p.point, (50.85, 4.35)).km < 50 for p in placed["Brussels"])
    assert placed["Pyongyang"][0].country_code == "KP" and placed["Pyongyang"][0].feature_code == "PPLC"
    assert all(p.feature_code == "PPLC" and p.country_code == "RU" for p in placed["Moscow"])
    kursk = [p for text, ps in placed.items() if text.startswith("Kursk") for p in ps]
    assert kursk and all(p.geonameid in (538555, 538560) for p in kursk)  # the city or the oblast
    (donetsk,) = [ps[0] for text, ps in placed.items() if text.startswith("Donetsk region")]
    assert donetsk.feature_code == "ADM1" and donetsk.country_code == "UA" and donetsk.admin1 == "05"
    (tsukuryne,) = placed["Tsukuryne"]
    assert tsukuryne.country_code == "UA" and tsukuryne.admin1 == "05"
    (washington,) = placed["Washington"]
    assert washington.feature_code == "PPLC" and washington.country_code == "US"
    assert not set(placed) & NOT_PLACES


def test_offsets_exact_and_inside_their_sentence(kursk_fast):
    assert kursk_fast.mentions
    for m in kursk_fast.mentions:
        assert kursk_fast.text[m.start : m.end] == m.text
        s = kursk_fast.sentences[m.sentence]
        assert s.start <= m.start and m.end <= s.end


def test_no_spacy_is_imported(tmp_path):
    code = ("import sys; from geomap.pipeline import Geoparser; "
            "d = Geoparser(mode='fast').parse('Flooding closed roads around Lyon and Grenoble on Tuesday.'); "
            "print(sorted(m.text for m in d.mentions), 'spacy' in sys.modules, 'numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['Grenoble', 'Lyon'] False False"  # numpy alone is ~0.1 s of every process


def test_prev_word_reads_what_its_regular_expression_finds():
    import random

    from geomap.fast_extract import _PREV_WORD, prev_word

    def reference(text, start):
        m = _PREV_WORD.search(text, max(0, start - 30), start)
        return m.group(1).lower().rstrip(".") if m else ""

    rng = random.Random(21)
    alphabet = "aZ9_ .,'’\"-()\n\tÉß²½Ⅻ\u0301"  # letters, digits, numerals, marks, dots, quotes, a combining accent
    texts = ["said in the U.S. Virgin Islands", "Mr. Austin", "O’Brien’s Kursk", "… ‘Kyïv’ — ", "...", "' '", ""]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 50))) for _ in range(400)]
    for text in texts:
        for start in range(len(text) + 1):
            assert prev_word(text, start) == reference(text, start), (text, start)


def test_scans_tried_at_few_offsets_find_what_their_regular_expressions_find():
    import random

    import re

    from geomap.fast_extract import (_LINK, _REGION_WORD, _RUN, _SENTENCE_END, _SETTLEMENT_OF, _WORD, _matches_at,
                                     _region_words, _sentence_end_starts, _settlement_of_starts)

    def found(matches):
        return [(m.start(), m.end(), m.groups()) for m in matches]

    rng = random.Random(26)
    pieces = list("aAoOfFsSMK .!?\n\"')”’(“[ſıİK-_") + ["of ", " of  ", "village", "TOWN", "Township", "Capital", "port",
                                                        "state ", "States", "regions", "County", "OBLAST", "krai", "Kray",
                                                        "Dr. ", "U.S. ", "St. ", "Mt. ", "’s ", "Quillan ", "Tessbury"]
    run = re.compile(rf"(?<![\w'’.-]){_WORD}(?:[ ](?:{_LINK}[ ])?{_WORD})*")  # what _RUN finds, written plainly
    texts = ["The Quillan village of Tessbury. Mr. Harnwick left the Quillan county  for the town  of  Tessbury Vale!"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    for text in texts:
        assert found(_matches_at(_SENTENCE_END, text, _sentence_end_starts(text))) == found(_SENTENCE_END.finditer(text))
        assert (found(_matches_at(_SETTLEMENT_OF, text, _settlement_of_starts(text)))
                == found(_SETTLEMENT_OF.finditer(text))), text
        assert found(_region_words(text)) == found(_REGION_WORD.finditer(text)), text
        assert found(_RUN.finditer(text)) == found(run.finditer(text)), text


def test_people_who_share_a_place_name_are_not_places(fast):
    doc = fast.parse("Senator Jordan Hamilton landed in Berlin on Monday. Hamilton said the talks with "
                     "officials from Poland went well, and Mr Hamilton flew home.")
    placed = _placed(doc)
    assert placed["Berlin"][0].country_code == "DE" and placed["Poland"][0].is_country
    assert "Hamilton" not in placed and "Jordan" not in placed


@pytest.mark.parametrize("text,name,country", [
    ("Paris has banned rental scooters from its streets.", "Paris", "FR"),
    ("Kyiv said the talks would resume next week.", "Kyiv", "UA"),
    ("Chicago's mayor said the city would appeal the ruling.", "Chicago", "US"),
])
def test_a_big_city_opening_a_sentence_is_a_place(fast, text, name, country):
    placed = _placed(fast.parse(text))
    assert name in placed and placed[name][0].country_code == country, placed


@pytest.mark.parametrize("text,name,country", [
    ("Artillery shelled Kupiansk overnight, the regional governor said.", "Kupiansk", "UA"),
    ("The army recaptured Wad Madani from the rebels on Saturday.", "Wad Madani", "SD"),
])
def test_a_name_after_a_verb_of_places_is_a_place(fast, text, name, country):
    placed = _placed(fast.parse(text))
    assert name in placed and placed[name][0].country_code == country, placed


def test_a_word_never_alone_a_name_is_one_where_described_as_a_town(fast):
    assert "Union" not in _placed(fast.parse("The Union is a federation of states."))
    # (nor the last word of a longer name)
    assert "West" not in _placed(fast.parse("Quillan West is a suburb of Tessbury."))


def test_an_abbreviated_first_word_is_part_of_the_name_and_no_name_alone(fast):
    doc = fast.parse("Tessovsk is a town south of the federal city of St. Petersburg, in Russia.")
    placed = _placed(doc)
    assert placed["St. Petersburg"][0].country_code == "RU", placed
    doc = fast.parse("Around the village of St. Quillan Abbe lie the farms of the valley.")
    assert not [m.text for m in doc.mentions if m.text.rstrip(".") == "St"], [m.text for m in doc.mentions]


def test_region_phrase_settlement_and_demonym(fast):
    text = ("Ukrainian officials said shelling hit the Kharkiv village of Vovchansk overnight, "
            "and drones struck across the wider Kharkiv region.")
    doc = fast.parse(text)
    by = {m.text: m for m in doc.mentions}
    assert by["Ukrainian"].kind == "demonym" and by["Ukrainian"].place.country_code == "UA"
    assert by["Vovchansk"].place.country_code == "UA"
    region = by["Kharkiv region"]
    assert region.kind == "region-phrase" and region.place.feature_code == "ADM1"


def test_names_listed_before_a_plural_feature_word(fast):
    """The full mode's rule: counties, not the towns of Orange, California or Seminole, Florida;
    streets the gazetteer lacks, placed only where the text says."""
    doc = fast.parse("Roads closed in Orange and Seminole counties. The parade crossed Bourbon and "
                     "Dauphine streets in New Orleans.")
    assert [(m.text, m.place and m.place.name, m.precision) for m in doc.mentions] == [
        ("Orange", "Orange County", "exact"), ("Seminole", "Seminole County", "exact"),
        ("Bourbon", "New Orleans", "containing"), ("Dauphine", "New Orleans", "containing"),
        ("New Orleans", "New Orleans", "exact")]


def test_a_postal_code_after_a_town_of_its_state(fast):
    doc = fast.parse("The plant in Portland, ME will hire 200 workers. He later left for Kingston, ON.")
    assert [(m.text, m.place.name, m.place.admin1) for m in doc.mentions] == [
        ("Portland", "Portland", "ME"), ("ME", "Maine", "ME"), ("Kingston", "Kingston", "08"), ("ON", "Ontario", "08")]


def test_a_degree_after_a_name_is_no_state(fast):
    doc = fast.parse("\"It works,\" said Robert Quillan, MD, a cardiologist. The plant in Baltimore, MD will close.")
    assert [(m.text, m.place.name) for m in doc.mentions] == [("Baltimore", "Baltimore"), ("MD", "Maryland")]


def test_a_described_name_is_a_place_everywhere_in_the_article(fast):
    doc = fast.parse("Springfield is the capital of the state of Illinois. Springfield has a population of "
                     "about 114,000. Lincoln lived in Springfield before his presidency.")
    springs = [m for m in doc.mentions if m.text == "Springfield"]
    assert len(springs) == 3
    assert all(m.place is not None and m.place.admin1 == "IL" for m in springs)


def test_explain_shows_the_filter_and_the_ranking(store):
    from geomap.pipeline import Geoparser

    doc = Geoparser(gazetteer=store, mode="fast", explain=True).parse("Protesters gathered in Lisbon on Sunday.")
    (m,) = [m for m in doc.mentions if m.text == "Lisbon"]
    assert m.label.startswith("fast:name p=") and 0.5 <= float(m.label.rsplit("=", 1)[1]) <= 1
    assert m.candidates and m.candidates[0]["geonameid"] == m.place.geonameid


def test_rules_switch_off_by_name(store):
    from geomap.pipeline import Geoparser

    text = "Ukrainian troops held positions near Bakhmut in the Donetsk region."
    off = Geoparser(gazetteer=store, mode="fast", disable=["fast-names", "fast-demonyms"]).parse(text)
    assert [m.text for m in off.mentions] == ["Donetsk region"]
    assert set(FAST_RULES) >= {"fast-names", "fast-demonyms", "fast-region-phrases"}
    with pytest.raises(ValueError, match="mode"):
        Geoparser(gazetteer=store, mode="quick")


@pytest.mark.parametrize("text,town,state", [
    ("ROME — Lawmakers approved the budget late on Friday.", ("ROME", "IT"), None),
    ("KYIV, Ukraine (Reuters) - Drones struck a power plant overnight.", ("KYIV", "UA"), ("Ukraine", "UA")),
    ("SPRINGFIELD, Ill. (AP) — Lawmakers approved the budget late on Friday.", ("SPRINGFIELD", "IL"), ("Ill", "IL")),
])
def test_a_datelines_town_and_state_are_read_as_the_full_extractor_reads_them(fast, text, town, state):
    """A dateline names the town the story was filed in, even a short name in capitals ("ROME"),
    and the state after it holds it ("Ill." is Illinois only there)."""
    doc = fast.parse(text)
    where = [(m.text, m.place.admin1 if m.place.country_code == "US" else m.place.country_code)
             for m in doc.mentions if m.place is not None]
    assert where[: 2 if state else 1] == [town] + ([state] if state else [])
    assert doc.mentions[0].label == "rule:dateline" and "fast-datelines" in FAST_RULES


def test_the_filter_reads_the_words_around_a_name():
    flt = default_filter()
    base = {k: 0.0 for k in FEATURES} | {"pop": 0.6, "readings": 0.3}
    assert flt.probability(base | {"prep_before": 1.0}) > flt.probability(base)
    assert flt.probability(base | {"title_before": 1.0}) < flt.probability(base)
    assert flt.probability(base | {"speech_after": 1.0}) < flt.probability(base)
    assert flt.probability(base | {"country": 1.0, "pop": 1.1}) > 0.5
    assert set(flt.weights) == set(FEATURES)


def test_filter_round_trips_through_its_file(tmp_path):
    path = tmp_path / "f.json"
    path.write_text(json.dumps({"bias": -1.0, "threshold": 0.4, "weights": {"pop": 2.0}}), encoding="utf-8")
    flt = FastFilter.load(path)
    assert flt.threshold == 0.4 and flt.probability({"pop": 0.5}) == pytest.approx(0.5)


def test_candidates_carry_every_feature(store):
    text = "BRUSSELS — Ministers met in Brussels, Belgium, as Mr Gent said the Gent talks would go on in PARIS."
    sure, judged = fast_candidates(text, store)
    assert judged and all(set(c.features) == set(FEATURES) for c in judged)
    assert [(s.lookup, s.label) for s in sure] == [("BRUSSELS", "rule:dateline")]  # a dateline is no guess
    by = {(c.span.start, c.span.lookup): c.features for c in judged}
    assert by[(text.index("PARIS"), "PARIS")]["all_caps"] == 1.0
    assert by[(text.index("Brussels,"), "Brussels")]["prep_before"] == 1.0
    assert by[(text.index("Brussels,"), "Brussels")]["qualified"] == 1.0
    assert by[(text.index("Gent said"), "Gent")]["title_before"] == 1.0
    assert by[(text.index("Gent said"), "Gent")]["speech_after"] == 1.0


@pytest.mark.parametrize("text,expected", [
    ("One. Two! Three? Four", ["One.", "Two!", "Three?", "Four"]),
    ("Dr. Smith went to the U.S. embassy. It was shut.", ["Dr. Smith went to the U.S. embassy.", "It was shut."]),
    ("A heading\n\nThen a paragraph.", ["A heading", "Then a paragraph."]),
    ("  ", ["  "]),
])
def test_sentences_by_regular_expression(text, expected):
    got = [text[a:b] for a, b in fast_sentences(text)]
    assert got == expected


def test_cli_fast_extract_map_and_filter(tmp_path):
    from geomap.cli import main

    src = tmp_path / "a.txt"
    src.write_text("Heavy snow closed schools in Oslo and Bergen, Norway, on Friday.", encoding="utf-8")
    out = tmp_path / "a.jsonl"
    assert main(["extract", "--fast", str(src), "-o", str(out), "--quiet"]) == 0
    rec = json.loads(out.read_text(encoding="utf-8"))
    assert {m["text"] for m in rec["mentions"] if m["place"]} == {"Oslo", "Bergen", "Norway"}
    assert main(["map", "--fast", str(src), "-o", str(tmp_path / "m.html"), "--quiet"]) == 0
    assert "Bergen" in (tmp_path / "m.html").read_text(encoding="utf-8")
    kept = tmp_path / "kept"
    assert main(["filter", "--fast", str(src), "--within", "country:NO", "-o", str(kept)]) == 0
    assert (kept / "a.txt").exists()


def test_batch_workers_rebuild_the_fast_mode(store):
    from geomap.batch import parse_texts, worker_spec
    from geomap.pipeline import Geoparser

    spec = worker_spec(Geoparser(gazetteer=store, mode="fast"))
    assert spec[-1] == "fast"
    ((sentences, mentions),) = parse_texts(["Ferries to Helsinki were cancelled."], spec, 8)
    assert [m.text for m in mentions] == ["Helsinki"] and sentences


def test_a_mention_across_a_sentence_cut_joins_the_sentences(fast):
    from geomap.extract import Span_
    from geomap.fast_extract import join_crossed

    text = "Storms hit the U.S. Virgin Islands. Power is out."
    assert [text[a:b] for a, b in fast_sentences(text)][0] == "Storms hit the U.S. Virgin Islands."
    assert join_crossed([(0, 5), (6, 10), (11, 20)], [Span_(3, 8, "toponym", "x", "x")]) == [(0, 10), (11, 20)]
    doc = fast.parse("Flights to St. Louis resumed. Crews worked overnight.")
    (m,) = doc.mentions
    assert m.text == "St. Louis" and m.place.country_code == "US" and doc.sentences[m.sentence].end == 29


def test_a_possessive_inside_a_name_and_after_one(fast):
    doc = fast.parse("Envoys of the People’s Republic of China met Poland’s foreign minister in Warsaw.")
    placed = _placed(doc)
    (china,) = placed["People’s Republic of China"]
    assert china.is_country and china.country_code == "CN"
    assert placed["Poland"][0].country_code == "PL" and placed["Warsaw"][0].country_code == "PL"
    assert "Republic of China" not in placed  # not Taiwan, the alternate name the tail would match


def test_resume_refuses_to_mix_the_modes(tmp_path, capsys):
    from geomap.batch import ResumableJSONL, fingerprint, input_state
    from geomap.cli import main
    from geomap.pipeline import DEFAULT_MODEL

    src, out = tmp_path / "a.jsonl", tmp_path / "o.jsonl"
    src.write_text("".join(json.dumps({"text": f"Rain in Lisbon, day {i}."}) + "\n" for i in range(4)), encoding="utf-8")
    full = fingerprint([str(src)], explain=False, model=DEFAULT_MODEL, min_score=0.0, gazetteer=None)
    sink = ResumableJSONL(out, full, restart=True, inputs=input_state([str(src)]))  # a full run, interrupted
    sink.commit(2)
    sink.close()
    assert main(["extract", "--fast", str(src), "-o", str(out), "--resume", "--quiet"]) == 2
    assert "other inputs or options" in capsys.readouterr().err


def test_a_possessive_that_ends_a_place_name_stays_in_fast_mode(fast):
    doc = fast.parse("Police in St. John's said the driver fled.")
    assert [(m.text, m.place.country_code) for m in doc.mentions] == [("St. John's", "CA")]
    assert [m.text for m in fast.parse("London's mayor spoke on Monday.").mentions] == ["London"]


def test_a_street_named_after_a_city_is_not_the_city(fast):
    doc = fast.parse("Traffic was heavy on London Road in Brighton on Monday. He moved to London. Road works began.")
    assert [m.text for m in doc.mentions if m.text == "London"] == ["London"]  # the second, the city itself
    assert all(m.start > 60 for m in doc.mentions if m.text == "London")


def test_a_square_named_after_a_place_is_not_the_place(fast):
    doc = fast.parse("Protesters gathered in Tahrir Square in Cairo and in Trafalgar Square in London.")
    placed = [(m.text, m.place.name) for m in doc.mentions if m.place is not None]
    # not At Tahrir, Yemen: each square is a site, placed in the city the text puts it in, as the full mode does
    assert placed == [("Tahrir Square", "Cairo"), ("Cairo", "Cairo"), ("Trafalgar Square", "London"), ("London", "London")]


@pytest.mark.parametrize("text,not_places,kept", [
    ("Barges sat idle on the Quillan River near Memphis after the Ohio River rose.", {"Ohio"}, {"Memphis"}),
    ("Fishermen on Lake Malawi said catches near Mangochi fell.", {"Malawi"}, {"Mangochi"}),
    ("Climbers on Mount Kenya met guides from Nairobi.", {"Kenya"}, {"Nairobi"}),
    ("Climbers on Mt. Kenya met guides from Nairobi.", {"Kenya"}, {"Nairobi"}),
    ("Tankers waited in the Gulf of Oman before sailing to Dubai.", {"Oman"}, {"Dubai"}),
])
def test_a_name_inside_a_natural_features_name_is_not_the_place(fast, text, not_places, kept):
    """"Ohio River", "Lake Malawi": the river or lake, never the state, country or town of the bare
    name (the full extractor's rule for names its model left untagged)."""
    placed = _placed(fast.parse(text))
    assert not not_places & set(placed) and kept <= set(placed)


@pytest.mark.parametrize("text,names", [
    ("Flights from Łódź and Kraków were cancelled after the storm.", {"Łódź": "PL", "Kraków": "PL"}),
    ("Police in Östersund said the suspect fled towards Umeå.", {"Östersund": "SE", "Umeå": "SE"}),
    ("Protests spread from İzmir to Şanlıurfa on Sunday.", {"İzmir": "TR", "Şanlıurfa": "TR"}),
    ("Officials in Île-de-France extended the curfew.", {"Île-de-France": "FR"}),
])
def test_a_name_that_opens_with_a_capital_with_a_diacritic_is_read(fast, text, names):
    """Capitals beyond ASCII's A-Z open names too ("Ž", "Ł", "Ö", "İ", "Î")."""
    placed = _placed(fast.parse(text))
    assert {name: placed[name][0].country_code for name in names if name in placed} == names


@pytest.mark.parametrize("text,name,code", [
    ("The summit opened in Sharm el-Sheikh on Sunday.", "Sharm el-Sheikh", "EG"),
    ("Flights from Dar es Salaam were delayed.", "Dar es Salaam", "TZ"),
    ("The port of Ras al-Khaimah reopened after the storm.", "Ras al-Khaimah", "AE"),
])
def test_a_name_with_an_arabic_article_in_lower_case_is_one_name(fast, text, name, code):
    """"el-Sheikh", "es Salaam": the article does not cut the name ("Dar" is a town in Cambodia)."""
    assert [(m.text, m.place.country_code) for m in fast.parse(text).mentions if m.place is not None] == [(name, code)]


def test_a_title_word_in_capitals_inside_a_name_opens_it(fast):
    """"DR Congo" is the country, not "Dr" before a person called Congo; "Dr Smith" stays a person."""
    doc = fast.parse("Troops were deployed to Goma in eastern DR Congo. Dr Smith stayed in Leeds.")
    assert [(m.text, m.place.country_code) for m in doc.mentions if m.place is not None] == [
        ("Goma", "CD"), ("DR Congo", "CD"), ("Leeds", "GB")]


def test_a_sentence_may_open_with_a_capital_with_a_diacritic():
    text = "Floods hit the north. Écija was spared."
    assert [text[a:b] for a, b in fast_sentences(text)] == ["Floods hit the north.", "Écija was spared."]


def test_a_natural_features_name_makes_no_surname(store):
    """"Lake Victoria" is one name: its last word is no surname, as "Austin" is in "Lloyd Austin"."""
    memo = NameMemo(store)
    assert [memo.read_run(run)[2] for run in ("Lake Victoria", "Mount Kenya", "Mt. Kenya", "Lloyd Austin")] == [
        None, None, None, "austin"]


@pytest.mark.parametrize("text,name,code,country", [
    ("A wildfire spread across British Columbia, near Kamloops.", "British Columbia", "ADM1", "CA"),
    ("Cargo ships crossed the Indian Ocean from Durban.", "Indian Ocean", "OCN", None),
    ("Tourists flew from Honolulu to American Samoa on Friday.", "American Samoa", None, "AS"),
])
def test_a_demonym_that_opens_a_longer_place_name_is_part_of_it(fast, text, name, code, country):
    placed = _placed(fast.parse(text))
    assert name in placed, placed
    p = placed[name][0]
    assert (code is None or p.feature_code == code) and (country is None or p.country_code == country)
    assert not {"British", "Indian", "American", "Columbia", "Samoa"} & set(placed)


@pytest.mark.parametrize("text,placed", [
    ("Victoria Beckham opened a shop in Leeds on Monday.", ["Leeds"]),
    ("Charlotte Smith won the race, officials in Tulsa said.", ["Tulsa"]),
    # the city itself stays, and the first name is not made a place by it
    ("Sydney Sweeney filmed scenes in Sydney last spring.", ["Sydney"]),
    ("Its author, Jordan Hamilton, grew up in Charleston.", ["Charleston"]),  # the surname after a first name too
])
def test_a_place_name_that_opens_a_persons_name_is_no_place(fast, text, placed):
    """A common first name before a common surname (the US Census lists) reads as a person."""
    doc = fast.parse(text)
    found = [m for m in doc.mentions if m.place is not None]
    assert [m.text for m in found] == placed and found[0].start > 20


def test_a_town_its_state_qualifies_is_kept(fast):
    """"Lincoln, Nebraska, police said": the filter doubts a sentence's first word, the pair does not."""
    doc = fast.parse("Lincoln, Nebraska, police said a man was arrested after a chase.")
    assert [(m.text, m.place.admin1) for m in doc.mentions if m.place is not None] == [("Lincoln", "NE"), ("Nebraska", "NE")]
    assert doc.mentions[0].label.startswith("fast:qualified") and "fast-qualified" in FAST_RULES


def test_the_head_of_a_body_of_a_place_is_not_a_town(fast):
    """"the University of Georgia": Georgia, not University (Florida) nor Bank."""
    doc = fast.parse("ATHENS, Ga. — The University of Georgia and the Bank of England announced new leaders.")
    assert [m.text for m in doc.mentions if m.place is not None] == ["ATHENS", "Ga", "Georgia", "England"]


def test_a_function_word_the_name_lists_hold_makes_no_persons_name(fast):
    """The Census lists hold "In" and "Many" as first names: "In Hamilton" is no person."""
    assert [m.text for m in fast.parse("In Hamilton, officials said the roads were closed.").mentions
            if m.place is not None] == ["Hamilton"]


@pytest.mark.parametrize("text,name,admin1", [
    ("Families from Kursk oblast were moved to shelters.", "Kursk", "41"),
    ("Fires spread across Washington state and into Idaho.", "Washington", "WA"),
    ("Voters in New York state backed the measure on Tuesday.", "New York", "NY"),
])
def test_a_region_phrase_inside_a_sentence(fast, text, name, admin1):
    """The region word may be followed by any word but a capitalised one ("Region Kursk")."""
    m = next(m for m in fast.parse(text).mentions if m.text.startswith(name))
    assert m.kind == "region-phrase" and m.place.feature_code == "ADM1" and m.place.admin1 == admin1


def test_places_and_demonyms_inside_hyphenated_words(fast):
    """The full extractor's rule for hyphenated words (:func:`geomap.extract.hyphen_parts`)."""
    doc = fast.parse("A London-based charity said Russian-backed forces left the Syrian-Turkish border.")
    found = {m.text: (m.kind, m.place.country_code) for m in doc.mentions if m.place is not None}
    assert found == {"London": ("toponym", "GB"), "Russian": ("demonym", "RU"), "Syrian": ("demonym", "SY"),
                     "Turkish": ("demonym", "TR")}
    assert all(m.label.startswith("fast:hyphen") for m in doc.mentions)


@pytest.mark.parametrize("text,name,code", [
    ("The New York-based firm hired twenty people.", "New York", "US"),
    ("The San Francisco-based startup raised money.", "San Francisco", "US"),
    ("The Abu Dhabi-based fund bought the club.", "Abu Dhabi", "AE"),
    ("The West Bank-based authority paid salaries.", "West Bank", "PS"),
])
def test_a_hyphenated_words_first_part_goes_on_from_the_name_before_it(fast, text, name, code):
    """"New York-based" is New York, not York (Ontario); "San Francisco-based" not San (Mali)."""
    assert [(m.text, m.place.country_code) for m in fast.parse(text).mentions if m.place is not None] == [(name, code)]


@pytest.mark.parametrize("text", ["The mayor of Chicago said crime had fallen.",
                                  "Officials in Chicago said crime had fallen."])
def test_speech_after_a_name_in_a_phrase_is_not_the_names(store, text):
    """"the mayor of Chicago said": the mayor speaks, not Chicago (no ``speech_after``)."""
    _, judged = fast_candidates(text, store)
    assert [(c.span.lookup, c.features["speech_after"]) for c in judged] == [("Chicago", 0.0)]
    _, judged = fast_candidates("Chicago said crime had fallen.", store)
    assert [c.features["speech_after"] for c in judged] == [1.0]


def test_a_surname_the_filter_once_took_for_a_place_is_not_a_place_everywhere(fast):
    """"at Kelly's" may read as a place, but the article names a person Kelly: the same-name rule
    does not spread that reading to "John Kelly" and "Kelly left"."""
    doc = fast.parse("Chief of staff John Kelly spoke on Monday. Aides bristled at Kelly's new rules. "
                     "Later Kelly left the meeting early.")
    assert len([m for m in doc.mentions if m.text == "Kelly" and m.place is not None]) <= 1
    assert not [m for m in doc.mentions if m.start < 30 or m.start > 90]


def test_a_state_is_no_surname_for_a_capitalised_word_before_it(fast):
    """"Connecting California" (a column's name) makes no person of California, as "John Kelly"
    does of Kelly: a country, state, capital or city of a million is never read as a surname."""
    doc = fast.parse("The column Connecting California won an award. California lawmakers cheered it.")
    assert [m.start for m in doc.mentions if m.place is not None and m.place.feature_code == "ADM1"][-1] > 45


def test_a_town_then_a_state_abbreviation_that_is_also_a_word(fast_geoparser):
    """"Cairo, Ill.", "Erie, Pa.": the full extractor's pair, read where a town of the name lies in
    the state (not Cairo, Egypt; not a place whose other name is "Pa")."""
    doc = fast_geoparser.parse("Officials in Cairo, Ill., said the levee held, and Erie, Pa., stayed dry.")
    assert [(m.text, m.place.country_code, m.place.admin1) for m in doc.mentions] == [
        ("Cairo", "US", "IL"), ("Ill", "US", "IL"), ("Erie", "US", "PA"), ("Pa", "US", "PA")]
    # not after a name no town of the state bears
    doc = fast_geoparser.parse("The tour reached Nairobi, Mass. was held in the cathedral.")
    assert [m.text for m in doc.mentions] == ["Nairobi"]


def test_a_state_known_by_another_name_after_its_town_is_kept(fast_geoparser):
    """"Valencia, Carabobo, said": the filter alone leaves out a state the gazetteer knows by another
    of its names ("Estado Carabobo") with "said" after it; a kept town of that state before it keeps it."""
    doc = fast_geoparser.parse("The mayor of Valencia, Carabobo, said on Monday that the water was back.")
    assert [(m.text, m.place.feature_code, m.place.country_code) for m in doc.mentions] == [
        ("Valencia", "PPL", "VE"), ("Carabobo", "ADM1", "VE")]


def test_words_before_an_of_place_the_name_after_it(fast_geoparser):
    """"residents of", "the outskirts of", "parts of": the full extractor's words before an "of"
    count as a place preposition for the filter (``prep_before``)."""
    doc = fast_geoparser.parse("Residents of Florence have complained about noise from the new plant.")
    assert [m.text for m in doc.mentions] == ["Florence"]
    # what is done to a place: "the evacuation of", "the siege of"
    doc = fast_geoparser.parse("Wildfires near Athens forced the evacuation of Marathon on Sunday.")
    assert [m.text for m in doc.mentions if m.place is not None] == ["Athens", "Marathon"]


def test_a_title_or_a_saint_opens_a_place_s_name(fast):
    # "Saint", "Prince", "General" are read past when they open a person's name; they open these towns'
    for text, name, country in (("Officers in Prince George arrested two men on Tuesday.", "Prince George", "CA"),
                                ("Flooding hit General Santos overnight, officials said.", "General Santos", "PH"),
                                ("Flights to Saint Lucia were cancelled on Monday.", "Saint Lucia", "LC")):
        placed = _placed(fast.parse(text))
        assert [p.country_code for p in placed.get(name, [])] == [country], (text, placed)
    # a title opening a name still says "a person" unless the words around it place it
    assert not _placed(fast.parse("Prince William visited the new hospital wing on Monday."))


def test_a_street_the_text_puts_in_a_town_is_placed_there(fast):
    # the full extractor's site rule, by regular expression: the gazetteer lacks the street
    doc = fast.parse("Police were called to the 400 block of Maple Avenue in Winnipeg on Friday night.")
    found = {m.text: m for m in doc.mentions}
    assert found["Maple Avenue"].label == "fast:site"
    assert found["Maple Avenue"].place == found["Winnipeg"].place and found["Winnipeg"].place.country_code == "CA"
