"""Candidate features read from the article's text and the candidate itself.

These complement the context features of :mod:`geomap.resolve` (the places the article's
other mentions resolved to): here, what the text names around the mention, whatever the
extractor kept (:mod:`geomap.resolve.evidence`), what the sentence says the name is, and
the candidate's kind and size among its namesakes. Values are 0–1 flags or small numbers,
so that one learned weight per feature reads as its importance.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..extract import NATURAL_CLASSES
from ..gazetteer.names import normalize

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Place
    from .evidence import Evidence

__all__ = ["text_features", "place_features", "add_text_features", "add_text_features_all", "NATURAL_CLASSES",
           "TEXT_FEATURES", "SMALL_CAPITAL_POP", "ranks_as_capital"]

#: The names :func:`text_features` can give.
TEXT_FEATURES = ("pop_gap", "biggest", "is_country", "is_admin1", "is_admin2", "is_capital", "is_town", "is_natural",
                 "ev_country", "ev_country_here", "ev_admin1", "ev_admin1_here", "ev_county", "ev_county_here",
                 "desc_match", "desc_division", "desc_other")


#: A national capital smaller than this (a territory's or a microstate's: Plymouth, Montserrat;
#: Victoria, Seychelles) is ranked as a town: a bare "Victoria" or "Plymouth" in news is the big
#: namesake; what the article says of the country still finds the capital.
SMALL_CAPITAL_POP = 50_000


def ranks_as_capital(p: "Place") -> bool:
    """Whether ``p`` has a national capital's prior: a capital (PPLC) of :data:`SMALL_CAPITAL_POP` people or more."""
    return p.feature_code == "PPLC" and p.population >= SMALL_CAPITAL_POP


def _proximity(f: dict[str, float], name: str, level: int) -> None:
    """``name`` when the article names it elsewhere, and also ``name_here`` in the mention's sentence."""
    if level:
        f[name] = 1.0
    if level == 2:
        f[name + "_here"] = 1.0

_DESCRIBED = {
    "settlement": lambda p: p.feature_class == "P" or p.feature_code in ("ADM3", "ADM4", "ADM5", "ADMD"),
    "division": lambda p: p.feature_class == "A" and not p.feature_code.startswith("PCL"),
    # a division or a dependency: GeoNames has one as a country, or as the city that is all of it (Macau)
    "territory": lambda p: p.feature_class == "A" or p.feature_code == "PPLC",
    "country": lambda p: p.feature_code.startswith("PCL"),
    "natural": lambda p: p.feature_class in NATURAL_CLASSES,
    "place": lambda p: not p.feature_code.startswith("PCL"),
}


def described_as(kind: str, p: "Place") -> bool:
    """Whether ``p`` is a place of the kind a description says (``settlement``, ``division``…)."""
    return _DESCRIBED[kind](p)


def text_features(p: "Place", name: str, start: int, end: int, ev: "Evidence | None", desc: str,
                  top_pop: int) -> dict[str, float]:
    """Features of candidate ``p`` for the mention ``name`` at ``start:end``.

    ``ev`` is the article's evidence (None when there is no text, as for a lone lookup);
    ``desc`` what the sentence says the name is (:func:`geomap.resolve.evidence.describe`);
    ``top_pop`` the population of the most populous candidate (0 when some namesake's is unknown).
    The same as :func:`place_features`, then :func:`add_text_features`.
    """
    f = place_features(p, top_pop)
    add_text_features(f, p, name, start, end, ev, desc)
    return f


def place_features(p: "Place", top_pop: int) -> dict[str, float]:
    """The features of :func:`text_features` that the candidate and its namesakes' sizes alone
    give (its kind, its size among them), in the same order: the same for every mention of the name."""
    code = p.feature_code
    f: dict[str, float] = {}
    if p.population > 0 and top_pop > 0:  # 0 is "unknown" (landmarks, seas, curated regions), not "tiny"
        f["pop_gap"] = math.log10(p.population + 1) - math.log10(top_pop + 1)
    if p.population >= top_pop > 0:
        f["biggest"] = 1.0  # the most populous namesake
    if code.startswith("PCL"):
        f["is_country"] = 1.0
    elif code in ("ADM1", "ADM1H"):
        f["is_admin1"] = 1.0
    elif code in ("ADM2", "ADM2H"):
        f["is_admin2"] = 1.0
    elif p.feature_class == "P":
        f["is_capital" if ranks_as_capital(p) else "is_town"] = 1.0
    elif p.feature_class in NATURAL_CLASSES:
        f["is_natural"] = 1.0
    return f


def add_text_features(f: dict[str, float], p: "Place", name: str, start: int, end: int, ev: "Evidence | None",
                      desc: str) -> None:
    """Add to ``f`` (:func:`place_features` of ``p``) what the article's text says of the candidate:
    the rest of :func:`text_features`."""
    code = p.feature_code
    country = code.startswith("PCL")
    if ev is not None:
        own = normalize(name)
        # a country or division is supported by its other names too ("Mexican officials", "Calif.")
        _proximity(f, "ev_country", ev.country(p, own, start, end))
        if not country:
            _proximity(f, "ev_admin1", ev.division(p, own, start, end))
        if not country and code not in ("ADM1", "ADM1H"):
            _proximity(f, "ev_county", ev.county(p, own, start, end))
    _description(f, p, desc)


def _description(f: dict[str, float], p: "Place", desc: str) -> None:
    """Whether ``p`` is the kind of place the sentence says the name is (``desc``)."""
    if desc:
        match = _DESCRIBED[desc](p)
        f["desc_match" if match else "desc_other"] = 1.0
        if match and desc == "division":
            f["desc_division"] = 1.0  # "the province of Laguna": few namesakes are divisions


def add_text_features_all(fs: "list[dict[str, float]]", places: "list[Place]", name: str, start: int, end: int,
                          ev: "Evidence | None", desc: str) -> None:
    """:func:`add_text_features` of each of a mention's candidates (``fs[k]`` is ``places[k]``'s),
    the article's evidence for a country or first-level division read once for all the candidates
    in it (a name's namesakes mostly share a few)."""
    if ev is None:
        for f, p in zip(fs, places):
            add_text_features(f, p, name, start, end, ev, desc)
        return
    own = normalize(name)
    seen: "dict[object, int]" = {}  # a country's code, or a (country, division) pair: its proximity
    counties = bool(ev.admin2)  # (ev.county is 0 for every place of an article that names no county)
    for f, p in zip(fs, places):  # (_proximity written out: asked of every candidate of every mention)
        code = p.feature_code
        country = code.startswith("PCL")
        cc = p.country_code or ""
        level = seen.get(cc)
        if level is None:
            level = seen[cc] = ev.proximity(ev.countries.get(cc), own, start, end)  # ev.country
        if level:
            f["ev_country"] = 1.0
            if level == 2:
                f["ev_country_here"] = 1.0
        if not country:
            level = 0  # ev.division
            if p.admin1:
                key = (cc, p.admin1)
                level = seen.get(key)
                if level is None:
                    level = seen[key] = ev.proximity(ev.admin1.get(key), own, start, end)
            if level:
                f["ev_admin1"] = 1.0
                if level == 2:
                    f["ev_admin1_here"] = 1.0
            if counties and code not in ("ADM1", "ADM1H"):
                _proximity(f, "ev_county", ev.county(p, own, start, end))
        if desc:
            _description(f, p, desc)
