"""Fast recognition: place names found without a neural model (``Geoparser(mode="fast")``).

Capitalised runs of words, found by one regular expression, are looked up in the gazetteer
(longest name first); each match becomes a candidate with cheap features: capitalisation and
position, the words around it ("in", "near", "Mr", "said"), how the gazetteer reads the name
(population, feature type, own or alternate name), whether the article uses it as a common
word or at the end of a person's name. A small learned filter (logistic regression,
``fast_filter.json``, fitted by ``scripts/train_fast_filter.py``) keeps a candidate or drops it.

Region phrases ("the Kursk region"), "the X village of Y" and demonyms are read by regular
expressions; datelines, "Y, X", region words and state bodies are then marked as for given
spans (:func:`geomap.extract.mark_datelines` and its siblings), and the spans go to the same
resolver as the full mode's. Offsets are exact: ``text[s.start:s.end]`` is the name.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from itertools import repeat
from operator import mul
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .descriptions import PLACE_KINDS, describe
from .extract import (FEATURE_AFTER, NAME_ABBREVS, NAME_ARTICLE, NATURAL_CLASSES, NOT_ALONE, OF_PLACE_WORDS, ORG_HEADS,
                      PLACE_PREPOSITIONS, PLACE_VERBS, REGION_MODIFIERS, REGION_WORDS, SETTLEMENT_WORDS, THOROUGHFARES, Span_, add_datelines,
                      described_as_town, degree_after_a_name, district_parts, fit_candidates, holder_before, hyphen_parts,
                      in_natural_name, link_containment, mark_datelines, mark_qualifiers, mark_region_phrases, mark_state_bodies,
                      natural_words, own_name_of, plural_features, postal_pairs, site_spans, states_of, town_in_states, town_of)
from .gazetteer.names import normalize
from .persons import person_names

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable, Container, Iterable, Iterator

    from .gazetteer.store import Candidate, GazetteerStore

__all__ = ["FAST_RULES", "FEATURES", "FILTER_PATH", "FastFilter", "Candidate_", "NameMemo", "fast_candidates", "fast_spans",
           "fast_sentences", "default_filter", "filter_from_model", "join_crossed"]

#: The fast recogniser's rules, in the order they claim text; each can be switched off by name.
FAST_RULES = ("fast-datelines", "fast-region-phrases", "fast-plural-features", "fast-postal-codes", "fast-settlement-of",
              "fast-hyphens", "fast-demonyms", "fast-persons", "fast-names", "fast-described", "fast-same-name",
              "fast-qualified", "fast-district-words", "fast-natural-words", "fast-sites")
FILTER_PATH = Path(__file__).with_name("fast_filter.json")

def _capitals() -> str:
    """A regex class's body (no brackets) for capital letters: "A-Z" and the capitals with diacritics of
    the Latin, Greek and Cyrillic blocks ("Ž" of "Žilina", "Ö", "Đ", "İ", "Ł"), as ranges."""
    codes = [c for c in (*range(0xC0, 0x530), *range(0x1E00, 0x2000)) if chr(c).isupper() or chr(c).istitle()]
    spans: list[list[int]] = []
    for c in codes:
        if spans and c == spans[-1][1] + 1:
            spans[-1][1] = c
        else:
            spans.append([c, c])
    return "A-Z" + "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in spans)


#: Capital letters, for a regex class: ``[{_UP}]`` (ASCII's ``[A-Z]`` would miss "Žilina", "Łódź", "Östersund").
_UP = _capitals()
#: A capitalised word: "Kursk", "U.S.", "Guinea-Bissau", "N’Djamena"; a possessive "’s" is not part of it.
#: What follows its capital: ".S." ("U.S."), "t." ("St. Louis", "Mt.", "Ft."), or the rest of a word.
_WORD_TAIL = (rf"(?:\.(?:[{_UP}]\.)+|(?<=[SMF])t\.(?= [{_UP}])"
              # a possessive inside a run only where a name goes on: "Democratic People’s Republic of Korea"
              rf"|[\w]*(?:-\w+)*(?:['’](?!s\b)\w+)*(?:['’]s(?= [{_UP}]))?)")
_WORD = rf"[{_UP}]{_WORD_TAIL}"
_LINK = r"(?:of|de|del|da|do|upon|on|la|le|el|al|es|ez|and)"
_ARTICLE = NAME_ARTICLE  # "Sharm el-Sheikh", "Ras al-Khaimah", "Deir ez-Zor"
#: A run of words, not inside another word. (Its first capital comes before the look back at what stands
#: before it: the regex engine then skips fast from capital to capital, where a run can start. Same matches.)
_RUN = re.compile(rf"[{_UP}](?<![\w'’.-][{_UP}]){_WORD_TAIL}(?:[ ](?:{_LINK}[ ]|{_ARTICLE})?{_WORD})*")
_INNER_WORD = re.compile(rf"(?:{_ARTICLE})?{_WORD}|{_LINK}")
_ARTICLE_WORD = re.compile(rf"{_ARTICLE}[{_UP}]")


def _opens_name(run: str, a: int, e: int) -> bool:
    """Whether a name may start at the word ``run[a:e]``: a capitalised word, not a function word or
    title ("The", "Mr"), unless written in capitals inside a run that is not ("DR Congo" is no doctor's)."""
    if not run[a].isupper():
        return False
    word = run[a:e]
    return word.lower() not in _FUNCTION or (e - a > 1 and word.isupper() and not run.isupper())


#: Titles in :data:`_FUNCTION` that open place names of two words or more ("Saint Paul", "Prince George",
#: "General Santos", "Queen Creek"); a name opened by a title other than a saint's is read as
#: titled (the filter's ``title_before``): "Prince William" is more often the man than the county.
_NAME_OPENERS = frozenset("saint st prince princess king queen general chief lord lady president governor".split())


def _least_words(run: str, a: int, e: int) -> int:
    """The fewest words a name starting at the word ``run[a:e]`` may have: 1, or 2 after a title
    that opens names (:data:`_NAME_OPENERS`), or 0 where no name starts (:func:`_opens_name`)."""
    if _opens_name(run, a, e):
        return 1
    return 2 if run[a].isupper() and run[a:e].lower() in _NAME_OPENERS else 0


def _capitalised(run: str, a: int) -> bool:
    """Whether the word at ``run[a]`` is capitalised, or a capitalised word after an article ("el-Sheikh")."""
    return run[a].isupper() or (run[a].islower() and _ARTICLE_WORD.match(run, a) is not None)


_SENTENCE_END = re.compile(rf"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[{_UP}0-9])|\n\s*\n")
#: Where a sentence end may start: after a full stop, "!" or "?", or at a line break (found fast: no lookbehind).
_SENTENCE_MARK = re.compile(r"[.!?\n]")
#: A region word ("region", "Oblast"), then the capitalised name and modifier before it ("Kursk border"),
#: not before a capitalised word ("Region Kursk"; case counts there, the word itself is matched in any case).
#: (The lookahead on first letters lets the regex engine skip ahead fast: same matches, half the time.)
_REGION_WORD = re.compile(rf"(?=[{''.join(sorted({w[0] for w in REGION_WORDS}))}])\b(?:{'|'.join(sorted(REGION_WORDS))})\b(?![ ](?-i:[{_UP}]))",
                          re.I)
_REGION_NAME = re.compile(
    rf"(?<![\w'’.-])((?:[{_UP}]\w*(?:-\w+)* ){{0,2}}[{_UP}]\w*(?:-\w+)*)[ ]+(?:(?i:{'|'.join(sorted(REGION_MODIFIERS))})[ ]+)?$")
#: "village of", then the capitalised name after it ("the Donetsk village of Tsukuryne"; the name before
#: it is :func:`~geomap.extract.holder_before`'s).
_SETTLEMENT_OF = re.compile(rf"(?=(?i:[{''.join(sorted({w[0] for w in SETTLEMENT_WORDS}))}]))\b(?i:{'|'.join(sorted(SETTLEMENT_WORDS))})"
                            # ("the city of St. Petersburg": an abbreviated first word)
                            rf"[ ]+of[ ]+((?:(?:{'|'.join(a.rstrip('.') for a in NAME_ABBREVS)})\.?[ ])?[{_UP}]\w+(?:[ ](?:{_ARTICLE})?[{_UP}]\w+){{0,2}})")
#: What follows a settlement word of ``_SETTLEMENT_OF`` after its spaces (a literal the regex engine finds fast).
_OF_NAME = re.compile(rf"of[ ]+[{_UP}]")
_SETTLEMENT_LENGTHS = sorted({len(w) for w in SETTLEMENT_WORDS})
#: The region words that no other one begins with ("region" for "regions"), found in lower case.
_REGION_STEMS = sorted(w for w in REGION_WORDS if not any(v != w and w.startswith(v) for v in REGION_WORDS))
_ASCII_LETTER = re.compile(r"[a-z]", re.I)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_LAST_WORD = re.compile(r"(?<!\w)(\w+)\.$")  # "Dr.", and the "S." of "U.S."
#: Abbreviations a sentence rarely ends with.
_ABBREVIATIONS = frozenset("mr mrs ms dr st mt ft gen gov sen rep lt col capt sgt prof rev jr sr vs no nos inc corp co ltd "
                           "jan feb mar apr jun jul aug sep sept oct nov dec".split())
_PREV_WORD = re.compile(r"([\w.'’]+)\W*$")  # the reference for prev_word(), which reads it faster
_WORD_MARKS = frozenset("_.'’")  # with the letters and digits, what _PREV_WORD's word is made of
_NEXT_WORD = re.compile(r"\W*?([\w'’]+)")
#: Capitalised function words and titles: a run's first word is looked up only past them.
_FUNCTION = frozenset(
    "a an the in on at to of for from by with and or but if as so it its he she we they i you this that these those "
    "there here then when where while after before during since until about over under into onto upon than "
    "his her their our my your who what which why how all any some no not yes one two many most more each every "
    "mr mrs ms dr sir madam president minister secretary general gen governor gov senator sen rep mayor judge "
    "prime chief king queen prince princess pope saint st lt col capt sgt officer professor prof coach "
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july august "
    "september october november december today yesterday tomorrow".split())
#: Words before a name that make it a person's ("Mr Austin", "Senator Warren").
_TITLES = frozenset("mr mrs ms miss dr sir lady lord president minister secretary general governor senator rep mayor "
                    "judge king queen prince princess pope chancellor spokesman spokeswoman spokesperson coach "
                    "captain officer professor sen gov gen col sgt lt capt chief director".split())
#: Words after a name that make it a person's ("Austin said").
_SPEECH = frozenset("said says told added asked wrote stated argued explained noted warned claimed announced who whose "
                    "believes thinks wants".split())
#: Features of a candidate, in the order of the filter's weights.
FEATURES = (
    "pop", "country", "admin1", "capital", "region", "natural", "site", "alt_only", "readings", "words",
    "run_before", "run_after", "sent_start", "prep_before", "the_before", "of_before", "title_before",
    "speech_after", "qualified", "all_caps", "acronym", "lower_in_text", "person_elsewhere", "described",
    "repeated", "line_alone", "possessive", "listed", "alone", "given_name", "famous_start",
)
#: A word of :data:`NOT_ALONE`, capitalised, as a name of its own that a description may follow ("Union is a").
_DESCRIBED_WORD = re.compile(r"(?<![\w’'.-])(" + "|".join(sorted((w.title() for w in NOT_ALONE), key=len, reverse=True))
                             + r")(?=,? (?:is|was|a|an) )")
#: Abbreviated first words of names ("St. Louis"), never a name alone: :data:`~geomap.extract.NAME_ABBREVS`.
_ABBREVIATED = frozenset(a.rstrip(".").lower() for a in NAME_ABBREVS)
#: What stands between two names of a list: "Lyon and Grenoble", "Oslo, Bergen or Tromsø".
_LIST_GAPS = frozenset((", ", " and ", ", and ", " or ", ", or ", " & "))


@dataclass(slots=True)
class Candidate_:
    """A gazetteer match the filter judges: the span it would be, and its features."""

    span: Span_
    features: dict[str, float]


@dataclass(frozen=True, slots=True)
class FastFilter:
    """Logistic regression over :data:`FEATURES`: the probability that a match is a place."""

    weights: dict[str, float]
    bias: float
    threshold: float = 0.5

    def probability(self, features: dict[str, float]) -> float:
        # the products in the features' order, summed as a list of them was (same bits)
        z = self.bias + sum(map(mul, map(self.weights.get, features, repeat(0.0)), features.values()))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    @classmethod
    def load(cls, path: str | Path) -> "FastFilter":
        d = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(weights={k: float(v) for k, v in d["weights"].items()}, bias=float(d["bias"]),
                   threshold=float(d.get("threshold", 0.5)))


_DEFAULT: list[FastFilter] = []


class _EveryName:
    """Holds every name: :attr:`NameMemo.demonym_names` of a store that cannot list its demonyms."""

    def __contains__(self, name: object) -> bool:
        return True


_EVERY_NAME = _EveryName()


#: :meth:`NameMemo.read_run`'s reading of a run of capitalised words.
_RunPlan = tuple[list[tuple[int, int]], list[tuple[bool, int, int, int, Any]], "str | None"]


class NameMemo:
    """What the recogniser learns from the store, kept across a run's texts (:class:`geomap.Geoparser`
    keeps one per store): for each name, the candidates the way it is written allows, their
    readings for the filter, whether it is a demonym or a custom place's name; for each run of
    capitalised words, how it reads (:meth:`read_run`). All of it depends on the name or the run
    alone, never on the text around it. Bounded: each table is emptied when it holds ``maxsize``."""

    __slots__ = ("store", "maxsize", "fitted", "demonyms", "readings", "custom", "runs", "matches", "demonym_names")

    def __init__(self, store: "GazetteerStore", maxsize: int = 200_000) -> None:
        self.store, self.maxsize = store, maxsize
        self.fitted: "dict[str, list[Candidate]]" = {}
        self.demonyms: dict[str, bool] = {}
        self.readings: dict[str, dict[str, float]] = {}
        self.custom: dict[str, bool] = {}
        self.runs: "dict[tuple[str, bool], _RunPlan]" = {}
        self.matches: "dict[tuple[str, int, int], _MatchShape]" = {}
        #: every demonym the store has (normalised), read on first need: most words are none
        self.demonym_names: "Container[str] | None" = None

    def read_run(self, run: str, demonyms: bool = True) -> "_RunPlan":
        """How :meth:`_Recogniser.names` reads one run of capitalised words, offsets relative to
        the run: its words; the demonyms and gazetteer matches found in it, left to right, as
        (is a demonym, first word, start, end, candidates, or for a demonym whether it names a
        place); and the surname it makes known ("Lloyd Austin": "austin"), if any. Read from the
        run's text alone, so it is kept for the next run of the same words."""
        found = self.runs.get((run, demonyms))
        return found if found is not None else self._keep(self.runs, (run, demonyms), self._plan(run, demonyms))

    def prefetch(self, runs: "list[str]") -> None:
        """Let the store learn in one query which of the names :meth:`read_run` could look up in
        the runs it has none of (:meth:`~geomap.gazetteer.store.GazetteerStore.prefetch`), before
        they are looked up one by one: most come to nothing. Names looked up already (kept here)
        are not asked again. Only the store's speed changes."""
        prefetch = getattr(self.store, "prefetch", None)
        if prefetch is None:
            return
        names, fitted = [], self.fitted
        for run in runs:
            words = [w.span() for w in _INNER_WORD.finditer(run)]
            for i, (a, e) in enumerate(words):
                least = _least_words(run, a, e)
                if not least:
                    continue  # no name is looked up from here (_plan)
                for k in range(i + least - 1, min(i + 6, len(words))):
                    if _capitalised(run, words[k][0]):  # nor one that ends in "of"
                        name = run[a : _name_end(run, words[k][1])]
                        if name not in fitted:
                            names.append(name)
        if names:
            prefetch(names)

    def _plan(self, run: str, demonyms: bool) -> "_RunPlan":
        words = [w.span() for w in _INNER_WORD.finditer(run)]
        steps: list[tuple[bool, int, int, int, Any]] = []
        owner = [-1] * len(words)  # the match (or demonym) each word is part of
        i = 0
        while i < len(words):
            a = words[i][0]
            least = _least_words(run, a, words[i][1])
            if not least:
                i += 1
                continue
            n, demonym = 0, None
            if demonyms:  # "North Korean", "Kuwaiti": taken as one
                for k in (2, 1):
                    if i + k <= len(words):
                        b = words[i + k - 1][1]
                        name = run[a:b]
                        if self.is_demonym(name):
                            demonym = (True, i, a, b, not (name.endswith("s") and self.is_demonym(name[:-1])))
                            n = k
                            break
            # the longest gazetteer name at word i, if longer than a demonym there ("British Columbia", "Indian Ocean")
            for k in range(min(6, len(words) - i), max(n, least - 1), -1):
                if not _capitalised(run, words[i + k - 1][0]):
                    continue  # a name does not end in "of"
                b = _name_end(run, words[i + k - 1][1])
                name = run[a:b]
                if k == 1 and (name.lower() in NOT_ALONE or name.lower().rstrip(".") in _ABBREVIATED or (
                        name.lower() in ORG_HEADS and i + 1 < len(words) and run[words[i + 1][0] : words[i + 1][1]] == "of")):
                    break  # (nor "University" of "the University of Georgia": a body, which some town is called)
                cands = self.lookup(name)
                if cands:
                    demonym, n = None, k
                    first, last = _natural_around(run, words, i, k)
                    if first == i and last == i + k:
                        steps.append((False, i, a, b, cands))
                    else:  # "Lake Victoria", "Ohio River": part of a natural feature's name, never the place
                        a, n = words[first][0], last - i
                        for k in range(first, i):
                            owner[k] = a  # ("Lake" too: no surname "victoria" from "Lake Victoria")
                    break
            if demonym is not None:
                steps.append(demonym)
            for k in range(i, i + n):
                owner[k] = a
            i += n or 1
        # "Lloyd Austin", "Mark Rutte": the last of two or more capitalised words no place holds
        # together is a surname wherever else it stands
        surname = None
        if len(words) >= 2 and (owner[-1] < 0 or owner[-1] != owner[-2]):
            before = run[words[-2][0] : words[-2][1]]
            last = run[words[-1][0] : words[-1][1]].lower()
            if (before[:1].isupper() and before.lower() not in _FUNCTION and last not in _FUNCTION
                    and not before.endswith(("'s", "’s"))):
                surname = last
        return words, steps, surname

    def _keep(self, table: dict[Any, Any], key: Any, value: Any) -> Any:
        """``value``, kept in ``table`` as ``key``'s (the table is emptied when it holds ``maxsize`` entries)."""
        if len(table) >= self.maxsize:
            table.clear()
        table[key] = value
        return value

    def match_shape(self, run: str, words: list[tuple[int, int]], i: int, end: int) -> "_MatchShape":
        """What the filter's features read from a match's run alone (:data:`_MatchShape`), for the
        match from word ``i`` to offset ``end`` of ``run`` (whose ``words`` are :meth:`read_run`'s)."""
        found = self.matches.get((run, i, end))
        return found if found is not None else self._keep(self.matches, (run, i, end),
                                                          _match_shape(self, run, words, i, end))

    def is_custom_name(self, name: str) -> bool:
        """The store's :meth:`~geomap.gazetteer.store.GazetteerStore.is_custom_name`, kept."""
        found = self.custom.get(name)
        return found if found is not None else self._keep(self.custom, name, self.store.is_custom_name(name))

    def readings_of(self, name: str) -> dict[str, float]:
        """:func:`_readings` of the name's candidates, a fresh dict each time."""
        found = self.readings.get(name)
        return dict(found if found is not None else self._keep(self.readings, name, _readings(self.lookup(name))))

    def lookup(self, name: str) -> "list[Candidate]":
        found = self.fitted.get(name)
        return found if found is not None else self._keep(
            self.fitted, name, fit_candidates(name, self.store.lookup(name)) if name.strip() else [])

    def is_demonym(self, name: str) -> bool:
        found = self.demonyms.get(name)
        return found if found is not None else self._keep(self.demonyms, name, self._is_demonym(name))

    def _is_demonym(self, name: str) -> bool:
        """Whether the store has ``name`` as a demonym: a set test first (the store's
        :meth:`~geomap.gazetteer.store.GazetteerStore.demonym_names`, when it has them), the
        lookup only for a name in it."""
        if self.demonym_names is None:
            names = getattr(self.store, "demonym_names", None)
            self.demonym_names = names() if names is not None else _EVERY_NAME
        if normalize(name) not in self.demonym_names:
            return False
        return bool(self.store.lookup(name, kinds=["demonym"]))


def _natural_around(run: str, words: list[tuple[int, int]], i: int, k: int) -> tuple[int, int]:
    """The words (first, past the last) of the natural feature's name that the name of words ``i``
    to ``i + k`` of ``run`` is part of, or ``(i, i + k)`` when it is none's: capitalised words
    around it that make it part of one ("Lake Victoria", "Ohio River", "Gulf of Oman"), as in
    the full extractor."""
    first, last = i, i + k
    if i > 0 and in_natural_name(run, words[i][0]):  # "Lake Victoria", "Mt. Kenya", "Gulf of Oman"
        first = i - 2 if i > 1 and run[words[i - 1][0] : words[i - 1][1]] == "of" else i - 1
    if last < len(words) and run[words[last][0] : words[last][1]].lower() in FEATURE_AFTER:
        last += 1
    return first, last


def _name_end(run: str, end: int) -> int:
    """Where a name that ends with the word ending at ``end`` of ``run`` ends: before a possessive
    ("Russia’s Kursk": "Russia")."""
    return end - 2 if run.endswith(("'s", "’s"), 0, end) else end


#: Words of streets and squares named after a place, which are not that place: "London Road", "Tahrir Square".
_STREET_WORDS = THOROUGHFARES | {"square", "plaza"}


def _street_after(text: str, end: int) -> bool:
    """Whether a capitalised word of a street or square follows the name ending at ``end`` ("London
    Road", "Trafalgar Square": not the town of Trafalgar)."""
    m = _NEXT_WORD.match(text, end, end + 16)
    return m is not None and m.group(1)[:1].isupper() and m.group(1).casefold() in _STREET_WORDS


def default_filter() -> FastFilter:
    """The shipped filter (``fast_filter.json``), read once."""
    if not _DEFAULT:
        _DEFAULT.append(FastFilter.load(FILTER_PATH))
    return _DEFAULT[0]


def prev_word(text: str, start: int) -> str:
    """The word before ``start`` (within 30 characters), lower case, without a final dot: what
    ``_PREV_WORD.search(text, start - 30, start)`` finds, read back from ``start`` instead of
    tried at every offset of the window (the regular expression's leftmost match is the run of
    word characters, dots and apostrophes around the last word character)."""
    lo = max(0, start - 30)
    k = start - 1
    while k >= lo and not (text[k].isalnum() or text[k] == "_"):  # back over non-word characters
        k -= 1
    if k < lo:  # no word character: the expression's own answer (a lone dot or quote, or none)
        m = _PREV_WORD.search(text, lo, start)
        return m.group(1).lower().rstrip(".") if m else ""
    i, j = k, k + 1
    while i > lo and (text[i - 1].isalnum() or text[i - 1] in _WORD_MARKS):
        i -= 1
    while j < start and (text[j].isalnum() or text[j] in _WORD_MARKS):
        j += 1
    return text[i:j].lower().rstrip(".")


def _matches_at(pattern: "re.Pattern[str]", text: str, starts: Iterable[int]) -> Iterator["re.Match[str]"]:
    """``pattern.finditer(text)`` tried only at ``starts`` (ascending): the same matches when each
    match of ``pattern`` starts at one of them and none is empty. (The regex engine tries a pattern
    that opens with a lookaround at every offset of the text; a scan for a literal or a set of
    characters, which it does fast, finds the few offsets worth trying.)"""
    end = 0
    for p in starts:
        if p >= end:
            m = pattern.match(text, p)
            if m is not None:
                end = m.end()
                yield m


def _sentence_end_starts(text: str) -> Iterator[int]:
    """Where ``_SENTENCE_END`` may match: after a full stop, "!" or "?", and at a line break."""
    return (m.start() if m.group() == "\n" else m.end() for m in _SENTENCE_MARK.finditer(text))


def _settlement_of_starts(text: str) -> list[int]:
    """Where ``_SETTLEMENT_OF`` may match: a settlement word's length before the spaces before
    an "of" and a capital ("village  of Tsukuryne")."""
    starts = set()
    for m in _OF_NAME.finditer(text):
        q = m.start()
        while q and text[q - 1] == " ":
            q -= 1
        if q < m.start():
            starts.update(q - n for n in _SETTLEMENT_LENGTHS if n <= q)
    return sorted(starts)


def _region_words(text: str) -> Iterator["re.Match[str]"]:
    """``_REGION_WORD.finditer(text)``, tried only where the text in lower case has a region word:
    the same matches, unless a character other than an ASCII letter is one when case is ignored
    (the regex engine takes "ſ" for "s", which ``lower()`` keeps): such a text is searched through."""
    low = text.lower()
    if len(low) != len(text) or (  # offsets moved ("İ" lower-cased is two characters)
            not text.isascii() and any(_ASCII_LETTER.match(c) for c in set(_NON_ASCII.findall(text)))):
        return _REGION_WORD.finditer(text)
    starts = []
    for stem in _REGION_STEMS:
        i = low.find(stem)
        while i >= 0:
            starts.append(i)
            i = low.find(stem, i + 1)
    return _matches_at(_REGION_WORD, text, sorted(starts))


def fast_sentences(text: str) -> list[tuple[int, int]]:
    """Sentences as (start, end) character ranges without surrounding whitespace: a cut after
    ".", "!" or "?" (and closing quotes) before a capital or a digit, and at blank lines."""
    out, a = [], 0
    for m in _matches_at(_SENTENCE_END, text, _sentence_end_starts(text)):
        word = _LAST_WORD.search(text, max(0, m.start() - 12), m.start())
        if word is not None and (len(word.group(1)) == 1 or word.group(1).lower() in _ABBREVIATIONS):
            continue  # "Dr. Smith", "J. Smith", "St. Louis": no sentence ends there
        out.append((a, m.start()))
        a = m.end()
    out.append((a, len(text)))
    trimmed = []
    for a, b in out:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            trimmed.append((a, b))
    return trimmed or [(0, len(text))]


def join_crossed(sentences: list[tuple[int, int]], spans: list[Span_]) -> list[tuple[int, int]]:
    """``sentences`` with those a span runs across joined ("U.S. Virgin Islands" cut after "U.S."):
    every mention then lies inside one sentence."""
    out = list(sentences)
    starts = [a for a, _ in out]  # sorted: sentences are in text order and do not overlap
    for sp in spans:
        k = bisect_right(starts, sp.start) - 1  # the one sentence that may hold the span's start
        i = k if k >= 0 and sp.start < out[k][1] else None
        while i is not None and i + 1 < len(out) and sp.end > out[i][1]:
            out[i : i + 2] = [(out[i][0], out[i + 1][1])]
            del starts[i + 1]
    return out


def _readings(cands: "list[Candidate]") -> dict[str, float]:
    """What the gazetteer says the name is: its biggest population and the kinds of place it names."""
    own = [c for c in cands if c.name_kind in ("name", "abbr", "alt")]
    codes = {c.place.feature_code for c in own}
    classes = {c.place.feature_class for c in own}
    pop = max((c.place.population for c in own), default=0)
    return {
        "pop": math.log10(pop + 1) / 7,
        "country": float(any(code.startswith("PCL") for code in codes)),
        "admin1": float("ADM1" in codes),
        "capital": float("PPLC" in codes),
        "region": float(bool(codes & {"CONT", "RGN"})),
        "natural": float(bool(classes & NATURAL_CLASSES)),
        "site": float("S" in classes),
        "alt_only": float(not any(c.name_kind in ("name", "abbr") for c in own)),
        "readings": math.log1p(len(own)) / 5,
    }


#: A gazetteer match in a run of capitalised words: start, end, run index, first word's index, candidates.
_Match = tuple[int, int, int, int, "list[Candidate]"]
#: :meth:`NameMemo.match_shape`: the filter's features up to "given_name" (the name's readings, its
#: words, a run before and after it, a first name before a surname), whether a title opens the run
#: and whether one opens the match itself (what "title_before" reads of the run alone), "all_caps",
#: "acronym", "alone", whether the match ends the run, and its last word in lower case.
_MatchShape = tuple[dict[str, float], bool, bool, float, float, float, bool, str]


def _match_shape(memo: NameMemo, run: str, words: list[tuple[int, int]], i: int, end: int) -> _MatchShape:
    name = run[words[i][0] : end]
    n_words = 0  # the words of the run inside the match: from word i on (a possessive's word is not)
    for w in words[i:]:
        if w[1] > end:
            break
        n_words += 1
    letters = name.replace(".", "")
    upper = letters.isupper()
    f = memo.readings_of(name)  # the same as _readings(cands): cands are lookup(name)
    f["words"] = n_words - 1.0
    f["run_before"] = 1.0 if i > 0 and run[words[i - 1][0]].isupper() else 0.0
    f["run_after"] = 1.0 if i + n_words < len(words) else 0.0
    f["given_name"] = 1.0 if n_words == 1 and _given_name(run, words, i) else 0.0
    # "Senator Jordan Hamilton" (a title opens a run of names, no "of" in it)
    titled = i > 0 and run[words[0][0] : words[0][1]].lower() in _TITLES and all(run[w[0]].isupper() for w in words)
    # "Prince William", "Prince George": a title opens the name (not "DR" of "DR Congo": see _opens_name)
    first = run[words[i][0] : words[i][1]]
    opened = first.lower() in _TITLES and not _opens_name(run, words[i][0], words[i][1])
    return (f, titled, opened, 1.0 if upper and len(letters) > 4 else 0.0, 1.0 if upper and len(letters) <= 4 else 0.0,
            1.0 if len(words) == 1 else 0.0, i + n_words == len(words), name.rsplit(None, 1)[-1].lower())


def _given_name(run: str, words: list[tuple[int, int]], i: int) -> bool:
    """Word ``i`` of ``run`` is a common first name and the next a common surname, or a common
    surname after a common first name: "Victoria Beckham", "Charlotte Smith", "Hamilton" of
    "Jordan Hamilton" (the US Census lists of :func:`person_names`)."""
    first, last = person_names()
    word = run[words[i][0] : words[i][1]].lower()
    before = run[words[i - 1][0] : words[i - 1][1]].lower() if i > 0 else ""
    if word in last and before in first and before not in _FUNCTION and run[words[i - 1][0]].isupper():
        return True  # "Hamilton" of "Jordan Hamilton" (not "In Rau", "Many Brooklyn")
    if i + 1 >= len(words) or not run[words[i + 1][0]].isupper():
        return False
    return word in first and run[words[i + 1][0] : words[i + 1][1]].lower() in last


class _Recogniser:
    """One text's rules: the spans they take for sure, and the matches left for the filter."""

    def __init__(self, text: str, store: "GazetteerStore", disable: "Container[str]",
                 sentences: "list[tuple[int, int]] | None", memo: NameMemo | None = None) -> None:
        self.text, self.store, self.disable = text, store, disable
        self.starts = [a for a, _ in (sentences if sentences is not None else fast_sentences(text))]
        self.memo = memo if memo is not None and memo.store is store else NameMemo(store)
        self.lookup = self.memo.lookup  # the candidates the way a name is written allows
        self.is_demonym = self.memo.is_demonym
        self.taken = bytearray(len(text))
        self.sure: list[Span_] = []
        self.runs: list[tuple[int, str, list[tuple[int, int]]]] = []  # each matched run's start, text and words in it
        self.matches: list[_Match] = []
        self.person_words: set[str] = set()
        self.lower: dict[str, bool] = {}  # has_lower's answers for this text

    # -- helpers -----------------------------------------------------------
    def free(self, a: int, b: int) -> bool:
        return not any(self.taken[a:b])

    def take(self, span: Span_) -> Span_ | None:
        if span.end <= span.start or not self.free(span.start, span.end):
            return None
        self.taken[span.start : span.end] = b"\x01" * (span.end - span.start)
        self.sure.append(span)
        return span

    def has_lower(self, name: str) -> bool:
        """Whether ``name`` also stands in the text in lower case, as a word ("reading", "nice")."""
        found = self.lower.get(name)
        if found is None:
            found = self.lower[name] = self._has_lower(name)
        return found

    def _has_lower(self, name: str) -> bool:
        word, text = name.lower(), self.text
        if word == name:
            return False
        i = text.find(word)
        while i >= 0:
            j = i + len(word)
            if not (i and text[i - 1].isalnum()) and not (j < len(text) and text[j].isalnum()):
                return True
            i = text.find(word, i + 1)
        return False

    def prev_word(self, start: int) -> str:
        return prev_word(self.text, start)

    def next_word(self, end: int) -> str:
        m = _NEXT_WORD.match(self.text, end, end + 30)
        return m.group(1).lower() if m else ""

    def sentence_start(self, start: int) -> bool:
        i = bisect_right(self.starts, start) - 1
        return i < 0 or not self.text[self.starts[i] : start].strip(" \"'“‘(")

    # -- rules ---------------------------------------------------------------
    def described_words(self) -> None:
        """"Union is a city in Ohio": a word never read alone as a name (:data:`NOT_ALONE`) that the
        sentence calls a town, and a town bears as its own name (the full extractor's rule)."""
        text = self.text
        for m in _DESCRIBED_WORD.finditer(text):
            a, b = m.span(1)
            before = text[max(0, a - 30) : a].rsplit(None, 1)
            if before and before[-1][:1].isupper() and before[-1][-1:].isalpha():
                continue  # "Concord West is a suburb": the last word of a name
            if self.free(a, b) and described_as_town(text, a, b, self.lookup):
                self.take(Span_(a, b, "toponym", "fast:described", m.group(1)))

    def region_phrases(self) -> None:
        """"the Kursk (border) region", "Donetsk Oblast": the division, as a region phrase."""
        text = self.text
        for r in _region_words(text):
            word = r.group()
            if word[0].isupper() and word.lower() in ("state", "states"):
                continue  # "Islamic State", "United States": part of a name
            m = _REGION_NAME.search(text, max(0, r.start() - 80), r.start())
            if m is None:
                continue
            words = list(re.finditer(r"\S+", m.group(1)))
            for k in range(len(words)):  # "Eastern Kharkiv region": drop leading words until a division is named
                a = m.start(1) + words[k].start()
                name = text[a : m.end(1)]
                if not name[:1].isupper() or name.lower() in NOT_ALONE:
                    continue
                cands = [c for c in self.lookup(name) if c.place.feature_code in ("ADM1", "ADM2", "ADMD", "RGN")]
                if word.lower() in ("state", "states") and not any(c.name_kind in ("name", "alt") for c in cands):
                    cands = []
                if cands:
                    self.take(Span_(a, r.end(), "region-phrase", "fast:region", name, designator=word.lower()))
                    break

    def settlement_of(self) -> None:
        """"the Donetsk village of Tsukuryne": Tsukuryne lies in Donetsk (a division)."""
        text = self.text
        for m in _matches_at(_SETTLEMENT_OF, text, _settlement_of_starts(text)):
            if m.group()[0].isupper() and self.lookup(m.group()):
                continue  # "City of London": the whole is a name
            outer = None
            held = holder_before(text, m.start(), self.lookup)  # "the West Bank city of", "the Donetsk village of"
            if held is not None:
                outer = self.take(Span_(*held, "toponym", "fast:settlement-of", text[held[0] : held[1]], prefer_admin1=True))
            if self.lookup(m.group(1)):
                self.take(Span_(m.start(1), m.end(1), "toponym", "fast:settlement-of", m.group(1), inside=outer))

    def names(self) -> None:
        """Each run of capitalised words, read from the left: a demonym, else the longest name the
        gazetteer has (up to four words), else the next word (:meth:`NameMemo.read_run`, once per
        run of words: what follows only moves its answer to the run's place in the text)."""
        text = self.text
        demonyms = "fast-demonyms" not in self.disable
        read_run, plans = self.memo.read_run, self.memo.runs
        found = [((m.group(), demonyms), m.start()) for m in _RUN.finditer(text)]  # each run's key in plans
        new = [key[0] for key, _ in found if key not in plans]
        if new:
            self.memo.prefetch(list(dict.fromkeys(new)))
        for key, s in found:
            rel, steps, surname = plans.get(key) or read_run(*key)
            if steps:  # (features read the runs that have matches)
                r = len(self.runs)
                self.runs.append((s, key[0], rel))
                for demonym, i, x, y, what in steps:
                    a, b = s + x, s + y
                    if not demonym:
                        if text[b : b + 2] in ("'s", "’s") and self.owns_possessive(a, b + 2):
                            b += 2  # "St. John's": the city's own name, not St. John's something
                        elif text[b : b + 1] == " " and _street_after(text, b):
                            continue  # "London Road": a street named after the city, not the city
                        self.matches.append((a, b, r, i, what))
                    elif what and self.free(a, b):  # a plural ("Mexicans") names people: no mention
                        self.take(Span_(a, b, "demonym", "fast:demonym", text[a:b]))
            if surname is not None:
                self.person_words.add(surname)

    def owns_possessive(self, a: int, b: int) -> bool:
        """Whether a place's own name is ``text[a:b]``, which ends in a possessive ("St. John's")."""
        return own_name_of(self.text[a:b], self.memo.lookup(self.text[a:b]))

    # -- features --------------------------------------------------------------
    def candidates(self) -> list[Candidate_]:
        """Every match no rule took, with its features."""
        text, matches = self.text, self.matches
        keys = [normalize(text[m[0] : m[1]]) for m in matches]
        counts = Counter(keys)
        # a list's gap between a match and the one before it ("Lyon and Grenoble"): matches are in text
        # order and open with a capital, which no gap holds, so a gap can only join neighbours
        listed = [False] * len(matches)
        for k in range(1, len(matches)):
            if text[matches[k - 1][1] : matches[k][0]] in _LIST_GAPS:
                listed[k - 1] = listed[k] = True
        return [Candidate_(Span_(m[0], m[1], "toponym", "fast:name", text[m[0] : m[1]]),
                           self.features(m, counts[key] > 1, gap))
                for m, key, gap in zip(matches, keys, listed) if self.free(m[0], m[1])]

    def features(self, match: _Match, repeated: bool, listed: bool) -> dict[str, float]:
        """The filter's features of one match (:data:`FEATURES`), given whether its name stands in
        the text more than once and whether a list's gap joins it to another match."""
        text = self.text
        a, b, r, i, _ = match
        name = text[a:b]
        s, run, words = self.runs[r]  # the words' offsets are the run's
        shape, titled, opened, all_caps, acronym, alone, last, last_word = self.memo.match_shape(run, words, i, b - s)
        prev = prev_word(text, a)  # (self.prev_word and self.next_word, without the method calls)
        nxt = _NEXT_WORD.match(text, b, b + 30)
        nxt = nxt.group(1).lower() if nxt else ""
        line_start = text.rfind("\n", 0, a) + 1
        line_end = text.find("\n", b)
        line_end = len(text) if line_end < 0 else line_end
        after = text[b : b + 2]
        start = self.sentence_start(a)
        # (a verb whose object is a place as surely: "shelled Quillan", "flooded Tessbury")
        # (and "residents of", "the outskirts of", "parts of": the full extractor's words before an "of")
        placed = prev in PLACE_PREPOSITIONS or prev in PLACE_VERBS or (
            prev == "of" and _OF_PLACE.search(text, max(0, a - 30), a) is not None)
        return {
            **shape,  # the readings, "words", "run_before", "run_after": from the run alone
            "sent_start": 1.0 if start else 0.0,
            # "Paris has banned…", "Kyiv said": a country or a city of a million opening a sentence
            "famous_start": 1.0 if start and (shape["country"] or shape["pop"] >= _MILLION) else 0.0,
            "prep_before": 1.0 if placed else 0.0,
            "the_before": 1.0 if prev == "the" else 0.0,
            "of_before": 1.0 if prev == "of" else 0.0,
            # "Mr Austin"; "Senator Jordan Hamilton" (a title opens a run of names, no "of" in it);
            # "Prince William visited…" (a title opens the name), but not "in Prince George"
            "title_before": 1.0 if prev in _TITLES or titled or (opened and not placed) else 0.0,
            # (not "the mayor of Chicago said", "officials in Kyiv said": the speaker comes before the name)
            "speech_after": 1.0 if nxt in _SPEECH and prev != "of" and prev not in PLACE_PREPOSITIONS else 0.0,
            "qualified": 1.0 if after == ", " and text[b + 2 : b + 3].isupper() else 0.0,
            "all_caps": all_caps,
            "acronym": acronym,
            "lower_in_text": 1.0 if self.has_lower(name) else 0.0,
            # (not a country, state, capital or city of a million: "Though London's" makes no surname of it)
            "person_elsewhere": 1.0 if last_word in self.person_words and last and not _famous(shape) else 0.0,
            "alone": alone,
            "described": 1.0 if describe(text, a, b) in PLACE_KINDS else 0.0,
            "repeated": 1.0 if repeated else 0.0,
            "line_alone": 1.0 if line_end - line_start <= 60 and text[line_end - 1 : line_end] not in ".!?\"”" else 0.0,
            "possessive": 1.0 if after in ("'s", "’s") else 0.0,
            "listed": 1.0 if listed else 0.0,
        }


def fast_candidates(text: str, store: "GazetteerStore", disable: "Container[str]" = (),
                    sentences: "list[tuple[int, int]] | None" = None,
                    memo: NameMemo | None = None) -> tuple[list[Span_], list[Candidate_]]:
    """The spans the rules take for sure (region phrases, "the X village of Y", demonyms) and
    the gazetteer matches for the filter to judge, each with its features. ``sentences`` are
    :func:`fast_sentences`'s when the caller has them; ``memo`` keeps the store's answers
    across texts (one for ``store``)."""
    rec = _Recogniser(text, store, disable, sentences, memo)
    if "fast-datelines" not in disable:  # "ROME —", "SPRINGFIELD, Ill. (AP) -": the full extractor's rule
        add_datelines(text, rec.memo.store.lookup, rec.lookup, rec.take)
    if "fast-described" not in disable:
        rec.described_words()
    if "fast-region-phrases" not in disable:
        rec.region_phrases()
    if "fast-plural-features" not in disable:
        for span in plural_features(text, rec.lookup, "fast:plural"):
            rec.take(span)
    if "fast-postal-codes" not in disable:
        for town, state in postal_pairs(text, rec.lookup, "fast:qualified"):
            if rec.free(town.start, town.end) and rec.free(state.start, state.end):
                rec.take(town)
                rec.take(state)
    if "fast-settlement-of" not in disable:
        rec.settlement_of()
    if "fast-sites" not in disable:  # "Royal Street in New Orleans": the full extractor's rule (no NER: no persons known)
        for span in site_spans(text, lambda name: False, "fast:site"):
            rec.take(span)
    if "fast-hyphens" not in disable:  # "Kent-based", "Russian-backed", "U.S.-led": the full extractor's rule
        for span in hyphen_parts(text, rec.lookup, rec.is_demonym, rec.free, _FUNCTION.__contains__, "fast:hyphen"):
            rec.take(span)
    rec.names()
    return rec.sure, rec.candidates()


def fast_spans(text: str, store: "GazetteerStore", *, disable: "Container[str]" = (),
               place_filter: FastFilter | None = None, sentences: "list[tuple[int, int]] | None" = None,
               memo: NameMemo | None = None) -> list[Span_]:
    """Candidate mentions of places in ``text``, in text order, non-overlapping, marked for the
    resolver as the full extractor marks given spans. The filter's probability is in the label
    (``fast:name p=0.93``), so ``--explain`` shows what kept the name. ``memo`` (a
    :class:`NameMemo` of ``store``) keeps the store's answers across a run's texts."""
    flt = place_filter or default_filter()
    if memo is None or memo.store is not store:
        memo = NameMemo(store)
    sure, judged = fast_candidates(text, store, disable, sentences, memo)
    spans = list(sure)
    if "fast-names" in disable:
        judged = []
    left = []
    surnamed: set[int] = set()  # ids of spans the filter kept whose name the article also gives a person
    persons = "fast-persons" not in disable
    described = "fast-described" not in disable
    for c in judged:
        f = c.features
        p = flt.probability(f)
        # "Senator Jordan", "Mr Hamilton"; "Hamilton said" after "Jordan Hamilton"
        person = persons and (f["title_before"] or (f["person_elsewhere"] and f["alone"] and not f["prep_before"]))
        if described and f["described"] and not f["title_before"]:
            c.span.label = f"fast:described p={p:.2f}"  # "Springfield is a town in…": the sentence says so
        elif not f["title_before"] and memo.is_custom_name(c.span.lookup):
            c.span.label = f"fast:custom p={p:.2f}"  # the user's own place (``geomap gazetteer add``)
        elif p >= flt.threshold and not person and not degree_after_a_name(text, c.span.start, c.span.end, memo.lookup):
            c.span.label = f"fast:name p={p:.2f}"  # not "Laura Quillan, MD": a degree
            if f["person_elsewhere"]:
                surnamed.add(id(c.span))
        else:
            left.append((c, p))
            continue
        spans.append(c.span)
    if "fast-same-name" not in disable:
        # a name the article uses as a place is a place wherever else it stands, unless a person's
        # title comes before it, speech after it ("Mr Springfield said") or a surname ("Sydney Sweeney");
        # a name it also gives a person ("John Kelly") only where more than the filter placed it
        # ("fatigue at Kelly's attempts" places no other "Kelly")
        placed = {normalize(s.lookup) for s in spans
                  if s.kind == "toponym" and s.lookup.lower() not in NOT_ALONE and id(s) not in surnamed}
        for c, p in left:
            if (normalize(c.span.lookup) in placed and not c.features["title_before"]
                    and not c.features["speech_after"] and not c.features["given_name"]):
                c.span.label = f"fast:same-name p={p:.2f}"
                spans.append(c.span)
    if "fast-qualified" not in disable:
        _keep_qualified(text, spans, left, memo.lookup)
        _keep_qualifiers(text, spans, left, memo.lookup)
    spans.sort(key=lambda s: s.start)
    if "fast-district-words" not in disable:
        spans = district_parts(spans, text, memo.lookup)
    if "fast-natural-words" not in disable:
        natural_words(spans, text)  # "the Dnipro river": the river, not the city
    mark_datelines(spans, text)
    link_containment(spans, text, memo.lookup)
    mark_qualifiers(spans, text)
    mark_region_phrases(spans, store)
    mark_state_bodies(spans, text, store)
    return spans


def _keep_qualified(text: str, spans: list[Span_], left: "list[tuple[Candidate_, float]]",
                    lookup: "Callable[[str], list[Candidate]]") -> None:
    """Keep a name the filter left out that a kept state right after a comma qualifies, when a town of
    the name lies in that state ("Lincoln, Nebraska, police said"): the full extractor's pair rule."""
    kept = {s.start: s for s in spans if s.kind == "toponym"}
    for c, p in left:
        f = c.features
        if not f["qualified"] or f["title_before"] or f["given_name"]:
            continue
        state = kept.get(c.span.end + 2)
        if state is not None and town_of(lookup(c.span.lookup), lookup(state.lookup)):
            c.span.label = f"fast:qualified p={p:.2f}"
            spans.append(c.span)


def _keep_qualifiers(text: str, spans: list[Span_], left: "list[tuple[Candidate_, float]]",
                     lookup: "Callable[[str], list[Candidate]]") -> None:
    """Keep a state the filter left out that qualifies a kept town right before it, when a town of
    that name lies in the state ("Valencia, Carabobo, said…", "Quillan in Carabobo": a state known
    by another of its names, or with "said" after it): the full extractor's pair rule, the other way round."""
    kept = {s.end: s for s in spans if s.kind == "toponym"}
    for c, p in left:
        f = c.features
        if f["title_before"] or f["given_name"]:
            continue
        a = c.span.start
        gap = 2 if text[a - 2 : a] == ", " else 4 if text[a - 4 : a] == " in " else 0
        town = kept.get(a - gap) if gap else None
        if town is not None and _town_in(lookup(town.lookup), lookup(c.span.lookup)):
            c.span.label = f"fast:qualifier p={p:.2f}"
            spans.append(c.span)


def _town_in(cands: "list[Candidate]", divisions: "list[Candidate]") -> bool:
    """Some of a name's ``cands`` is a town in one of the first-level ``divisions``, and the name is
    no state's or country's own in their country: "Valencia, Carabobo" (a Spanish region is called
    Valencia too), not "Georgia, Florida" (a list of states)."""
    states = states_of(divisions)
    countries = {cc for cc, _ in states}
    if any(c.name_kind == "name" and c.place.country_code in countries
           and (c.place.feature_code == "ADM1" or c.place.feature_code.startswith("PCL")) for c in cands):
        return False
    return town_in_states(cands, states)


#: A word of :data:`~geomap.extract.OF_PLACE_WORDS` then "of" right before a name ("residents of ").
_OF_PLACE = re.compile(r"\b(?:" + "|".join(sorted(OF_PLACE_WORDS)) + r") of\s+\Z", re.IGNORECASE)


#: ``pop`` of :func:`_readings` for a million people.
_MILLION = math.log10(1_000_001) / 7


def _famous(readings: dict[str, float]) -> bool:
    """The name is a country's, a first-level division's or a capital's, or a city's of a million
    (:func:`_readings`): not taken for a surname from another run of the text ("Though London's")."""
    return bool(readings["country"] or readings["admin1"] or readings["capital"] or readings["pop"] >= _MILLION)


def filter_from_model(weights: Any, bias: float, threshold: float = 0.5) -> FastFilter:
    """A :class:`FastFilter` from a fitted model's coefficients, in :data:`FEATURES` order."""
    return FastFilter(weights={k: float(w) for k, w in zip(FEATURES, weights)}, bias=float(bias), threshold=threshold)
