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


def test_chains_read_the_words_one_by_one_would(store):
    """read_evidence reads chains of capitalised words (joined by " " or " of ") in one match each:
    the hits are those of reading the words one after another and joining them at those gaps."""
    import re

    from geomap.gazetteer.names import normalize
    from geomap.resolve.evidence import _MAX_WORDS, _STOP, _WORD, read_evidence

    text = ("Officials in St. Louis of Missouri and the U.S. State of Texas met. The Republic of the Congo, "
            "Kansas City  Missouri; Ohio-based firms, Ind. and IND in Kentucky of Of Georgia.")
    known = store.division_names()
    words = [m.span() for m in _WORD.finditer(text)]
    expected = []
    for i, (a, _) in enumerate(words):
        for j in range(i, min(i + _MAX_WORDS, len(words))):
            if j > i and text[words[j - 1][1] : words[j][0]] not in (" ", " of "):
                break
            b = words[j][1]
            name = text[a:b].rstrip(".") if j == i and not re.fullmatch(r"(?:[A-Z]\.){2,}|[A-Z][a-z]{1,3}\.", text[a:b]) else text[a:b]
            key = normalize(name)
            if key and not (j == i and key in _STOP) and len(key) >= 2 and key in known:
                expected.append((a, a + len(name), key))
    ev = read_evidence(text, [0], store)
    got = {(h.start, h.end, h.name) for hits in (*ev.countries.values(), *ev.admin1.values()) for h in hits}
    got |= {(h.start, h.end, h.name) for _, _, h in ev.admin2}
    assert expected and got <= set(expected) and {e[2] for e in expected} >= {"missouri", "texas"}
