"""Resolution that reads the article: the sentence's own words decide among namesakes.

Every sentence here is written for these tests. Each row names the place a reader means,
or says that no place is right (a natural feature the gazetteer lacks is not put at a town).
"""

from __future__ import annotations

import pytest


def _mention(doc, name):
    found = [m for m in doc.mentions if m.text == name]
    assert found, f"{name!r} not found among {[m.text for m in doc.mentions]}"
    return found[0]


# (sentence, mention, country, first-level division or None, feature class or None)
READER_MEANS = [
    ("Students gathered in Moscow, Idaho, for the vigil.", "Moscow", "US", "ID", "P"),
    ("The mayor of Berlin, New Hampshire, resigned on Friday.", "Berlin", "US", "NH", "P"),
    ("Police in Cairo, Illinois, said the river was still rising.", "Cairo", "US", "IL", "P"),
    ("Rome, Georgia, will host the regional tournament.", "Rome", "US", "GA", "P"),
    ("Lebanon is a small city in Laclede County, Missouri.", "Lebanon", "US", "MO", "P"),
    ("Calamba is a city in the province of Laguna in the Philippines.", "Calamba", "PH", None, "P"),
    ("Lyman, a town in the Donetsk region, was shelled overnight.", "Lyman", "UA", "05", "P"),
    ("Russian troops captured Tsukuryne, a village west of Donetsk.", "Donetsk", "UA", "05", "P"),
    ("Officials in Portland, Maine, said the storm had passed.", "Portland", "US", "ME", "P"),
    ("Crews near Spokane, Washington, contained the fire by nightfall.", "Spokane", "US", "WA", "P"),
    # a big city called by its name less its river's, in a story about its country
    ("Rain flooded streets in Newcastle and Leeds, the British forecaster said.", "Newcastle", "GB", "ENG", "P"),
    # a county the gazetteer has only with "Saint" written out, not St. John's in Newfoundland
    ("Residents of St. Johns County evacuated ahead of the hurricane.", "St. Johns County", "US", "FL", "A"),
    # ...also where the model tags nothing, after a list of towns
    ("Water closed roads in Breaux Bridge and Opelousas, and schools in St. Martin Parish will stay shut.",
     "St. Martin Parish", "US", "LA", "A"),
    # ...and a city's name less "City of"
    ("Protesters gathered outside parliament in Westminster as MPs debated the bill.", "Westminster", "GB", "ENG", "P"),
    # a word never read alone as a name, where the sentence says it is a town
    ("Union is a small city in Boone County, Kentucky, south of Cincinnati.", "Union", "US", "KY", "P"),
    # a name qualified by "New York" that the state holds: the state, not the city it is named after
    ("The sheriff of Essex County, New York, closed the mountain road.", "Essex County", "US", "NY", "A"),
    ("The sheriff of Essex County, New York, closed the mountain road.", "New York", "US", "NY", "A"),
    ("She was born in Yonkers, New York, and studied law in Boston.", "New York", "US", "NY", "A"),
    # postal codes that are also words, read right after a town of their state or province
    ("The plant in Portland, ME will hire 200 workers.", "Portland", "US", "ME", "P"),
    ("Another plant opens in Kingston, ON next year.", "Kingston", "CA", "08", "P"),
    ("Offices in Dover, DE and Athens, OH closed early.", "Athens", "US", "OH", "P"),
    ("Offices in Dover, DE and Athens, OH closed early.", "DE", "US", "DE", "A"),
    # a town and its state inside a list of pairs, not a list of three names
    ("Offices in Dover, Delaware and Athens, Ohio closed early.", "Delaware", "US", "DE", "A"),
    # the first of two pairs of one town's name: each town in its own state, not both in the bigger's
    ("Rangers from Portland, Maine, and Portland, Oregon, swapped notes.", "Portland", "US", "ME", "P"),
    ("Rangers from Portland, Maine, and Portland, Oregon, swapped notes.", "Oregon", "US", "OR", "A"),
    ("Crews from Springfield, Illinois, and Springfield, Missouri, cleared roads.", "Springfield", "US", "IL", "P"),
    # a town said to be one, where a bigger division is named after it
    ("Repair crews reached Kherson city after the shelling.", "Kherson", "UA", "08", "P"),
    ("Repair crews reached the city of Kherson after the shelling.", "Kherson", "UA", "08", "P"),
    # a name and "city" in lower case: the city's own name, not the country or territory
    ("Officials in Kuwait city said the port reopened.", "Kuwait city", "KW", None, "P"),
    ("Crowds filled the streets of Guatemala city on Sunday.", "Guatemala city", "GT", None, "P"),
    # ...not where "X City" is only another place's alternate name (Bristol, Virginia's)
    ("The Bristol city council met in Somerset on Monday.", "Bristol", "GB", None, "P"),
    ("Airstrikes hit Gaza city overnight.", "Gaza", "PS", None, "P"),
]


@pytest.mark.parametrize("mode", ["full", "fast"])
@pytest.mark.parametrize("text,name,country,admin1,fclass", READER_MEANS, ids=[r[1] for r in READER_MEANS])
def test_the_sentence_decides_among_namesakes(geoparser, fast_geoparser, mode, text, name, country, admin1, fclass):
    m = _mention((geoparser if mode == "full" else fast_geoparser).parse(text), name)
    assert m.place is not None, f"{name} unresolved"
    assert m.place.country_code == country, (m.place, m.label)
    if admin1 is not None:
        assert m.place.admin1 == admin1, m.place
    assert m.place.feature_class == fclass and m.precision == "exact"


def test_a_state_that_qualifies_a_county_is_the_state_of_the_bare_name_too(geoparser, fast_geoparser):
    for gp in (geoparser, fast_geoparser):
        doc = gp.parse("Quillan Falls is a hamlet in Warren County, New York, United States. Its orchards ship "
                       "apples across New York every autumn.")
        places = [m.place for m in doc.mentions if m.text == "New York"]
        assert len(places) == 2 and all(p is not None and p.feature_code == "ADM1" for p in places), places


def test_a_part_of_a_city_the_gazetteer_lacks_is_no_town_abroad_of_another_name(geoparser, fast_geoparser):
    # "Bandra" is an alternate name of a small Argentine town only, and the article is about India
    text = ("A Mumbai court granted bail to the actor, who lives in Bandra. Police in Maharashtra said "
            "they would appeal.")
    for gp in (geoparser, fast_geoparser):
        doc = gp.parse(text)
        assert _mention(doc, "Mumbai").place.country_code == "IN"
        assert all(m.place is None or m.place.country_code == "IN" for m in doc.mentions), \
            [(m.text, m.place) for m in doc.mentions]


def test_the_city_first_then_its_region(geoparser):
    doc = geoparser.parse("He travelled to Kharkiv and then on to the wider Kharkiv region.")
    city, region = doc.mentions[0], doc.mentions[-1]
    assert city.text == "Kharkiv" and city.place.feature_class == "P" and city.place.country_code == "UA"
    assert region.place.feature_code == "ADM1" and region.place.admin1 == city.place.admin1


def test_a_division_named_after_its_town_in_another_spelling_leaves_the_bare_name_to_the_town(geoparser):
    # GeoNames calls the town Hrodna; "Grodno" is its other spelling and Grodno Oblast's name less "Oblast"
    m = geoparser.parse("Border guards reinforced the checkpoints outside Grodno this week.").mentions[0]
    assert m.place.feature_class == "P" and m.place.country_code == "BY"


def test_the_state_of_a_nationality_is_the_division(geoparser):
    doc = geoparser.parse("Heavy rain flooded villages in the Mexican state of Oaxaca on Monday.")
    m = next(m for m in doc.mentions if m.text == "Oaxaca")
    assert m.place.feature_code == "ADM1" and m.place.country_code == "MX"


@pytest.mark.parametrize("text,name,town", [
    ("The ship sank in the Southern Ocean, the agency in Hobart said.", "Southern Ocean", "Hobart"),
    ("Climbers on Mount Everest waited out the storm, the mountaineering association in Beijing said.",
     "Mount Everest", "Beijing"),
    ("Lake Michigan froze early this year, forecasters in Jackson, Mississippi, said.", "Lake Michigan", "Jackson"),
    ("Tourists flocked to Vancouver Island and to Sicily this summer.", "Vancouver Island", "Sicily"),
])
def test_a_natural_feature_is_never_put_at_a_town(geoparser, text, name, town):
    doc = geoparser.parse(text)
    other = _mention(doc, town).place
    feature = [m for m in doc.mentions if m.text == name]
    for m in feature:  # either no mention, or no place, or a natural feature (never the town, never a county)
        assert m.place is None or (m.place.feature_class in "HTLUV" and m.place != other), (m.place, m.label)


def test_a_name_the_gazetteer_lacks_takes_the_place_the_text_puts_it_in(geoparser):
    doc = geoparser.parse("Crowds filled Quillan Alley in Boston after the parade.")
    m = _mention(doc, "Quillan Alley")
    assert m.place is not None and m.place.name == "Boston" and m.precision == "containing"
    assert m.place == _mention(doc, "Boston").place


@pytest.mark.parametrize("text,name,county,state", [
    ("Dublin is a quiet farming village in Tillamook County, Oregon.", "Dublin", "Tillamook County", "OR"),
    ("Vienna was a small mining camp in Custer County, Idaho. Vienna was abandoned in 1890.", "Vienna",
     "Custer County", "ID"),
])
def test_a_town_whose_namesakes_all_lie_elsewhere_takes_the_county_the_sentence_names(geoparser, text, name, county, state):
    doc = geoparser.parse(text)
    found = [m for m in doc.mentions if m.text == name]
    assert found
    for m in found:  # every mention, the later ones too (one sense per discourse)
        assert m.place is not None and m.place.name == county and m.place.admin1 == state, (m.place, m.adjustments)
        assert m.precision == "containing"
        assert m.candidates is None or m.candidates[0]["geonameid"] == m.place.geonameid


def test_a_described_name_is_in_the_innermost_place_of_its_chain_the_gazetteer_has(geoparser):
    """The commune is unknown and its name an Estonian town's other spelling: the village is in
    the first place of the description's chain that lies in the chain's country, never abroad."""
    doc = geoparser.parse("Dia is a fishing village and seat of the commune of Kounda in the Cercle of Djenné "
                          "in the Mopti Region of Mali.")
    m = _mention(doc, "Dia")
    assert m.place is not None and m.place.country_code == "ML" and m.precision == "containing", m.place


def test_a_description_may_name_a_part_of_the_place_it_is_in(geoparser):
    """"within the north-eastern corner of the city of Toronto": Toronto holds the district, not a
    Jamaican namesake, in every mention."""
    doc = geoparser.parse("Malvern is a district and former township within the north-eastern corner of the city of "
                          "Toronto, Canada. Malvern grew quickly in the 1970s.")
    found = [m for m in doc.mentions if m.text == "Malvern"]
    assert len(found) == 2
    for m in found:
        assert m.place is not None and m.place.name == "Toronto" and m.precision == "containing", m.place


def test_a_named_region_of_a_country_leaves_the_country_a_country(geoparser):
    """"the Central Region of Malta": Malta holds the region; it is not described as a division
    (a Brazilian municipality of that name)."""
    doc = geoparser.parse("Lija is a small village in the Central Region of Malta, near the old capital.")
    malta = _mention(doc, "Malta")
    assert malta.place is not None and malta.place.country_code == "MT" and malta.place.is_country


@pytest.mark.parametrize("text", [
    "Mansa is a market town in the Luapula Province of Zambia. Farmers from across Mansa District sell fish there.",
    "Mansa is a market town in northern Zambia. Farmers from across Mansa District sell fish in Mansa.",
])
def test_a_district_abroad_does_not_take_a_town_the_text_places(geoparser, text):
    """The district of the town's name is an Indian one in the gazetteer: the town the sentence
    describes stays Zambian (rules after ranking read the features of a described name too)."""
    doc = geoparser.parse(text)
    towns = [m for m in doc.mentions if m.text == "Mansa"]
    assert towns
    for m in towns:
        assert m.place is not None and m.place.country_code == "ZM" and m.precision == "exact", m.place


def test_a_name_follows_its_described_mention_not_one_named_in_passing(geoparser):
    """One sense per discourse takes the mention the sentence describes ("X is a small city in
    Rock County"), not a namesake named in passing ("the town of X, Scotland"), however sure."""
    doc = geoparser.parse("Montrose is a small city in Rock County, Minnesota. Its founders named it after the town "
                          "of Montrose, Scotland. Montrose has a grain elevator.")
    first, namesake, last = [m for m in doc.mentions if m.text == "Montrose"]
    assert first.place is not None and first.place.admin1 == "MN"
    assert namesake.place is not None and namesake.place.country_code == "GB"
    assert last.place == first.place, last.place


def test_the_town_before_its_qualifier_is_the_one_described(geoparser):
    """"Fresno, Ohio, is a tiny hamlet": the hamlet is Fresno, in Ohio; not the Californian city."""
    doc = geoparser.parse("Fresno, Ohio, is a tiny hamlet in Coshocton County. Fresno has a single store.")
    for m in (m for m in doc.mentions if m.text == "Fresno"):
        assert m.place is not None and m.place.admin1 == "OH", m.place


def test_a_county_seat_is_described_as_a_town_of_its_county(geoparser):
    doc = geoparser.parse("Florence is the county seat of Pinal County, Arizona. Tourists from Florence, Italy, "
                          "rarely visit.")
    seat, other = [m for m in doc.mentions if m.text == "Florence"]
    assert seat.place is not None and seat.place.admin1 == "AZ", seat.place
    assert other.place is not None and other.place.country_code == "IT", other.place


def test_an_aside_between_commas_may_stand_in_a_description(geoparser):
    """"an unincorporated community, now a ghost town, in Grant County": still in that county."""
    doc = geoparser.parse("Austin is an unincorporated community, now a ghost town, in Grant County, Oregon. "
                          "Austin had a post office until 1950.")
    for m in (m for m in doc.mentions if m.text == "Austin"):
        assert m.place is not None and m.place.admin1 == "OR", m.place


def test_a_division_word_may_stand_between_two_places_of_a_chain(geoparser):
    """"in the Fenland district of north Cambridgeshire": the chain goes on past "district" to
    the county, whose country outweighs a country that bears the district's name as another
    of its names (Finland)."""
    doc = geoparser.parse("Newton is a farming village in the Fenland district of north Cambridgeshire. "
                          "Newton has a church.")
    for m in (m for m in doc.mentions if m.text == "Newton"):
        assert m.place is not None and m.place.country_code == "GB", m.place


@pytest.mark.parametrize("text,name,town,cc", [
    # lower-case words between "in" and the place
    ("Woodstock is a quiet neighborhood located in inner southeast Portland, Oregon. Woodstock has a library.",
     "Woodstock", "Portland", "US"),
    # a place named inside the description itself, before the one that holds the name
    ("Claremont is a small Ontario hamlet located in the northern part of the City of Pickering. "
     "Claremont has a school.", "Claremont", "Pickering", "CA"),
    # a barrio is a part of a town
    ("Palermo is a barrio in the north of Buenos Aires, Argentina. Palermo has large parks.",
     "Palermo", "Buenos Aires", "AR"),
    # "one of the … neighborhoods of the city of"
    ("Highlands is one of five historic neighborhoods of the city of Taunton, Massachusetts. Highlands has a park.",
     "Highlands", "Taunton", "US"),
    # an aside in brackets is one word of the description
    ("Prado is a barrio (a leafy district) and a large public garden in Montevideo, Uruguay. Prado has a rose garden.",
     "Prado", "Montevideo", "UY"),
])
def test_a_neighbourhood_the_gazetteer_lacks_is_in_its_town(geoparser, text, name, town, cc):
    found = [m for m in geoparser.parse(text).mentions if m.text == name]
    assert found
    for m in found:
        assert m.place is not None and m.place.name == town and m.place.country_code == cc, m.place
        assert m.precision == "containing"


@pytest.mark.parametrize("text,street,town", [
    ("Traffic was heavy on London Road in Brighton on Monday.", "London Road", "Brighton"),
    ("Traffic was heavy on Victoria Park Avenue on Monday morning.", "Victoria Park Avenue", None),
])
def test_a_street_named_after_a_city_is_not_in_that_city(geoparser, text, street, town):
    """A road is named after the city it leads to, not the one it is in: it is in the town
    the text puts it in, or nowhere."""
    m = _mention(geoparser.parse(text), street)
    if town is None:
        assert m.place is None, m.place
    else:
        assert m.place is not None and m.place.name == town and m.precision == "containing", m.place


def test_a_township_named_like_a_town_elsewhere_gives_way_to_the_county_that_holds_it(geoparser):
    """"in Bethlehem Township, Clark County, Indiana": the chain goes on past the comma; the township
    the gazetteer lacks reads as the Pennsylvanian city, which Clark County does not hold, so the
    village is in the county (and every later mention with it)."""
    doc = geoparser.parse("Bethlehem is a farming village in Bethlehem Township, Clark County, Indiana. "
                          "Bethlehem lies on the river.")
    for m in (m for m in doc.mentions if m.text == "Bethlehem"):
        assert m.place is not None and m.place.admin1 == "IN", m.place


def test_a_county_named_in_passing_does_not_take_the_town_the_text_places(geoparser):
    """"named after Clayton County, Iowa": the county is what the town was named after; the town
    the first sentence puts in Rabun County stays in Georgia (region sense yields to the text)."""
    doc = geoparser.parse("Clayton is a small town in Rabun County, Georgia. Early settlers named it after "
                          "Clayton County, Iowa. Clayton hosts a fair.")
    towns = [m for m in doc.mentions if m.text == "Clayton"]
    assert len(towns) == 2
    for m in towns:
        assert m.place is not None and m.place.admin1 == "GA" and m.place.feature_class == "P", m.place


def test_located_in_a_place_says_where_the_name_is(geoparser):
    doc = geoparser.parse("Kelso is located in the coastal strip of KwaZulu-Natal, South Africa. Kelso has a beach.")
    for m in (m for m in doc.mentions if m.text == "Kelso"):
        assert m.place is not None and m.place.country_code == "ZA" and m.precision == "containing", m.place


def test_a_county_holds_nothing_of_another_state(geoparser):
    """"Stanton Township, Goodhue County": the township the gazetteer lacks is in the county, not
    at the Californian town of its bare name."""
    m = _mention(geoparser.parse("Volunteers cleared snow in Stanton Township, Goodhue County, on Sunday."),
                 "Stanton Township")
    assert m.place is not None and m.place.admin1 == "MN" and m.precision == "containing", m.place


def test_an_abbreviated_saint_opens_a_described_name(geoparser):
    """"the canton of St. Gallen": the canton, not a county of some other saint's name."""
    doc = geoparser.parse("Au is a small municipality in the canton of St. Gallen in Switzerland.")
    assert "St" not in [m.text for m in doc.mentions]
    canton = _mention(doc, "St. Gallen")
    assert canton.place is not None and canton.place.country_code == "CH"


def test_no_place_from_nearness_alone(geoparser):
    doc = geoparser.parse("The band played in Leeds on Monday. Later that week, fans gathered at Quillan Arena.")
    for m in doc.mentions:
        if m.text == "Quillan Arena":
            assert m.place is None


def test_explain_shows_the_final_place_first_with_its_features(store):
    from geomap.pipeline import Geoparser

    doc = Geoparser(gazetteer=store, explain=True).parse(
        "Students gathered in Moscow, Idaho, for the vigil. Moscow police said the campus reopened.")
    for m in doc.mentions:
        if m.place is None:
            continue
        top = m.candidates[0]
        assert top["geonameid"] == m.place.geonameid, (m.text, top, m.place)
        assert top["features"], m.text  # each feature's contribution to the choice


def test_an_unknown_village_is_in_the_district_its_sentence_names_not_the_dateline_town(geoparser):
    doc = geoparser.parse("LUCKNOW, India — Police in Bahraich district said a wolf attack killed a child in "
                          "Tessipur on Sunday.")
    district, village = _mention(doc, "Bahraich district"), _mention(doc, "Tessipur")
    assert district.place is not None and district.place.country_code == "IN"
    assert village.place == district.place and village.precision == "containing"
    # a street the gazetteer lacks stays in the town the story was filed in
    doc = geoparser.parse("LOUISVILLE, Ky. (AP) — Deputies in Jefferson County said crowds gathered on Quillan Street "
                          "after the parade on Sunday.")
    street = [m for m in doc.mentions if m.text == "Quillan Street"]
    assert street and street[0].place is not None and street[0].place.name == "Louisville"


def test_a_qualified_name_the_gazetteer_lacks_is_in_the_county_its_description_names(geoparser):
    doc = geoparser.parse("Tessdale, South Carolina, is a small farming hamlet in the north of Beaufort County.")
    county, town = _mention(doc, "Beaufort County"), _mention(doc, "Tessdale")
    assert county.place is not None and county.place.admin1 == "SC" and county.place.feature_code == "ADM2"
    assert town.place == county.place and town.precision == "containing"


def test_a_dateline_says_where_an_unknown_street_is(geoparser):
    doc = geoparser.parse("NEW ORLEANS (AP) — Crowds gathered on Quillan Street after the parade on Sunday.")
    street = [m for m in doc.mentions if m.text == "Quillan Street"]
    assert street, [m.text for m in doc.mentions]
    assert street[0].place is not None and street[0].place.name == "New Orleans" and street[0].precision == "containing"
    doc = geoparser.parse("Crowds gathered on Quillan Street after the parade on Sunday.")
    assert all(m.place is None for m in doc.mentions if m.text == "Quillan Street")


def test_a_qualifying_division_is_read_by_its_bare_name(geoparser):
    doc = geoparser.parse("CALAMBA CITY, Laguna – The mayor praised the youth sports program of the Philippine "
                          "government on Monday.")
    laguna = _mention(doc, "Laguna").place
    assert laguna is not None and laguna.country_code == "PH" and laguna.feature_class == "A"
    # said bare with no such reading, a county's core name is the town
    doc = geoparser.parse("Fans drove from Shelby to the game on Saturday.")
    assert all(m.place is None or m.place.feature_class == "P" for m in doc.mentions if m.text == "Shelby")


def test_a_name_placed_at_its_container_follows_it(geoparser):
    doc = geoparser.parse("Beachgoers were told to avoid the water near Cape Quillan in Rockingham. Several dead "
                          "fish were found along the beach at Safety Bay. Wastewater in WA is treated first.")
    town = _mention(doc, "Rockingham").place
    cape = _mention(doc, "Cape Quillan")
    assert town is not None and town.country_code == "AU"
    assert cape.place == town and cape.precision == "containing"


def test_a_region_of_no_country_is_foreign_to_none(geoparser):
    doc = geoparser.parse("The State Department in Washington approved the sale. Officials called the kingdom a "
                          "source of stability in the Middle East. Lawmakers in Texas and Ohio objected, and a "
                          "senator from Kentucky said Congress would vote.")
    region = _mention(doc, "Middle East").place
    assert region is not None and region.feature_code == "RGN" and region.country_code is None


def test_a_region_named_with_a_country_short_form_is_not_that_country(geoparser):
    doc = geoparser.parse("Exports to Latin America fell sharply last year, the ministry said.")
    assert all(m.place is None or m.place.country_code != "US" for m in doc.mentions)


def test_a_town_across_the_border_from_the_article_s_towns_is_kept(geoparser):
    doc = geoparser.parse("Police in Mexicali, Tecate and Ensenada said the convoy crossed into Calexico overnight.")
    m = _mention(doc, "Calexico")
    assert m.place is not None and m.place.country_code == "US" and m.place.admin1 == "CA", m.adjustments


def test_a_hyphenated_county_is_one_region_phrase(geoparser):
    m = _mention(geoparser.parse("Schools in Miami-Dade County reopened on Monday."), "Miami-Dade County")
    assert m.place is not None and m.place.feature_code == "ADM2" and m.place.admin1 == "FL"


def test_a_county_named_in_full_is_the_sense_of_its_bare_name_before_it_too(geoparser):
    doc = geoparser.parse("The Suffolk Gazette reported the fire first. "
                          "Suffolk County officials said the blaze began near Riverhead, New York.")
    county = _mention(doc, "Suffolk County").place
    assert county.feature_code == "ADM2" and county.admin1 == "NY"
    assert _mention(doc, "Suffolk").place == county


def test_a_lone_foreign_qualifier_gives_way_to_a_namesake_in_the_article_s_county(geoparser):
    # the theatre takes its qualifier's place, so it does not make the US state less lonely
    doc = geoparser.parse("Audits are planned at the Quillan Theatre, Virginia, and at libraries in "
                          "Bailieborough and Kingscourt in County Cavan.")
    village = _mention(doc, "Virginia")
    assert village.place.country_code == "IE" and village.place.feature_class == "P", village.adjustments
    theatre = _mention(doc, "Quillan Theatre")
    assert theatre.place == village.place and theatre.precision == "containing"


def test_a_university_named_after_its_state_stands_in_the_town_the_article_names(geoparser):
    doc = geoparser.parse("Riots broke out in Lexington, Kentucky. The University of Kentucky closed its campus.")
    embedded = [m for m in doc.mentions if m.kind == "embedded"]
    assert [m.place.name for m in embedded] == ["Lexington"]
    assert embedded[0].adjustments[0]["rule"] == "campus-town"


def test_several_universities_named_after_one_state_take_a_town_only_when_their_name_says_it(geoparser):
    doc = geoparser.parse("He was admitted to Texas Tech University and to Texas State University at San Marcos, "
                          "and he toured Lubbock before the University of Texas replied.")
    assert [m.place.name for m in doc.mentions if m.kind == "embedded"] == ["Texas", "San Marcos", "Texas"]
    doc = geoparser.parse("He visited San Marcos, Texas. Texas State University and the University of Texas "
                          "both sent letters.")
    assert [m.place.name for m in doc.mentions if m.kind == "embedded"] == ["Texas", "Texas"]


def test_the_region_of_a_sea_is_the_sea_not_a_county_of_its_name(geoparser):
    """"the Pacific region" is not Pacific County, Washington."""
    doc = geoparser.parse("Storms battered the Pacific region this week, forecasters said.")
    (m,) = doc.mentions
    assert m.place.feature_class == "H" and m.place.feature_code == "OCN", m.place


def test_a_small_far_town_the_model_calls_a_facility_is_the_article_s_own_site(geoparser):
    """"Washington Square" among New Orleans places is the city's square, not the small
    Pennsylvania town of that name; among Philadelphia places it may be that town."""
    doc = geoparser.parse("Fans gathered at Washington Square on Friday. Bands from New Orleans and Baton "
                          "Rouge played until midnight.")
    square = _mention(doc, "Washington Square")
    assert square.place is None and square.adjustments[0]["rule"] == "far-small-towns"
    doc = geoparser.parse("Fans gathered at Washington Square on Friday. Bands from Philadelphia and Camden "
                          "played until midnight.")
    assert _mention(doc, "Washington Square").place.admin1 == "PA"
    # the text ties it to its state: it stays, however far from the article's other towns
    doc = geoparser.parse("She grew up in Eva, Alabama. Donors from Paterson and Newark attended her talk.")
    assert _mention(doc, "Eva").place.admin1 == "AL"


def test_a_postal_code_is_a_state_only_after_a_town_of_that_state(geoparser):
    assert [m.text for m in geoparser.parse("He said the plan was fine, OK. Then he left.").mentions] == []
    doc = geoparser.parse("Georgia, Florida and Alabama declared emergencies.")  # a list of states
    assert [(m.text, m.place.feature_code) for m in doc.mentions] == [
        ("Georgia", "ADM1"), ("Florida", "ADM1"), ("Alabama", "ADM1")]


@pytest.mark.parametrize("text,name,admin1,by_list", [
    ("The tour stops in Toronto, Ottawa, Hamilton, Kitchener and London.", "London", "08", True),  # Ontario
    ("Crews worked in Portland, Bangor, Augusta and Lewiston.", "Augusta", "ME", True),  # each alone is elsewhere
    # the ranker itself: Rockford and Decatur have namesakes in Illinois (``coherent``)
    ("Trains link Chicago, Rockford, Springfield and Decatur.", "Springfield", "IL", False),
])
def test_names_listed_together_share_their_area(geoparser, text, name, admin1, by_list):
    m = _mention(geoparser.parse(text), name)
    assert m.place.admin1 == admin1 and m.place.feature_class == "P", m.place
    assert bool(m.adjustments and m.adjustments[-1]["rule"] == "list-sense") == by_list


def test_a_site_the_text_puts_in_a_town_is_not_a_far_namesake(geoparser):
    # a village called Stamford Bridge lies 300 km from London: not the ground the sentence names
    m = _mention(geoparser.parse("Chelsea beat Arsenal at Stamford Bridge in London."), "Stamford Bridge")
    assert m.place is not None and m.place.name == "London" and m.precision == "containing", m.place


def test_names_joined_by_a_slash_are_neighbours(geoparser):
    # alone, Vienna is Austria's capital; written as one with a Virginia town, the Virginia town
    m = _mention(geoparser.parse("Buses leave the Vienna/Fairfax depot for Centreville every hour."), "Vienna")
    assert (m.place.country_code, m.place.admin1) == ("US", "VA"), m.place
    assert m.adjustments and m.adjustments[-1]["rule"] == "slash-pairs"
    # far apart, each keeps its own place
    doc = geoparser.parse("Flights on the Paris/London route were cancelled.")
    assert [m.place.country_code for m in doc.mentions] == ["FR", "GB"]


def test_a_list_of_capitals_keeps_its_capitals(geoparser):
    doc = geoparser.parse("Flights to Paris, London and Berlin were cancelled.")
    assert [m.place.country_code for m in doc.mentions] == ["FR", "GB", "DE"]


@pytest.mark.parametrize("text,code", [
    ("The church is in Bethel, Delaware.", "Delaware"),
    ("Services resumed at the chapel in Bethel, DE.", "DE"),  # the postal code, closing its sentence
])
def test_a_town_paired_with_a_state_it_is_not_in_takes_the_state(geoparser, text, code):
    """The gazetteer has no Bethel in Delaware: the town is somewhere in Delaware (containing),
    not Bethel, Connecticut, and "Delaware" is the state, not an Ohio county named after it."""
    doc = geoparser.parse(text)
    state = _mention(doc, code)
    assert state.place.feature_code == "ADM1" and state.place.admin1 == "DE"
    town = _mention(doc, "Bethel")
    assert town.place == state.place and town.precision == "containing"


def test_a_county_written_with_an_abbreviated_saint(geoparser):
    doc = geoparser.parse("Concord is a small community in St. Louis County, Missouri.")
    county = _mention(doc, "St. Louis County")
    assert county.place.feature_code == "ADM2" and county.place.admin1 == "MO"


def test_an_old_name_of_a_big_city_is_no_city_bonus(geoparser):
    """Hong Kong was once called Victoria: a place that bears the name as its own comes first.
    Another spelling of a city's own name keeps the city ("Zaporizhzhia")."""
    m = _mention(geoparser.parse("Officials in Victoria said the border would reopen."), "Victoria")
    assert m.place.country_code != "HK" and m.place.name.startswith(("Victoria", "State of Victoria"))
    m = _mention(geoparser.parse("Missiles struck Zaporizhzhia overnight, the governor said."), "Zaporizhzhia")
    assert m.place.feature_class == "P"


@pytest.mark.parametrize("text,name,code", [
    ("Oil output from platforms in the North Sea fell again, Norwegian officials said.", "North Sea", "SEA"),  # not the US village
    ("Ice formed early on Hudson Bay, delaying the polar bear migration.", "Hudson Bay", "BAY"),  # not the Canadian town
    # not the Egyptian governorate (Suez names Egypt) nor the Sudanese state named after the sea
    ("Attacks on ships in the Red Sea have disrupted trade through the Suez Canal.", "Red Sea", "SEA"),
])
def test_a_sea_named_like_a_town_is_the_sea(geoparser, text, name, code):
    assert _mention(geoparser.parse(text), name).place.feature_code == code


def test_a_region_named_like_a_bay_stays_the_region(geoparser):
    doc = geoparser.parse("Heavy rain flooded farms in the Bay of Plenty, New Zealand's civil defence said.")
    assert _mention(doc, "Bay of Plenty").place.feature_code == "ADM1"
    doc = geoparser.parse("Port Sudan, the capital of Red Sea state, received aid flights.")
    state = _mention(doc, "Red Sea state").place
    assert (state.feature_code, state.country_code) == ("ADM1", "SD")


def test_a_listed_city_keeps_its_place_against_a_far_smaller_namesake_that_agrees_with_the_list(geoparser):
    doc = geoparser.parse("The band plays Dallas, Houston, Tulsa, Wichita, Omaha and Des Moines this spring.")
    assert next(m for m in doc.mentions if m.text == "Omaha").place.admin1 == "NE"  # not the Texas village
    doc = geoparser.parse("The band plays Dallas, Houston, El Paso and Paris this spring.")  # the whole list agrees
    assert next(m for m in doc.mentions if m.text == "Paris").place.admin1 == "TX"
    doc = geoparser.parse("Toronto, Ottawa, Hamilton, Kitchener and London reported new cases.")
    assert next(m for m in doc.mentions if m.text == "London").place.country_code == "CA"  # a city of its own agrees with the list


def test_a_district_of_the_bare_name_competes_with_a_foreign_division_of_the_whole_name(geoparser):
    # only a Taiwanese division is called "Dadu District" in the gazetteer; Pakistan's is "Dadu"
    doc = geoparser.parse("Relief trucks reached Dadu district in southern Pakistan on Sunday.")
    m = next(m for m in doc.mentions if m.text.startswith("Dadu"))
    assert m.place.country_code == "PK" and m.place.feature_class == "A"


def test_a_small_foreign_capital_gives_way_to_the_state_holding_the_articles_towns(geoparser):
    doc = geoparser.parse("Smoke from fires in Victoria's east reached Geelong, Ballarat and Melbourne, where schools closed.")
    m = next(m for m in doc.mentions if m.text == "Victoria")
    assert (m.place.feature_code, m.place.country_code) == ("ADM1", "AU")  # not the Seychelles' capital


@pytest.mark.parametrize("text,name,cc,admin1", [
    # a territory's capital of a few thousand people (or none) is no capital prior against a big namesake
    ("Police in Plymouth said the driver fled.", "Plymouth", "GB", "ENG"),  # not Montserrat's
    ("Officials in Jamestown said the road would reopen.", "Jamestown", "US", None),  # not Saint Helena's
    # ...and what the text says still finds it
    ("Ash from the volcano buried Plymouth, Montserrat, in 1997.", "Plymouth", "MS", None),
    ("The Falklands government in Stanley said the ship had left.", "Stanley", "FK", None),
    ("Victoria, the capital of the Seychelles, is small.", "Victoria", "SC", None),
])
def test_a_small_capital_is_ranked_as_a_town(geoparser, text, name, cc, admin1):
    m = _mention(geoparser.parse(text), name)
    assert m.place.country_code == cc and (admin1 is None or m.place.admin1 == admin1), m.place


@pytest.mark.parametrize("text,name,cc,admin1", [
    ("Grain ships docked at the port of Odessa on Tuesday.", "Odessa", "UA", None),
    ("She grew up in the city of Jackson before moving north.", "Jackson", "US", "MS"),
])
def test_the_kind_of_a_name_said_in_passing_is_no_encyclopedic_description(geoparser, text, name, cc, admin1):
    # "the city of X" in news: the namesake a reader knows, not the smallest one, as for "X is a town in…"
    m = next(m for m in geoparser.parse(text).mentions if m.text == name)
    assert m.place.country_code == cc and (admin1 is None or m.place.admin1 == admin1), m.place


def test_a_name_described_as_a_natural_feature_is_that_feature(geoparser):
    doc = geoparser.parse("The old trading firm took its name from Hudson Bay, the vast inland sea in northern Canada.")
    m = next(m for m in doc.mentions if m.text == "Hudson Bay")
    assert m.place.feature_class == "H" and m.precision == "exact"  # not the Saskatchewan town, nor Canada


def test_a_county_in_the_state_of_a_name_that_also_names_a_region_abroad(geoparser):
    # "the state of Maine" names its kind in passing: the US state, not the French region, and
    # the county is the state's
    doc = geoparser.parse("Officials of the state of Maine said Knox County had lost power after the storm.")
    maine = next(m for m in doc.mentions if m.text == "Maine")
    knox = next(m for m in doc.mentions if m.text == "Knox County")
    assert (maine.place.feature_code, maine.place.country_code) == ("ADM1", "US")
    assert knox.place.admin1 == "ME" and knox.place.feature_code == "ADM2"


def test_a_continent_holds_the_towns_of_its_countries(geoparser):
    # "in Africa" holds Kasama: the town, not the continent as its container
    doc = geoparser.parse("Kasama is a large town in Africa, north of Lusaka.")
    m = next(m for m in doc.mentions if m.text == "Kasama")
    assert m.place.country_code == "ZM" and m.precision == "exact"


def test_a_position_the_text_states_picks_the_namesake_there(geoparser):
    doc = geoparser.parse("The fair in Springfield drew crowds. Springfield lies at 39°48′N 89°39′W, on the prairie.")
    first, second = [m for m in doc.mentions if m.text == "Springfield"]
    assert first.place.admin1 == second.place.admin1 == "IL"  # both mentions: the name's one sense (not Missouri's)
    assert any(a["rule"] == "text-coordinates" for a in first.adjustments + second.adjustments)



def test_a_position_stated_for_an_opening_name_no_namesake_holds_makes_a_place(geoparser):
    doc = geoparser.parse("Ashley (29°18′S 149°49′E) is a hamlet of forty people. Ashley has a grain silo.")
    first, second = [m for m in doc.mentions if m.text == "Ashley"]
    assert first.place == second.place and first.place.feature_code == "LCTY"  # not an English Ashley
    assert abs(first.place.lat + 29.3) < 0.01 and abs(first.place.lon - 149.8167) < 0.01
    assert first.precision == "exact" and first.score > 0.5
    assert first.adjustments[-1]["rule"] == "text-coordinates"
    # a position after a name that does not open its sentence belongs to the sentence's subject
    doc = geoparser.parse("Quillanby is a hamlet about 50 km south of Moree (29°55′S 149°50′E).")
    moree = next(m for m in doc.mentions if m.text == "Moree")
    assert moree.place.feature_code != "LCTY"


@pytest.mark.parametrize("text,name,cc", [
    # a dependency is a country of its own in GeoNames: the text's sovereign is no container for it
    ("Puerto Rico, an unincorporated territory of the United States, was hit by the storm.", "Puerto Rico", "PR"),
    ("Nuuk is the capital of Greenland, an autonomous territory of Denmark.", "Greenland", "GL"),
    ("Nuuk is the capital of Greenland, an autonomous territory of Denmark.", "Nuuk", "GL"),
    ("Aruba is a constituent country of the Kingdom of the Netherlands.", "Aruba", "AW"),
    ("Bermuda is a British overseas territory in the North Atlantic Ocean.", "Bermuda", "BM"),
    ("Macau, a special administrative region of China, reopened its casinos.", "Macau", "MO"),
])
def test_a_territory_of_another_country_is_the_territory(geoparser, text, name, cc):
    m = _mention(geoparser.parse(text), name)
    assert m.place.country_code == cc and m.precision == "exact", (m.place, m.precision)


def test_a_name_the_gazetteer_lacks_is_never_put_at_a_sea_or_a_range(geoparser):
    doc = geoparser.parse("Quillhaven is an island in the Bay of Bengal.")
    assert _mention(doc, "Bay of Bengal").place.feature_class == "H"
    assert all(m.place is None for m in doc.mentions if m.text == "Quillhaven")


def test_a_district_named_after_its_town_by_another_spelling_stands_down_too(geoparser):
    """"Darjeeling" is another spelling of both the town's name and its district's: the town."""
    m = _mention(geoparser.parse("Tea growers near Darjeeling reported a poor harvest."), "Darjeeling")
    assert m.place.feature_class == "P" and m.place.country_code == "IN", m.place


def test_a_province_by_its_name_less_an_indonesian_designator(geoparser):
    """"Bali" is Provinsi Bali's own name less its designator, not an alternate that small towns own."""
    m = _mention(geoparser.parse("Tourists returned to Bali after the eruption."), "Bali")
    assert (m.place.feature_code, m.place.country_code) == ("ADM1", "ID"), m.place


@pytest.mark.parametrize("mode", ["full", "fast"])
def test_a_town_said_to_be_one_after_its_namesake_division(geoparser, fast_geoparser, mode):
    doc = (geoparser if mode == "full" else fast_geoparser).parse(
        "Shelling across the Kherson region reached Kherson city by noon.")
    region, city = [m for m in doc.mentions if m.text.startswith("Kherson")]
    assert region.place.feature_code == "ADM1" and city.place.feature_class == "P"
    assert city.place.admin1 == region.place.admin1 == "08"


@pytest.mark.parametrize("mode", ["full", "fast"])
def test_the_end_of_a_natural_features_name_holds_no_port(geoparser, fast_geoparser, mode):
    """"the Sea of Azov port of Berdyansk": "Azov" ends the sea's name; it is not the division
    that "the X port of Y" puts Y in (Azov is also a Russian town)."""
    doc = (geoparser if mode == "full" else fast_geoparser).parse("Drones hit the Sea of Azov port of Berdyansk at dawn.")
    assert not [m for m in doc.mentions if m.text == "Azov"]
    assert _mention(doc, "Berdyansk").place.country_code == "UA"


@pytest.mark.parametrize("mode", ["full", "fast"])
@pytest.mark.parametrize("text,name", [
    ("Pontoon bridges spanned the Dnipro river south of Zaporizhzhia.", "Dnipro river"),
    ("Barges waited on the Mississippi river below Memphis.", "Mississippi river"),
    ("Sailing boats crossed lake Geneva from Lausanne.", "lake Geneva"),
])
def test_a_name_with_a_lower_case_word_for_a_natural_feature_is_that_feature(geoparser, fast_geoparser, mode, text, name):
    """"the Dnipro river" is the river, never the city of Dnipro; "lake Geneva" the lake, never the
    Wisconsin town called "Lake Geneva": the gazetteer lacks both features, so the mention stays unplaced."""
    doc = (geoparser if mode == "full" else fast_geoparser).parse(text)
    m = _mention(doc, name)
    assert m.place is None or m.place.feature_class in ("H", "T"), m.place
    assert not [x for x in doc.mentions if x.place is not None and x.place.name in ("Dnipro", "Mississippi", "Lake Geneva")]


@pytest.mark.parametrize("mode", ["full", "fast"])
def test_a_bay_written_with_its_town_stays_at_the_town(geoparser, fast_geoparser, mode):
    """"Guantanamo bay": a bay is named after the town on its shore, which stands for it on a map
    (unlike "the Dnipro river", which is not at the city of Dnipro)."""
    m = _mention((geoparser if mode == "full" else fast_geoparser).parse("Detainees at Guantanamo bay were moved."),
                 "Guantanamo")
    assert m.place is not None and m.place.country_code == "CU"
