"""The resolver on spans given from outside (as ``evaluate --spans gold`` and the API give them)."""

from __future__ import annotations

import pytest

from geomap.extract import Span_, link_containment
from geomap.resolve import resolve_spans


def _spans(text: str, *names: str) -> list[Span_]:
    out, pos = [], 0
    for n in names:
        i = text.index(n, pos)
        out.append(Span_(i, i + len(n), "toponym", "given", n))
        pos = i + len(n)
    return out


def test_organisation_name_falls_back_to_the_place_inside_it(store):
    text = "He studied at the University of California and worked for the Bank of Japan."
    spans = _spans(text, "University of California", "Bank of Japan")
    places = [r.place for r in resolve_spans(spans, store)]
    assert places[0].name == "California" and places[0].feature_code == "ADM1"
    assert places[1].country_code == "JP" and places[1].feature_code.startswith("PCL")


def test_streets_and_buildings_do_not_fall_back_to_a_word_inside_them(store):
    text = "Fans met in Leeds near Barclays Center on Hampton Avenue."
    spans = _spans(text, "Leeds", "Barclays Center", "Hampton Avenue")
    res = resolve_spans(spans, store)
    # not at a place called Center or Hampton, and not at Leeds merely because it was named before
    assert res[1].place is None and res[2].place is None


def test_y_comma_x_on_given_spans(store):
    text = "The shooting in Parkland, Florida shocked the country."
    spans = _spans(text, "Parkland", "Florida")
    link_containment(spans, text)
    assert spans[0].inside is spans[1]
    place = resolve_spans(spans, store)[0].place
    assert place.country_code == "US" and place.admin1 == "FL"


def test_a_name_is_not_its_own_context(store):
    """Context learnt from "Salisbury" (read as Harare in the first pass) gives Harare nothing
    for "Salisbury" itself; the same context from another name ("Harare") does."""
    from geomap.resolve import _candidates, _Context, _rank

    span = Span_(0, 9, "toponym", "given", "Salisbury")
    cands = _candidates(span, store)

    def harare_features(name: str) -> dict:
        ctx = _Context(countries={"ZW": frozenset({name})}, points=((-17.8, 31.0, name, 400.0),))
        return next(f for _, c, f in _rank(cands, span, ctx, None) if c.place.country_code == "ZW")

    assert "country" not in harare_features("salisbury") and "near" not in harare_features("salisbury")
    assert "country" in harare_features("harare") and "near" in harare_features("harare")


def test_a_small_village_alone_or_with_its_state_is_that_village(store):
    """"Bourbon" alone is the Indiana village, and so it stays when the article names its state."""
    alone = resolve_spans(_spans("Bourbon", "Bourbon"), store)[0].place
    assert (alone.country_code, alone.admin1) == ("US", "IN") and alone.population < 20_000
    text2 = "The fair in Bourbon drew visitors from across Indiana."
    spans2 = _spans(text2, "Bourbon", "Indiana")
    assert resolve_spans(spans2, store)[0].place == alone


def test_a_direction_before_an_abbreviation_falls_back_to_it(store):
    text = "Wildfires spread across the Western US this summer."
    place = resolve_spans(_spans(text, "Western US"), store)[0].place
    assert place.feature_code == "PCLI" and place.country_code == "US"


def test_a_state_among_its_sibling_states_is_the_state(store):
    text = "Guard teams from Alaska, Florida and Nevada trained with the team from Georgia."
    spans = _spans(text, "Alaska", "Florida", "Nevada", "Georgia")
    assert resolve_spans(spans, store)[-1].place.feature_code == "ADM1"
    assert resolve_spans(_spans("Georgia", "Georgia"), store)[0].place.feature_code == "PCLI"  # alone: the country


def test_an_exonym_must_be_foreign_and_unchallenged_by_the_article(store):
    """A big city's alternate name beats the small places that own it only as an English
    name of a foreign city: "Cologne" is Köln. "Southold" is an old name of South Bend, in
    the same country as Southold itself; "Garden City" (a name of Singapore) in an article
    about South Carolina is the South Carolina town; "Salisbury" (an old name of Harare) among
    English towns is the English city."""
    assert resolve_spans(_spans("Cologne", "Cologne"), store)[0].place.country_code == "DE"
    southold = resolve_spans(_spans("Southold", "Southold"), store)[0].place
    assert (southold.name, southold.admin1) == ("Southold", "NY")
    assert resolve_spans(_spans("Garden City", "Garden City"), store)[0].place.country_code == "SG"
    text = "South Carolina officials visited Garden City."
    place = resolve_spans(_spans(text, "South Carolina", "Garden City"), store)[1].place
    assert (place.name, place.country_code, place.admin1) == ("Garden City", "US", "SC")
    # nor where the article places towns in a division that holds a namesake: an English city, not Harare
    assert resolve_spans(_spans("Salisbury", "Salisbury"), store)[0].place.country_code == "ZW"
    text = "The lorry left Swindon at dawn and crashed near Chippenham before it reached Salisbury."
    place = resolve_spans(_spans(text, "Swindon", "Chippenham", "Salisbury"), store)[2].place
    assert (place.name, place.country_code) == ("Salisbury", "GB")


def test_a_county_phrase_claims_its_bare_name_elsewhere_in_the_article(store):
    """Given "Suffolk County" becomes a region phrase (the New York county, not Suffolk,
    Virginia); a bare "Suffolk" in the same article is that county too."""
    from geomap.extract import mark_region_phrases

    text = "Suffolk County detectives found remains in Southold, the Suffolk paper said."
    spans = _spans(text, "Suffolk County", "Southold", "Suffolk")
    mark_region_phrases(spans, store)
    assert (spans[0].kind, spans[0].lookup, spans[0].designator) == ("region-phrase", "Suffolk", "county")
    county, _, bare = (r.place for r in resolve_spans(spans, store))
    assert (county.feature_code, county.admin1) == ("ADM2", "NY")
    assert bare == county
    alone = resolve_spans(_spans("Suffolk", "Suffolk"), store)[0].place
    assert alone.country_code == "GB"  # without the county phrase: the English county
    text = "Washington State lawmakers flew to Washington on Monday."
    spans = _spans(text, "Washington State", "Washington")
    mark_region_phrases(spans, store)
    state, capital = (r.place for r in resolve_spans(spans, store))
    assert state.feature_code == "ADM1" and capital.feature_code == "PPLC"  # a capital keeps its name


def test_a_name_no_candidate_of_which_lies_in_its_foreign_qualifier_takes_the_qualifier(store):
    """"Rockingham, Northamptonshire": the gazetteer's Rockinghams are in the US and Australia,
    none in the English county, so the name is placed at the county, as approximate."""
    text = "Races follow at Rockingham, Northamptonshire in May."
    spans = _spans(text, "Rockingham", "Northamptonshire")
    link_containment(spans, text)
    town, county = resolve_spans(spans, store)
    assert town.place == county.place and county.place.country_code == "GB" and town.precision == "containing"
    alone = resolve_spans(_spans("Rockingham", "Rockingham"), store)[0].place
    assert alone.country_code != "GB"


def test_a_county_near_a_town_the_article_names_is_that_county(store):
    """Counties are small enough to be near a town: "Hamilton County" after "Chattanooga" is
    the Tennessee county, not the bigger one in Ohio."""
    from geomap.extract import mark_region_phrases

    text = "Two suspects were arrested in Chattanooga and booked into a Hamilton County cell."
    spans = _spans(text, "Chattanooga", "Hamilton County")
    mark_region_phrases(spans, store)
    county = resolve_spans(spans, store)[1].place
    assert (county.feature_code, county.admin1) == ("ADM2", "TN")
    alone = _spans("Hamilton County", "Hamilton County")
    mark_region_phrases(alone, store)
    assert resolve_spans(alone, store)[0].place.admin1 != "TN"  # alone: not that one


def test_a_county_phrase_with_a_whole_name_match_is_never_the_state(store):
    from geomap.extract import mark_region_phrases

    spans = _spans("Ohio County schools closed.", "Ohio County")
    mark_region_phrases(spans, store)
    place = resolve_spans(spans, store)[0].place
    assert (place.name, place.feature_code) == ("Ohio County", "ADM2")


def test_a_lone_foreign_town_in_an_article_about_another_country_is_not_that_town(store):
    """A small town abroad, the only place of its country in a story that names several
    places of another, is unlikely to be meant; the same name alone is the town."""
    text = "Police in Durban, KwaZulu-Natal, said a case opened at the Delft station. Pietermaritzburg too."
    spans = _spans(text, "Durban", "KwaZulu-Natal", "Delft", "Pietermaritzburg")
    res = resolve_spans(spans, store)
    assert res[2].place is None or res[2].place.country_code == "ZA"
    assert resolve_spans(_spans("Delft", "Delft"), store)[0].place.country_code == "NL"


def test_a_lone_foreign_city_named_only_in_another_language_is_not_that_city(store):
    """"Hamas" is an alternate name of Hamm, a German city of 180,000, in the gazetteer: in a story about
    Gaza, it is not Hamm, however big; a city named by its own name or a spelling of it stays."""
    text = ("Strikes hit Gaza overnight. Talks between Hamas and Israel stalled. "
            "Residents of Rafah and Khan Younis fled west.")
    names = ("Gaza", "Hamas", "Israel", "Rafah", "Khan Younis")
    res = resolve_spans(_spans(text, *names), store)
    assert res[1].place is None or res[1].place.country_code != "DE"
    assert all(r.place is not None for i, r in enumerate(res) if i != 1)
    text = "Strikes hit Gaza overnight. Talks in Hamm and Israel stalled. Residents of Rafah and Khan Younis fled."
    hamm = resolve_spans(_spans(text, "Gaza", "Hamm", "Israel", "Rafah", "Khan Younis"), store)[1].place
    assert hamm is not None and hamm.country_code == "DE"


def test_a_qualifier_that_holds_a_candidate_of_its_name_is_that_division(store):
    """"Tacoma, Washington": the state that holds a Tacoma, not the capital."""
    text = "Ruth runs a small bakery in Tacoma, Washington with her son."
    spans = _spans(text, "Tacoma", "Washington")
    link_containment(spans, text)
    town, state = (r.place for r in resolve_spans(spans, store))
    assert (state.feature_code, state.admin1) == ("ADM1", "WA") and town.admin1 == "WA"


def test_a_list_is_no_qualifier(store):
    text = "After visits to Washington, New York and Chicago, he went home."
    spans = _spans(text, "Washington", "New York", "Chicago")
    link_containment(spans, text)
    assert all(s.inside is None for s in spans)
    text = "Branches in Tampa, Fort Myers, New York, and Denver."
    spans = _spans(text, "Tampa", "Fort Myers", "New York", "Denver")
    link_containment(spans, text)
    assert all(s.inside is None for s in spans)


def test_states_that_only_qualify_towns_are_no_siblings(store):
    """Siblings are divisions named as themselves: "Parkland, Florida" and "San Marcos,
    California" name towns, so a "Georgia" among them keeps its usual reading."""
    text = "Students from Parkland, Florida and San Marcos, California met a group from Georgia."
    spans = _spans(text, "Parkland", "Florida", "San Marcos", "California", "Georgia")
    link_containment(spans, text)
    assert resolve_spans(spans, store)[-1].place.feature_code == "PCLI"
    text = "Teams from Florida, California and Nevada met a group from Georgia."
    spans = _spans(text, "Florida", "California", "Nevada", "Georgia")
    link_containment(spans, text)
    assert resolve_spans(spans, store)[-1].place.feature_code == "ADM1"


def test_a_division_named_in_the_article_does_not_pull_a_big_city_name_to_a_tiny_namesake(store):
    """After "Columbus, Ohio", "Louisville" is the Kentucky city (600k people), not
    Louisville, Ohio (9k); a town of comparable size in the named state still wins."""
    text = "COLUMBUS, Ohio - The team beat Louisville on Friday."
    spans = _spans(text, "COLUMBUS", "Ohio", "Louisville")
    link_containment(spans, text)
    assert resolve_spans(spans, store)[-1].place.admin1 == "KY"
    text = "Officials in Ohio said Springfield would vote first."
    assert resolve_spans(_spans(text, "Ohio", "Springfield"), store)[-1].place.admin1 == "OH"


def test_given_spans_read_datelines_like_extracted_ones():
    from geomap.extract import mark_datelines

    text = "(Red Oak) -- Candidates meet Saturday.\nHELENA, Mont. (AP) - Montana talks."
    spans = _spans(text, "Red Oak", "HELENA", "Mont.", "Montana")
    mark_datelines(spans, text)
    assert [s.label for s in spans] == ["rule:dateline", "rule:dateline", "rule:dateline-state", "given"]
    assert spans[2].lookup == "Montana"  # a dateline's abbreviation, read only there


def test_an_organisation_naming_a_place_and_a_nation_is_at_the_place(store):
    text = "Staff of the British Embassy Tokyo and the Mexican Senate met."
    tokyo, senate = (r.place for r in resolve_spans(_spans(text, "British Embassy Tokyo", "Mexican Senate"), store))
    assert tokyo.name == "Tokyo" and senate.country_code == "MX"


def test_a_body_named_after_a_country_abbreviation_is_in_that_country(store):
    text = "The US Federal Reserve raised rates; the Niger Delta flooded."
    fed, delta = (r.place for r in resolve_spans(_spans(text, "US Federal Reserve", "Niger Delta"), store))
    assert fed.country_code == "US" and fed.feature_code.startswith("PCL")
    assert delta is None or delta.country_code != "NE"  # a country's full name opening a name proves nothing


def test_a_given_name_opening_with_a_big_city_is_in_that_city(store):
    text = "She studied at the London Guildhall School before the New York Auto Show."
    school, show = (r.place for r in resolve_spans(_spans(text, "London Guildhall School", "New York Auto Show"), store))
    assert (school.name, school.country_code) == ("London", "GB") and show.name == "New York City"


def test_a_ministry_is_at_its_country_capital_and_an_embassy_abroad(store):
    """A country's ministry sits in its capital; its embassy stands abroad, where the text
    says (the place that holds it), else nowhere the text names."""
    text = "In Washington, staff left the Russian Embassy after a call from the Russian Foreign Ministry."
    spans = _spans(text, "Washington", "Russian Embassy", "Russian Foreign Ministry")
    link_containment(spans, text)
    _, embassy, ministry = resolve_spans(spans, store)
    assert embassy.place is None and embassy.adjustments[0]["rule"] == "seats"
    assert (ministry.place.name, ministry.place.country_code) == ("Moscow", "RU")
    text = "He visited the Embassy of Armenia in Rome."
    spans = _spans(text, "Embassy of Armenia", "Rome")
    link_containment(spans, text)
    embassy = resolve_spans(spans, store)[0]
    assert embassy.place.name == "Rome" and embassy.precision == "containing"


def test_a_country_under_a_modifier_is_the_country(store):
    text = "Moscow recalled Nazi Germany."
    germany = resolve_spans(_spans(text, "Moscow", "Nazi Germany"), store)[1].place
    assert germany.country_code == "DE" and germany.feature_code.startswith("PCL")
    text = "Fans filled the Rogers Centre in Toronto."  # a common word ending a name is no division
    spans = _spans(text, "Rogers Centre", "Toronto")
    link_containment(spans, text)
    centre, toronto = resolve_spans(spans, store)
    assert centre.place == toronto.place and centre.precision == "containing"


def test_a_body_named_after_a_division_is_in_that_division(store):
    text = "The Iowa House and the Manitoba Chambers of Commerce met in Red Oak."
    house, chambers, _ = (r.place for r in resolve_spans(_spans(text, "Iowa House", "Manitoba Chambers of Commerce", "Red Oak"), store))
    assert (house.name, house.feature_code) == ("Iowa", "ADM1")
    assert (chambers.name, chambers.feature_code) == ("Manitoba", "ADM1")


def test_a_state_abbreviation_that_is_a_word_qualifies_a_town(store):
    text = "She grew up in Houma, La., in the 1990s; La Paz was far away."
    spans = _spans(text, "Houma", "La.", "La Paz")
    link_containment(spans, text)
    houma, state, _ = (r.place for r in resolve_spans(spans, store))
    assert (state.name, state.feature_code) == ("Louisiana", "ADM1") and houma.admin1 == "LA"
    assert spans[2].lookup == "La Paz"


def test_a_division_named_by_a_common_word_needs_its_country_in_the_article(store):
    text = "Saudi Arabia broke off relations with its neighbour in the Gulf."
    gulf = resolve_spans(_spans(text, "Saudi Arabia", "Gulf"), store)[1].place
    assert gulf.name == "Persian Gulf"
    text = "Floods hit Gulf, a province of Papua New Guinea."
    gulf = resolve_spans(_spans(text, "Gulf", "Papua New Guinea"), store)[0].place
    assert (gulf.country_code, gulf.feature_code) == ("PG", "ADM1")


def test_a_county_outside_the_states_the_article_names_gives_way(store):
    """The gazetteer holds Illinois' McLean County, not Kentucky's: in a Kentucky story the
    name is not put at a county 400 km away."""
    text = "Kentucky lawmakers gave McLean County schools $5,900."
    state, county = (r.place for r in resolve_spans(_spans(text, "Kentucky", "McLean County"), store))
    assert state.admin1 == "KY" and (county is None or county.admin1 == "KY")
    text = "Illinois lawmakers gave McLean County schools $5,900."
    county = resolve_spans(_spans(text, "Illinois", "McLean County"), store)[1].place
    assert (county.name, county.admin1) == ("McLean County", "IL")


def test_an_evaluation_profile_adds_a_corpus_convention_that_defaults_lack(store):
    """GeoNames-based annotation places "Western" (countries) at Western Europe and "EU" at
    Europe; that is the gwn evaluation profile's convention, not what users get by default."""
    from geomap.evaluate import load_profile
    from geomap.pipeline import Geoparser

    text = "Russia sent home the envoys of twenty Western countries and of the EU."
    profiled = Geoparser(gazetteer=store, aliases=load_profile("gwn"))
    spans = _spans(text, "Russia", "Western", "EU")
    _, west, eu = (r.place for r in resolve_spans(spans, profiled.lookups))
    assert west.name == "Western Europe" and eu.feature_code == "CONT"
    _, west, eu = (r.place for r in resolve_spans(_spans(text, "Russia", "Western", "EU"), store))
    assert (west is None or west.name != "Western Europe") and (eu is None or eu.feature_code != "CONT")


def test_a_lone_foreign_place_gives_way_to_a_namesake_near_the_article_places(store):
    text = "Audits in Ireland will cover Dublin and Cavan, then a hall in Virginia."
    places = [r.place for r in resolve_spans(_spans(text, "Ireland", "Dublin", "Cavan", "Virginia"), store)]
    assert (places[3].country_code, places[3].feature_class) == ("IE", "P")  # not the American state


def test_a_county_phrase_claims_its_name_with_a_generic_tail_but_a_division_does_not(store):
    from geomap.extract import mark_region_phrases

    text = "Suffolk County detectives said Suffolk City police helped."
    spans = _spans(text, "Suffolk County", "Suffolk City")
    mark_region_phrases(spans, store)
    county, city = (r.place for r in resolve_spans(spans, store))
    assert county.admin1 == "NY" and city == county  # not Suffolk, Virginia
    text = "Troops entered the Kursk region; Kursk City officials fled."
    spans = _spans(text, "Kursk", "Kursk City")
    spans[0].kind, spans[0].designator = "region-phrase", "region"
    region, city = (r.place for r in resolve_spans(spans, store))
    assert region.feature_code == "ADM1" and city.feature_class == "P"


def test_given_spans_read_a_phrase_closing_qualifier_like_extracted_ones(store):
    from geomap.extract import mark_qualifiers

    text = "British and American drivers race at Thruxton, Hampshire. 14/15 July: Harnwick Park, Cheshire."
    spans = _spans(text, "British", "American", "Thruxton", "Hampshire", "Harnwick Park", "Cheshire")
    link_containment(spans, text)
    mark_qualifiers(spans, text)
    assert spans[5].label == "rule:qualified"
    *_, park, county = (r.place for r in resolve_spans(spans, store))
    assert (county.country_code, county.feature_class) == ("GB", "A") and park == county  # not Cheshire, CT
    text = "Lakes near Cheshire, in a list with Boston, New York, and Hartford."
    spans = _spans(text, "Boston", "New York", "Hartford")
    link_containment(spans, text)
    mark_qualifiers(spans, text)
    assert all(s.label == "given" for s in spans)  # a list is no qualifier



def test_a_phrase_closing_county_stays_british_after_any_british_town(store):
    """The British county is "Cheshire" only as another name of "Cheshire West and Chester": a
    division qualifying a name keeps its alternate names' weight against a US town's own name."""
    from geomap.extract import mark_qualifiers

    text = "British and American drivers race at Andover, Hampshire. 14/15 July: Harnwick Park, Cheshire."
    spans = _spans(text, "British", "American", "Andover", "Hampshire", "Harnwick Park", "Cheshire")
    link_containment(spans, text)
    mark_qualifiers(spans, text)
    *_, park, county = (r.place for r in resolve_spans(spans, store))
    assert (county.country_code, county.feature_class) == ("GB", "A") and park == county


def test_a_famous_landmark_beats_a_village_of_its_name_and_an_exonym(store):
    """"White House" is neither White House, Tennessee, nor Casablanca (Spanish for it)."""
    text = "Officials in New York said the White House and Heathrow were on alert."
    _, house, airport = (r.place for r in resolve_spans(_spans(text, "New York", "White House", "Heathrow"), store))
    assert (house.feature_code, house.country_code) == ("BLDG", "US") and abs(house.lon + 77.0) < 0.1
    assert (airport.feature_code, airport.country_code) == ("AIRP", "GB")
    from geomap.resolve import rank_candidates

    casablanca = [f for _, c, f in rank_candidates("White House", store) if c.place.name == "Casablanca"]
    assert casablanca and casablanca[0]["name"] == -3.0  # an old foreign name, not an English exonym


def test_a_site_at_a_place_is_in_it(store):
    text = "The Sicilian tenor sang; the recital is in St Mary’s Chapel at Windsor Castle."
    spans = _spans(text, "Sicilian", "St Mary’s Chapel", "Windsor Castle")
    link_containment(spans, text)
    sicily, chapel, castle = (r.place for r in resolve_spans(spans, store))
    assert sicily.country_code == "IT" and chapel == castle and castle.country_code == "GB"


@pytest.mark.parametrize("text,name,expected", [
    ("Aides feuded in the West Wing all week.", "West Wing", None),  # not the village of Wing
    ("Flooding hit South Florida overnight.", "South Florida", "Florida"),
    ("Crime fell in North Dallas last year.", "North Dallas", "Dallas"),
])
def test_a_compass_word_names_a_part_of_a_country_division_or_city_never_of_a_village(store, text, name, expected):
    (res,) = resolve_spans(_spans(text, name), store, text=text)
    assert (res.place.name if res.place else None) == expected


def test_a_names_features_kept_across_articles_rank_as_computed_afresh(store):
    """The first pass's context-free features and scores kept per name (_alone_features) give the
    very rankings _rank computes without them, and a second article reads the kept ones."""
    from geomap.resolve import _alone_features, _Context, _rank, _reading
    from geomap.resolve.evidence import read_evidence
    from geomap.resolve.ranker import default_ranker

    text = "Leeds and Salisbury sent aid to Parkland, Florida, and to Georgia; Leeds thanked Victoria."
    ev = read_evidence(text, [0], store)
    for span in _spans(text, "Leeds", "Salisbury", "Parkland", "Florida", "Georgia", "Leeds", "Victoria"):
        reading = _reading(span, store, False, "")
        plain = _rank(list(reading.cands), span, _Context(), None, ev=ev)
        kept = _rank(list(reading.cands), span, _Context(), None, ev=ev,
                     alone=_alone_features(reading, span, default_ranker()))
        assert plain and kept == plain
    spans = _spans(text, "Leeds", "Salisbury", "Parkland", "Florida", "Georgia", "Victoria")
    link_containment(spans, text)
    first = resolve_spans(spans, store, text=text, explain=True)
    again = resolve_spans(spans, store, text=text, explain=True)
    assert [(r.place, r.score, r.candidates) for r in first] == [(r.place, r.score, r.candidates) for r in again]


def test_kept_head_features_rank_in_context_as_computed_afresh(store):
    """_features with a candidate's kept head (_heads_of: the same in every context) equal
    _features computed whole, in an article's context too ("Salisbury" keeps no head for Harare,
    whose name there depends on the context)."""
    from geomap.resolve import _Context, _facts_of, _heads_of, _rank, _reading

    ctx = _Context(countries={"ZW": frozenset({"harare"}), "GB": frozenset({"leeds"})},
                   admin1={("US", "FL"): frozenset({"florida"})}, points=((-17.8, 31.0, "harare", 400.0), (53.8, -1.5, "leeds", 400.0)))
    for name in ("Salisbury", "Victoria", "Georgia", "Parkland"):
        span = Span_(0, len(name), "toponym", "given", name)
        reading = _reading(span, store, False, "")
        cands = list(reading.cands)
        plain = _rank(cands, span, ctx, None)
        kept = _rank(cands, span, ctx, None, facts=_facts_of(reading, span), heads=_heads_of(reading, span))
        assert plain and kept == plain


@pytest.mark.parametrize("desc", ["", "settlement", "division"])
def test_text_features_read_for_all_candidates_at_once_are_each_ones(store, desc):
    """add_text_features_all (the evidence for a country or division read once per mention) gives
    each candidate its text_features."""
    from geomap.resolve.evidence import read_evidence
    from geomap.resolve.features import add_text_features_all, place_features, text_features

    text = "Springfield, Illinois, is near Springfield, Missouri; Portland, Oregon, and Portland, Maine, are not."
    ev = read_evidence(text, [0], store)
    for name in ("Springfield", "Portland", "Georgia"):
        start = text.find(name)
        places = [c.place for c in store.lookup(name)]
        top = max(p.population for p in places)
        each = [text_features(p, name, start, start + len(name), ev, desc, top) for p in places]
        together = [place_features(p, top) for p in places]
        add_text_features_all(together, places, name, start, start + len(name), ev, desc)
        assert each and together == each and [list(f) for f in together] == [list(f) for f in each]


def test_a_capital_named_for_its_government_makes_only_its_own_area_near(store):
    text = "Chemists at Oxford said on Tuesday that officials in Washington had ignored them."
    oxford, _ = (r.place for r in resolve_spans(_spans(text, "Oxford", "Washington"), store))
    assert oxford.country_code == "GB"  # not the small Pennsylvania town 140 km from the capital
    text = "Commuters from Alexandria and Arlington crowded trains into Washington, Virginia officials said."
    alexandria, *_ = (r.place for r in resolve_spans(_spans(text, "Alexandria", "Arlington", "Washington", "Virginia"), store))
    assert (alexandria.country_code, alexandria.admin1) == ("US", "VA")


@pytest.mark.parametrize("text,name,country", [
    ("Students marched through Columbia on Saturday.", "Columbia", "US"),  # not Colombia
    ("The governor flew back to Albany after the vote.", "Albany", "US"),  # not Albania
    ("Carnival crowds filled Salvador for a week.", "Salvador", "BR"),  # not El Salvador
    ("Rebels advanced across Congo toward the border.", "Congo", "CD"),  # no big town owns the name
    ("Police in Trinidad closed the coast road.", "Trinidad", "TT"),  # the island's English name
])
def test_a_country_is_no_reading_of_an_old_name_a_town_owns(store, text, name, country):
    (place,) = (r.place for r in resolve_spans(_spans(text, name), store))
    assert place.country_code == country and (country in ("CD", "TT")) == place.feature_code.startswith("PCL")


def test_a_division_gives_way_to_its_city_but_other_cities_get_nothing_from_it(store, geoparser):
    text = "Floods in Valencia killed dozens, and Madrid sent troops."
    valencia, madrid = (r.place for r in resolve_spans(_spans(text, "Valencia", "Madrid"), store))
    assert valencia.country_code == "ES" and valencia.feature_class == "P"  # not Venezuela's bigger city
    (ny,) = (r.place for r in resolve_spans(_spans("Rents in New York rose again.", "New York"), store))
    assert ny.feature_class == "P"  # the city, not the state
    doc = geoparser.parse("Voters in New York state went to the polls; in Kingston and Poughkeepsie turnout was high.")
    kingston = next(m.place for m in doc.mentions if m.text == "Kingston")
    assert kingston.country_code == "US"  # Jamaica's capital gains nothing from its small parish
    (kidal,) = (r.place for r in resolve_spans(_spans("Fighters entered Kidal on Monday.", "Kidal"), store))
    assert kidal.feature_class == "P"  # a small region gives way to the town it is named after


def test_a_lone_foreign_town_inside_a_home_place_gives_way(geoparser):
    doc = geoparser.parse("KANO, Nigeria — Herders clashed with farmers near Bodo in Ogoniland, police in Rivers State "
                          "said, and in Kaduna and Zaria markets closed.")
    bodo = next(m for m in doc.mentions if m.text == "Bodo")
    assert bodo.place is None or bodo.place.country_code == "NG"  # not the town in Chad


def test_a_description_as_a_settlement_keeps_the_settlements_and_small_towns_are_no_exonyms(geoparser):
    doc = geoparser.parse("Vienne is a riverside commune in France with a Roman temple.")
    vienne = next(m for m in doc.mentions if m.text == "Vienne")
    assert vienne.place.feature_class == "P"  # not the department of that name
    doc = geoparser.parse("Officials in nearby Buena Vista closed two bridges on Friday.")
    place = next(m for m in doc.mentions if m.text == "Buena Vista").place
    assert place.name == "Buena Vista"  # a town called so, not an Argentine town listing it as another name


def test_a_lone_country_gives_way_to_the_state_holding_the_articles_towns(geoparser):
    doc = geoparser.parse("Turnout in Georgia was high, with long lines in Atlanta and Savannah on Tuesday.")
    georgia = next(m for m in doc.mentions if m.text == "Georgia")
    assert (georgia.place.country_code, georgia.place.feature_code) == ("US", "ADM1")
    assert georgia.adjustments and georgia.adjustments[-1]["rule"] == "lone-foreign-places"
    doc = geoparser.parse("Russia and Georgia signed a pipeline deal, bankers in Atlanta said.")
    assert next(m for m in doc.mentions if m.text == "Georgia").place.country_code == "GE"


def test_a_description_is_of_its_subject_and_reads_past_an_aside(geoparser):
    doc = geoparser.parse("Kot or Kote is a village in Punjab, Pakistan. Just east of Kot is the hamlet of China.")
    kots = [m.place for m in doc.mentions if m.text == "Kot"]
    # "Kot or Kote is a village in Punjab": Punjab holds it; "east of Kot is the hamlet of China" describes China
    assert kots and all(p is not None and p.country_code == "PK" for p in kots)


def test_a_direction_between_a_region_and_its_country_still_qualifies_it(geoparser):
    doc = geoparser.parse("Boat builders in the Ash Sharqiyah Region, eastern Oman, still make wooden dhows.")
    region = next(m for m in doc.mentions if m.text == "Ash Sharqiyah Region")
    assert region.place.country_code == "OM"  # not Egypt's Sharqia governorate


@pytest.mark.parametrize("text,name,holder", [
    ("Kot (pop. 3,900 in 2011) is a hamlet in Banda district of Uttar Pradesh.", "Kot", "36"),  # a full stop in the aside
    ("Guide, a hamlet at the edge of Blackburn, has one pub.", "Guide", "ENG"),  # "the edge of" places
])
def test_a_described_name_no_namesake_of_which_lies_there_takes_its_holder(geoparser, text, name, holder):
    m = next(m for m in geoparser.parse(text).mentions if m.text == name)
    assert m.precision == "containing" and m.place.admin1 == holder, m.place


@pytest.mark.parametrize("text,name,expected", [
    ("Gizo is a small town on an island west of New Georgia, in the Solomon Islands.", "Gizo", "SB"),  # not Georgia
    ("Jenkins County lies in the U.S. state of Georgia.", "Georgia", "US"),  # the state, not the country
    ("Qobayat lies high in the hills of the North Governorate of Lebanon.", "North Governorate", "LB"),  # not Cameroon's
])
def test_what_holds_a_described_place_is_read_as_the_text_says(geoparser, text, name, expected):
    m = next(m for m in geoparser.parse(text).mentions if m.text == name)
    assert m.place is not None and m.place.country_code == expected, m.place


def test_a_region_phrase_in_a_division_of_another_country_takes_that_division(geoparser):
    doc = geoparser.parse("Quorn sits in the Mid North region of South Australia.")
    region = next(m for m in doc.mentions if "North" in m.text)
    assert region.place.country_code == "AU" and region.precision == "containing"  # not Cameroon's North Region


def test_a_bare_river_name_is_not_the_division_named_after_the_river(store):
    """"along the Nile": not the Sudanese state "River Nile" (the gazetteer has no rivers); an
    island's name stays its territory's ("Cayman" is the Cayman Islands)."""
    text = "Farmers along the Nile sold their crops to buyers from Cayman."
    res = resolve_spans(_spans(text, "Nile", "Cayman"), store, text=text)
    assert res[0].place is None
    assert res[1].place is not None and res[1].place.country_code == "KY"


def test_a_qualified_town_is_placed_in_its_qualifier_from_the_first_pass(geoparser):
    """"Kansas City, Kansas": the first pass ranks the town against its state as the second does, so
    the article's context already holds the town's point ("near Independence" is the Missouri city
    15 km away, not the Kansas town 200 km away that the state's name alone would favour)."""
    doc = geoparser.parse("Jackson County deputies found the car abandoned near Independence. "
                          "The driver was later arrested in Kansas City, Kansas.")
    found = {m.text: m.place for m in doc.mentions}
    assert (found["Kansas City"].admin1, found["Independence"].admin1) == ("KS", "MO")


def test_a_name_placed_in_its_container_is_no_evidence_for_the_container():
    """"Maple Street in Springfield": the street is placed where Springfield is; its point is
    Springfield's own, so it must not make Springfield's candidate "near" or its country named."""
    from geomap.pipeline import Geoparser

    doc = Geoparser(explain=True).parse("A fire broke out on Maple Street in Springfield on Saturday.")
    found = {m.text: m for m in doc.mentions}
    assert found["Maple Street"].place == found["Springfield"].place
    features = [set(c["features"]) for c in found["Springfield"].candidates]
    assert not any({"near", "country"} & f for f in features), features
