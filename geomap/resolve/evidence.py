"""What the whole article says about where its places are, read from its text alone.

Every capitalised run of one to four words ("Alberta", "Laclede County", "the
Philippines", "Russian") is looked up as a country, a first- or second-level division or a
demonym, whether or not the extractor kept it as a mention: an encyclopedic article names
its county and state once, in its first sentence, often in a form the model does not tag.
The resolver asks, for each candidate, whether its country, its division or a division
near it is named, and how close to the mention (same sentence, or anywhere).

Each hit keeps its own text, so a name is never its own evidence ("Lebanon" does not
support the country Lebanon, "Georgia" in "Rome, Georgia" does support Rome, Georgia).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..extract import sentence_index
from ..gazetteer.names import normalize

if TYPE_CHECKING:  # pragma: no cover
    from ..gazetteer.store import GazetteerStore
    from ..model import Place

__all__ = ["Evidence", "read_evidence"]

#: A capitalised word (an initial, an abbreviation with dots, a hyphenated name).
_WORD = re.compile(r"[A-Z][\w’'-]*\.?|[A-Z]\.(?:[A-Z]\.)+")
#: A chain of ``_WORD`` words joined by " " or " of ", as many as there are: the same words as
#: ``_WORD`` finds one after another (no lookaround; each word is the one it finds there).
_CHAIN = re.compile(rf"(?:{_WORD.pattern})(?:(?: | of )(?:{_WORD.pattern}))*")
#: Words that never name a division or country on their own, however the gazetteer spells one.
_STOP = frozenset(
    "the a an in of on at by for to and or but it its he she they we i his her their this that these those "
    "there here when where after before during while mr mrs ms dr st new north south east west central "
    "january february march april may june july august september october november december monday tuesday "
    "wednesday thursday friday saturday sunday".split())
_MAX_WORDS = 4
#: A second-level division this close (km) to a candidate supports it.
ADMIN2_KM = 60.0


#: ``ADMIN2_KM`` in degrees of latitude.
_DEG = ADMIN2_KM / 111.0


@dataclass(slots=True)
class _Hit:
    start: int
    end: int
    sentence: int
    name: str  # normalised text of the hit


@dataclass(slots=True)
class Evidence:
    """Countries, first-level divisions and second-level division points named in an article."""

    countries: dict[str, list[_Hit]] = field(default_factory=dict)
    admin1: dict[tuple[str, str], list[_Hit]] = field(default_factory=dict)
    admin2: list[tuple[float, float, _Hit]] = field(default_factory=list)
    sentence_starts: list[int] = field(default_factory=list)
    #: ``admin2`` by grid cell of ``ADMIN2_KM`` (built on first use): a candidate looks at nine
    #: cells or so, not at every county the article names (which made long texts quadratic)
    _cells: "dict[tuple[int, int], list[tuple[float, float, _Hit]]] | None" = field(default=None, init=False, repr=False)
    _rows: frozenset[int] = field(default=frozenset(), init=False, repr=False)  # the rows of ``_cells``
    #: the ``admin2`` hits near a point, by the point (:meth:`county`)
    _near: "dict[tuple[float, float], list[_Hit]]" = field(default_factory=dict, init=False, repr=False)

    def sentence(self, offset: int) -> int:
        return sentence_index(self.sentence_starts, offset)

    def proximity(self, hits: "list[_Hit] | None", own: str, start: int, end: int) -> int:
        """2 when a hit stands in the mention's sentence, 1 elsewhere in the article, else 0.
        Hits inside the mention or of the mention's own name do not count."""
        if not hits:
            return 0
        here = self.sentence(start)
        best = 0
        for h in hits:
            if h.name == own or (h.start < end and start < h.end):
                continue
            if h.sentence == here:
                return 2
            best = 1
        return best

    def country(self, place: "Place", own: str, start: int, end: int) -> int:
        return self.proximity(self.countries.get(place.country_code or ""), own, start, end)

    def division(self, place: "Place", own: str, start: int, end: int) -> int:
        if not place.admin1:
            return 0
        return self.proximity(self.admin1.get((place.country_code or "", place.admin1)), own, start, end)

    def county(self, place: "Place", own: str, start: int, end: int) -> int:
        """A second-level division named in the article lies within ``ADMIN2_KM`` of the place."""
        if place.feature_class not in ("P", "A") or place.feature_code in ("ADM1", "ADM2") or place.feature_code.startswith("PCL"):
            return 0
        if not self.admin2:
            return 0
        if self._cells is None:
            self._cells = {}
            for entry in self.admin2:
                self._cells.setdefault((int(entry[0] // _DEG), int(entry[1] // _DEG)), []).append(entry)
            self._rows = frozenset(row for row, _ in self._cells)
        row = int(place.lat // _DEG)
        if row not in self._rows and row - 1 not in self._rows and row + 1 not in self._rows:
            return 0  # no county named within a row of cells: most namesakes, at the cost of three set tests
        point = (place.lat, place.lon)
        near = self._near.get(point)
        if near is None:  # (the same for every mention of the name: kept by the point)
            cos = math.cos(math.radians(place.lat))
            reach = min(360, math.ceil(1 / max(cos, 1e-3)))  # cells of longitude a box of ADMIN2_KM spans here
            col = int(place.lon // _DEG)
            near = self._near[point] = [h for dr in (-1, 0, 1) for dc in range(-reach, reach + 1)
                                        for lat, lon, h in self._cells.get((row + dr, col + dc), ())
                                        if abs(lat - place.lat) < _DEG and abs(lon - place.lon) * cos < _DEG]
        return self.proximity(near, own, start, end)


def read_evidence(text: str, sentence_starts: list[int], store: "GazetteerStore") -> Evidence:
    """Look up every capitalised run of words in ``text`` (see the module docstring)."""
    ev = Evidence(sentence_starts=sentence_starts)
    chains = store.memo("evidence-chains")
    readings = store.memo("evidence")
    found = [(m.start(), m.group()) for m in _CHAIN.finditer(text)]  # no name read below runs across a chain's ends
    new = {chain: _chain_names(chain, [w.span() for w in _WORD.finditer(chain)])
           for _, chain in found if chain not in chains}
    if new:  # the store is asked once which of the new chains' names it knows
        known = _known(store, {key for names in new.values() for _, _, key in names})
        for chain, names in new.items():
            new[chain] = chains[chain] = tuple(n for n in names if n[2] in known)
    for start, chain in found:
        names = new.get(chain)
        for a, name, key in (names if names is not None else chains[chain]):
            _add(ev, store, name, key, start + a, start + a + len(name), readings)
    return ev


def _known(store: "GazetteerStore", keys: "set[str]") -> "frozenset[str] | set[str]":
    """Those of ``keys`` that name a division or country (:meth:`~geomap.gazetteer.store.GazetteerStore.division_names`)."""
    among = getattr(store, "division_names_among", None)
    return among(keys) if among is not None else keys & store.division_names()


def _chain_names(chain: str, words: list[tuple[int, int]]) -> "list[tuple[int, str, str]]":
    """The names that may be a division's or country's in a chain of capitalised words (``words``
    are their offsets in it), in reading order: from each word, one to ``_MAX_WORDS`` words, as
    (start, text, normalised text). The same in every text; :func:`read_evidence` keeps those the
    store knows (in the store's memo)."""
    out = []
    for i, (a, _) in enumerate(words):
        for j in range(i, min(i + _MAX_WORDS, len(words))):
            b = words[j][1]
            name = chain[a:b].rstrip(".") if j == i and not _ABBREV.fullmatch(chain[a:b]) else chain[a:b]
            key = normalize(name)
            if not key or (j == i and key in _STOP) or len(key) < 2:
                continue
            out.append((a, name, key))
    return out


_ABBREV = re.compile(r"(?:[A-Z]\.){2,}|[A-Z][a-z]{1,3}\.")


def _add(ev: Evidence, store: "GazetteerStore", name: str, key: str, a: int, b: int,
         memo: "dict[str, Any] | None" = None) -> None:
    hit = _Hit(a, b, ev.sentence(a), key)
    if memo is None:
        memo = store.memo("evidence")
    found = memo.get(name)
    if found is None:
        found = memo[name] = _readings(store, name, key)
    for level, where in found:
        if level == "country":
            ev.countries.setdefault(where, []).append(hit)
        elif level == "admin1":
            ev.admin1.setdefault(where, []).append(hit)
        else:
            ev.admin2.append((where[0], where[1], hit))


def _readings(store: "GazetteerStore", name: str, key: str) -> "tuple[tuple[str, Any], ...]":
    """What ``name`` can stand for as evidence, in the store's order: ("country", code),
    ("admin1", (country, admin1)) or ("admin2", (lat, lon)). The same for every text (kept in
    the store's memo)."""
    out: list[tuple[str, Any]] = []
    short = len(key.replace(" ", "")) <= 3 and not name.replace(".", "").isupper()
    for c in store.lookup(name):
        p = c.place
        code = p.feature_code
        if c.name_kind == "core" or (short and c.name_kind == "abbr"):
            continue
        if c.name_kind == "abbr" and not name.replace(".", "").isupper() and "." not in name:
            continue  # "Ind" is no abbreviation; "Ind." and "IND" may be
        if code.startswith("PCL") and p.country_code:
            out.append(("country", p.country_code))
        elif code in ("ADM1", "ADM1H") and p.country_code and p.admin1:
            out.append(("admin1", (p.country_code, p.admin1)))
        elif code in ("ADM2", "ADM2H", "ADMD"):
            out.append(("admin2", (p.lat, p.lon)))
    for c in store.lookup(name, kinds=["demonym"]):
        if c.place.feature_code.startswith("PCL") and c.place.country_code:
            out.append(("country", c.place.country_code))
    return tuple(out)
