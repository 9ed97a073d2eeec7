"""Text in another language than the model's is noticed and reported once per run."""

from __future__ import annotations

import warnings

import pytest

from geomap.language import LanguageTally, LanguageWarning, looks_foreign

RUSSIAN = ("Российские войска вошли в Курскую область, сообщили в Москве во вторник. Жители бежали из "
           "приграничных сёл, а власти объявили эвакуацию.")
GERMAN = "Die Truppen sind am Montag in die Region Kursk eingedrungen, sagte ein Sprecher in Berlin. Die Stadt blieb ruhig."
ENGLISH = "Troops entered the Kursk region on Monday, a spokesman in Brussels said. The town of Sudzha was quiet."


@pytest.mark.parametrize("text,foreign", [(RUSSIAN, True), (GERMAN, True), (ENGLISH, False), ("Kursk. Brussels.", False)])
def test_looks_foreign(text, foreign):
    assert looks_foreign(text) is foreign


def test_one_warning_per_run_with_counts(geoparser):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        list(geoparser.parse_many([RUSSIAN, ENGLISH, GERMAN]))
    found = [w for w in caught if issubclass(w.category, LanguageWarning)]
    assert len(found) == 1 and "2 of 3 document(s) look like another language" in str(found[0].message)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        list(geoparser.parse_many([ENGLISH]))
    assert not [w for w in caught if issubclass(w.category, LanguageWarning)]


def test_tally_message():
    tally = LanguageTally()
    for t in (RUSSIAN, ENGLISH):
        tally.add(t)
    assert tally.message().startswith("geomap's model is English; 1 of 2 document(s)")


@pytest.mark.parametrize("text", [
    "The council said that the road to the harbour was closed by the flood, and it will not open soon.",
    "Der Rat sagte, dass die Straße zum Hafen wegen der Flut gesperrt war und bald nicht öffnet.",
    "Le conseil a dit que la route du port était fermée par la crue et ne rouvrira pas bientôt.",
    "THE COUNCIL SAID THAT THE ROAD WAS CLOSED; İT WAS NOT THE FİRST TİME THE ROAD FLOODED ² ½",
    "Numbers 12 34 56 and words_with_underscores and the of to that is was with for by from this are",
])
def test_looks_foreign_reads_words_as_its_definition_does(text):
    """The ASCII shortcut counts the words and marker words that the letter-run definition counts."""
    import re

    from geomap.language import ENGLISH_MARKERS, MIN_SHARE, MIN_WORDS, looks_foreign

    words = re.findall(r"[^\W\d_]+", text)
    expected = len(words) >= MIN_WORDS and sum(w.lower() in ENGLISH_MARKERS for w in words) / len(words) < MIN_SHARE
    assert looks_foreign(text) == expected


def test_a_caller_that_checks_the_language_itself_can_leave_the_check_out(geoparser):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        list(geoparser.parse_many([RUSSIAN, GERMAN], language_check=False))
    assert not [w for w in caught if issubclass(w.category, LanguageWarning)]
