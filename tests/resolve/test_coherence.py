"""How much an article's other names point to a candidate's state."""

from __future__ import annotations

import pytest

from geomap.gazetteer.store import Candidate
from geomap.model import Place
from geomap.resolve.coherence import COHERENCE_CAP, StateCoherence, divisions


def _town(gid: int, name: str, cc: str, admin1: str, code: str = "PPL") -> Candidate:
    cls = "A" if code.startswith("ADM") or code.startswith("PCL") else "P"
    return Candidate(Place(gid, name, 0.0, 0.0, cls, code, cc, admin1, 1000), name.casefold(), "name")


def _named(names):
    """``(name, candidates)`` pairs as :class:`StateCoherence` takes them: each name with its candidates' states."""
    return [(name, divisions(c.place for c in cands)) for name, cands in names]


ALDER_OH, ALDER_KS, ALDER_NB = _town(1, "Alder", "US", "OH"), _town(2, "Alder", "US", "KS"), _town(3, "Alder", "CA", "04")
BIRCH_OH, BIRCH_KS = _town(4, "Birch", "US", "OH"), _town(5, "Birch", "US", "KS")
CEDAR_COUNTY_OH = _town(6, "Cedar County", "US", "OH", "ADM2")


def test_a_name_found_in_one_state_only_says_the_state_outright():
    coh = StateCoherence(_named([("Alder", [ALDER_OH, ALDER_KS, ALDER_NB]), ("Cedar County", [CEDAR_COUNTY_OH])]))
    assert coh.of(ALDER_OH.place, "Alder") == pytest.approx(1.0)
    assert coh.of(ALDER_KS.place, "Alder") == 0.0
    # Cedar County's own state is named by Alder, found in three states: a third
    assert coh.of(CEDAR_COUNTY_OH.place, "Cedar County") == pytest.approx(1 / 3)


def test_each_name_adds_the_inverse_of_its_states_and_the_sum_is_capped():
    birch = ("Birch", [BIRCH_OH, BIRCH_KS])
    coh = StateCoherence(_named([("Alder", [ALDER_OH, ALDER_KS, ALDER_NB]), birch, ("Cedar County", [CEDAR_COUNTY_OH])]))
    assert coh.of(ALDER_OH.place, "Alder") == pytest.approx(0.5 + 1.0)
    assert coh.of(ALDER_KS.place, "Alder") == pytest.approx(0.5)
    many = StateCoherence(_named([("Alder", [ALDER_OH])] + [(f"Place {k}", [_town(10 + k, f"Place {k}", "US", "OH")])
                                                      for k in range(5)]))
    assert coh.of(ALDER_NB.place, "Alder") == 0.0
    assert many.of(ALDER_OH.place, "Alder") == COHERENCE_CAP


def test_a_name_is_never_its_own_evidence_however_often_it_is_met():
    coh = StateCoherence(_named([("Alder", [ALDER_OH, ALDER_KS]), ("alder", [ALDER_OH, ALDER_KS])]))
    assert not coh.of(ALDER_OH.place, "Alder")


def test_states_and_countries_neither_give_nor_take_coherence():
    ohio = _town(20, "Ohio", "US", "OH", "ADM1")
    usa = _town(21, "United States", "US", "", "PCLI")
    coh = StateCoherence(_named([("Ohio", [ohio]), ("United States", [usa]), ("Alder", [ALDER_OH, ALDER_KS])]))
    assert coh.of(ALDER_OH.place, "Alder") == 0.0  # the evidence features read a named state
    assert coh.of(ohio.place, "Ohio") == 0.0
    assert not StateCoherence(_named([("Ohio", [ohio])]))


def _state(doc, name: str) -> str:
    (m,) = [m for m in doc.mentions if m.text == name]
    return f"{m.place.country_code}/{m.place.admin1}"


@pytest.mark.parametrize("mode", ["full", "fast"])
def test_a_local_story_puts_its_towns_in_the_one_state_that_has_them_all(geoparser, fast_geoparser, mode):
    parser = geoparser if mode == "full" else fast_geoparser
    doc = parser.parse("Police in Springfield said the suspect fled toward Chatham before he was caught near "
                       "Decatur. Sangamon County prosecutors will file charges Friday.")
    assert _state(doc, "Springfield") == "US/IL"  # not the bigger Springfield in Missouri


def test_a_name_found_in_many_states_does_not_pull_a_story_abroad(geoparser):
    doc = geoparser.parse("Leaders from Paris, London and Berlin met in Brussels to discuss sanctions on Moscow.")
    assert [m.place.country_code for m in doc.mentions] == ["FR", "GB", "DE", "BE", "RU"]
