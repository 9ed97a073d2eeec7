"""The article's own evidence: divisions and countries named anywhere, and how close."""

from __future__ import annotations

from geomap.resolve.evidence import read_evidence


def test_divisions_and_countries_named_in_the_text_are_read_whatever_was_extracted(store):
    text = "Quillan is a village in Alberta. It lies far from the Philippines."
    ev = read_evidence(text, [0, text.index("It")], store)
    assert ("CA", "01") in ev.admin1 and "PH" in ev.countries
    town = next(c.place for c in store.lookup("Calgary") if c.place.country_code == "CA")
    assert ev.division(town, "quillan", 0, 7) == 2  # in the mention's sentence
    assert ev.division(town, "quillan", text.index("It"), text.index("It") + 2) == 1  # elsewhere in the article


def test_a_name_is_never_its_own_evidence(store):
    text = "Lebanon is a small city."
    ev = read_evidence(text, [0], store)
    country = next(c.place for c in store.lookup("Lebanon") if c.place.feature_code == "PCLI")
    assert "LB" in ev.countries and ev.country(country, "lebanon", 0, 7) == 0
