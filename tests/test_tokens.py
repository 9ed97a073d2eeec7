"""The token lists of :mod:`geomap.tokens` read what spaCy's tokens say, and the text scans of
:mod:`geomap.extract` find what the regular expressions they stand for find.

Every sentence here is written for these tests.
"""

from __future__ import annotations

import re

import numpy as np

from geomap.tokens import Tokens, title_case

TEXT = ("Crews from Östervik reached the anti-Tessland camp on Monday.\n\n"
        "FLOODS HIT QUILLAN AGAIN.\n\nPolice Arrest Three Men After Chase In Harnwick. The NATO-led patrol left.")


def test_tokens_read_what_spacy_tokens_say(geoparser):
    doc = geoparser.nlp(TEXT)
    tokens = Tokens(doc, TEXT)
    assert len(tokens) == len(doc)
    for t in doc:
        k = t.i
        assert tokens.word(k) == t.text and tokens.lower(k) == t.lower_
        assert (tokens.starts[k], tokens.ends[k]) == (t.idx, t.idx + len(t.text))
        assert tokens.alpha[k] == t.is_alpha and tokens.upper[k] == t.is_upper
        assert bool(tokens.flags.stop[k]) == t.is_stop
        assert tokens.capital[k] == t.text[:1].isupper()  # "Östervik" too
        assert tokens.prev_word(k) == (doc[k - 1].lower_ if k else "")
    sentences = [s.start for s in doc.sents]
    assert [int(tokens.sentence[k]) for k in sentences] == list(range(len(sentences)))


def test_title_case_marks_headlines_and_capitals(geoparser):
    doc = geoparser.nlp(TEXT)
    tokens = Tokens(doc, TEXT)
    flags = tokens.flags
    headline = title_case(tokens.sentence, flags.alpha, flags.stop, flags.capital)
    shouted = title_case(tokens.sentence, flags.alpha, np.ones_like(flags.alpha), flags.upper)
    by_text = {s.text.strip(): int(tokens.sentence[s.start]) for s in doc.sents}
    police = next(i for t, i in by_text.items() if t.startswith("Police"))
    crews = next(i for t, i in by_text.items() if t.startswith("Crews"))
    floods = next(i for t, i in by_text.items() if t.startswith("FLOODS"))
    assert headline[police] and not shouted[police]
    assert shouted[floods]
    assert not headline[crews] and not shouted[crews]


def test_scans_find_what_the_patterns_find():
    from geomap.extract import _DATELINES, _HYPHENATED, _at_line_starts, _hyphenated_words, _whole_names

    text = ("BRUSSELS — The Kent-based firm and its anti-Tessland partners met in Quillan.\n"
            "(Red Oak) -- U.S.-led talks in Quillan Falls, not St.Quillan or Quillanese, went on.\n"
            "QUILLAN, Tessland — well-known x-ray  -Leading e.g.-style")
    assert [m.span() for m in _hyphenated_words(text)] == [m.span() for m in _HYPHENATED.finditer(text)]
    for pattern in (_DATELINES[0], _DATELINES[2]):
        assert [m.span() for m in _at_line_starts(pattern, text)] == [m.span() for m in pattern.finditer(text)]
    names = {"Quillan", "Quillan Falls", "Tessland"}
    pattern = re.compile(r"(?<![\w’'.-])(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
                         + r")(?![\w’-])")
    assert _whole_names(text, names) == [m.span() for m in pattern.finditer(text)]
    assert any(text[a:b] == "Quillan Falls" for a, b in _whole_names(text, names))
