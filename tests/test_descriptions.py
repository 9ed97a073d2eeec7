"""What a sentence says a name is."""

from __future__ import annotations

import pytest

from geomap.descriptions import describe


@pytest.mark.parametrize("text,kind", [
    ("Lyman, a town in the east, was shelled.", "settlement"),
    ("Lebanon is a small city in the Ozarks.", "settlement"),
    ("Brill is an unincorporated community (CDP) in the hills.", "settlement"),
    ("Harlan is a county in the far east of the state.", "division"),
    ("Orrin is a river that rises in the hills.", "natural"),
    ("Dunmore is located in the west of the county.", "place"),
    ("Smith, a town councillor, voted no.", ""),
    ("Florida, the smallest in the state, voted no.", ""),  # no kind of Florida's, only after "in the"
    ("Jones was the mayor for ten years.", ""),
])
def test_describe(text, kind):
    name = text.split(",")[0].split(" is ")[0].split(" was ")[0]
    assert describe(text, 0, len(name)) == kind


def test_the_kind_word_can_come_before_the_name():
    text = "They reached the village of Quillan at dawn."
    start = text.index("Quillan")
    assert describe(text, start, start + len("Quillan")) == "settlement"


@pytest.mark.parametrize("text,kind", [
    ("Quillton (pronounced KWIL-ton) is a small town on the coast.", "settlement"),
    ("Quillton (formerly, Ardmore Springs) is a census-designated place in the valley.", "settlement"),
    ("Quillton (Chinese: 奎尔; pinyin: Kuí'ěr), is a port and county-level city in the east.", "settlement"),
    ("Quillton (born 1950) was the mayor for ten years.", ""),
    # a parenthesis inside the parenthesis, and a long one
    ("Quillton (also written Kwilton (in old maps), Quilton; Welsh: Cwiltwn), is a town in the valley.", "settlement"),
    ("Quillton (" + "also Kwilton, " * 25 + "and Quilton) is a town in the valley.", "settlement"),
    # another name between commas
    ("Quillton, also known as Tessvale (\"the valley of Tess\"), is a small settlement on the coast.", "settlement"),
    ("Quillton, formerly known as Tessvale, is a village in the valley.", "settlement"),
    ("Quillton [Spanish: [kiˈʎton]] (Welsh: Cwiltwn) is a town in the valley.", "settlement"),
    # what the place is made of after its kind
    ("Quillton is a municipality consisting of two islands off the coast.", "settlement"),
])
def test_a_parenthesis_after_the_name_is_skipped(text, kind):
    assert describe(text, 0, len("Quillton")) == kind


@pytest.mark.parametrize("text,kind", [
    ("Quillton is 10 kilometres west of the city centre.", "place"),
    ("Quillton lies southeast of the peninsula.", "place"),
    ("Quillton is a coastal comune in the north.", "settlement"),
    ("Quillton is 10 years old.", ""),
])
def test_distances_directions_and_local_words(text, kind):
    assert describe(text, 0, len("Quillton")) == kind


@pytest.mark.parametrize("text,kind", [
    ("Quillton /ˈkwɪltən/ is a city located in the north.", "settlement"),
    ("Quillton [ˈkwilton]  listen  (local: Quiltun) is a city in the region.", "settlement"),
    ("Quillton or Quilltown is a small town in the hills.", "settlement"),
    ("Quillton is a village between two rivers.", "settlement"),
    ("Quillton was an unincorporated community two miles south of the river.", "settlement"),
    ("Quillton is a town councillor.", ""),
])
def test_pronunciations_other_names_and_more_words_after_the_kind(text, kind):
    assert describe(text, 0, len("Quillton")) == kind


@pytest.mark.parametrize("before,kind", [
    ("a village in the Mexican state of ", "division"),
    ("shelling hit the southern province of ", "division"),
    ("tourists crowd the Old Town of ", ""),  # a name, not a nationality before "town"
    ("the ruins lie near the modern village of ", "settlement"),  # any adjective before a town's kind
    ("a suburb in the metropolitan county of ", ""),  # ...but not before a division's
    ("a village in the Central Region of ", ""),  # a division's own name: the place after "of" holds it
    ("a hamlet in the Lori Province of ", ""),
    ("a village in the Province of ", "division"),  # the kind alone, however written
])
def test_a_nationality_or_a_direction_may_stand_before_the_kind_word(before, kind):
    text = before + "Quillan."
    assert describe(text, len(before), len(before) + len("Quillan")) == kind


def test_a_plural_kind_describes_every_name_listed_after_it():
    text = "Floods hit the provinces of Quillan, Tessbury and Harnwick last week."
    for name in ("Quillan", "Tessbury", "Harnwick"):
        start = text.index(name)
        assert describe(text, start, start + len(name)) == "division", name
    text = "Floods hit the province of Quillan, Tessbury and Harnwick last week."  # one province, then a list
    start = text.index("Harnwick")
    assert describe(text, start, start + len("Harnwick")) == ""


def test_a_description_says_whether_the_sentence_describes_the_name_after_it():
    from geomap.descriptions import description

    text = "Quillan is a village near the coast. Crowds filled the town of Tessbury."
    assert description(text, 0, len("Quillan")) == ("settlement", True)
    start = text.index("Tessbury")
    assert description(text, start, start + len("Tessbury")) == ("settlement", False)  # its kind, in passing


def test_the_capital_of_a_name_does_not_say_the_name_is_a_town():
    """"the capital of X" says what X holds (a country, a division); "X is the capital" says what X is."""
    text = "Crowds gathered in the capital of Quillania. Tessbury is the capital of the province."
    start = text.index("Quillania")
    assert describe(text, start, start + len("Quillania")) == ""
    assert describe(text, text.index("Tessbury"), text.index("Tessbury") + len("Tessbury")) == "settlement"


def test_a_self_governed_region_is_a_territory():
    """A dependency may be a country of its own in GeoNames: "territory", not "division"."""
    text = "Quillania, an autonomous region of Tessland, voted. Harnwick, a region of Tessland, voted."
    assert describe(text, 0, len("Quillania")) == "territory"
    start = text.index("Harnwick")
    assert describe(text, start, start + len("Harnwick")) == "division"


def test_a_qualified_name_is_the_one_described():
    """"Quillan, Oregon, is a ghost town": Quillan is the town; Oregon only qualifies it."""
    text = "Quillan, Oregon, is a ghost town in Harlan County."
    assert describe(text, 0, len("Quillan")) == "settlement"
    assert describe(text, len("Quillan, "), len("Quillan, Oregon")) == ""


def test_a_seat_is_a_town():
    text = "Quillan is the county seat of Harlan County."
    assert describe(text, 0, len("Quillan")) == "settlement"


def test_a_name_qualified_without_a_second_comma_is_the_one_described():
    """"Quillan, Oregon is a neighborhood" (a sentence's opening name): Quillan, not Oregon; and
    "After Quillan, Tessbury is the next town" describes Tessbury."""
    text = "Quillan, Oregon is a neighborhood in Harlan County."
    assert describe(text, 0, len("Quillan")) == "settlement"
    assert describe(text, len("Quillan, "), len("Quillan, Oregon")) == ""
    other = "After Quillan, Tessbury is the next town on the line."
    assert describe(other, other.index("Tessbury"), other.index("Tessbury") + len("Tessbury")) == "settlement"


def test_one_of_a_plural_says_what_the_name_is():
    text = "Quillan is one of five historic neighborhoods of the city of Tessbury."
    assert describe(text, 0, len("Quillan")) == "settlement"
    text = "Quillan is one of the 18 districts of Tessbury."
    assert describe(text, 0, len("Quillan")) == "division"
    text = "Quillan is one of the players of the club."
    assert describe(text, 0, len("Quillan")) == ""
