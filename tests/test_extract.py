"""Recognition rules of :mod:`geomap.extract` that reach beyond the model's entities.

Every sentence here is written for these tests.
"""

from __future__ import annotations

import shutil

import pytest

from geomap.extract import RULES


def _found(doc):
    return {m.text: m for m in doc.mentions}


@pytest.fixture
def custom_store(tmp_path, store):
    """A copy of the default store with two places of the user's own."""
    from geomap.gazetteer.dumps import add_custom
    from geomap.gazetteer.store import GazetteerStore

    path = tmp_path / "g.sqlite"
    shutil.copyfile(store.path, path)
    csv_path = tmp_path / "places.csv"
    csv_path.write_text("name,lat,lon,country,type\nZorivka Nova,48.12,37.61,UA,village\n"
                        "Brightwater,51.7,-3.2,GB,village\n", encoding="utf-8")
    add_custom(csv_path, path)
    return GazetteerStore(path, build=False)


def test_a_custom_place_is_found_whatever_the_model_tagged(custom_store):
    from geomap.pipeline import Geoparser

    gp = Geoparser(gazetteer=custom_store)
    m = _found(gp.parse("Residents of Zorivka Nova fled after the shelling."))["Zorivka Nova"]
    assert m.place is not None and m.place.geonameid < 0 and m.place.name == "Zorivka Nova"
    assert m.label == "rule:gazetteer-phrase"
    # a person who bears the name is no place
    doc = gp.parse("Anna Brightwater, the new coach, said Brightwater would train harder this year.")
    assert all(m.place is None or m.place.geonameid > 0 for m in doc.mentions), [(m.text, m.place) for m in doc.mentions]
    # lower case is no name
    assert not gp.parse("The brightwater fountain was cleaned.").mentions


def test_whole_names_of_water_bodies_and_sites_are_claimed_before_their_parts(geoparser):
    found = _found(geoparser.parse("Pirates attacked a freighter in the Gulf of Aden on Tuesday."))
    assert "Gulf of Aden" in found and found["Gulf of Aden"].place.feature_class == "H"
    assert not any(t.startswith("Aden") for t in found)


def test_a_gazetteer_phrase_inside_an_organisation_name_is_left_to_it(geoparser):
    for text in ("He joined the Heathrow Airport Holdings board in May.",
                 "The Lake Michigan Federation sued the state."):
        assert all(m.label != "rule:gazetteer-phrase" for m in geoparser.parse(text).mentions), text


def test_a_place_named_like_an_institution_stays_the_institution(geoparser):
    doc = geoparser.parse("The White House said on Monday that talks would resume.")
    assert all(m.text != "White House" for m in doc.mentions)


def test_a_capitalised_settlement_word_that_begins_a_name_is_no_description(geoparser):
    doc = geoparser.parse("Ministers met in Port of Spain on Friday to discuss the budget.")
    found = _found(doc)
    assert "Port of Spain" in found and found["Port of Spain"].place.country_code == "TT", list(found)


def test_a_country_s_full_name_the_model_cut_short_is_joined(geoparser):
    """"the United States" + "Virgin Islands": the dependency, however big the country before it."""
    doc = geoparser.parse("The storm passed over the United States Virgin Islands on Tuesday.")
    found = _found(doc)
    assert list(found) == ["United States Virgin Islands"], list(found)
    assert found["United States Virgin Islands"].place.country_code == "VI"


def test_the_phrase_rule_can_be_switched_off(store):
    from geomap.pipeline import Geoparser

    assert "gazetteer-phrases" in RULES
    text = "Pirates attacked a freighter in the Gulf of Aden on Tuesday."
    labels = {m.label for m in Geoparser(gazetteer=store, disable=["gazetteer-phrases"]).parse(text).mentions}
    assert "rule:gazetteer-phrase" not in labels


def test_a_custom_place_named_like_a_common_word_is_not_every_such_word(tmp_path, store):
    from geomap.gazetteer.dumps import add_custom
    from geomap.gazetteer.store import GazetteerStore
    from geomap.pipeline import Geoparser

    path = tmp_path / "g.sqlite"
    shutil.copyfile(store.path, path)
    (tmp_path / "p.csv").write_text("name,lat,lon\nEven,10.0,10.0\n", encoding="utf-8")
    add_custom(tmp_path / "p.csv", path)
    doc = Geoparser(gazetteer=GazetteerStore(path, build=False)).parse("Even so, the council met on Monday.")
    assert not any(m.place is not None and m.place.geonameid < 0 for m in doc.mentions)


@pytest.mark.parametrize("text,name", [
    ("Fishing boats left the Bahía de Campeche early, officials said.", "Bahía de Campeche"),
    ("“We sailed across the Gulf of Aden,” the captain™ said.", "Gulf of Aden"),
    ("Ferries crossed the Bab-el-Mandeb at dawn.", "Bab-el-Mandeb"),
    ("Die Schiffe fuhren durch die Straße und dann in den Golf von Aden, ja, in the Gulf of Aden.", "Gulf of Aden"),
])
def test_phrases_are_found_with_accents_quotes_dashes_and_signs(geoparser, text, name):
    found = _found(geoparser.parse(text))
    assert name in found and found[name].place is not None and found[name].place.feature_class == "H", list(found)
    m = found[name]
    assert text[m.start:m.end] == name


def test_a_described_town_is_found_wherever_it_stands_alone_though_a_person_bears_its_name(geoparser):
    # a name the gazetteer lacks, placed in the county the sentence names, at every mention but the judge's
    text = ("Tessbury is a small town in Conway County, Arkansas. It was named for Judge Amos Tessbury, "
            "who settled there in 1850. Tessbury has a post office and a grain elevator.")
    found = [m for m in geoparser.parse(text).mentions if m.text == "Tessbury"]
    assert [m.start for m in found] == [0, text.rindex("Tessbury")], [(m.start, m.label) for m in found]
    for m in found:
        assert m.place is not None and m.place.name == "Conway County" and m.precision == "containing"


@pytest.mark.parametrize("text,site,town", [
    ("Doctors at the Quillfield Children's Hospital in Liverpool said the boy was stable.",
     "Quillfield Children's Hospital", "Liverpool"),
    ("Fans queued outside Brooklyn's Hartwell Arena for hours.", "Hartwell Arena", "Brooklyn"),
    # the model, not the site rule, finds the stadium: the possessive still says whose it is
    ("The air was thickest near Seoul's Olympic Stadium on Friday.", "Olympic Stadium", "Seoul"),
    # a farm is a site where the text says where it is (not "Hartley", a Kent village)
    ("The ewes were taken from Hartley Farm in Kent overnight.", "Hartley Farm", "Kent"),
    # squares and streets named as other languages name them
    ("We walked across Marienplatz in Munich after lunch.", "Marienplatz", "Munich"),
    ("Crowds filled Plaza de Mayo in Buenos Aires on Sunday.", "Plaza de Mayo", "Buenos Aires"),
    ("A protest blocked Rue de Rivoli in Paris for an hour.", "Rue de Rivoli", "Paris"),
    ("The envoys met at the Hotel Tessaly in Kyiv on Friday.", "Hotel Tessaly", "Kyiv"),
])
def test_a_venue_the_text_puts_in_a_town_is_placed_there_approximately(geoparser, text, site, town):
    doc = geoparser.parse(text)
    found = {m.text: m for m in doc.mentions}
    assert site in found and town in found, list(found)
    assert found[site].place == found[town].place and found[site].precision == "containing"


def test_a_body_named_with_a_site_s_head_first_is_no_site(geoparser):
    found = {m.text for m in geoparser.parse("The Hotel Association in Berlin complained about the tax.").mentions}
    assert "Hotel Association" not in found and "Berlin" in found, found


def test_a_described_name_of_several_words_is_taken_whole(geoparser):
    # the run of capitals ends before the verb: "Ridge" alone was the mention, placed at the state
    doc = geoparser.parse("Oak Ridge is a small town in Tennessee. Quillan Point is a quiet community near Leeds.")
    found = {m.text: m for m in doc.mentions}
    assert "Oak Ridge" in found and "Ridge" not in found and "Point" not in found, list(found)
    assert found["Oak Ridge"].place.admin1 == "TN" and found["Oak Ridge"].precision == "exact"
    assert found["Quillan Point"].place is None  # near a town is not in it


@pytest.mark.parametrize("text", ["The bill stalled in Congress last week, senators said.",
                                  "The motion was debated in Senate until late on Tuesday."])
def test_a_one_word_body_is_not_a_town_of_its_name(geoparser, text):
    """"in Congress" is the legislature, not Congress, Arizona."""
    assert [m.text for m in geoparser.parse(text).mentions] == []


def test_a_kind_of_land_alone_is_no_town_unless_the_text_says_so(geoparser):
    """"the Valley" is a valley the reader knows, not Valley, Alabama; a town the sentence
    describes keeps its name."""
    assert [m.text for m in geoparser.parse("Traffic backed up across the Valley after the storm.").mentions] == []
    doc = geoparser.parse("Valley is a quiet city in Chambers County, Alabama.")
    valley = [m for m in doc.mentions if m.text == "Valley"]
    assert valley and valley[0].place.admin1 == "AL"


def test_a_district_named_with_a_nationality_is_not_the_nation(geoparser):
    """"the French Quarter" of New Orleans is not France; "the French Alps" are in France."""
    for text in ("Planners extended the French Quarter street plan toward the river.",
                 "Music filled the Spanish Steps area at night."):
        assert [m.text for m in geoparser.parse(text).mentions if m.kind == "demonym"] == [], text
    doc = geoparser.parse("The French Alps saw heavy snow.")
    assert [(m.text, m.place.name) for m in doc.mentions if m.kind == "demonym"] == [("French", "France")]


@pytest.mark.parametrize("text,places", [
    ("Officials visited Bakhmut and Kramatorsk on Monday.", ["Bakhmut", "Kramatorsk"]),
    ("Ukrainian forces recaptured Kupiansk in the autumn.", ["Ukraine", "Kupyansk"]),
    ("Missiles struck Zaporizhzhia overnight, the governor said.", ["Zaporizhzhya"]),  # tagged PERSON, a big city
    ("Sumy was shelled again on Tuesday.", ["Sumy"]),
    ("Artillery fired on Qamishli before dawn.", ["Al Qāmishlī"]),  # "fired on", "an assault on"
    ("She relied on Grace for advice.", []),
    ("She visited Grace at the hospital on Sunday.", []),  # a person, whatever town bears the name
    ("Smith was struck by a car.", []),
    ("Police captured Hunter near the border.", []),
])
def test_a_verb_of_places_is_as_good_as_a_preposition_except_before_a_person(geoparser, text, places):
    assert [m.place.name for m in geoparser.parse(text).mentions if m.place] == places


def test_a_village_the_text_puts_in_a_district_is_there(geoparser):
    # "Tessapur village in Bathinda district": a village the gazetteer lacks, in the district after it
    doc = geoparser.parse("Flood waters reached Tessapur village in Bathinda district on Tuesday.")
    found = {m.text: m for m in doc.mentions}
    assert "Tessapur" in found, list(found)
    m = found["Tessapur"]
    assert m.place is not None and m.place.feature_code == "ADM2" and m.precision == "containing", m.place


def test_the_division_before_a_settlement_word_is_not_held_by_the_settlement(geoparser, store):
    from geomap.extract import extract_spans

    text = "Shelling hit the Kharkiv town of Kupiansk overnight."
    spans = {s.lookup: s for s in extract_spans(geoparser.nlp(text), store, text)}
    town = spans.get("Kupiansk")
    assert town is not None and town.inside is not None and town.inside.lookup == "Kharkiv", spans
    assert spans["Kharkiv"].inside is None  # no cycle: "the X town of Y" is Y, in X
    # a name the gazetteer lacks after "the" is no village of that name either
    text = "Troops captured the Tessovsk village of Quillanka on Monday."
    assert "Tessovsk" not in {s.lookup for s in extract_spans(geoparser.nlp(text), store, text) if s.label == "rule:kind-in"}


def test_an_aside_that_puts_a_name_in_a_place_holding_its_town_makes_it_a_place(geoparser):
    # the model tags "Goma" a person; ", in eastern Congo" puts it where a town of that name lies
    doc = geoparser.parse("Aid reached Goma, in eastern Congo, on Friday.")
    found = {m.text: m for m in doc.mentions}
    assert "Goma" in found and found["Goma"].place is not None and found["Goma"].place.country_code == "CD", list(found)


@pytest.mark.parametrize("text,places", [
    ("Officials visited Lubbock and Amarillo on Monday.", ["Lubbock", "Amarillo"]),  # tagged as one ORG
    ("He hired George Washington in 1751.", []),  # a person, not George and Washington
    # "from X to Y" tagged as one place (GPE) or one site (FAC)
    ("The minister flew from Abuja to Kano on Monday.", ["Abuja", "Kano"]),
    ("The minister flew from Abuja to Lagos on Monday.", ["Abuja", "Lagos"]),
])
def test_two_big_places_the_model_merged_at_an_and_or_a_from_to_are_both_places(geoparser, text, places):
    assert [m.place.name for m in geoparser.parse(text).mentions if m.place] == places


@pytest.mark.parametrize("name,big", [
    ("Douglas", False),  # a parish and the capital of the Isle of Man, a surname, towns elsewhere
    ("Valletta", True),  # a small capital no other country has
    ("Kyiv", True),
    ("Texas", True),
])
def test_a_small_territory_s_capital_is_no_big_place_when_others_share_its_name(store, name, big):
    from geomap.extract import MIN_POP_UNTAGGED, big_place

    assert big_place([c for c in store.lookup(name) if c.name_kind != "core"], MIN_POP_UNTAGGED) is big


@pytest.mark.parametrize("text,places", [
    # each listed name is a county: not the towns of Orange, California and Seminole, Florida
    ("Flooding closed roads in Orange and Seminole counties, officials in Florida said.",
     [("Orange", "Orange County", "FL"), ("Seminole", "Seminole County", "FL"), ("Florida", "Florida", "FL")]),
    ("In Cook, DuPage and Lake counties, schools closed.",
     [("Cook", "Cook County", "IL"), ("DuPage", "DuPage County", "IL"), ("Lake", "Lake County", "IL")]),
    ("Residents of Harris and Fort Bend counties were told to boil water.",
     [("Harris", "Harris County", "TX"), ("Fort Bend", "Fort Bend County", "TX")]),
    ("Storms formed over the Atlantic and Pacific oceans.",
     [("Atlantic", "Atlantic Ocean", None), ("Pacific", "Pacific Ocean", None)]),
    ("Tourism boomed on the Canary and Balearic islands.",  # names of island groups: "Canary Islands"
     [("Canary", "Canary Islands", "53"), ("Balearic", "Illes Balears", "07")]),
])
def test_names_listed_before_a_plural_feature_word_are_that_feature(geoparser, text, places):
    doc = geoparser.parse(text)
    assert [(m.text, m.place and m.place.name, m.place and m.place.admin1) for m in doc.mentions] == places


@pytest.mark.parametrize("text,placed", [
    # streets and rivers the gazetteer lacks: never a town of the bare name (Bourbon, Indiana; the
    # Dauphiné region of France; a division named after a river)
    ("The parade turned at the corner of Bourbon and Dauphine streets in New Orleans.",
     [("Bourbon", "New Orleans", "containing"), ("Dauphine", "New Orleans", "containing"),
      ("New Orleans", "New Orleans", "exact")]),
    ("Water levels in the Tigris and Euphrates rivers fell, Iraqi officials said.",
     [("Tigris", None, "exact"), ("Euphrates", None, "exact"), ("Iraqi", "Iraq", "exact")]),
    ("Ferries run between the North and South islands of New Zealand.",  # "South Island" is an old name of a US town
     [("North", "New Zealand", "containing"), ("South", "New Zealand", "containing"),
      ("New Zealand", "New Zealand", "exact")]),
])
def test_listed_streets_and_rivers_are_no_towns(geoparser, text, placed):
    doc = geoparser.parse(text)
    assert [(m.text, m.place and m.place.name, m.precision) for m in doc.mentions] == placed


@pytest.mark.parametrize("text,places", [
    # a headline capitalises every word: "Men" is no alternate name of Maine, "Church" no English village
    ("Police Arrest Three Men After Chase In Houston", ["Houston"]),
    ("Gunmen Kill Seven In Attack On Church In Kaduna", ["Kaduna"]),
    ("Wash Your Hands, Officials Urge Residents Of Lima", ["Lima"]),
    ("Flash Floods Sweep Through Asheville As Storm Moves North", ["Asheville"]),  # a town of 10,000+ after "Through"
    # nor is a verb opening a sentence a state by an alternate name
    ("Wash your hands often, officials in Lima said.", ["Lima"]),
])
def test_capitals_of_a_headline_are_no_evidence_of_a_name(geoparser, text, places):
    assert [m.text for m in geoparser.parse(text).mentions] == places


def test_a_capitalised_plural_word_after_a_list(geoparser):
    doc = geoparser.parse("Fighting continued in Homs and Aleppo Governorates.")
    assert [(m.text, m.place.feature_code) for m in doc.mentions] == [("Homs", "ADM1"), ("Aleppo", "ADM1")]
    # ...but not where the word ends a name
    doc = geoparser.parse("Quillan is a town in Butler County, Kentucky, United States, near the river.")
    assert [m.label for m in doc.mentions if m.text == "Kentucky"] != ["rule:plural"]


@pytest.mark.parametrize("text,name,country", [
    ("Oxford is home to Oxford University, one of the oldest in the world.", "Oxford", "GB"),
    ("Manchester is home to Manchester United and a large university.", "Manchester", "GB"),  # tagged PERSON
])
def test_a_name_the_sentence_makes_home_to_something_is_a_place(geoparser, text, name, country):
    m = next(m for m in geoparser.parse(text).mentions if m.text == name)
    assert m.place.country_code == country and m.label == "rule:home-to"
    assert geoparser.parse("Netflix is home to many hit shows.").mentions == []


@pytest.mark.parametrize("text", [
    "Fishermen on Lake Victoria reported record catches this year.",  # not Hong Kong (once called Victoria)
    "Typhoon rains flooded towns on the Bicol Peninsula.",  # not split into Bicol and a town called Peninsula
])
def test_part_of_a_natural_feature_s_name_is_no_town(geoparser, text):
    doc = geoparser.parse(text)
    assert all(m.place is None or m.place.feature_class != "P" for m in doc.mentions), [
        (m.text, m.place) for m in doc.mentions]


@pytest.mark.parametrize("text", [
    "\"The results are striking,\" said Robert Quillan, MD, a cardiologist at the clinic.",
    "Dr. Anna Tessbury, MD, and James Harnwick, PA, reviewed the charts.",
    "Laura Jones, MD, said the vaccine was safe.",
])
def test_a_degree_after_a_person_s_name_is_no_state(geoparser, text):
    assert [(m.text, m.place and m.place.name) for m in geoparser.parse(text).mentions] == []


def test_a_state_s_code_after_a_town_still_qualifies_it(geoparser):
    doc = geoparser.parse("The plant in Baltimore, MD will close. Officials in Erie, PA said the storm passed.")
    assert [(m.text, m.place.admin1) for m in doc.mentions] == [("Baltimore", "MD"), ("MD", "MD"), ("Erie", "PA"), ("PA", "PA")]


def test_a_list_goes_on_after_an_abbreviations_full_stop(geoparser):
    # the model takes the town for a person; the state's "N.Y." ends with a full stop, not the sentence
    m = _found(geoparser.parse("Snow closed roads around Utica, N.Y., and Schenectady on Tuesday."))["Schenectady"]
    assert m.label == "rule:list" and (m.place.country_code, m.place.admin1) == ("US", "NY")


@pytest.mark.parametrize("text", ["Rain fell on Valparaíso and Viña del Mar all week.",
                                  "Rain fell on Viña del Mar and Valparaíso all week."])
def test_a_listed_name_keeps_its_linking_word(geoparser, text):
    found = _found(geoparser.parse(text))
    assert "Viña" not in found  # was a district of Cameroon
    assert found["Viña del Mar"].place.country_code == "CL"


def test_a_division_named_without_its_designator_qualifies_a_town_it_holds(geoparser):
    found = _found(geoparser.parse("A walker was rescued near Aberaeron, Ceredigion, on Sunday."))
    assert found["Ceredigion"].place.feature_code == "ADM2" and found["Ceredigion"].place.admin1 == "WLS"
    assert found["Aberaeron"].place.admin1 == "WLS"


def test_a_countrys_possessive_holds_the_town_it_owns(geoparser):
    doc = geoparser.parse("After Alexandria, Virginia, the delegation flew on to Egypt's Alexandria for talks.")
    first, second = [m for m in doc.mentions if m.text == "Alexandria"]
    assert first.place.country_code == "US" and second.place.country_code == "EG"


def test_a_headlines_preposition_is_no_part_of_the_qualified_town(geoparser):
    found = _found(geoparser.parse("Storm Knocks Out Power Near Tulsa, Oklahoma"))
    assert "Near Tulsa" not in found
    assert found["Tulsa"].place.feature_class == "P" and found["Tulsa"].place.admin1 == "OK"


def test_a_name_the_model_cut_before_three_linked_words(geoparser):
    found = _found(geoparser.parse("The train from Warsaw stopped in Frankfurt an der Oder for an hour."))
    assert found["Frankfurt an der Oder"].place.admin1 == "11"  # Brandenburg, not Frankfurt am Main


@pytest.mark.parametrize("text,name,cc", [
    ("Water flooded central Porto Alegre overnight.", "Porto Alegre", "BR"),  # an area word before it
    ("In the capital, Abuja, ministers met on Monday.", "Abuja", "NG"),  # the capital, named
    ("Residents of Kiryat Shmona were told to stay indoors.", "Kiryat Shmona", "IL"),  # residents of
    ("Launceston's council voted on Tuesday.", "Launceston", "AU"),  # what a town owns
    ("The road was closed 20 km south of Launceston.", "Launceston", None),  # a direction of
])
def test_words_around_a_name_the_model_took_for_a_person_make_it_a_place(geoparser, text, name, cc):
    m = _found(geoparser.parse(text))[name]
    assert m.place is not None and m.place.feature_class == "P"
    if cc:
        assert m.place.country_code == cc


def test_names_listed_after_a_plural_kind_are_of_that_kind(geoparser):
    found = _found(geoparser.parse("In the southern provinces of Yala, Pattani and Narathiwat, turnout was lower."))
    assert found["Pattani"].place.feature_code == found["Narathiwat"].place.feature_code == "ADM1"


@pytest.mark.parametrize("text,names", [
    ("Guards reopened the crossings at Dajabon and Jimani on Friday.", ("Dajabon", "Jimani")),
    ("Traffic backed up from Bangor to Bar Harbor on Friday.", ("Bangor", "Bar Harbor")),  # "Harbor" ends a town's name
])
def test_small_towns_the_model_merged_into_one_name_after_a_preposition(geoparser, text, names):
    found = _found(geoparser.parse(text))
    assert all(found[n].place is not None and found[n].place.feature_class == "P" for n in names), found



def test_a_preposition_opening_the_sentence_is_not_part_of_the_name(geoparser):
    """"In Tuguegarao, the provincial capital": the town, not an unknown "In Tuguegarao" placed at the
    dateline's city; "In Salah" is a town's own name."""
    doc = geoparser.parse("MANILA, Philippines — A typhoon hit the north. In Tuguegarao, the provincial capital, power was cut.")
    assert ("Tuguegarao", "02") in {(m.text, m.place.admin1) for m in doc.mentions if m.place is not None}
    doc = geoparser.parse("In Salah is a town in Algeria.")
    assert doc.mentions[0].text == "In Salah" and doc.mentions[0].place.country_code == "DZ"


@pytest.mark.parametrize("text,name,code", [
    # the model tags "Porto Alegre" a person, "Rio Grande" a nationality, and "Australia" alone
    ("Heavy rain lashed southern Brazil on Sunday, flooding Porto Alegre and dozens of towns across Rio Grande do Sul.",
     "Porto Alegre", "PPL"),
    ("Heavy rain lashed southern Brazil on Sunday, flooding Porto Alegre and dozens of towns across Rio Grande do Sul.",
     "Rio Grande do Sul", "ADM1"),
    ("The driver was taken to hospital. Western Australia's police commissioner said the road reopened.",
     "Western Australia", "ADM1"),
])
def test_a_big_place_the_model_mislabelled_or_cut_is_read_whole(geoparser, text, name, code):
    found = {m.text: m.place.feature_code for m in geoparser.parse(text).mentions if m.place is not None}
    assert found.get(name) == code, found


@pytest.mark.parametrize("text,name,cc", [
    ("Council leaders in Newcastle upon Tyne promised faster approvals.", "Newcastle upon Tyne", "GB"),  # not the Australian city
    ("The final is at the stadium in Villeneuve-d'Ascq tonight.", "Villeneuve-d'Ascq", "FR"),
    ("Hastings is a city in the Hawke's Bay region of New Zealand.", "Hawke's Bay region", "NZ"),
])
def test_a_name_the_model_cut_at_a_linking_word_hyphen_or_possessive(geoparser, text, name, cc):
    m = _found(geoparser.parse(text))[name]
    assert m.place.country_code == cc, m.place


def test_a_lower_case_common_noun_is_no_place_in_a_text_that_capitalises_names(geoparser):
    found = _found(geoparser.parse("The town has made fine china for centuries and ships it to China and Japan."))
    assert "china" not in found and found["China"].place.country_code == "CN"


@pytest.mark.parametrize("text,pair", [
    ("VIRGINIA BEACH, Va. — Schools in Richmond, Norfolk and several rural counties will get new buses.", False),
    ("A fire in Cromer, Norfolk, destroyed a pier cafe.", True),  # the county holds a Cromer
])
def test_a_town_then_a_county_name_that_holds_none_so_called_is_two_towns(geoparser, text, pair):
    found = _found(geoparser.parse(text))
    first = found["Richmond" if "Richmond" in found else "Cromer"]
    assert (first.place.country_code == "GB") is pair
    if not pair:
        assert found["Norfolk"].place.admin1 == "VA" and found["Norfolk"].place.feature_class == "P"


@pytest.mark.parametrize("text,name,place", [
    ("PRESIDENT ARRIVES IN KYIV FOR SECURITY TALKS", "KYIV", ("PPLC", "UA")),  # not an abbreviation, not the oblast
    ("HEAVY RAIN FLOODS STREETS OF CHENNAI AS CYCLONE NEARS", "CHENNAI", ("PPL", "IN")),
])
def test_a_big_place_in_a_sentence_written_in_capitals(geoparser, text, name, place):
    m = _found(geoparser.parse(text))[name]
    assert (m.place.feature_code, m.place.country_code) == place


@pytest.mark.parametrize("text,pairs", [
    ("THE FIRM MOVED ITS OFFICES FROM BOSTON TO DALLAS, TEXAS.", {"DALLAS": "TX", "TEXAS": "TX"}),
    ("FLOODS HIT TOWNS NEAR DRESDEN, GERMANY", {"DRESDEN": "13"}),
])
def test_in_capitals_a_preposition_is_no_part_of_the_name_a_state_qualifies(geoparser, text, pairs):
    found = _found(geoparser.parse(text))
    assert not any(" " in name for name in found), list(found)  # not "BOSTON TO DALLAS", "NEAR DRESDEN"
    assert all(found[name].place.admin1 == a1 and found[name].precision == "exact" for name, a1 in pairs.items()), found


def test_in_capitals_small_towns_and_short_words_are_no_places(geoparser):
    found = _found(geoparser.parse("POLICE ARREST MAN IN READING AFTER LONG CHASE"))
    assert "MAN" not in found  # not Manitoba


@pytest.mark.parametrize("text,state", [
    ("A spokesman said the senator from Georgia met oil lobbyists in Houston.", True),
    ("Lawmakers of the state of Georgia voted on Tuesday.", True),
    ("The ambassador from Georgia met officials in Tbilisi.", False),  # an envoy is a country's
])
def test_a_states_office_before_a_name_it_shares_with_a_country(geoparser, text, state):
    m = _found(geoparser.parse(text))["Georgia"]
    assert (m.place.feature_code == "ADM1" and m.place.country_code == "US") is state


@pytest.mark.parametrize("text,name,town", [
    ("Her family farmed near Mt. Vernon, Ohio, for decades.", "Mt. Vernon", ("Mount Vernon", "OH")),
    ("The team flew into Ft. Lauderdale, Florida, on Friday.", "Ft. Lauderdale", ("Fort Lauderdale", "FL")),
])
def test_an_abbreviated_first_word_is_written_out_where_only_so_the_state_has_the_town(geoparser, text, name, town):
    m = _found(geoparser.parse(text))[name]
    assert (m.place.name, m.place.admin1, m.precision) == (*town, "exact"), m.place


def test_an_abbreviated_first_word_belongs_to_the_name_a_state_qualifies(geoparser):
    # "Petersburg, Fla." alone was a town the gazetteer lacks, placed at Florida
    found = _found(geoparser.parse("Police in St. Petersburg, Fla., arrested a man on Monday."))
    assert "Petersburg" not in found and "St. Petersburg" in found, list(found)
    assert (found["St. Petersburg"].place.admin1, found["St. Petersburg"].precision) == ("FL", "exact")


@pytest.mark.parametrize("text,name,division", [
    ("Snow fell across upstate New York overnight.", "New York", True),  # the state, not the city
    ("Wildfires burned in eastern Washington for a week.", "Washington", True),  # not the capital
    ("Heavy rain closed roads in southeastern New York on Tuesday.", "New York", True),  # the longest such word
    ("Cafes in central Berlin reopened on Monday.", "Berlin", False),  # a part of the city
    ("Crowds gathered in north London on Saturday.", "London", False),
    ("Russian troops entered northern Georgia.", "Georgia", False),  # a country bears it: the context says which
])
def test_a_word_for_a_part_of_a_state_before_a_name_it_shares_with_a_town(geoparser, fast_geoparser, text, name, division):
    for parser in (geoparser, fast_geoparser):
        m = _found(parser.parse(text))[name]
        assert (m.place.feature_code == "ADM1") is division, m.place


@pytest.mark.parametrize("text,names", [
    ("Overnight storms flooded Wangaratta and Shepparton, officials said.", ("Wangaratta", "Shepparton")),  # a storm's verb
    ("Uvira, in eastern Congo, was calm again on Sunday.", ("Uvira",)),  # an aside placing the name
])
def test_a_storms_verb_or_an_aside_makes_a_name_the_model_missed_a_place(geoparser, text, names):
    found = _found(geoparser.parse(text))
    assert all(found[n].place is not None and found[n].place.feature_class == "P" for n in names), found


def test_a_single_letter_is_no_place(geoparser):
    found = _found(geoparser.parse("The road forks at the Y-junction south of the town, and Plan B is a detour."))
    assert "Y" not in found and "B" not in found


def test_a_big_city_the_model_took_for_a_language_is_a_place_but_languages_are_not(geoparser):
    found = _found(geoparser.parse("The ministers met in Tunis."))
    assert found["Tunis"].place.country_code == "TN"  # the small model tags it LANGUAGE
    found = _found(geoparser.parse("The letter was written in Arabic and in Hebrew."))
    assert "Arabic" not in found and "Hebrew" not in found


@pytest.mark.parametrize("text,names", [
    ("Border guards exchanged fire overnight. Ankara said its soldiers acted in self-defence.", ("Ankara",)),  # speaks
    ("Fighters who hold Sanaa launched drones at the port.", ("Sanaa",)),  # who holds a town
    ("Traders from as far as Warrnambool and Hamilton came to the sale.", ("Warrnambool", "Hamilton")),
    ("Councillors in neighbouring Chicopee and Holyoke backed the plan.", ("Chicopee", "Holyoke")),  # one ORG
])
def test_words_that_place_a_name_the_model_took_for_a_person_or_body(geoparser, text, names):
    found = _found(geoparser.parse(text))
    assert all(n in found and found[n].place is not None and found[n].place.feature_class == "P" for n in names), found


def test_a_person_who_speaks_is_no_capital(geoparser):
    assert "Smith" not in _found(geoparser.parse("Stocks fell on Monday. Smith said the plan had failed."))


def test_a_chain_of_holders_is_no_list_and_a_linked_name_is_described_whole(geoparser):
    doc = geoparser.parse("Quillan Creek is a hamlet in Washington County, Virginia, United States, close to the Tennessee border.")
    county = _found(doc)["Washington County"]
    assert county.place.admin1 == "VA"  # Virginia holds it, though the story names Tennessee
    found = _found(geoparser.parse("Frankfurt an der Oder is a border town in Brandenburg, on a river."))
    assert found["Frankfurt an der Oder"].place.admin1 == "11" and "Oder" not in found


@pytest.mark.parametrize("text,name", [
    ("Dry wells across the interior of Pernambuco worried farmers.", "Pernambuco"),  # tagged PERSON
    ("Officials in nearby Buena Vista closed two bridges on Friday.", "Buena Vista"),
])
def test_the_interior_of_a_place_and_a_nearby_place_after_a_preposition(geoparser, text, name):
    found = _found(geoparser.parse(text))
    assert name in found and found[name].place is not None, found


@pytest.mark.parametrize("text,name", [
    ("Israel Adesanya, who fights at middleweight, flew home to Auckland.", "Israel"),  # tagged GPE
    ("Paris Hilton, who lives in Los Angeles, flew to Paris.", "Paris"),  # not inside the ORG she is tagged as
])
def test_a_first_name_before_a_surname_and_who_is_no_place(geoparser, text, name):
    doc = geoparser.parse(text)
    before = text.index(",")
    assert not any(m.text == name and m.start < before for m in doc.mentions), doc.mentions


def test_a_numbers_label_is_no_place(geoparser):
    found = _found(geoparser.parse("The appeal was filed in the Western District of Texas, No. 21-cv-0042."))
    assert "No" not in found and "Texas" in found


@pytest.mark.parametrize("text,names", [
    ("Shells fell around Bakhmut and Avdiivka on Sunday.", ("Bakhmut", "Avdiivka")),  # one ORG, a spelling
    ("A storm surge hit Derna before dawn.", ("Derna",)),  # "hit" takes a place, as "struck" does
])
def test_a_list_by_other_spellings_and_the_verb_hit(geoparser, text, names):
    found = _found(geoparser.parse(text))
    assert all(n in found and found[n].place is not None for n in names), found


def test_the_before_a_division_after_a_place_preposition_ends_its_phrase(geoparser):
    found = _found(geoparser.parse("Prospectors flocked to the Yukon during the gold rush, and later to the Algarve."))
    assert found["Yukon"].place.feature_code == "ADM1" and found["Algarve"].place.country_code == "PT"
    assert "Victoria" not in _found(geoparser.parse("Commuters waited in the Victoria line tunnels."))  # a modifier


def test_a_possessive_that_is_part_of_a_place_name_stays(geoparser):
    """"St. John's" is the Newfoundland city's own name; "London's mayor" is London's."""
    doc = geoparser.parse("Police in St. John's said the driver fled.")
    m = next(m for m in doc.mentions if m.text.startswith("St. John"))
    assert m.text == "St. John's" and m.place.country_code == "CA", (m.text, m.place)
    doc = geoparser.parse("London's mayor spoke on Monday.")
    assert [m.text for m in doc.mentions] == ["London"]


@pytest.mark.parametrize("text,phrase,cc", [
    ("Floods hit the Seine-et-Marne department on Monday.", "Seine-et-Marne department", "FR"),  # a linking word
    ("Rebels attacked a town in Antioquia department.", "Antioquia department", "CO"),
])
def test_a_department_phrase_is_the_division(geoparser, text, phrase, cc):
    m = next(m for m in geoparser.parse(text).mentions if m.text == phrase)
    assert m.kind == "region-phrase" and m.place.country_code == cc and m.place.feature_class == "A", m


def test_a_government_department_is_no_division(geoparser):
    doc = geoparser.parse("The State Department and the Houston Police Department declined to comment.")
    assert all(m.kind != "region-phrase" for m in doc.mentions)
    doc = geoparser.parse("The Florida Department of Corrections said the inmate escaped.")
    assert [(m.text, m.kind) for m in doc.mentions] == [("Florida", "embedded")]


def test_a_town_said_to_be_in_the_division_that_holds_it_is_a_place(geoparser):
    """"X in Y" where the gazetteer has a town X inside Y, whatever the model made of X; a company
    named after nothing in Y stays a company."""
    doc = geoparser.parse("Westport in County Mayo welcomed record numbers of visitors.")
    m = next(m for m in doc.mentions if m.text == "Westport")
    assert (m.place.country_code, m.place.feature_class) == ("IE", "P")
    doc = geoparser.parse("Workers at Ford in Michigan went on strike, and shares in Apple in California fell.")
    assert {m.text for m in doc.mentions} == {"Michigan", "California"}


def test_a_name_the_model_put_inside_a_date_is_looked_up(geoparser):
    """"from Rabat years ago" tagged one date: the capitalised word before the date's lower-case
    words is a name; "Independence Day" stays a date (the entities are set here, as the model may)."""
    from spacy.tokens import Span

    sdoc = geoparser.nlp("The envoy left Rabat years ago.")
    sdoc.ents = [Span(sdoc, 3, 6, label="DATE")]
    assert [m.place.country_code for m in geoparser.annotate(sdoc).mentions if m.text == "Rabat"] == ["MA"]
    sdoc = geoparser.nlp("Crowds gathered on Independence Day.")
    sdoc.ents = [Span(sdoc, 3, 5, label="DATE")]
    assert geoparser.annotate(sdoc).mentions == []


def test_two_towns_of_one_country_after_a_place_verb_are_places(geoparser):
    """Both tagged as people by the model: two towns of one country after "hit" are places (the
    second by a spelling of several words that no place has as its own name)."""
    doc = geoparser.parse("Shelling hit Rafah and Khan Younis again on Tuesday.")
    assert [(m.text, m.place.country_code) for m in doc.mentions] == [("Rafah", "PS"), ("Khan Younis", "PS")]
    doc = geoparser.parse("Donations helped Irene and Marie rebuild the shop.")
    assert doc.mentions == []


def test_a_name_of_several_words_after_a_preposition_in_a_headline_in_capitals(geoparser):
    doc = geoparser.parse("FLOOD WARNING ISSUED NEAR PALM SPRINGS. Residents were told to leave.")
    assert [(m.text, m.place.admin1) for m in doc.mentions] == [("PALM SPRINGS", "CA")]


def test_the_before_a_name_that_ends_its_phrase_goes_with_a_division(geoparser):
    """"the Yukon" is the territory, not the Oklahoma town the story's American places would favour;
    "the Gambia" stays the country, "the Washington-based group" is Washington itself."""
    doc = geoparser.parse("After years in Oakland and Denver, she moved to the Yukon for good.")
    m = next(m for m in doc.mentions if m.text == "Yukon")
    assert (m.place.feature_code, m.place.country_code) == ("ADM1", "CA"), m.place
    doc = geoparser.parse("He flew to the Gambia last week. The Washington-based group sued.")
    assert [(m.text, m.place.feature_code) for m in doc.mentions] == [("Gambia", "PCLI"), ("Washington", "PPLC")]


def test_the_division_rule_has_a_switch(store):
    from geomap.pipeline import Geoparser

    text = "After years in Oakland and Denver, she moved to the Yukon for good."
    off = Geoparser(gazetteer=store, disable=["the-divisions"]).parse(text)
    assert next(m for m in off.mentions if m.text == "Yukon").place.country_code == "US"  # the town, as without the rule


@pytest.mark.parametrize("text,town,state", [
    ("Our walking tour ended at Old Town Alexandria before dinner.", "Alexandria", None),
    ("A water main burst in Downtown Manassas on Friday morning.", "Manassas", "VA"),
])
def test_district_words_before_a_town_name_a_part_of_it_not_another_place(geoparser, fast_geoparser, text, town, state):
    # GeoNames has towns called "Old Town" (Maine) and "Downtown" (Maryland): not what these mean
    for parser in (geoparser, fast_geoparser):
        mentions = parser.parse(text).mentions
        assert not any(m.text in ("Old Town", "Downtown") for m in mentions), [(m.text, m.place) for m in mentions]
        placed = [m for m in mentions if m.place is not None]
        assert all(m.place.name == town for m in placed), [(m.text, m.place) for m in placed]
        if parser is geoparser:  # (the fast mode may not find the town after the words; it finds no other place)
            assert [m.text for m in placed] == [town]
            assert state is None or placed[0].place.admin1 == state


def test_a_town_named_with_district_words_keeps_its_own_name(geoparser):
    doc = geoparser.parse("Old Town, Maine, lies on the Penobscot River.")
    found = {m.text: m for m in doc.mentions}
    assert "Old Town" in found and found["Old Town"].place is not None and found["Old Town"].place.admin1 == "ME"


def test_a_possessive_is_a_place_s_own_name_only_where_the_gazetteer_writes_the_apostrophe(geoparser, fast_geoparser):
    # without its apostrophe "Rosa's" is the key of Rosas, a Spanish town; "St. John's" is written so
    for parser in (geoparser, fast_geoparser):
        mentions = parser.parse("Volunteers served dinner at Rosa's Kitchen in Paterson on Sunday.").mentions
        assert not any(m.place is not None and m.place.name == "Rosas" for m in mentions), [(m.text, m.place) for m in mentions]
        found = {m.text: m for m in parser.parse("Flights to St. John's were delayed by fog.").mentions}
        assert "St. John's" in found and found["St. John's"].place.country_code == "CA"


def test_parts_or_areas_of_a_name_place_it_whatever_the_model_tagged(geoparser):
    # the model tags both names PERSON; "parts of" puts a place after it as "residents of" does
    doc = geoparser.parse("Floodwater covered parts of Kozhikode and Malappuram overnight.")
    assert [(m.text, m.place.country_code) for m in doc.mentions] == [("Kozhikode", "IN"), ("Malappuram", "IN")]


def test_a_county_inside_an_organisations_name_is_found_however_small(geoparser):
    # a county of 30,000 people is no big place, but "County" says what the name is
    doc = geoparser.parse("The Tipton County Commission approved the new budget on Monday.")
    assert [(m.text, m.kind, m.place.feature_code) for m in doc.mentions] == [("Tipton County", "embedded", "ADM2")]


def test_a_county_the_model_leaves_untagged_is_found_by_its_word(geoparser):
    doc = geoparser.parse("The Marion County Sheriff's Office said the road was closed.")
    assert [(m.text, m.place.feature_code) for m in doc.mentions] == [("Marion County", "ADM2")]


def test_a_place_the_model_cut_after_its_first_word_is_joined(geoparser):
    # the model tags only the second word (as an organisation here); the two make a town's name
    doc = geoparser.parse("Police were called to a house near Te Awamutu on Sunday night.")
    found = _found(doc)
    assert list(found) == ["Te Awamutu"], list(found)
    assert found["Te Awamutu"].place.country_code == "NZ"


def test_a_name_after_a_courtesy_title_is_a_person(geoparser):
    doc = geoparser.parse("Talks resumed in Geneva on Monday, where Mr Paris spoke to reporters.")
    assert [m.text for m in doc.mentions] == ["Geneva"], [(m.text, m.label) for m in doc.mentions]
    doc = geoparser.parse("Dr. Sydney Chen, who leads the laboratory, said the results were clear.")
    assert not doc.mentions, [(m.text, m.label) for m in doc.mentions]


def test_a_person_s_name_elsewhere_is_a_town_where_its_country_qualifies_it(geoparser):
    doc = geoparser.parse("Florence Nightingale is remembered by nurses everywhere. "
                          "Florence, Italy, has a street named after her.")
    found = _found(doc)
    assert "Florence" in found and found["Florence"].place.country_code == "IT", [(m.text, m.label) for m in doc.mentions]
    assert "Florence Nightingale" not in found


def test_a_name_after_a_rank_or_before_a_regnal_number_is_a_monarch(geoparser):
    # "Elizabeth" alone is a big town's name; after "Queen" and before "II" it is the monarch's
    doc = geoparser.parse("The Lord Mayor of London met Queen Elizabeth II at Windsor.")
    assert [m.text for m in doc.mentions] == ["London", "Windsor"], [(m.text, m.label) for m in doc.mentions]
    doc = geoparser.parse("Both Adelaide II and Elizabeth II are remembered in Leeds.")
    assert [m.text for m in doc.mentions] == ["Leeds"], [(m.text, m.label) for m in doc.mentions]
