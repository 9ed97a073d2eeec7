"""End-to-end extraction + resolution on real articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from geopy.distance import geodesic

DATA = Path(__file__).parent / "data"

TRUE_POINTS = {
    "Brussels": (50.85, 4.35),
    "Pyongyang": (39.03, 125.75),
    "Moscow": (55.75, 37.62),
    "Lisbon": (38.72, -9.14),
    "Washington": (38.90, -77.04),
}
COUNTRIES = {
    "Belgium": "BE", "Ukraine": "UA", "North Korea": "KP", "DPRK": "KP", "Russia": "RU",
    "South Korea": "KR", "Japan": "JP", "Australia": "AU", "China": "CN", "India": "IN",
    "Iran": "IR", "Portugal": "PT",
}
NOT_PLACES = {"Virginia", "Virginia Mayo", "Austin", "Singh", "Rutte", "Lavrov", "NATO", "Sun Journal",
              "Associated Press", "The Associated Press", "BRICS"}


@pytest.fixture(scope="module")
def kursk(geoparser, kursk_text):
    return geoparser.parse(kursk_text, id="kursk")


def _by_text(doc):
    out: dict[str, list] = {}
    for m in doc.mentions:
        out.setdefault(m.text, []).append(m)
    return out


def test_offsets_and_sentences_hold(kursk):
    for m in kursk.mentions:
        assert kursk.text[m.start : m.end] == m.text
        s = kursk.sentences[m.sentence]
        assert s.start <= m.start and m.end <= s.end


@pytest.mark.parametrize("name", sorted(TRUE_POINTS))
def test_cities_within_50km(kursk, name):
    mentions = _by_text(kursk)[name]
    for m in mentions:
        assert m.place is not None, name
        assert geodesic(m.place.point, TRUE_POINTS[name]).km < 50, (name, m.place)


def test_washington_is_the_capital_not_the_state(kursk):
    (m,) = _by_text(kursk)["Washington"]
    assert m.place.feature_code == "PPLC" and m.place.country_code == "US"


@pytest.mark.parametrize("name,code", sorted(COUNTRIES.items()))
def test_countries_resolve_to_the_country(kursk, name, code):
    mentions = [m for m in kursk.mentions if m.text == name and m.kind == "toponym"]
    assert mentions, f"{name} not found"
    for m in mentions:
        assert m.place is not None and m.place.is_country and m.place.country_code == code, (name, m.place)


def test_kursk_region_and_city(kursk):
    kursk_mentions = [m for m in kursk.mentions if m.text.startswith("Kursk")]
    assert len(kursk_mentions) >= 3
    for m in kursk_mentions:
        assert m.place is not None and m.place.country_code == "RU"
        assert m.place.geonameid in (538555, 538560), m.place  # Kursk Oblast or the city


def test_donetsk_region_is_the_oblast(kursk):
    (m,) = [m for m in kursk.mentions if m.text.startswith("Donetsk region")]
    assert m.kind == "region-phrase"
    assert m.place.feature_code == "ADM1" and m.place.country_code == "UA" and m.place.admin1 == "05"


def test_tsukuryne_is_the_village_in_donetsk_oblast(kursk):
    (m,) = _by_text(kursk)["Tsukuryne"]
    assert m.place.country_code == "UA" and m.place.admin1 == "05"
    assert geodesic(m.place.point, (48.08, 37.31)).km < 10


def test_no_place_for_people_or_organisations(kursk):
    placed = {m.text for m in kursk.mentions if m.place is not None}
    assert not placed & NOT_PLACES


def test_demonyms_are_their_own_kind(kursk):
    demonyms = {m.text: m for m in kursk.mentions if m.kind == "demonym"}
    assert demonyms["Kuwaiti"].place.country_code == "KW"
    assert demonyms["North Korean"].place.country_code == "KP"
    assert all(g.place.geonameid != demonyms["Kuwaiti"].place.geonameid for g in kursk.places())


def test_trap_fixture(geoparser):
    doc = geoparser.parse((DATA / "traps.txt").read_text(encoding="utf-8"))
    by = _by_text(doc)
    placed = {m.text for m in doc.mentions if m.place is not None}
    assert not placed & {"Austin", "Lloyd Austin", "Virginia", "Virginia Mayo", "Sun Journal", "NATO", "BRICS"}
    assert by["Kyiv"][0].place.country_code == "UA" and by["Kyiv"][0].place.feature_code == "PPLC"
    assert by["KYIV"][0].place.geonameid == by["Kyiv"][0].place.geonameid  # the dateline is the capital too
    region = [m for m in doc.mentions if m.text.startswith("Kharkiv region")][0]
    assert region.kind == "region-phrase" and region.place.feature_code == "ADM1"
    assert by["Vovchansk"][0].place.country_code == "UA"
    assert by["Paris"][0].place.country_code == "FR"
    assert by["Washington"][0].place.feature_code == "PPLC"


def test_document_json_round_trip(kursk):
    from geomap.model import Document

    d = kursk.to_dict()
    again = Document.from_dict(json.loads(json.dumps(d)))
    assert again.to_dict() == d
    assert {p["geonameid"] for p in d["places"]} == {m.place.geonameid for m in kursk.mentions if m.place}


def test_parse_many_keeps_order_and_metadata(geoparser):
    items = [{"id": "a", "text": "Snow fell in Oslo.", "source": "x"}, "Rain in Lima, Peru.", {"id": 3, "text": ""}]
    docs = list(geoparser.parse_many(items))
    assert [d.id for d in docs] == ["a", None, "3"]
    assert docs[0].meta == {"source": "x"}
    assert docs[1].mentions[0].place.country_code == "PE"
    assert docs[2].mentions == []


def test_kursk_map_has_one_marker_per_place_and_every_kursk_sentence(kursk):
    import re

    from geomap.render import Map

    html = Map([kursk], tiles=None).to_html()
    groups = kursk.places()
    assert len({g.place.geonameid for g in groups}) == len(groups)
    # the city (named before the region) and the oblast: every sentence naming Kursk is under one of them
    kursk_groups = [g for g in groups if g.place.geonameid in (538555, 538560)]
    assert 1 <= len(kursk_groups) <= 2
    kursk_sentences = {i for i in range(len(kursk.sentences)) if re.search(r"\bKursk\b", kursk.sentence_text(i))}
    assert {m.sentence for g in kursk_groups for m in g.mentions} == kursk_sentences
    assert "Kursk" in html


def test_place_inside_an_organisation_name_with_the_organisation_word_after_it(geoparser):
    doc = geoparser.parse("Senators praised the U.S. Department of Transportation. "
                          "The Kentucky Department of Education cut its budget.")
    found = {m.text: m for m in doc.mentions}
    assert found["U.S."].kind == "embedded" and found["U.S."].place.country_code == "US"
    assert found["Kentucky"].kind == "embedded" and found["Kentucky"].place.feature_code == "ADM1"


def test_a_name_used_as_a_place_is_that_place_elsewhere_in_the_article(geoparser):
    text = ("Flooding closed roads in Galway on Monday. The Galway County Council said repairs would take "
            "weeks. George Washington's statue was unharmed in Washington.")
    doc = geoparser.parse(text)
    galway = [m for m in doc.mentions if m.text == "Galway"]
    assert len(galway) == 2 and galway[1].kind == "embedded" and galway[0].place == galway[1].place
    washington = [m for m in doc.mentions if m.text == "Washington"]
    assert [m.start for m in washington] == [text.rindex("Washington")]  # never inside a person's name


def test_dateline_state_abbreviation_that_is_a_word(geoparser):
    doc = geoparser.parse("SPRINGFIELD, Ill. (AP) — Officials said the water was safe.")
    by = _by_text(doc)
    assert by["Ill"][0].place.name == "Illinois"
    assert by["SPRINGFIELD"][0].place.admin1 == by["Ill"][0].place.admin1  # the state holds the city
    # elsewhere the word is a word
    assert not geoparser.parse("Miss. Jones said she felt ill.").mentions


def test_sentences_are_trimmed_and_cover_every_mention(geoparser):
    text = "Snow fell in Oslo.\n\nRain hit Lima on Monday.  "
    doc = geoparser.parse(text)
    assert [text[s.start:s.end] for s in doc.sentences] == ["Snow fell in Oslo.", "Rain hit Lima on Monday."]
    assert [m.sentence for m in doc.mentions] == [0, 1]


def test_pipeline_runs_no_unused_embedding():
    from geomap.pipeline import load_nlp

    nlp = load_nlp()
    assert "ner" in nlp.pipe_names and "sentencizer" in nlp.pipe_names
    assert "tok2vec" not in nlp.pipe_names and "senter" not in nlp.pipe_names


@pytest.mark.parametrize("text, city", [
    ("By Tom Harnwick. BOSTON (Reuters) - A baker from the suburbs was fined on Tuesday.", "Boston"),
    ("By Ellen Quillan, Associated Press WASHINGTON (AP) — Canada promised to respond.", "Washington"),
    ("BEIRUT (AP) \ufffd A local council member said.", "Beirut"),
])
def test_datelines_after_a_byline_or_with_a_lost_dash(geoparser, text, city):
    (m,) = [m for m in geoparser.parse(text).mentions if m.label == "rule:dateline"]
    assert m.place.name == city and m.text == city.upper()


def test_unknown_one_word_place_after_a_preposition_is_kept(geoparser):
    doc = geoparser.parse("Thandi left the farm last spring to live in Khayelitsha with her aunt.")
    assert [(m.text, m.place) for m in doc.mentions] == [("Khayelitsha", None)]  # found, not placed
    assert not geoparser.parse("Shares of Dropbox rose on Monday.").mentions


def test_a_county_phrase_finds_the_county_by_its_full_name(geoparser):
    doc = geoparser.parse("Deputies in Hamilton County said the storm hit Chattanooga, Tennessee hardest.")
    (county,) = [m for m in doc.mentions if m.text == "Hamilton County"]
    assert county.kind == "region-phrase"
    assert (county.place.feature_code, county.place.country_code, county.place.admin1) == ("ADM2", "US", "TN")


def test_dateline_state_counts_when_the_base_is_unknown_and_dc_stays_dc(geoparser):
    doc = geoparser.parse("CAMP MURRAY, Wash. - The team flew to Washington, D.C. on Monday.")
    by = {m.text: m for m in doc.mentions}
    assert by["Wash"].label == "rule:dateline-state" and by["Wash"].place.admin1 == "WA"
    assert by["Washington, D.C."].place.feature_code == "PPLC"  # the qualified name, not the state
    doc = geoparser.parse("SEATTLE (AP) - Washington State lawmakers met peers in Washington, D.C. on Monday.")
    assert {m.text: m for m in doc.mentions}["Washington, D.C."].place.feature_code == "PPLC"


def test_a_dateline_state_is_context_for_the_article(geoparser):
    """"Mont." in the dateline names Montana even when "Montana" alone is unsure (Bulgaria has
    a Montana province): a town the article names later is the Montana one."""
    doc = geoparser.parse("HELENA, Mont. (AP) - Montana wants to extend the prison contract in Shelby, officials said.")
    by = {m.text: m for m in doc.mentions}
    assert (by["Shelby"].place.country_code, by["Shelby"].place.admin1) == ("US", "MT")


def test_a_lowercase_direction_is_not_split_off_as_a_place(geoparser):
    doc = geoparser.parse("Marsh, of Harrow, north west London, denies three charges.")
    assert all(m.text[:1].isupper() for m in doc.mentions)
    assert all(m.place is None or m.place.country_code == "GB" for m in doc.mentions)


def test_a_qualifier_is_a_division_but_a_list_is_no_qualifier(geoparser):
    doc = geoparser.parse("The club season starts at Goodwood, West Sussex. 14/15 July: Harnwick Park, Cheshire.")
    by = {m.text: m for m in doc.mentions}
    assert by["Cheshire"].place.country_code == "GB" and by["Cheshire"].place.feature_class == "A"
    assert by["Harnwick Park"].place == by["Cheshire"].place  # a site the gazetteer lacks, in its county
    doc = geoparser.parse("After visits to Washington, New York and Chicago, the senator returned home.")
    by = {m.text: m for m in doc.mentions}
    assert by["New York"].place.name == "New York City" and by["Washington"].place.feature_code == "PPLC"


def test_a_shared_state_code_follows_the_article_country(geoparser):
    doc = geoparser.parse("Beaches near Perth, Australia were closed. Treated water in WA is pumped out to sea.")
    assert {m.text: m for m in doc.mentions}["WA"].place.country_code == "AU"
    doc = geoparser.parse("Seattle and Tacoma voted early. Turnout in WA was high.")
    assert {m.text: m for m in doc.mentions}["WA"].place.admin1 == "WA"
    doc = geoparser.parse("Mines near Rustenburg, South Africa reopened. Platinum output in SA rose.")
    assert {m.text: m for m in doc.mentions}["SA"].place.feature_code == "PCLI"
    # (Known regression of the learned ranker, noted on issue 16: "SA" after "Adelaide, Australia" is now
    # South Africa by a small margin; the hand-set weights gave South Australia.)


def test_lowercase_words_are_no_abbreviations(geoparser):
    from geomap.extract import _Extractor

    text = "The sheriff in Austin, Texas hasn’t lost his job under the Act of 1990."
    ex = _Extractor(geoparser.nlp(text), geoparser.gazetteer, text)
    assert any(c.name_kind == "abbr" for c in geoparser.gazetteer.lookup("n’t"))  # the NT
    assert ex.lookup("n’t") == [] and ex.lookup("NT") != []
    # capitals name a country or division by its abbreviation, never a village spelt so
    assert geoparser.gazetteer.lookup("AI") and ex.lookup("AI") == []
    assert ex.lookup("UK")[0].place.country_code == "GB"
    doc = geoparser.parse("ROME — The pope spoke.")
    assert doc.mentions[0].label == "rule:dateline" and doc.mentions[0].place.name == "Rome"
    assert {m.text for m in geoparser.parse(text).mentions} <= {"Austin", "Texas"}


def test_a_bracketed_dateline_names_the_town(geoparser):
    doc = geoparser.parse("(NEW YORK) — A man visiting from Newark was shot by police.\n(Red Oak) -- Candidates meet in Iowa.")
    by = {m.text: m for m in doc.mentions}
    assert by["NEW YORK"].label == "rule:dateline" and by["NEW YORK"].place.name == "New York City"
    assert by["Red Oak"].label == "rule:dateline" and by["Red Oak"].place.admin1 == "IA"


def test_state_abbreviations_qualify_but_common_words_are_no_places(geoparser):
    doc = geoparser.parse("He grew up in Springfield, Mass. and went to Easter Mass. The Centre refused to act.")
    by = {m.text: m for m in doc.mentions}
    assert by["Mass"].place.name == "Massachusetts" and by["Mass"].start == doc.text.index("Mass.")
    assert by["Springfield"].place.admin1 == "MA"
    assert "Centre" not in by and sum(m.text == "Mass" for m in doc.mentions) == 1


def test_generic_words_outside_entities_are_no_places(geoparser):
    from geomap.extract import _Extractor

    text = "The defendant stayed away from the Seoul Central District Court on the day of the ruling."
    ex = _Extractor(geoparser.nlp(text), geoparser.gazetteer, text)
    assert ex.lookup("Central District")  # a district of Israel, by name
    ex.untagged()
    assert "Central District" not in {s.lookup for s in ex.spans}


def test_a_saints_possessive_is_no_town(geoparser):
    doc = geoparser.parse("The service is held in St George’s Chapel. Japan’s Ministry of Agriculture agreed.")
    texts = {m.text for m in doc.mentions}
    assert "St George" not in texts and "Japan" in texts


def test_two_names_the_gazetteer_has_as_one_are_joined(geoparser):
    """The model tags "Baja" and "California" apart; the gazetteer has "Baja California"."""
    doc = geoparser.parse("Repairs to the old bridge in Baja California should finish within a month.")
    by = {m.text: m for m in doc.mentions}
    assert "Baja" not in by and by["Baja California"].place.country_code == "MX"
    doc = geoparser.parse("Hundreds of families crossed into Roraima and settled in Boa Vista, its largest city.")
    by = {m.text: m for m in doc.mentions}  # the model tags "Boa" a place and "Vista" an organisation
    assert "Boa" not in by and by["Boa Vista"].place.country_code == "BR"
    doc = geoparser.parse("Tickets go on sale in 30 states, Washington, D.C., plus the U.S. Virgin Islands.")
    assert {m.text: m for m in doc.mentions}["U.S. Virgin Islands"].place.country_code == "VI"


def test_places_the_model_tags_as_people_or_dates(geoparser):
    """A residence ("Mrs Pellow, of Hayes,"), a division before the body it names ("the
    Rajasthan assembly") and a town tagged as a date ("in Manbij") are places; months are not."""
    doc = geoparser.parse("Mrs Pellow, of Hayes, was not hurt. A lawmaker went to the Rajasthan assembly. "
                          "Troops were in Manbij near the border. They met in May.")
    by = {m.text: m for m in doc.mentions}
    assert by["Hayes"].place.country_code == "GB" and by["Rajasthan"].place.country_code == "IN"
    assert by["Manbij"].place.country_code == "SY" and "May" not in by
    doc = geoparser.parse("Jodi Mahler and Hayes, the lawyer, met. The Virginia team won.")
    assert "Hayes" not in {m.text for m in doc.mentions}


def test_names_listed_with_a_place_are_places(geoparser):
    doc = geoparser.parse("Commuters heading to Swindon from Stroud and Cheltenham faced long queues. "
                          "Trump and Xi met in Beijing.")
    by = {m.text: m for m in doc.mentions}
    assert by["Cheltenham"].place.country_code == "GB"   # tagged PERSON by the model, listed with Stroud
    assert "Xi" not in by and "Trump" not in by          # people listed together stay people


def test_a_name_qualified_by_a_division_is_placed_in_it(geoparser):
    doc = geoparser.parse("3/4 May: Brands Hatch, Kent. 12/13 July: Knockhill, Fife. "
                          "In Klamath Falls, Oregon, the race was cancelled.")
    by = {m.text: m for m in doc.mentions}
    assert by["Knockhill"].place == by["Fife"].place and by["Knockhill"].precision == "containing"
    assert by["Brands Hatch"].place.country_code == "GB" and by["Kent"].place.country_code == "GB"
    assert by["Klamath Falls"].place.admin1 == "OR"  # not "In Klamath Falls"


def test_a_place_owning_an_organisation_is_a_place(geoparser):
    doc = geoparser.parse("A new ward opened at Leeds’s Quillfield Hospital. "
                          "Inspectors sent by Japan’s Ministry of Agriculture arrived.")
    by = {m.text: m for m in doc.mentions}
    assert by["Leeds"].place.country_code == "GB" and by["Japan"].place.country_code == "JP"
    assert by["Leeds"].label == by["Japan"].label == "rule:possessive"
    # the hospital is a site the town owns: placed in it, approximately; the ministry is no site
    assert by["Quillfield Hospital"].place == by["Leeds"].place and by["Quillfield Hospital"].precision == "containing"
    assert set(by) == {"Leeds", "Quillfield Hospital", "Japan"}


@pytest.mark.parametrize("mode", ["full", "fast"])
def test_places_and_demonyms_inside_hyphenated_words(geoparser, fast_geoparser, mode):
    doc = (geoparser if mode == "full" else fast_geoparser).parse(
        "The anti-Russian policy of the U.S.-led coalition hit Russian-European projects. "
        "The Kent-based team signed Jean-Pierre. No-one came.")
    got = [(m.text, m.kind) for m in doc.mentions if m.label in ("rule:hyphen", "fast:hyphen")]
    assert got == [("Russian", "demonym"), ("U.S.", "toponym"), ("Russian", "demonym"), ("European", "demonym"),
                   ("Kent", "toponym")]


def test_a_dateline_names_a_town_and_keeps_a_two_word_country(geoparser):
    doc = geoparser.parse("The Guard left on Monday. WASHINGTON (AP) - Alaska, Florida and Nevada sent teams.")
    (wash,) = [m for m in doc.mentions if m.text == "WASHINGTON"]
    assert wash.place.feature_code == "PPLC"  # the capital, not the state among its siblings
    doc = geoparser.parse("SEOUL, South Korea (CNN) - A court ruled on Friday.")
    assert {m.text: m.place.country_code for m in doc.mentions} == {"SEOUL": "KR", "South Korea": "KR"}


def test_an_unknown_name_sharing_a_word_with_a_person_is_no_place(geoparser):
    text = ("Prosecutor Anna Kunz spoke on Monday. The trial of Helen Kunz opened in Wausau, Wisconsin.")
    assert "Helen Kunz" not in {m.text for m in geoparser.parse(text).mentions}


def test_a_university_named_after_a_state_stands_in_the_state_town_the_article_names(geoparser):
    doc = geoparser.parse("Protests spread across Tucson on Monday. The University of Arizona closed its library.")
    by = {m.text: m for m in doc.mentions}
    assert by["Arizona"].kind == "embedded" and by["Arizona"].place == by["Tucson"].place
    doc = geoparser.parse("The University of Arizona closed its library.")
    assert doc.mentions[0].place.feature_code == "ADM1"  # no town named: the state


def test_a_capitalised_direction_is_not_split_off_a_place(geoparser):
    doc = geoparser.parse("Rising wages in the Western US let more families take long holidays.")
    places = [m for m in doc.mentions if m.kind == "toponym"]
    assert [(m.text, m.place.country_code) for m in places] == [("Western US", "US")]


def test_an_acronym_tagged_inside_a_person_name_is_still_a_place_elsewhere(geoparser):
    text = ("China opened a dispute over US tariffs on steel. The ministry said the US measures "
            "were protectionist.\n\nBy: Daniel Harnwick US-based Alcoa signed agreements.")
    doc = geoparser.parse(text)
    us = [m for m in doc.mentions if m.text == "US" and m.start < text.index("By:")]
    assert len(us) == 2 and all(m.place.country_code == "US" for m in us)


def test_a_big_town_closing_an_address_after_a_comma_is_a_place(geoparser):
    """The model tags "Owerri" and "Abuja" as people here; after an organisation's or a
    person's full name and a comma they say where it is."""
    doc = geoparser.parse("The Rector of the Federal College of Education, Owerri (FCEO), spoke. "
                          "Retired Director, National Bureau of Roads, Abuja, Dr. Emeka Obiora, opened a clinic.")
    assert {"Owerri", "Abuja"} <= {m.text for m in doc.mentions if m.place is not None and m.place.country_code == "NG"}


def test_a_name_before_a_state_body_is_the_state(geoparser):
    doc = geoparser.parse("A ruling by a New York court worried gallery owners in New York and London.")
    court, city = [m for m in doc.mentions if m.text == "New York"]
    assert court.place.feature_code == "ADM1" and city.place.feature_class == "P"


@pytest.mark.parametrize("text", ["Georgia Gov. Brian Kemp signed the bill on Tuesday.",
                                  "Georgia Governor Brian Kemp signed the bill on Tuesday."])
def test_a_name_before_a_states_governor_is_the_state(geoparser, text):
    """A governor, written in capitals or abbreviated, is a state's: not the country Georgia."""
    (m,) = [m for m in geoparser.parse(text).mentions if m.text == "Georgia"]
    assert (m.place.feature_code, m.place.country_code) == ("ADM1", "US")


def test_the_port_of_a_name_with_an_arabic_article_is_the_whole_name(geoparser):
    (m,) = geoparser.parse("The port of Ras al-Khaimah reopened after the storm.").mentions
    assert (m.text, m.place.country_code) == ("Ras al-Khaimah", "AE")  # not Rās, a village in India


@pytest.mark.parametrize("mode", ["full", "fast"])
def test_the_holder_of_a_settlement_may_have_a_name_of_several_words(store, mode):
    """"the West Bank city of Jenin": the West Bank holds Jenin; "Bank" is no town in India."""
    from geomap.pipeline import Geoparser

    doc = Geoparser(gazetteer=store, mode=mode).parse("Israeli troops raided the West Bank city of Jenin on Monday.")
    found = {m.text: m.place.country_code for m in doc.mentions if m.place is not None}
    assert found.get("West Bank") == "PS" and found.get("Jenin") == "PS" and "Bank" not in found


@pytest.mark.parametrize("mode", ["full", "fast"])
def test_off_a_place_is_at_it(store, mode):
    """"sank off Lampedusa": "off" places a name as "near" does (a small island town, untagged or filtered
    without it); "held off Djokovic" places nobody."""
    from geomap.pipeline import Geoparser

    parser = Geoparser(gazetteer=store, mode=mode)
    (m,) = parser.parse("A boat carrying migrants sank off Lampedusa on Tuesday.").mentions
    assert (m.text, m.place.country_code) == ("Lampedusa", "IT")
    assert not [m for m in parser.parse("Nadal held off Djokovic in the final.").mentions if m.place is not None]


def test_a_town_in_brackets_after_an_organisation_is_a_place(geoparser):
    doc = geoparser.parse("Families can see a craft fair by Quillan Crafts Company (Maywood) and a concert at "
                          "the Tessbury College of Music (TCM) and the Ministry of Defence (MoD).")
    assert [(m.text, m.label) for m in doc.mentions] == [("Maywood", "rule:bracketed")]


def test_a_person_or_organisation_the_gazetteer_cannot_place_is_no_mention():
    from geomap.pipeline import _person_or_body

    assert _person_or_body("ner:PERSON", True, True) and _person_or_body("ner:ORG", False, True)
    assert _person_or_body("rule:same-name", True, True) and not _person_or_body("rule:same-name", False, False)
    assert not _person_or_body("ner:PERSON", False, False)  # "lives in Khayelitsha" tagged a person: placed by the gazetteer
    assert not _person_or_body("ner:GPE", True, True) and not _person_or_body("ner:FAC", True, True)
    # a described town's other mentions stay where the description put it, approximately or not
    assert not _person_or_body("rule:described-name", False, True) and _person_or_body("rule:described-name", True, True)


def test_rules_switch_off_by_name(store):
    from geomap.pipeline import Geoparser

    text = "Lyman, a town in the Donetsk region, was shelled overnight."
    assert "Lyman" in {m.text for m in Geoparser(gazetteer=store).parse(text).mentions}
    assert "Lyman" not in {m.text for m in Geoparser(gazetteer=store, disable=["described"]).parse(text).mentions}
    with pytest.raises(ValueError, match="unknown rule"):
        Geoparser(gazetteer=store, disable=["no-such-rule"])


def test_scores_below_a_threshold_lose_their_place_and_keep_their_mention(geoparser):
    doc = geoparser.parse("Students gathered in Moscow, Idaho, for the vigil.")
    n = len(doc.mentions)
    low = min(m.score for m in doc.mentions if m.place is not None)
    assert doc.unplace_below(low + 1e-9) >= 1
    assert len(doc.mentions) == n and all(m.place is None or m.score > low for m in doc.mentions)


# Gazetteer depth (issue 17): each name is placed within the distance given, in a sentence of ours.
DEPTH = [
    ("Calamba is a city in the province of Laguna in the Philippines.", "Laguna", (14.17, 121.33), 60),
    ("Fire crews in Contra Costa County worked through the night.", "Contra Costa County", (37.92, -121.95), 60),
    ("Passengers were stranded at JFK overnight.", "JFK", (40.6413, -73.7781), 15),
    ("Flights from Heathrow Airport were cancelled after the storm.", "Heathrow Airport", (51.47, -0.4543), 15),
    ("Pirates attacked a tanker in the Gulf of Aden on Tuesday.", "Gulf of Aden", (12.5, 48.0), 600),
    ("Drought spread across the Sahel this summer.", "Sahel", (15.0, 5.0), 1500),
]


@pytest.mark.parametrize("text,name,point,km", DEPTH, ids=[r[1] for r in DEPTH])
def test_divisions_airports_seas_and_regions_are_found_and_placed(geoparser, text, name, point, km):
    from geopy.distance import great_circle

    found = [m for m in geoparser.parse(text).mentions if m.text == name]
    assert found and found[0].place is not None, [(m.text, m.place) for m in geoparser.parse(text).mentions]
    assert great_circle(found[0].place.point, point).km < km, found[0].place


def test_an_airline_code_of_an_agency_is_no_airport(geoparser):
    doc = geoparser.parse("Officials at the CDC said the outbreak had slowed. She spoke about JFK and his legacy.")
    assert all(m.place is None or m.place.feature_code != "AIRP" for m in doc.mentions)


def test_the_api_cleans_text_as_the_cli_does_and_refuses_what_is_not_text(geoparser):
    """Issue 18, defect 15: bytes and None are a TypeError saying what to do; control characters
    and lone surrogates are replaced (offsets kept) with a warning, and do not hide a place."""
    from geomap.ingest import InputWarning

    for bad, word in ((b"Rain in Paris.", "decode it first"), (None, "not None"), (42, "not int")):
        with pytest.raises(TypeError, match=word):
            geoparser.parse(bad)
    with pytest.warns(InputWarning, match="2 control character"):
        doc = geoparser.parse("Paris\x00\x07 is in France.")
    assert doc.text == "Paris   is in France." and "Paris" in {m.text for m in doc.mentions}
    with pytest.warns(InputWarning, match="lone surrogate"):
        doc = geoparser.parse("Paris \ud800 is in France.")
    assert doc.text == "Paris \ufffd is in France."
    doc.text.encode("utf-8")
    with pytest.warns(InputWarning, match="NaN"):
        doc = geoparser.parse("Rain in Lima.", meta={"x": float("nan")})
    assert doc.meta == {"x": None}
    with pytest.raises(ValueError, match="nested deeper"):
        geoparser.parse("Rain in Lima.", meta={"x": _deep(200)})


def _deep(n: int) -> list:
    v: list = []
    for _ in range(n):
        v = [v]
    return v
