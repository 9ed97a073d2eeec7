"""Choose the right place for each mention among its same-named candidates.

A hand-weighted, explainable ranker. Every candidate gets a score that is the sum of
named features, so ``explain=True`` shows why a candidate won:

* ``type``: countries, continents and capitals first; first-level divisions next
  ("Texas" the state, not the town); populated places by ``log10(population)``.
* ``name``: the place's own name beats an alternate name; a division's bare core name
  ("Kursk" for Kursk Oblast) counts only in region phrases or "the X village of".
* ``country``/``admin1``: the countries and divisions the article names unambiguously.
* ``inside``: "Y in X", "Y, X", "the X village of Y": the candidate lies in X.
* ``near``: distance (geopy, geodesic) to the places already resolved in the article.

The article is resolved twice: first without context, to learn its countries and
divisions from unambiguous mentions, then with that context. One sense per discourse:
the same name in one article resolves to the same place.
"""

from __future__ import annotations

from collections import Counter

import math
import re
import zlib
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING

from ..extract import (COUNTY_KM, MIN_POP_UNTAGGED, NOT_ALONE, ORG_HEADS, SITE_RULE_LABELS, THOROUGHFARES, WATER_AND_RELIEF, Span_,
                       big_place, fit_candidates, other_than)
from ..gazetteer.names import core_name, normalize
from ..model import EARTH_RADIUS_KM, Place, great_circle_km
from ..gazetteer.store import Candidate
from .coordinates import text_coordinates
from ..descriptions import description, past_aside
from .evidence import Evidence, read_evidence
from .coherence import StateCoherence, divisions
from .features import NATURAL_CLASSES, add_text_features_all, described_as, place_features, ranks_as_capital
from .ranker import SAME_KM, Ranker, default_ranker

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Container, Sequence

    from ..gazetteer.store import GazetteerStore

__all__ = ["Resolution", "resolve_spans", "TYPE_PRIOR", "natural_name", "ADJUSTMENTS"]

#: Prior for the feature code of a candidate.
TYPE_PRIOR = {
    "PCLI": 4.0, "PCLD": 3.5, "PCLF": 3.5, "PCLS": 3.5, "PCLIX": 3.0, "PCLH": 1.0, "PCL": 3.5,
    "CONT": 4.0, "RGN": 2.0, "PPLC": 2.5, "ADM1": 1.75, "ADM2": 0.0, "ADMD": 0.0,
    "PPLA": 0.5, "PPL": 0.0,
    "OCN": 4.0, "SEA": 3.0, "GULF": 2.5, "BAY": 1.5, "STRT": 2.0, "PEN": 2.0, "MTS": 1.5, "DSRT": 2.0,
    "ISLS": 1.5, "ISL": 1.0, "LK": 1.0, "CNL": 2.0,
    # curated landmarks (data/gazetteer/regions.tsv): famous before a village of the name ("White House")
    "BLDG": 4.0, "AIRP": 4.0, "SQR": 4.0, "ST": 4.0, "RSRT": 4.0, "PRK": 4.0,
}
NAME_KIND = {"name": 0.0, "alt": -0.25, "abbr": 0.0, "core": -3.0, "demonym": 0.0}
#: An alternate (often historical or foreign) name, when another place bears it as its own name:
#: "Salisbury" is the English town before it is Harare's colonial name.
ALT_WHEN_OWNED = -3.0
#: A country is no candidate for an alternate name of its that a town this big owns
#: (:func:`_without_owned_alternates`); "Congo" and "Korea" stay countries.
ALT_OWNER_POP = 10_000
#: ...unless it is far bigger than every place that owns the name: an English exonym
#: ("Venice" for Venezia) is what news means.
EXONYM_RATIO = 10
#: ...and a big city: a town of 80,000 called "Buena Vista" in some list of names is no exonym.
EXONYM_MIN_POP = 100_000
#: A division gives way to its same-named city when that holds a good share of its people ("New York"):
#: a big division (``CITY_DIVISION_POP``) by the city's feature, as the city it names is famous
#: ("Odessa" before Texas's); a small one by its own, as a city gains nothing from its parish ("Kingston").
CITY_SHARE = 0.25
CITY_BONUS = 2.0
CITY_DIVISION_POP = 500_000
#: A division named after its town by another spelling of the town's name ("Grodno" Oblast, the town
#: Hrodna) names that town too: the biggest of the name in it, from this many people.
SEAT_MIN_POP = 10_000
#: How alike (rapidfuzz's ratio, 0-100) an alternate name and a place's own must be to be one name spelled otherwise.
SPELLING_RATIO = 70
POP_WEIGHT = 0.5
COUNTRY_BONUS = 1.5
ADMIN1_BONUS = 1.0
#: ...not for a town when a namesake is this many times bigger ("Louisville" in a story filed
#: from Columbus, Ohio is the Kentucky city, not Louisville, Ohio).
ADMIN1_MAX_RATIO = 50
INSIDE_BONUS = 4.0
#: For a division or region candidate of a name that qualifies another ("Y, X", "Y in X").
QUALIFIER_BONUS = 2.0
#: For a division or country candidate that holds a candidate of the name it qualifies.
HOLDS_BONUS = 2.0
NEAR_BONUS = 1.0
NEAR_KM = 400.0
#: A national capital is named for its government ("officials in Washington") as often as for
#: itself, so it makes places near within half the distance another town does: Alexandria
#: beside Washington is Virginia's, but "Oxford" 140 km away is not the small Pennsylvania town.
CAPITAL_NEAR_KM = 200.0
#: For a first-level division when the article names two or more others of its country.
SIBLING_BONUS = 1.0
#: For a place an abbreviation names ("WA", "SA") in a country the article names otherwise.
CODE_BONUS = 3.0
#: For a division or town named by a common word ("Gulf", "Western", "Coast") in a country the
#: article does not name: Papua New Guinea's Gulf Province is not "the Gulf" of a story about Qatar.
GENERIC_NAME = -3.0
_GENERIC_WORDS = frozenset(NOT_ALONE | {"gulf", "coast", "lakes", "highlands", "delta"})
#: For a town named as a dateline's place.
DATELINE_TOWN = 2.0
#: Region words that name first- or second-level divisions alike.
SECOND_LEVEL_WORDS = frozenset({"county", "counties", "district", "districts"})
MAX_CANDIDATES = 60
#: A given name that opens with a city this big is a site in that city ("New York Auto Show").
BIG_CITY_POP = 1_000_000


@dataclass(slots=True)
class Resolution:
    place: "Place | None"
    score: float
    candidates: "list[dict] | None"
    adjustments: list[dict] = field(default_factory=list)
    precision: str = "exact"  # "containing": the place that holds the named one


@dataclass(slots=True)
class _Context:
    """What the article's other mentions say: each country, division and point with the
    names that gave it, so that a name is never its own evidence."""

    countries: dict[str, frozenset[str]] = field(default_factory=dict)
    admin1: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    #: (lat, lon, name, radius in km within which the point makes a place near)
    points: tuple[tuple[float, float, str, float], ...] = ()
    #: divisions named as themselves, not as a town's qualifier or inside an organisation's name
    listed: frozenset[tuple[str, str]] = frozenset()
    #: the first-level divisions of the towns the article places with confidence, with their names
    towns: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)


@dataclass(slots=True)
class _NameFacts:
    """What the candidate list says about the name itself."""

    owned: bool  # some candidate bears the name as its own (or as an abbreviation)
    #: the first-level divisions of that name a namesake city inside holds a good share (``CITY_SHARE``)
    #: of, with those cities when the division is big (``CITY_DIVISION_POP``)
    city_held: dict[tuple[str, str], frozenset[int]]
    country: bool  # a country bears the name as its own
    owner_pop: int  # population of the biggest place that bears the name as its own
    owner_countries: frozenset[str]  # the countries of the places that bear it as their own
    owner_divisions: frozenset[tuple[str, str]]  # and their first-level divisions
    whole: str = ""  # "ohio county" when a candidate bears the region phrase's whole name
    landmark: bool = False  # a building, street or square bears the name as its own ("White House")
    # the towns after which a first-level division the name calls by its name less a designator is
    # named ("Grodno" for Grodno Oblast): its biggest town of the name, which the bare name means
    seats: frozenset[int] = frozenset()
    division: bool = False  # a first-level division bears the name in some form ("Isabela" the province)


def _name_facts(cands: "list[Candidate]", span: "Span_ | None" = None) -> _NameFacts:
    owners = [c.place for c in cands if _own_name(c)]
    country = any(p.feature_code.startswith("PCL") for p in owners)
    div: dict[tuple[str, str], int] = {}
    for c in cands:
        if c.place.feature_code == "ADM1" and c.name_kind != "core":
            key = (c.place.country_code or "", c.place.admin1 or "")
            div[key] = max(div.get(key, 0), c.place.population)
    owner_pop = max((p.population for p in owners), default=0)
    whole = ""
    if span is not None and span.designator in SECOND_LEVEL_WORDS:
        name = normalize(f"{span.lookup} {span.designator}")
        whole = name if any(normalize(c.place.name) == name for c in cands) else ""
    designated = {(c.place.country_code or "", c.place.admin1 or "") for c in cands
                  if c.place.feature_code == "ADM1" and _designated(c) and normalize(c.place.name) != c.matched}
    seats: dict[tuple[str, str], "Place"] = {}
    for c in cands:
        key = (c.place.country_code or "", c.place.admin1 or "")
        if (key in designated and c.place.feature_class == "P" and c.name_kind in ("name", "alt")
                and c.place.population >= SEAT_MIN_POP and c.place.population > getattr(seats.get(key), "population", -1)):
            seats[key] = c.place
    city_held: dict[tuple[str, str], frozenset[int]] = {}
    for c in cands if not country else ():
        key = (c.place.country_code or "", c.place.admin1 or "")
        if (c.place.feature_class == "P" and key in div and c.place.population >= CITY_SHARE * div[key]
                and (c.name_kind != "alt" or seats.get(key) is c.place or _spelling(c)  # not Hong Kong for "Victoria"
                     or normalize(c.place.name) == f"{c.matched} city")):  # (_short_form: no country owns the name here)
            # a big division makes its city famous (the city's feature); a small one only gives way to it
            city_held[key] = city_held.get(key, frozenset()) | (
                {c.place.geonameid} if div[key] >= CITY_DIVISION_POP else frozenset())
    return _NameFacts(bool(owners), city_held, country, owner_pop, frozenset(p.country_code or "" for p in owners),
                      frozenset((p.country_code or "", p.admin1 or "") for p in owners), whole,
                      any(p.feature_class in ("S", "R") for p in owners),
                      frozenset(p.geonameid for p in seats.values()),
                      any(c.place.feature_code == "ADM1" for c in cands))


def _fixed_head(cand: "Candidate", span: Span_, facts: _NameFacts) -> bool:
    """Whether :func:`_head_features` of the candidate are the same in every context and whatever
    the span qualifies: only an alternate name another place owns asks them (:func:`_exonym`)."""
    return (span.kind == "region-phrase" or span.prefer_admin1 or _short_form(cand, facts) or cand.name_kind != "alt"
            or not facts.owned or _own_name(cand))


def _own_name(cand: "Candidate") -> bool:
    """The place bears the name as its own: its name, an abbreviation, or a division's
    name less its designator ("Karnataka" for "State of Karnataka")."""
    if cand.name_kind in ("name", "abbr"):
        return True
    return cand.name_kind == "alt" and cand.place.feature_code == "ADM1" and core_name(cand.place.name) == cand.matched


def _designated(cand: "Candidate") -> bool:
    """A division called by its name less its designator ("Laguna" for "Province of Laguna",
    "Allen" for "Allen County"): its own name where the text says it is a division."""
    return (cand.place.feature_class == "A" and cand.name_kind in ("alt", "core")
            and core_name(cand.place.name) == cand.matched)


def _exonym(cand: "Candidate", facts: _NameFacts, ctx: _Context, own: str) -> bool:
    """An English name of a big foreign city ("Venice", "Munich") rather than an old one.

    Foreign: no place of the city's own country bears the name ("Southold" is an old name of
    South Bend, not its English one), and the article neither names a division that holds a place
    bearing it ("Garden City" in an article about South Carolina is not Singapore) nor places towns
    there ("Salisbury" among Swindon and Bristol is the English city, not Harare).
    Countries and divisions carry their English names as GeoNames names already, so an
    alternate name of theirs that another place owns is historical: Albany is not Albania.
    """
    p = cand.place
    cc = p.country_code or ""
    if (p.feature_class != "P" or p.population < max(EXONYM_RATIO * facts.owner_pop, EXONYM_MIN_POP) or cc in facts.owner_countries
            or facts.landmark):  # "White House" is no exonym of Casablanca
        return False
    return not any(other_than(ctx.admin1.get(d), own) or other_than(ctx.towns.get(d), own) for d in facts.owner_divisions)


#: What joins a town's name to its river's or area's: "Newcastle upon Tyne", "Frankfurt am Main",
#: "Stratford-upon-Avon", "Freiburg im Breisgau".
_RIVER_JOIN = re.compile(r"[ -](?:upon|on|under|am|an der|im|ob der|sur|sul|nad)[ -]")


def _short_form(cand: "Candidate", facts: _NameFacts) -> bool:
    """"New York" for New York City, "Westminster" for the City of Westminster (where no division
    bears the name: "Isabela" is the province): a city's name less "City"; "Newcastle" for Newcastle
    upon Tyne: a big city's (``EXONYM_MIN_POP``) less its river's (not "Burton" for a village on the
    Wolds) — unless a country owns the name (Mexico)."""
    if facts.country:
        return False
    own = normalize(cand.place.name)
    if own == f"{cand.matched} city" or (own == f"city of {cand.matched}" and cand.place.feature_class == "P"
                                         and not facts.division):
        return True
    return (cand.place.population >= EXONYM_MIN_POP and own.startswith(cand.matched)
            and _RIVER_JOIN.match(own, len(cand.matched)) is not None)


def _spelling(cand: "Candidate") -> bool:
    """The alternate name is another spelling of the place's own ("Zaporizhzhia" for Zaporizhzhya),
    not another name (an old one: "Victoria" for Hong Kong)."""
    from rapidfuzz import fuzz

    return fuzz.ratio(normalize(cand.place.name), cand.matched) >= SPELLING_RATIO


def _features(cand: "Candidate", span: Span_, ctx: _Context, inside: "Place | None", facts: _NameFacts,
              holds: "list[Place] | None" = None, head: "dict[str, float] | None" = None,
              points: "tuple[tuple[float, float, str, float], ...] | None" = None) -> dict[str, float]:
    """The candidate's features in the article's context. ``head``: :func:`_head_features` of the
    candidate when the caller has them (and they hold for any ``ctx`` and ``holds``); ``points``:
    ``ctx.points`` less those of the span's own name, when the caller has them."""
    p = cand.place
    f = dict(head) if head is not None else _head_features(cand, span, ctx, facts, holds)
    own = span.lookup.casefold()
    code, fclass, cc, admin1 = p.feature_code, p.feature_class, p.country_code, p.admin1
    countries = ctx.countries
    if countries:  # (an article that names no country gives no "country", "generic" or "code")
        named = countries.get(cc or "")
        if not code.startswith("PCL") and other_than(named, own):
            f["country"] = COUNTRY_BONUS
        if cc and fclass in ("A", "P") and own in _GENERIC_WORDS and not other_than(named, own):
            f["generic"] = GENERIC_NAME
        if cand.name_kind == "abbr" and other_than(named, own):
            f["code"] = CODE_BONUS  # "SA" in an article about Australia: South Australia, not South Africa
    elif cc and fclass in ("A", "P") and own in _GENERIC_WORDS:
        f["generic"] = GENERIC_NAME
    # a division named elsewhere under another name ("Wash." in the dateline) holds its places and itself
    if (ctx.admin1 and cc and admin1 and other_than(ctx.admin1.get((cc, admin1)), own)
            and not (fclass == "P" and facts.owner_pop > ADMIN1_MAX_RATIO * (p.population + 1))):
        f["admin1"] = ADMIN1_BONUS
    if code == "ADM1":
        if admin1 and other_than(ctx.towns.get((cc or "", admin1)), own):
            f["holds_named"] = 1.0  # "Victoria" in a story that places Melbourne: the state that holds it
        siblings = sum(1 for (c, a1) in ctx.listed if c == cc and a1 != admin1)
        if siblings >= 2:
            # "Georgia" among Alaska, Florida and Nevada: the state, the more surely the more states are listed
            f["siblings"] = SIBLING_BONUS * min(siblings, 4) / 2
    if fclass == "P" and span.label == "rule:dateline":
        f["dateline"] = DATELINE_TOWN  # "WASHINGTON (AP) -": a dateline names the town it was filed in
    if inside is not None and _contains(inside, p):
        f["inside"] = INSIDE_BONUS
    if holds is not None and (p.feature_class == "A" or p.feature_code in ("RGN", "ADMD")):
        if any(_contains(p, q) for q in holds):
            f["holds"] = HOLDS_BONUS  # "Tacoma, Washington": the state that holds a Tacoma
        else:
            if span.label == "rule:qualified":
                f["qualifier"] = QUALIFIER_BONUS  # "Oulton Park, Cheshire": the county, not a town called Cheshire
            if holds and any(q.feature_class == "P" for q in holds):
                f["holds_none"] = 1.0  # "Rome, Georgia": the country holds no Rome, the state does
    if ctx.points and (fclass == "P" or code in _TOWN_LIKE):
        # only points within a box of NEAR_KM can be near: skip the geodesic for the rest
        # (a point chosen for another mention of the same name is no evidence for it)
        if points is None:
            points = tuple(q for q in ctx.points if q[2] != own)
        lat = p.lat
        close = [q for q in points if abs(q[0] - lat) < _NEAR_DEG]
        if close:
            lon, lon_deg = p.lon, _NEAR_DEG / max(0.05, math.cos(math.radians(lat)))
            near = max((1 - great_circle_km(lat, lon, q[0], q[1]) / q[3] for q in close if _lon_gap(q[1], lon) < lon_deg),
                       default=0.0)
            if near > 0:
                f["near"] = NEAR_BONUS * near
    return f


def _head_features(cand: "Candidate", span: Span_, ctx: _Context, facts: _NameFacts,
                   holds: "list[Place] | None" = None) -> dict[str, float]:
    """The first of :func:`_features`: the candidate's kind, size and name, a city's share of its
    namesake division, and what a region phrase makes of it."""
    p = cand.place
    f: dict[str, float] = {}
    code = p.feature_code
    f["type"] = TYPE_PRIOR["PPLA" if code == "PPLC" and not ranks_as_capital(p) else code] if code in TYPE_PRIOR else 0.0
    f["population"] = POP_WEIGHT * math.log10(p.population + 1)
    kind = cand.name_kind
    f["name"] = NAME_KIND.get(kind, 0.0)
    seat = p.geonameid in facts.seats
    if _short_form(cand, facts) or seat:
        f["name"] = 0.0
    elif (kind == "alt" and facts.owned and not _own_name(cand) and not _exonym(cand, facts, ctx, span.lookup.casefold())
          and not (holds is not None and p.feature_class == "A")):  # a division qualifying a name ("…, Cheshire") by another of its names
        f["name"] = ALT_WHEN_OWNED
    held = facts.city_held.get((p.country_code or "", p.admin1 or ""))
    if held is not None and p.feature_code == "ADM1" and not held:
        f["city"] = -CITY_BONUS  # "Kidal": the small region gives way to its town
    elif held and p.feature_class == "P" and p.geonameid in held:
        f["city"] = CITY_BONUS  # "Odessa", "New York": the city a big division is named after
    if span.kind == "region-phrase" or span.prefer_admin1:
        # "the Kursk region": the division, whatever the bare name means elsewhere
        f["name"] = 0.0
        # "Hamilton County": a county or district is as often a second-level division
        named = ("ADM1", "ADM2") if span.designator in SECOND_LEVEL_WORDS else ("ADM1",)
        f["region"] = 3.0 if p.feature_code in named else (1.0 if p.feature_code in ("ADM2", "RGN") else -3.0)
        if span.designator == "region" and p.feature_class in NATURAL_CLASSES and kind in ("name", "alt"):
            f["region"] = 3.0  # "the Pacific region", "the Baltic region": the area of the sea or range of that name
        if facts.whole and normalize(p.name) != facts.whole and f["region"] > 0:
            f["region"] = -1.0  # "Ohio County": the county of that whole name, not the state
    return f


#: Divisions small enough to stand for a town: near one ("Hamilton County" near Chattanooga),
#: or lending their place to names the gazetteer lacks like one.
_TOWN_LIKE = ("ADM2", "ADM3", "ADMD")
#: NEAR_KM in degrees of latitude (with a margin).
_NEAR_DEG = NEAR_KM / 111.0 * 1.05


def _lon_gap(a: float, b: float) -> float:
    gap = abs(a - b) % 360.0
    return min(gap, 360.0 - gap)


def _contains(outer: "Place", inner: "Place") -> bool:
    if outer.geonameid == inner.geonameid:
        return False
    if outer.feature_code.startswith("PCL"):
        if not inner.country_code and inner.feature_class in NATURAL_CLASSES:
            return _km(outer.point, inner.point) < WATER_IN_COUNTRY_KM  # "Hudson Bay … in northern Canada"
        return inner.country_code == outer.country_code
    if outer.feature_code == "ADM1":
        return inner.country_code == outer.country_code and inner.admin1 == outer.admin1
    if outer.feature_code == "CONT":
        return _km(outer.point, inner.point) < CONTINENT_KM  # "Mbala … in Central Africa"
    if outer.feature_class == "P":
        return _km(outer.point, inner.point) < 50
    if outer.feature_code in _TOWN_LIKE:
        # a county or district: in the same first-level division, and near its point
        return (inner.country_code == outer.country_code and (not inner.admin1 or not outer.admin1 or inner.admin1 == outer.admin1)
                and _km(outer.point, inner.point) < COUNTY_KM)
    return _km(outer.point, inner.point) < 300


#: A place lies in a continent whose point is this near its own.
CONTINENT_KM = 5000.0
#: A water body of no country lies in a country whose point is this near its own.
WATER_IN_COUNTRY_KM = 2000.0
#: Last words of names of open water, which a division named after it does not take from it.
_OPEN_WATER = frozenset(("sea", "ocean", "gulf", "strait"))
#: Words that make a name a natural feature's: "Lake Michigan", "Vancouver Island", "Southern Ocean".
_NATURAL_WORDS = frozenset(
    "lake lakes river mount mountain mountains mt ocean sea gulf island islands isle strait peninsula glacier "
    "volcano canyon desert reef".split())


def natural_name(name: str) -> bool:
    """Whether ``name`` opens or ends with a word for a natural feature ("Lake Michigan",
    "Mount Everest", "Vancouver Island"): such a name is never a town's."""
    words = normalize(name).split()
    return len(words) > 1 and (words[0] in _NATURAL_WORDS or words[-1] in _NATURAL_WORDS)


def _candidates(span: Span_, store: "GazetteerStore", *, cores: bool = False) -> "list[Candidate]":
    """The span's namesakes. A division's core name ("Laguna" of "Province of Laguna") counts only
    where no place bears the name otherwise, or the text says a division is meant (a region
    phrase, ``cores``: the sentence calls the name a division)."""
    if span.kind == "demonym" or span.label.endswith("embedded-demonym"):
        return store.lookup(span.lookup, kinds=["demonym"])
    cands = store.lookup(span.lookup)
    if span.kind == "region-phrase" and span.designator in SECOND_LEVEL_WORDS:
        # "Hamilton County": US and British counties are named with the word ("Hamilton County"); a
        # division whose own name is the whole phrase is meant, not the state of the bare name ("Ohio County")
        whole = store.lookup(f"{span.lookup} {span.designator}")
        # (a list before "counties" may be British, "Kent and Sussex counties": there the bare names count too)
        owned = [c for c in whole if c.name_kind == "name" and c.place.feature_class == "A" and not span.feature]
        seen = {c.place.geonameid for c in cands}
        if owned:
            # ...and lower divisions of the bare name still compete: "Dadu district" in a story about
            # Pakistan is its district, though only a Taiwanese one is called "Dadu District"
            ids = {c.place.geonameid for c in owned}
            cands = owned + [c for c in cands if c.place.feature_code in ("ADM2", "ADM3") and c.place.geonameid not in ids]
        else:
            cands = sorted([*cands, *(c for c in whole if c.place.geonameid not in seen)], key=lambda c: -c.place.population)
    if not cands:
        cands = _fallback(span.lookup, store)
    if not cands and span.kind == "toponym":
        # a span given from outside (gold spans, the API) may be a demonym ("Sicilian") or an
        # organisation holding a place ("University of California")
        cands = store.lookup(span.lookup, kinds=["demonym"]) or _embedded(span.lookup, store)
    if span.feature in WATER_AND_RELIEF:
        # "the Dnipro river", "the Tigris and Euphrates rivers", "lake Geneva": the text says a natural feature
        cands = [c for c in cands if c.place.feature_class in NATURAL_CLASSES]
    elif natural_name(span.lookup):
        # "Lake Michigan", "Southern Ocean": a natural feature, or a place really called so ("Mount Vernon"),
        # never a town or county found for part of the name ("Ocean County")
        key = normalize(span.lookup)
        cands = [c for c in cands if c.place.feature_class in NATURAL_CLASSES
                 or (c.matched == key and (c.place.feature_class != "P" or c.name_kind != "alt"))]  # a town's own name
        if (key.rsplit(" ", 1)[-1] in _OPEN_WATER and span.kind != "region-phrase" and not span.prefer_admin1 and not cores
                and any(c.place.feature_class == "H" and c.matched == key for c in cands)):
            # "the Red Sea": the sea, not the Sudanese state or Egyptian governorate named after it, unless the
            # text says a division is meant ("Red Sea state")
            cands = [c for c in cands if c.place.feature_class in NATURAL_CLASSES]
    if span.kind != "region-phrase" and not span.prefer_admin1:
        # "along the Nile": the river, which the gazetteer lacks, not the Sudanese state named after it
        key = normalize(span.lookup)
        cands = [c for c in cands if not _named_after_feature(c, key)]
    cands = fit_candidates(span.lookup, cands, dateline=span.label.startswith("rule:dateline"))
    if span.kind != "region-phrase" and not span.prefer_admin1 and (
            not cores or any(c.name_kind == "name" and c.place.feature_code in ("ADM1", "PCLI") for c in cands)):
        # a qualifier that is a state's or country's own name is not a county named after it ("Bethel, Delaware")
        strong = [c for c in cands if c.name_kind != "core"]
        cands = strong or cands
    return _without_owned_alternates(cands)[:MAX_CANDIDATES]


def _named_after_feature(cand: "Candidate", key: str) -> bool:
    """The candidate, a division, bears ``key`` only as another name, and its own name is ``key``
    with a word for a river, lake, mountain or sea (:data:`_FEATURE_WORDS`): "River Nile" (a state)
    for "Nile". Such a division is named after the feature the bare name means. (An island's
    name is its territory's: "Cayman" is the Cayman Islands; a town keeps its old name: "Oswego"
    is Lake Oswego in Oregon.)"""
    if cand.name_kind == "name" or cand.place.feature_class != "A":
        return False
    words = normalize(cand.place.name).split()
    return len(words) > 1 and ((words[0] in _FEATURE_WORDS and " ".join(words[1:]) == key)
                               or (words[-1] in _FEATURE_WORDS and " ".join(words[:-1]) == key))


#: :data:`_NATURAL_WORDS` less those of islands, whose names are their territories'.
_FEATURE_WORDS = _NATURAL_WORDS - {"island", "islands", "isle"}


def _without_owned_alternates(cands: "list[Candidate]") -> "list[Candidate]":
    """No country under an alternate name of its that a town of ``ALT_OWNER_POP`` people bears as
    its own: such names are old or foreign ones ("Columbia", "Albany", "Kanata", "Salvador"). No
    town under an alternate name that a place within it bears as its own: the name is that part's
    (Hong Kong was once called after its district Victoria, a candidate of its own)."""
    owners = [c.place for c in cands if c.name_kind == "name"]
    towns_own = max((p.population for p in owners if p.feature_class == "P"), default=0) >= ALT_OWNER_POP
    by_country: "dict[str | None, list[Place]]" = {}  # (an alternate name is tested against its country's owners only)
    for q in owners:
        by_country.setdefault(q.country_code, []).append(q)

    def owned(p: "Place") -> bool:
        if p.feature_code.startswith("PCL"):
            return towns_own
        # (no town further than SEAT_KM in latitude alone is nearer: skip its geodesic)
        return p.feature_class == "P" and any(abs(q.lat - p.lat) < _SEAT_DEG and _km(q.point, p.point) < SEAT_KM
                                              for q in by_country.get(p.country_code, ()))

    return [c for c in cands if c.name_kind != "alt" or not owned(c.place)]


class _NameReading:
    """What a name in one shape (the span's kind, label, designator…, never its place in the text)
    reads as, the same in every article: its candidates (:func:`_candidates` less
    :func:`_towns_before_their_divisions`), their :class:`_NameFacts`, their :func:`_head_features`
    where those are the same in every context (:func:`_fixed_head`), and, read on first need for
    one ranker, each candidate's features and score with no context (:func:`_features` of an
    article's first pass, for a name nothing contains or is qualified by) and its
    :func:`~geomap.resolve.features.place_features`; and the order in which ties rank (:func:`_order_of`).
    Kept in the store's memo."""

    __slots__ = ("cands", "facts", "heads", "ranker", "alone", "order", "divisions")

    def __init__(self, cands: "tuple[Candidate, ...]") -> None:
        self.cands = cands
        self.facts: "_NameFacts | None" = None
        self.heads: "list[dict[str, float] | None] | None" = None
        self.ranker: "Ranker | None" = None
        self.alone: "list[tuple[dict[str, float], float, dict[str, float], float]] | None" = None
        self.order: "list[int] | None" = None
        self.divisions: "tuple[tuple[str, str] | None, ...] | None" = None


def _reading(span: Span_, store: "GazetteerStore", cores: bool, desc: str) -> _NameReading:
    """The span's :class:`_NameReading`, from the store's memo (read there once per name and shape)."""
    # (a division's, a settlement's or a natural feature's description keeps only those: see _towns_before_their_divisions)
    key = (span.lookup, span.kind, span.label, span.designator, span.feature, span.prefer_admin1, cores,
           desc if desc in ("division", "territory", "natural", "settlement") else "")
    memo = store.memo("name-readings")
    found = memo.get(key)
    if found is None:
        found = memo[key] = _NameReading(tuple(_towns_before_their_divisions(_candidates(span, store, cores=cores), span, desc)))
    return found


def _divisions_of(reading: _NameReading) -> "tuple[tuple[str, str] | None, ...]":
    """The state each of ``reading``'s candidates counts for in :class:`StateCoherence`."""
    if reading.divisions is None:
        reading.divisions = divisions(c.place for c in reading.cands)
    return reading.divisions


def _facts_of(reading: _NameReading, span: Span_) -> _NameFacts:
    if reading.facts is None:
        reading.facts = _name_facts(list(reading.cands), span)
    return reading.facts


def _heads_of(reading: _NameReading, span: Span_) -> "list[dict[str, float] | None]":
    """Per candidate of ``reading``: its :func:`_head_features` if :func:`_fixed_head`, else None."""
    if reading.heads is None:
        facts, ctx = _facts_of(reading, span), _Context()
        reading.heads = [_head_features(c, span, ctx, facts) if _fixed_head(c, span, facts) else None
                         for c in reading.cands]
    return reading.heads


def _order_of(reading: _NameReading) -> "list[int]":
    """The indices of ``reading``'s candidates, the most populous first, then by id: the order in
    which :func:`_rank` ranks candidates of equal score."""
    if reading.order is None:
        reading.order = _tie_order(reading.cands)
    return reading.order


def _tie_order(cands: "Sequence[Candidate]") -> "list[int]":
    """The indices of ``cands`` in the order :func:`_tie` ranks them."""
    return sorted(range(len(cands)), key=lambda k: _tie(cands[k]))


def _tie(cand: "Candidate") -> tuple[int, int]:
    """How candidates of equal score rank: the most populous first, then by id."""
    return -cand.place.population, cand.place.geonameid


def _alone_features(reading: _NameReading, span: Span_, ranker: "Ranker"
                    ) -> "list[tuple[dict[str, float], float, dict[str, float], float]]":
    """Per candidate of ``reading``: :func:`_features` with no context, no container and nothing
    qualified, their score by ``ranker``, :func:`place_features`, and the score of both (what
    :func:`_rank` computes for each candidate of such a span in an article's first pass, but for
    the article's evidence)."""
    if reading.alone is None or reading.ranker is not ranker:
        facts, ctx = _facts_of(reading, span), _Context()
        cands = reading.cands
        top_pop = max((c.place.population for c in cands), default=0) if all(c.place.population for c in cands) else 0
        rows = []
        for c, head in zip(cands, _heads_of(reading, span)):
            f = _features(c, span, ctx, None, facts, None, head)
            prefix, pf = ranker.score(f), place_features(c.place, top_pop)
            rows.append((f, prefix, pf, ranker.score(pf, start=prefix)))
        reading.alone, reading.ranker = rows, ranker
    return reading.alone


#: What a description says of a name that makes it a division (:mod:`geomap.descriptions`): a
#: territory may also be a dependency, which GeoNames has as a country.
DIVISION_KINDS = ("division", "territory")
#: How far a division's point may lie from the town it is named after.
SEAT_KM = 50.0
#: ``SEAT_KM`` in degrees of latitude, with room for rounding: two points further apart in latitude
#: alone are further apart than ``SEAT_KM`` (a great circle is never shorter than its meridian arc).
_SEAT_DEG = math.degrees(SEAT_KM / EARTH_RADIUS_KM) * 1.001


def _towns_before_their_divisions(cands: "list[Candidate]", span: Span_, desc: str) -> "list[Candidate]":
    """"Hobart": the city, not the municipality around it that bears its name. A second- or
    lower-order division named exactly like a town of its own first-level division, near it,
    stands down, unless the text says a division is meant ("Hobart municipality", "X is a
    district in Y"). Where the text says a division, a settlement or a natural feature is meant, only those stand."""
    if desc in DIVISION_KINDS and any(c.place.feature_class == "A" for c in cands):
        # "the provinces of Yala, Pattani and…", "the state of Maine": a division, not a town or a region;
        # nor a country where a division bears the name ("the U.S. state of Georgia"; "the State of Israel");
        # a territory may be either ("Puerto Rico, a territory of the United States")
        divisions = [c for c in cands if described_as(desc, c.place)]
        return divisions or [c for c in cands if c.place.feature_class == "A"]
    if desc in DIVISION_KINDS or span.kind == "region-phrase" or span.prefer_admin1:
        return cands
    if desc == "natural":
        # "Hudson Bay, the vast inland sea": the water body, not the town named after it
        natural = [c for c in cands if c.place.feature_class in NATURAL_CLASSES]
        return natural or cands
    if desc == "settlement":
        # "Quillan is a commune in …": the town, not the department of that name
        cands = [c for c in cands if described_as("settlement", c.place)] or cands
    # (by the same kind of name: "Darjeeling" is another spelling of the town's name and of its district's)
    towns = [(c.place, c.name_kind) for c in cands if c.place.feature_class == "P" and c.name_kind in ("name", "alt")]

    def seat(c: "Candidate") -> bool:
        p = c.place
        return any(kind == c.name_kind and t.country_code == p.country_code and t.admin1 == p.admin1
                   and _km(t.point, p.point) < SEAT_KM for t, kind in towns)

    return [c for c in cands
            if not (towns and c.name_kind in ("name", "alt") and c.place.feature_code in _TOWN_LIKE and seat(c))]


_DIRECTIONS = re.compile(
    r"^(?:(?:north|south|east|west|northern|southern|eastern|western|central|upper|lower|greater|inner|outer|"
    r"downtown|metro|metropolitan|mid|far|rural|coastal|northeast|northwest|southeast|southwest|"
    r"north-east|north-west|south-east|south-west|northeastern|northwestern|southeastern|southwestern)\s+)+",
    re.I,
)
_GENERIC_TAIL = re.compile(
    r"\s+(?:city|county|township|district|municipal district|municipality|village|town|hills|heights|area|"
    r"police|democrats|republicans|council|metro area|region|suburbs?|borough|parish|state)$",
    re.I,
)


_LOCAL_CODES = ("ADM2", "ADM3", "ADM4", "ADM5", "ADMD", "PPL", "PPLA", "PPLA2", "PPLX")
#: A town this big has parts a text calls by a compass word ("North Dallas", "East London").
MIN_POP_PARTS = 50_000


def _fallback(name: str, store: "GazetteerStore") -> "list[Candidate]":
    """Candidates for a name the gazetteer lacks, from its core: "South Florida" → Florida,
    "Birmingham City" → Birmingham, "Thruxton, Hampshire" → Thruxton."""
    variants = []
    head = name.split(",")[0].strip()
    if head != name:
        variants.append(head)
    stripped = _DIRECTIONS.sub("", head)
    if stripped != head:
        variants.append(stripped)
    tail = _GENERIC_TAIL.sub("", stripped)
    words = head.split()
    if 1 < len(words) <= 4 and all(w[:1].isupper() for w in words) and words[0] != "New":
        # "Nazi Germany", "Soviet Ukraine": a country under a modifier (by its full name, not a code);
        # "New Georgia", "New Britain" are other places
        for n in (3, 2, 1):
            if n < len(words) and " ".join(words[-n:]).casefold() not in NOT_ALONE:
                # the country's own name, not a short form ("Latin America" is not the United States)
                whole = [c for c in store.lookup(" ".join(words[-n:]))
                         if c.name_kind == "name" and c.place.feature_code.startswith("PCL")
                         and normalize(c.place.name) == c.matched]
                if whole:
                    variants.append(" ".join(words[-n:]))
                    break
    for v in variants:
        if v and (len(v) > 2 or v.isupper()):  # "Western US"
            cands = [c for c in store.lookup(v) if c.name_kind != "core"]
            if v == stripped and v != head:
                # a part of a country, division, region or city ("South Florida", "East London"), never of a
                # village ("West Wing" of a building is not the village of Wing)
                cands = [c for c in cands if c.place.feature_class in ("A", "L") or c.place.population >= MIN_POP_PARTS]
            if cands:
                return cands
    if tail != stripped and len(tail) > 2:
        # "Hamilton County", "Washington Township": a local unit, never the state or capital
        return [c for c in store.lookup(tail) if c.name_kind != "core" and c.place.feature_code in _LOCAL_CODES]
    return []


_JOINERS = ("of", "de", "la", "del", "upon", "on")
#: Organisation words that name a building rather than a body ("Liverpool Academy").
_SITES = {"hospital", "school", "museum", "court", "club", "office", "centre", "center", "park", "academy"}


def _body_word(word: str) -> bool:
    """A word naming a body rather than a site: "Assembly", "Chambers", "House" ("Iowa House")."""
    w = word.casefold().strip(".")
    return w not in _SITES and (w in ORG_HEADS or w == "house" or (w.endswith("s") and w[:-1] in ORG_HEADS))


def _embedded(name: str, store: "GazetteerStore") -> "list[Candidate]":
    """Candidates for a name that holds a well-known place or demonym: "University of
    California" → California, "Mexican Senate" → Mexico. The longest (then leftmost) run of
    capitalised words that names a big place (see :func:`extract.big_place`), else a
    demonym, wins ("British Embassy Tokyo" → Tokyo); nothing when there is none."""
    words = name.replace(",", " ").split()
    if len(words) > 1:
        # "US Federal Reserve", "UK Border Force": a body of the country it opens with
        # (only an abbreviation: "Niger Delta" is not in Niger, "Georgia Aquarium" not in Georgia)
        country = [c for c in store.lookup(words[0]) if c.place.feature_code.startswith("PCL") and c.name_kind == "abbr"]
        if country and words[0].replace(".", "").isupper():
            return country
        # "New York Auto Show", "London Guildhall School": a big city's venue (not a road named after the
        # city: "London Road" runs through Brighton, "Victoria Park Avenue" through Toronto)
        for n in (3, 2, 1) if words[-1].casefold() not in THOROUGHFARES else ():
            head = " ".join(words[:n])
            if n < len(words) and head[:1].isupper():
                cities = [c for c in store.lookup(head) if c.place.feature_class == "P" and c.name_kind in ("name", "alt")
                          and c.place.population >= BIG_CITY_POP]
                if cities:
                    return cities
    if not any(_body_word(w) for w in words):
        return []  # a street, park or building is better placed by the town around it
    for n in range(len(words) - 1, 0, -1):
        parts = []
        for i in range(len(words) - n + 1):
            part = words[i : i + n]
            if not (part[0][:1].isupper() and part[-1][:1].isupper()) or not all(
                    w[:1].isupper() or w in _JOINERS for w in part):
                continue
            sub = " ".join(part)
            if sub.casefold() in NOT_ALONE or sub.casefold() in _SITES:
                continue
            parts.append(sub)
            cands = [c for c in store.lookup(sub) if c.name_kind != "core"]
            if cands and big_place(cands, MIN_POP_UNTAGGED):
                return cands
        for sub in parts:  # a place before a demonym: "British Embassy Tokyo" is in Tokyo
            dem = store.lookup(sub, kinds=["demonym"])
            if dem:
                return dem
    return []


def _rank(cands: "list[Candidate]", span: Span_, ctx: _Context, inside: "Place | None",
          holds: "list[Place] | None" = None, *, ranker: "Ranker | None" = None,
          ev: "Evidence | None" = None, desc: str = "", told: bool = False,
          reads: "dict | None" = None, facts: "_NameFacts | None" = None,
          heads: "list[dict[str, float] | None] | None" = None,
          alone: "list[tuple[dict[str, float], float, dict[str, float], float]] | None" = None,
          order: "list[int] | None" = None,
          coherent: "list[float] | None" = None) -> list[tuple[float, "Candidate", dict]]:
    """Score every candidate (and the containing place, when the text gives one), best first.

    ``told``: the sentence itself says what the name is ("X is a town in Y", "X, a village");
    its features then carry the suffix ``@told``, so that the ranker weighs the article's
    evidence against a namesake's size differently where the text locates the name
    (an encyclopedic first sentence) and where it does not (a capital named in passing).

    ``reads`` keeps what does not change between the article's passes (the name's facts and
    each candidate's text features), keyed by the span; ``facts`` are :func:`_name_facts` of
    ``cands`` when the caller has them, ``heads`` their :func:`_heads_of`. ``alone``:
    :func:`_alone_features` of ``cands``, given when ``ctx`` is empty, ``inside`` and ``holds``
    None and ``desc`` empty (the same scores, with less work). ``order``: :func:`_order_of` the
    name's reading, when the caller has it. ``coherent``: each candidate's :class:`StateCoherence`."""
    ranker = ranker or default_ranker()
    if _site_elsewhere(span, inside, cands):
        cands, order, alone = [], [], None  # the text places the site; no namesake lies there
    ranked = []
    facts, texts = _read(cands, span, ev, desc, reads, facts, alone, coherent)
    if order is None:
        order = _tie_order(cands)
    # (the candidates in order of _tie: a stable sort by score alone then ranks them as by all three)
    if alone is not None:
        for k in order:
            tf = texts[k]
            sf, prefix, pf, both = alone[k]
            f = dict(sf)
            f.update(tf)  # the text's features come after the others: the score goes on from theirs
            # (the article's evidence, if any, comes after the place's features)
            ranked.append((both if len(tf) == len(pf) else ranker.score(tf, start=prefix), cands[k], f))
        ranked.sort(key=itemgetter(0), reverse=True)
        return ranked
    own = span.lookup.casefold()
    points = tuple(q for q in ctx.points if q[2] != own)  # a point chosen for this name is no evidence for it
    rows = []
    for k in order:
        c = cands[k]
        f = _features(c, span, ctx, inside, facts, holds, heads[k] if heads is not None else None, points)
        if (desc == "division" or "holds" in f) and _designated(c):
            f["name"] = NAME_KIND["alt"]  # "the province of Laguna", "Calamba, Laguna": the division's own name here
        rows.append((c, f, texts[k]))
    # "Yonkers, New York", "Essex County, New York": a name qualifying another that a division of the
    # name holds is the division, not the city the division is named after
    state = holds and any("holds" in f for _, f, _ in rows)
    for c, f, tf in rows:
        if state and "city" in f:
            del f["city"]
        f.update(tf)
        if told:
            f = {f"{name}@told": v for name, v in f.items()}
        ranked.append((ranker.score(f), c, f))
    if (inside is not None and span.kind != "demonym" and not (inside.feature_class == "P" and natural_name(span.lookup))
            and _may_hold(inside, cands, desc)
            and (told or (inside.population >= max((c.place.population for c in cands), default=0)
                          and not (cands and inside.feature_class == "P")))
            and not any(_contains(inside, c.place) for c in cands)):
        # only when no namesake lies in it ("Pittsburgh, Pennsylvania" is the city); and where the sentence does
        # not say what the name is, only when bigger than them all, and a town only for a name the gazetteer
        # lacks ("Royal Street in New Orleans"; "Paris, London" is a list). "Quillan is a village in Harlan
        # County" says where Quillan is whatever the sizes.
        f = _container_features(inside, cands)
        ranked.append((ranker.score(f), Candidate(inside, span.lookup, CONTAINER), f))
        ranked.sort(key=lambda r: (-r[0], *_tie(r[1])))
    else:
        ranked.sort(key=itemgetter(0), reverse=True)
    return ranked


#: Labels of spans read as sites: a street, square or venue ("Quillan Arena in Leeds").
SITE_LABELS = (*SITE_RULE_LABELS, "ner:FAC")
#: km from a town within which a site's namesake may be the site the text puts in that town.
SITE_IN_TOWN_KM = 60.0


def _site_elsewhere(span: Span_, town: "Place | None", cands: "list[Candidate]") -> bool:
    """"Stamford Bridge in London": the text puts a site in a town and every namesake lies more
    than :data:`SITE_IN_TOWN_KM` from it (a village of that name far away is not the stadium;
    an airport, often said to be "in" the city it serves, is never dismissed so)."""
    return (town is not None and town.feature_class == "P" and bool(cands) and span.label.startswith(SITE_LABELS)
            and not any(c.place.feature_code == "AIRP" or _km(c.place.point, town.point) <= SITE_IN_TOWN_KM for c in cands))


#: Feature classes of places that hold no other place a name may stand at: water (seas, lakes,
#: rivers) and relief (mountains, ranges). "An island in the Bay of Bengal" is not at the bay's middle.
UNHELD_IN = frozenset("HT")


def _may_hold(outer: "Place", cands: "list[Candidate]", desc: str) -> bool:
    """Whether ``outer``, the place the text puts a name in, may stand for it: never water or
    relief (:data:`UNHELD_IN`), and not for a country's name unless the text makes it a town:
    "X, an overseas territory of Y", "X is a constituent country of Y" describe the country X
    (whose own code is not Y's)."""
    if outer.feature_class in UNHELD_IN:
        return False
    return desc == "settlement" or not any(c.place.feature_code.startswith("PCL") for c in cands)


def _read(cands: "list[Candidate]", span: Span_, ev: "Evidence | None", desc: str, reads: "dict | None",
          facts: "_NameFacts | None" = None,
          alone: "list[tuple[dict[str, float], float, dict[str, float], float]] | None" = None,
          coherent: "list[float] | None" = None) -> "tuple[_NameFacts, list[dict[str, float]]]":
    """What :func:`_rank` reads of the span that no pass changes: the name's facts and each
    candidate's :func:`~geomap.resolve.features.text_features`, then how much the article's other
    names point to its state (``coherent``, given per candidate), kept in ``reads`` by the span."""
    read = reads.get(id(span)) if reads is not None else None
    if read is None:
        if alone is not None:
            texts = [dict(pf) for _, _, pf, _ in alone]
        else:
            # the biggest namesake is only known when every namesake's size is (a landmark or sea has none)
            top_pop = max((c.place.population for c in cands), default=0) if all(c.place.population for c in cands) else 0
            texts = [place_features(c.place, top_pop) for c in cands]
        # text_features of each candidate: its place's, then the article's
        add_text_features_all(texts, [c.place for c in cands], span.lookup, span.start, span.end, ev, desc)
        if coherent:
            for f, v in zip(texts, coherent):
                if v > 1e-9:
                    f["coherent"] = v  # "Springfield" beside Chatham and Sangamon County: the one in Illinois
        read = (facts if facts is not None else _name_facts(cands, span), texts)
        if reads is not None:
            reads[id(span)] = read
    return read


def _container_features(outer: "Place", cands: "list[Candidate]") -> dict[str, float]:
    """Features of the containing place as an answer (offered only when no namesake lies in
    it): its kind, and whether the gazetteer knows the name at all."""
    code = outer.feature_code
    level = ("country" if code.startswith("PCL") else "admin1" if code in ("ADM1", "ADM1H")
             else "town" if outer.feature_class == "P" else "county")
    f = {"container": 1.0, f"container_{level}": 1.0}
    if not cands:
        f["unknown_name"] = 1.0
    return f


def _confidence(ranked: list[tuple[float, "Candidate", dict]], spreads: "dict | None" = None) -> float:
    """Softmax probability of the winner among the candidates."""
    if not ranked:
        return 0.0
    return 1.0 / _spread(ranked, spreads)


def _spread(ranked: list[tuple[float, "Candidate", dict]], spreads: "dict | None" = None) -> float:
    """The softmax denominator of a (non-empty) ranking, relative to its winner; kept in ``spreads``
    by the ranking's identity when given (an article's rankings are asked several times)."""
    if spreads is not None:
        kept = spreads.get(id(ranked))
        if kept is not None and kept[0] is ranked:  # the list itself is kept: its id is not reused
            return kept[1]
    top = ranked[0][0]
    z = sum(math.exp(s - top) for s, _, _ in ranked)
    if spreads is not None:
        spreads[id(ranked)] = (ranked, z)
    return z


def _context(spans: list[Span_], chosen: "list[Place | None]", ranked_all: list, qualifiers: "Container[int]",
             spreads: "dict | None" = None) -> _Context:
    """The article's context after a pass; ``qualifiers`` holds ``id()`` of the spans that qualify
    another; ``spreads`` keeps the rankings' :func:`_spread`."""
    countries: dict[str, set[str]] = {}
    admin1: dict[tuple[str, str], set[str]] = {}
    points: list[tuple[float, float, str, float]] = []
    listed: set[tuple[str, str]] = set()
    towns: dict[tuple[str, str], set[str]] = {}
    for span, place, ranked in zip(spans, chosen, ranked_all):
        if place is None or (ranked and ranked[0][1].name_kind == CONTAINER):
            continue  # (a name placed in its container, "All Saints Church in Denton", says no more than the container's)
        name = span.lookup.casefold()
        confident = _confidence(ranked, spreads) >= 0.6
        if place.country_code and (place.feature_code.startswith("PCL") or confident):
            countries.setdefault(place.country_code, set()).add(name)
        # a dateline's state ("HELENA, Mont.") is a division whatever else shares its name
        if place.feature_code == "ADM1" and place.admin1 and (
                span.kind == "region-phrase" or confident or span.label == "rule:dateline-state"):
            admin1.setdefault((place.country_code or "", place.admin1), set()).add(name)
            if span.kind != "embedded" and id(span) not in qualifiers:
                listed.add((place.country_code or "", place.admin1))
        if place.feature_class == "P" and confident:
            points.append((place.lat, place.lon, name, CAPITAL_NEAR_KM if place.feature_code == "PPLC" else NEAR_KM))
            if place.country_code and place.admin1:
                towns.setdefault((place.country_code, place.admin1), set()).add(name)
    return _Context({k: frozenset(v) for k, v in countries.items()}, {k: frozenset(v) for k, v in admin1.items()},
                    tuple(dict.fromkeys(points)), frozenset(listed),  # each point once per name
                    {k: frozenset(v) for k, v in towns.items()})


def resolve_spans(spans: list[Span_], store: "GazetteerStore", *, explain: bool = False, text: str | None = None,
                  sentence_starts: "list[int] | None" = None, ranker: "Ranker | None" = None,
                  trace: "list | None" = None, disable: "Container[str]" = ()) -> list[Resolution]:
    """Resolve every span of one article; ``explain`` keeps the ranked candidates.

    ``text`` (with its ``sentence_starts``) lets the ranker read what the whole article
    names (:mod:`geomap.resolve.evidence`); ``ranker`` replaces the shipped model;
    ``trace``, when given, receives each span's full ranking as the ranker saw it
    (for training).

    A name the text places inside another ("Y, X", "Y in X", "Y is a village in X County")
    also competes with that container itself: when no namesake fits, the mention takes the
    containing place, with ``precision="containing"``. After ranking, a few article-level
    rules may change a choice; each change is recorded on the mention
    (:attr:`Resolution.adjustments`) and the score is computed for the final place.
    """
    if not spans:
        return []  # (nothing to resolve: the article's evidence is not read)
    ranker = ranker or default_ranker()
    ev = read_evidence(text, sentence_starts or [0], store) if text is not None else None
    stated = [description(text, s.start, s.end) if text is not None else ("", False) for s in spans]
    descs = [kind for kind, _ in stated]
    # the sentence describes the name ("X is a town in…", "X, a village"): the encyclopedic reading,
    # also for "the town of X" in an article that describes X so; elsewhere "the city of X", "the
    # state of X" name its kind in passing, as news does
    described = {normalize(s.lookup) for s, (kind, after) in zip(spans, stated) if kind and after}
    told = [bool(d) and normalize(s.lookup) in described for s, d in zip(spans, descs)]
    qualifiers = {id(s.inside) for s in spans if s.inside is not None}
    # a division's bare core name counts where the text makes the name a division: described as one,
    # or qualifying another name ("Calamba City, Laguna")
    # (a settlement said in passing, "the port of Odessa", keeps its namesake division: its size tells the city's)
    readings = [_reading(s, store, d in DIVISION_KINDS or id(s) in qualifiers, d if d != "settlement" or t else "")
                for s, d, t in zip(spans, descs, told)]
    cand_lists = [list(r.cands) for r in readings]
    coherence = StateCoherence((s.lookup, _divisions_of(r)) for s, r in zip(spans, readings) if s.kind != "demonym")
    coherents: dict[int, list[float]] = {}  # each reading's coherence values, by its identity
    qualified = _qualified(spans)
    containers = _containers(spans, text, ev, descs, qualified)
    chains = _held_chains(spans, text, ev, containers, descs)
    _dateline_holds_sites(spans, cand_lists, containers, ev)
    # "Tacoma, Washington": the candidates of the names each span qualifies
    held: dict[int, list["Place"]] = {}
    for s, cands in zip(spans, cand_lists):
        if s.inside is not None:
            held.setdefault(id(s.inside), []).extend(c.place for c in cands)
    ctx = _Context()
    chosen: list["Place | None"] = [None] * len(spans)
    ranked_all: list[list] = [[] for _ in spans]
    # the first pass reads each name alone, in text order, but a qualified name after its qualifier
    # ("Kansas City, Kansas": the state first, so that the town's place is the context's); the second
    # ranks a name against its container's place of the same pass
    reads: dict[int, tuple] = {}
    spreads: dict[int, tuple] = {}  # each ranking's softmax denominator (_spread)
    for second, order in enumerate((_outermost_first(len(spans), qualified), _outermost_first(len(spans), containers))):
        memo: dict[tuple, list] = {}  # the same name in the same role ranks the same within a pass
        # ...and in another sentence too when its candidates' text features are the same there: the
        # last ranking of each name's reading and role, with those features
        last: dict[tuple, tuple[list, list]] = {}
        for i in order:
            span, cands = spans[i], cand_lists[i]
            outer = _outer(i, chosen, containers, chains)
            holds = held.get(id(span))
            if second and _alone(cands, outer, holds):
                continue  # one candidate and nothing to weigh it against: the context cannot change it
            role = (span.lookup, span.kind, span.prefer_admin1, span.label, outer.geonameid if outer else None,
                    i if holds is not None else None, descs[i], told[i])
            key = (*role, ev.sentence(span.start) if ev is not None else 0)
            if key not in memo:
                # a first pass's name that nothing contains or is qualified by, of no described kind: its
                # features but the text's are the same in every article
                alone = (not second and outer is None and holds is None and not descs[i])
                facts, alone_rows = _facts_of(readings[i], span), _alone_features(readings[i], span, ranker) if alone else None
                coherent = None
                if coherence:  # (each reading is one name's: the same values wherever it stands)
                    coherent = coherents.get(id(readings[i]))
                    if coherent is None:
                        coherent = coherents[id(readings[i])] = coherence.of_divisions(_divisions_of(readings[i]), span.lookup)
                texts = _read(cands, span, ev, descs[i], reads, facts, alone_rows, coherent)[1]
                before = last.get((readings[i], *role))
                if before is not None and before[0] == texts:  # (the same keys are in the same order)
                    memo[key] = before[1]
                else:
                    memo[key] = _rank(cands, span, ctx, outer, holds, ranker=ranker, ev=ev, desc=descs[i],
                                      told=told[i], reads=reads, facts=facts, heads=_heads_of(readings[i], span),
                                      alone=alone_rows, order=_order_of(readings[i]), coherent=coherent)
                    last[(readings[i], *role)] = (texts, memo[key])
            ranked_all[i] = memo[key]
            chosen[i] = ranked_all[i][0][1].place if ranked_all[i] else None
        ctx = _context(spans, chosen, ranked_all, held, spreads)
    if trace is not None:
        trace.extend(list(r) for r in ranked_all)
    adjust = _Adjustments(chosen, disable)
    adjust.run(_qualified_pairs, spans, chosen, ranked_all)
    adjust.run(_list_sense, spans, chosen, ranked_all, text or "")
    adjust.run(_slash_pairs, spans, chosen, ranked_all, text or "")
    adjust.run(_one_sense_per_discourse, spans, chosen, ranked_all, [2 if k and a else 1 if k else 0 for k, a in stated])
    if ev is not None:
        adjust.run(_text_coordinates, spans, chosen, ranked_all, text or "", ev)
    adjust.run(_region_sense, spans, chosen, ranked_all, descs)
    adjust.run(_settlement_said, chosen, ranked_all, descs)
    adjust.run(_campus_town, spans, chosen, text or "")
    adjust.run(_drop_counties_of_other_states, spans, chosen, ranked_all, ctx)
    adjust.run(_lone_foreign_places, spans, chosen, ranked_all)
    adjust.run(_far_small_towns, spans, chosen, ranked_all)
    adjust.run(_not_in_qualifier, spans, chosen, ranked_all, containers, chains)
    adjust.run(_seats, spans, chosen, store, text)
    adjust.run(_in_container, spans, chosen, containers, ranked_all, chains)
    out = []
    for i, (place, ranked) in enumerate(zip(chosen, ranked_all)):
        precision = "containing" if place is not None and _contained(ranked, place, adjust.records.get(i)) else "exact"
        # (a position the text states is as sure as the ranker's surest choice)
        score = 0.0 if place is None else ranker.calibrate(1.0 if stated_place(place) else _mass(ranked, place, spreads))
        explained = _explain(ranked, place, ranker, adjust.records.get(i)) if explain else None
        out.append(Resolution(place, score, explained, adjust.records.get(i, []), precision))
    return out


#: The rules that may change a choice after ranking, in the order they run; each can be
#: switched off by name (``Geoparser(disable=[...])``) and records every change it makes.
ADJUSTMENTS = ("qualified-pairs", "list-sense", "slash-pairs", "one-sense-per-discourse", "text-coordinates", "region-sense",
               "settlement-said", "campus-town", "drop-counties-of-other-states",
               "lone-foreign-places", "far-small-towns", "not-in-qualifier", "seats", "in-container")

#: ``Candidate.name_kind`` of the place that holds a mention, competing with its namesakes.
CONTAINER = "container"


def _alone(cands: "list[Candidate]", outer: "Place | None", holds: "list[Place] | None") -> bool:
    """A span whose ranking no context can change: at most one candidate, no containing place
    to compete with it, nothing it qualifies, and not a county (whose context features a later
    rule reads)."""
    return (len(cands) <= 1 and outer is None and holds is None
            and not any(c.place.feature_code in _TOWN_LIKE for c in cands))


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle km between two ``(lat, lon)`` points."""
    return great_circle_km(a[0], a[1], b[0], b[1])


def _outermost_first(n: int, containers: dict[int, int]) -> list[int]:
    """Span indices with every container before the spans it holds ("Idaho", then "Custer
    County", then "Quillan" in "Quillan is a camp in Custer County, Idaho"), else in text order:
    a name ranked against its container needs the container's place of this pass."""
    def depth(i: int) -> int:
        seen = {i}
        d = 0
        while i in containers and containers[i] not in seen:
            i = containers[i]
            seen.add(i)
            d += 1
        return d
    return sorted(range(n), key=depth)


def _qualified(spans: list[Span_]) -> dict[int, int]:
    """For each span the extractor put inside another ("Y, X", "Y in X": its ``inside``), that span's index."""
    index = {id(s): i for i, s in enumerate(spans)}
    return {i: index[id(s.inside)] for i, s in enumerate(spans) if s.inside is not None and id(s.inside) in index}


def _containers(spans: list[Span_], text: str | None, ev: "Evidence | None", descs: list[str],
                qualified: dict[int, int]) -> dict[int, int]:
    """For each span, the span of the place the text puts it in: "Y, X" and "Y in X" (the
    extractor's ``inside``: ``qualified``, :func:`_qualified` of ``spans``), or "Y is a village in
    X County, Z" (the first place named after the description, in the same sentence; also for
    "Y, Z, is a village in X County": the county is nearer than the state)."""
    out = dict(qualified)
    if text is None or ev is None:
        return out
    for i, s in enumerate(spans):
        if s.kind == "demonym" or descs[i] in ("", "territory"):
            continue  # (a dependency is no place inside its sovereign: "Macau, a special administrative region of China")
        # "Quillan, Oregon, is a community in Harlan County": the county, if the sentence names one
        qualifier = out.get(i)
        after = past_aside(text, s.end)  # "Quillan or Quilan is a town in", "Tessbury (Welsh: …) is a city of"
        if qualifier is not None:
            if qualifier != i + 1 or text[s.end : spans[qualifier].start].strip() != ",":
                continue
            after = spans[qualifier].end
        here = ev.sentence(after)  # (an aside may hold a full stop the sentences were cut at: "(pop. 1,234)")
        for j in range(i + 1, len(spans)):
            t = spans[j]
            if ev.sentence(t.start) != here:
                break
            if t.kind == "demonym" or t.start < after or j == qualifier:
                continue
            gap = text[after : t.start]
            if qualifier is not None:
                gap = gap[1:] if gap.startswith(",") else ""  # ", is a community in"
            if _DESCRIBED_AS.match(gap):
                continue  # "Quillan is a Harnwick community in…": a place in the description itself
            if _DESCRIBED_IN.match(gap):
                k = _past_division_of(spans, text, j)
                if qualifier is None or (spans[k].kind == "region-phrase" and spans[k].designator in SECOND_LEVEL_WORDS):
                    out[i] = k
            break
    return out


def _held_chains(spans: list[Span_], text: str | None, ev: "Evidence | None", containers: dict[int, int],
                 descs: list[str]) -> dict[int, tuple[int, ...]]:
    """For each described name whose container the description gives, the places named after that
    container in the same chain: "X is a town in the commune of Y in the Cercle of Z in the W Region
    of V" holds X in Y, then Z, W and V, so that where the gazetteer lacks Y, X is still in the
    innermost place it has (:func:`_outer`). Only the described name reads the chain: Y's own
    reading is its own ("the harbour of Quillan in the Tessbury Islands")."""
    chains: dict[int, tuple[int, ...]] = {}
    if text is None or ev is None:
        return chains
    for i, j in containers.items():
        if not descs[i] or spans[i].inside is not None or j <= i:
            continue  # (a name the extractor qualified, "Y, X", "Y in X", holds by its own container)
        here, chain = ev.sentence(spans[j].start), []
        while j + 1 < len(spans) and ev.sentence(spans[j + 1].start) == here and spans[j + 1].kind != "demonym":
            if not _HELD_IN.match(text[spans[j].end : spans[j + 1].start]):
                break
            j = _past_division_of(spans, text, j + 1)
            chain.append(j)
        if chain:
            chains[i] = tuple(chain)
    return chains


#: Between a country and its division: "the U.S. state of Iowa", "the Canadian province of Ontario".
_DIVISION_OF = re.compile(r"^\s+(?:state|province|region|territory|county|district|prefecture|department|oblast)\s+of\s+"
                          r"(?:the\s+)?$", re.I)


def _past_division_of(spans: list[Span_], text: str, j: int) -> int:
    """Span ``j``, or the division after it when the text says the one of the other ("in the U.S.
    state of Quillania": the state, not the country before it)."""
    while j + 1 < len(spans) and _DIVISION_OF.match(text[spans[j].end : spans[j + 1].start]):
        j += 1
    return j


def _dateline_holds_sites(spans: list[Span_], cand_lists: list, containers: dict[int, int],
                          ev: "Evidence | None" = None) -> None:
    """"NEW ORLEANS (AP) — … on Quillan Street": a story's dateline says where it was filed, so a
    street or building the gazetteer lacks, that nothing else locates, is in the dateline's town
    (never a natural feature, never a name the model took for a person or an organisation). A
    village is in the county or district its sentence names before it, if any ("LUCKNOW — Police
    in Bahraich district said … in Quillanpur": the district, not the city the story was filed in)."""
    town = next((i for i, s in enumerate(spans) if s.label == "rule:dateline"), None)
    if town is None:
        return
    for i, s in enumerate(spans):
        if (i not in containers and i != town and not cand_lists[i] and s.kind == "toponym"
                and not natural_name(s.lookup) and not s.label.startswith(("ner:PERSON", "ner:ORG"))):
            district = None if s.lookup.rsplit(None, 1)[-1].lower() in THOROUGHFARES else _district_before(spans, i, ev)
            containers[i] = town if district is None else district


def _district_before(spans: list[Span_], i: int, ev: "Evidence | None") -> "int | None":
    """The last county or district ("Bahraich district") named before span ``i`` in its sentence."""
    if ev is None:
        return None
    here = ev.sentence(spans[i].start)
    for j in range(i - 1, -1, -1):
        t = spans[j]
        if ev.sentence(t.start) != here:
            return None
        if t.kind == "region-phrase" and t.designator in SECOND_LEVEL_WORDS:
            return j
    return None


#: After "in" or "within": "the province of", "the eastern part of the city of", then "northwestern".
_HOLDER_WORDS = (r"(?:the\s+)?(?:(?:[\w-]+\s+){0,2}(?:of|in)\s+(?:the\s+)?){0,2}"
                 # "in northwestern Quillan County", "in south-central Quillan", "in inner southeast Quillan"
                 r"(?:(?-i:[a-z][\w-]*)\s+){0,2}(?:(?:north|south|east|west|central|mid)[\w-]*\s+)?$")
#: "is a village located in", ", a town in the", "is a city in the province of": a description, then the place.
_DESCRIBED_IN = re.compile(
    # (an aside between commas or in brackets: "an unincorporated community, now a ghost town, in")
    r"^(?:,\s*|\s+(?:is|was)\s+)(?:now\s+|also\s+)?"
    r"(?:(?:a|an|the|one\s+of(?:\s+the)?)\s+(?:\([^()]{0,80}\)\s+|[\w()-]+,?\s+){0,8}?|(?:located|situated)\s+)"
    # ("X is located in Y"; never "near Y": near a town is not in it)
    r"(?:in|of|within)\s+" + _HOLDER_WORDS, re.I)
#: The opening of a description before a place named in it: "is a (small)" (Harnwick community in).
_DESCRIBED_AS = re.compile(r"^(?:,\s*|\s+(?:is|was)\s+)(?:a|an)\s+"
                           r"(?:(?!(?:in|of|within|on|at|near|from|by|and|or)\s)(?-i:[a-z][\w-]*)\s+){0,2}$", re.I)
#: Between two places of a description's chain: "Quillan in the Cercle of Tessbury", "… Region of southern Harnwick",
#: "Quillan district of Tessbury", "Quillan Township, Tessbury County".
_HELD_IN = re.compile(r"^(?:,\s*$|,?(?:\s+(?!(?:north|south|east|west)[a-z]*\s)(?-i:[a-z][\w-]*))?\s+(?:in|within|of)\s+"
                      + _HOLDER_WORDS + ")", re.I)  # (never "…, north of Quillan": a direction holds nothing)


def _held_by(outer: "Place", inner: "Place") -> bool:
    """Whether ``outer`` may hold ``inner`` as a description's chain says: :func:`_contains`, or,
    for a region of no first-level division ("the Quillan Downs"), the same country."""
    if inner.feature_class not in ("P", "A") or (inner.feature_class == "A" and not inner.admin1):
        return inner.country_code == outer.country_code
    return _contains(outer, inner)


def _outer(i: int, chosen: "list[Place | None]", containers: dict[int, int],
           chains: "dict[int, tuple[int, ...]] | None" = None) -> "Place | None":
    """The place chosen for the span that holds span ``i`` ("Fife" in "Knockhill, Fife"), or,
    when that is unresolved, for the span holding it in turn ("Quillan County, Alberta"). For a
    described name with a description chain (:func:`_held_chains`), the first resolved place of
    the chain that the later divisions of its outermost place's country hold."""
    j = containers.get(i)
    if j is None:  # most spans: nothing holds them
        return None
    chain = chains.get(i) if chains is not None else None
    if chain is not None:
        # the first resolved place of the chain that the divisions after it hold: the outer places' names
        # are the less in doubt ("the commune of Quillan in the Cercle of Tessbury in Mali": not an Estonian
        # namesake of Quillan; "the Harnwick region of Tasmania": not a Harnwick abroad; "Quillan Township,
        # Tessbury County, Indiana": not the town of Quillan in another state)
        line = [chosen[k] for k in (j, *chain) if chosen[k] is not None]
        line = [p for p in line if p.country_code == line[-1].country_code] if line else line
        return next((p for n, p in enumerate(line)
                     if all(_held_by(q, p) for q in line[n + 1 :] if q.feature_class == "A" and q != p)), None)
    seen = {i}
    while j is not None and j not in seen:
        if chosen[j] is not None:
            return chosen[j]
        seen.add(j)
        j = containers.get(j)
    return None


def _mass(ranked: list, place: "Place", spreads: "dict | None" = None) -> float:
    """The softmax mass of the candidates within 161 km of ``place``: how sure the ranker is
    of that answer, whichever of its namesakes or containers gives it (``spreads`` as for
    :func:`_spread`)."""
    if not ranked:
        return 0.0
    top = ranked[0][0]
    z = _spread(ranked, spreads)
    deg = SAME_KM / 111.0  # a latitude box first: the geodesic only for candidates that may be that close
    gid = place.geonameid  # (places of other ids are never equal: no field-by-field test for them)
    near = sum(math.exp(s - top) for s, c, _ in ranked
               if c.place is place or (c.place.geonameid == gid and c.place == place)
               or (abs(c.place.lat - place.lat) < deg and _km(c.place.point, place.point) < SAME_KM))
    return near / z


class _Adjustments:
    """Runs the rules that may change a choice after ranking and records each change:
    ``{"rule", "from", "to", "reason"}`` per mention, the reason being the rule's summary."""

    def __init__(self, chosen: "list[Place | None]", disable: "Container[str]" = ()) -> None:
        self.chosen = chosen
        self.disable = disable
        self.records: dict[int, list[dict]] = {}

    def run(self, rule, *args) -> None:
        if self.disable and _rule_name(rule) in self.disable:
            return
        before = list(self.chosen)
        rule(*args)
        if before == self.chosen:  # (what most rules change: nothing)
            return
        for i, (old, new) in enumerate(zip(before, self.chosen)):
            if old is not new and old != new:  # most rules change nothing: no field-by-field test
                self.records.setdefault(i, []).append({
                    "rule": _rule_name(rule),
                    "from": _brief(old), "to": _brief(new),
                    "reason": " ".join((rule.__doc__ or "").strip().split("\n\n")[0].split()).split(". ")[0]})


def _contained(ranked: list, place: "Place", records: "list[dict] | None") -> bool:
    """Whether ``place`` holds the mention rather than being its own: the last rule placed it in
    its container, or the container itself won the ranking (and no namesake shares its place)."""
    if records and records[-1]["rule"] == "in-container":
        return True
    return _container_won(ranked, place) and not any(c.name_kind != CONTAINER and c.place == place for _, c, _ in ranked)


def _container_won(ranked: list, place: "Place | None") -> bool:
    """The containing place topped the ranking, and ``place`` is it."""
    return place is not None and bool(ranked) and ranked[0][1].name_kind == CONTAINER and ranked[0][1].place == place


def _rule_name(rule) -> str:
    return rule.__name__.lstrip("_").replace("_", "-")


def _brief(p: "Place | None") -> "dict | None":
    return None if p is None else {"geonameid": p.geonameid, "name": p.name, "feature_code": p.feature_code,
                                   "country_code": p.country_code}


def _explain(ranked: list, place: "Place | None", ranker: "Ranker", adjustments: "list | None") -> list[dict]:
    """The ranked candidates, the final place first, each with its features' contributions."""
    def row(s: float, c: "Candidate", f: dict) -> dict:
        return {**_brief(c.place), "matched": c.name_kind, "score": round(s, 3),
                "features": {k: round(v, 3) for k, v in ranker.contributions(f).items()}}

    rows = [row(*r) for r in ranked[:5]]
    if place is not None:
        final = next((r for r in rows if r["geonameid"] == place.geonameid), None)
        if final is None:
            final = next((row(*r) for r in ranked if r[1].place.geonameid == place.geonameid), None)
        if final is None:
            final = {**_brief(place), "matched": "adjusted", "score": None, "features": {}}
        rows = [final] + [r for r in rows if r is not final]
        if adjustments:
            final["adjusted_by"] = [a["rule"] for a in adjustments]
    return rows


def _in_container(spans: list[Span_], chosen: "list[Place | None]", containers: dict[int, int],
                  ranked_all: list, chains: "dict[int, tuple[int, ...]] | None" = None) -> None:
    """A name the gazetteer lacks takes the place the text puts it in ("Royal Street in New
    Orleans", "Oulton Park, Cheshire"), marked as approximate; never a place merely named
    nearby. A name that took its container in the ranking follows it when a later rule
    changed the container's place. The name recurring without a container ("Quillan has a post
    office") is at the same place: one sense per discourse, for names the gazetteer lacks."""
    placed: dict[tuple[str, str], "Place"] = {}
    for i, span in enumerate(spans):
        if span.kind == "demonym":
            continue
        if chosen[i] is None or _container_won(ranked_all[i], chosen[i]):
            outer = _outer(i, chosen, containers, chains)
            if (outer is not None and outer != chosen[i] and outer.feature_class not in UNHELD_IN
                    and not (outer.feature_class == "P" and natural_name(span.lookup))):
                chosen[i] = outer
            if outer is not None and chosen[i] == outer and _unknown(ranked_all[i]):
                placed.setdefault(_sense(span), outer)
    for i, span in enumerate(spans):
        if chosen[i] is None and _unknown(ranked_all[i]) and span.inside is None:
            chosen[i] = placed.get(_sense(span))


def _sense(span: Span_) -> tuple[str, str]:
    """What one sense per discourse keys a mention by: its name, and whether it names a place or
    its people ("Laguna Mayor" and "in Laguna" name one place)."""
    return ("toponym" if span.kind == "embedded" else span.kind, span.lookup.casefold())


def _unknown(ranked: list) -> bool:
    """No namesake of the mention was ranked: the gazetteer lacks its name."""
    return all(c.name_kind == CONTAINER for _, c, _ in ranked)


def _placed_by_text(ranked: list, place: "Place") -> bool:
    """Whether ``place``'s row of the ranking has evidence of the text's (:data:`_EVIDENCE`)."""
    return any(c.place.geonameid == place.geonameid and _positive(f, _EVIDENCE) for _, c, f in ranked)


def _region_sense(spans: list[Span_], chosen: "list[Place | None]", ranked_all: list, descs: "Sequence[str]" = ()) -> None:
    """After "the Kursk region", a bare "Kursk" that resolved to the division's namesake
    city inside it means the division too ("North Korean troops in Kursk"), unless its sentence
    says a town ("Kursk city", "the town of Kursk": ``descs``, see :func:`_settlement_said`). After "Quillan
    County", a bare "Quillan" (or "Quillan City") that resolved to a namesake far away ("the
    Quillan Times") is the county: one article rarely means two places of one name
    (capitals and countries excepted)."""
    regions: dict[str, "Place"] = {}
    since: dict[str, int] = {}
    for span, place in zip(spans, chosen):
        if (place is not None and place.feature_code in ("ADM1", "ADM2") and (span.kind == "region-phrase" or span.prefer_admin1)
                and not span.label.endswith("+state-body")):  # "a New York court" leaves "in New York" alone
            regions.setdefault(normalize(span.lookup), place)
            since.setdefault(normalize(span.lookup), span.start)
    if not regions:
        return
    for i, (span, place) in enumerate(zip(spans, chosen)):
        region = regions.get(normalize(span.lookup))
        if region is not None and region.feature_code == "ADM1" and span.start < since[normalize(span.lookup)]:
            continue  # "to Kharkiv and then on to the wider Kharkiv region": the city came first
        if region is None:  # "Suffolk City" after "Suffolk County" (never "Kursk City" after "the Kursk region")
            region = regions.get(normalize(_GENERIC_TAIL.sub("", span.lookup)))
            region = region if region is not None and region.feature_code == "ADM2" else None
        if region is None or place is None or span.kind == "region-phrase":
            continue
        inside = place.country_code == region.country_code and place.admin1 == region.admin1
        if region.feature_code == "ADM1":
            if inside and place.feature_class == "P" and span.kind == "toponym" and not (descs and descs[i] == "settlement"):
                chosen[i] = region
        elif (not inside and place.feature_code not in ("PPLC", "CONT") and not place.feature_code.startswith("PCL")
                and _km(place.point, region.point) > NEAR_KM and not _placed_by_text(ranked_all[i], place)):
            # a county: not a state's namesake capital ("Washington State", "Washington"); and only when
            # nothing in the text put the name where it is: the county is the doubtful reading when the
            # text places the town ("Quillan is a city in Harlan County" … "named after Quillan County",
            # or "Quillan is a town in the Northern Province" of one country, "Quillan District" of another)
            chosen[i] = region


def _settlement_said(chosen: "list[Place | None]", ranked_all: list, descs: "Sequence[str]") -> None:
    """A name its sentence calls a town ("the city of Kherson", "Kherson city") is the town of the
    name inside the division or country that ranked first, not that division or country itself."""
    for i, (place, desc) in enumerate(zip(chosen, descs)):
        if place is None or desc != "settlement" or place.feature_class != "A":
            continue
        town = next((c.place for _, c, _ in ranked_all[i]
                     if c.place.feature_class == "P" and c.name_kind != CONTAINER and _contains(place, c.place)), None)
        if town is not None:
            chosen[i] = town


#: Organisations that stand on one site in a town: "University of Arizona" is in Tucson.
_CAMPUS_WORDS = frozenset({"university", "college", "hospital", "airport", "stadium", "institute"})


def _campus_town(spans: list[Span_], chosen: "list[Place | None]", text: str = "") -> None:
    """A university (hospital, airport…) named after a division stands in a town of it: the
    town of that division the article names most, when it names one. Where the article names
    several such bodies after one division, each stands in that town only if its name says so
    ("California State University at Quillan", "University of Kentucky, Quillan")."""
    towns: dict[tuple[str, str], dict[int, int]] = {}
    places: dict[int, "Place"] = {}
    for s, p in zip(spans, chosen):
        if p is not None and p.feature_class == "P" and p.country_code and p.admin1 and s.kind != "embedded":
            per = towns.setdefault((p.country_code, p.admin1), {})
            per[p.geonameid] = per.get(p.geonameid, 0) + 1
            places[p.geonameid] = p
    if not towns:
        return
    campuses: dict[int, tuple[str, str]] = {}  # span index -> its division
    for i, (span, place) in enumerate(zip(spans, chosen)):
        if place is None or place.feature_code != "ADM1":
            continue
        words = {w.strip(".,’'").casefold() for w in (span.organisation or span.lookup).split()}
        if towns.get((place.country_code or "", place.admin1 or "")) and words & _CAMPUS_WORDS:
            campuses[i] = (place.country_code or "", place.admin1 or "")
    for i, division in campuses.items():
        per = towns[division]
        town = places[max(per, key=per.__getitem__)]
        organisation = spans[i].organisation or spans[i].lookup
        others = {spans[k].organisation or spans[k].lookup for k, d in campuses.items() if d == division} - {organisation}
        # several bodies named after one division ("California State University at Quillan", "University of
        # California") stand in different towns: the town goes only to the one whose name says it
        if not others or _names_town(text, spans[i], organisation, town.name):
            chosen[i] = town


def _names_town(text: str, span: Span_, organisation: str, town: str) -> bool:
    """Whether the organisation around ``span`` names ``town``, in its name or right after it
    ("… University at Quillan", "… University, Quillan", "… University in Quillan")."""
    if normalize(town) in normalize(organisation):
        return True
    at = text.find(organisation, max(0, span.start - len(organisation)), span.end + len(organisation))
    after = text[at + len(organisation) : at + len(organisation) + len(town) + 6] if at >= 0 else ""
    return bool(re.match(r"(?:,| at| in| -| –) ?" + re.escape(town) + r"\b", after))


#: A town below this size, the only place of its country in an article that names at least
#: FOREIGN_MAIN_NAMES places of another country, gives way to that article's town.
FOREIGN_TOWN_POP = 150_000
FOREIGN_MAIN_NAMES = 3
#: ...and a lone foreign place gives way to a namesake near the article's places once the
#: article names this many places of the namesake's country.
HOME_MAIN_NAMES = 2


def _drop_counties_of_other_states(spans: list[Span_], chosen: "list[Place | None]", ranked_all: list, ctx: _Context) -> None:
    """Unresolve a county (second-level division) that lies outside every first-level
    division the article names in its country, with nothing else for it: "McLean County" in
    a story about Kentucky is Kentucky's, not Illinois' that the gazetteer happens to hold.
    The name then takes the article's town, like any name the gazetteer lacks."""
    states: dict[str, set[str]] = {}
    for cc, a1 in ctx.admin1:
        states.setdefault(cc, set()).add(a1)
    for i, (span, place) in enumerate(zip(spans, chosen)):
        if (place is None or place.feature_code != "ADM2" or place.country_code not in states or place.geonameid < 0
                or place.admin1 in states[place.country_code] or span.inside is not None or not ranked_all[i]):
            continue
        if any(c.place.feature_code == "ADM1" and (c.place.country_code, c.place.admin1) == (place.country_code, place.admin1)
               for _, c, _ in ranked_all[i]):
            continue  # the name is its first-level division's too ("the Balearic Islands"): no county of many
        f = ranked_all[i][0][2]
        if not _positive(f, ("near", "admin1", "inside", "holds", "qualifier", "container")):
            chosen[i] = None


def _positive(f: dict[str, float], keys: "Container[str]") -> bool:
    """Whether any of the features ``keys`` is positive in ``f``, as ranked alone or where the
    sentence says what the name is (``inside@told``)."""
    return any(v > 0 and k.partition("@")[0] in keys for k, v in f.items())


def _lone_foreign_places(spans: list[Span_], chosen: "list[Place | None]", ranked_all: list) -> None:
    """Unresolve a town (under ``FOREIGN_TOWN_POP``, or named by another name: :func:`_by_another_name`;
    not a capital) that is the only place of its country in an article naming ``FOREIGN_MAIN_NAMES``
    or more places of another (``HOME_MAIN_NAMES`` for a name no place bears as its own):
    "Delft" among Cape Town and the Western Cape is the township, not the Dutch city. The
    name then takes the article's town. Qualified names, datelines and user places stay.

    Any such lone foreign place, town, small capital or division, first gives way to a namesake of
    the article's country near the places it names, in a division it names, or holding the towns
    it places: "Virginia" in a story about Dublin and Cavan is the Irish village, not the American
    state; "Victoria" in one about Melbourne and Geelong the Australian state, not the Seychelles' capital.
    A lone foreign country gives way only to a division holding the article's towns ("Georgia" with
    Atlanta and Savannah). A place of no country (the Middle East, a sea) is foreign to none; a town
    near the article's towns across a border is no stranger."""
    per_country: dict[str, set[str]] = {}
    for span, place, ranked in zip(spans, chosen, ranked_all):
        if place is not None and place.country_code and not _container_won(ranked, place):  # "Quillan Theatre, Y" is Y's
            per_country.setdefault(place.country_code, set()).add(span.lookup.casefold())
    if not per_country:
        return
    main = max(per_country, key=lambda c: len(per_country[c]))
    if len(per_country[main]) < HOME_MAIN_NAMES:
        return
    home_points = [p.point for p in chosen if p is not None and p.country_code == main and p.feature_class == "P"]
    at = {id(s): i for i, s in enumerate(spans)}
    for i, (span, place) in enumerate(zip(spans, chosen)):
        capital = place is not None and place.feature_code == "PPLC"
        # (a name the text places in another, foreign, place stays: "Quillan, Chad"; not one in a home place,
        # "Quillan in Ogoniland" in a story about Nigeria)
        outer = chosen[at[id(span.inside)]] if span.inside is not None and id(span.inside) in at else None
        placed = span.inside is not None and (outer is None or outer.country_code != main)
        country = place is not None and place.feature_code.startswith("PCL")
        if (place is None or not place.country_code
                or (capital and place.population >= FOREIGN_TOWN_POP) or place.geonameid < 0 or placed or span.label.startswith("rule:dateline") or place.country_code == main
                or not per_country.get(place.country_code or "", set()) <= {span.lookup.casefold()}):
            continue
        if any(_km(place.point, q) <= NEAR_KM for q in home_points):
            continue  # across a border from the article's towns: a neighbour, not a namesake abroad
        # (a state holding the article's towns is as much at home: "Victoria" among Melbourne and Geelong)
        # (a country gives way only to the division that holds the article's towns: "Georgia" with Atlanta
        # and Savannah)
        home = next((c.place for _, c, f in ranked_all[i] if c.place.country_code == main
                     and _positive(f, ("holds_named",) if country else ("near", "ev_county", "ev_admin1", "holds_named"))), None)
        if country and home is None:
            continue
        if home is not None:
            chosen[i] = home
        elif (place.feature_class == "P" and not capital
              and (place.population < FOREIGN_TOWN_POP or _by_another_name(ranked_all[i], place))
              and len(per_country[main]) >= (HOME_MAIN_NAMES if _alternate_only(ranked_all[i], place) else FOREIGN_MAIN_NAMES)):
            chosen[i] = None


def _alternate_only(ranked: list, place: "Place") -> bool:
    """No place bears the text's name as its own, and ``place`` bears it as an alternate name that is
    not its own name's first words ("Bandra", a part of Mumbai the gazetteer lacks, is another name of
    an Argentine town; "Clacton" is Clacton-on-Sea's own)."""
    cand = next((c for _, c, _ in ranked if c.place == place), None)
    if cand is None or any(c.name_kind not in ("alt", CONTAINER) for _, c, _ in ranked):
        return False
    return not _first_words(cand)


def _first_words(cand: "Candidate") -> bool:
    """The name matched is the first words of the place's own ("Frankfurt" for Frankfurt am Main)."""
    return normalize(cand.place.name).startswith((f"{cand.matched} ", f"{cand.matched}-"))


#: A city this big is known abroad by its other names too ("Cologne", "Munich"): :func:`_by_another_name`.
KNOWN_BY_OTHER_NAMES_POP = 1_000_000


def _by_another_name(ranked: list, place: "Place") -> bool:
    """The text names ``place`` only by an alternate name that is no spelling of its own (a name in
    another language: the gazetteer gives the German city Hamm the name "Hamas") nor its first
    words ("Frankfurt" for Frankfurt am Main), and the place is under :data:`KNOWN_BY_OTHER_NAMES_POP`:
    alone in its country in the article, it is as unlikely as a small town."""
    cand = next((c for _, c, _ in ranked if c.place == place), None)
    if cand is None or cand.name_kind != "alt" or place.population >= KNOWN_BY_OTHER_NAMES_POP:
        return False
    return not (_spelling(cand) or _first_words(cand))


#: A small town the model did not call a place, far from every local place the article names,
#: with nothing in the text for it: a site of the article's own area the gazetteer lacks.
FAR_TOWN_POP = 20_000
FAR_TOWN_KM = 500.0
_EVIDENCE = ("near", "admin1", "inside", "holds", "qualifier", "container", "ev_county", "ev_admin1")


def _far_small_towns(spans: list[Span_], chosen: "list[Place | None]", ranked_all: list) -> None:
    """Unresolve a small town (under ``FAR_TOWN_POP``) that the model did not tag as a place,
    that nothing in the text ties to its area, and that lies more than ``FAR_TOWN_KM`` from
    every one of at least two towns or counties the article places: "Washington Square" in a
    story about New Orleans is the city's square, not the Pennsylvania town of that name."""
    local = [(i, p.point) for i, p in enumerate(chosen)
             if p is not None and (p.feature_class == "P" or p.feature_code in _LOCAL_CODES)]
    for i, (span, place) in enumerate(zip(spans, chosen)):
        if (place is None or place.feature_class != "P" or place.population >= FAR_TOWN_POP or place.geonameid < 0
                or span.label in ("ner:GPE", "ner:LOC") or span.label.startswith(("rule:dateline", "rule:described"))
                or span.inside is not None or not ranked_all[i]
                or _positive(ranked_all[i][0][2], _EVIDENCE)):
            continue
        others = [q for j, q in local if j != i and chosen[j] != place]
        if len(others) >= 2 and all(_km(place.point, q) > FAR_TOWN_KM for q in others):
            chosen[i] = None


def _not_in_qualifier(spans: list[Span_], chosen: "list[Place | None]", ranked_all: list, containers: dict[int, int],
                      chains: "dict[int, tuple[int, ...]] | None" = None) -> None:
    """"Rockingham, Northamptonshire" when no Rockingham of the gazetteer lies in the division
    or country that qualifies it: not the town in North Carolina, another country, but
    somewhere in Northamptonshire, so the name takes the qualifier's place like a name the
    gazetteer lacks."""
    for i, span in enumerate(spans):
        outer = _outer(i, chosen, containers, chains)
        place = chosen[i]
        # (a division too, when the text puts it in a country: Lebanon's "North Governorate" is no
        # Cameroonian region because the gazetteer knows Lebanon's only by its French name; a region
        # phrase in a division: South Australia's "Mid North region" is not Rwanda's)
        division = (place is not None and place.feature_code in ("ADM1", "ADM2") and outer is not None
                    and (outer.is_country or (outer.feature_code == "ADM1" and span.kind == "region-phrase")))
        if (place is None or outer is None or not ranked_all[i] or span.prefer_admin1
                or not (place.feature_class == "P" or place.feature_code in _LOCAL_CODES or division)
                or not (outer.feature_code in ("ADM1", "ADM2", "ADMD", "RGN") or outer.is_country)):
            continue
        # across countries, or across states where the text pairs the town with its state ("Bethel,
        # Delaware"): "Quillan, Tessbury, Harnwick" is a list of one country's towns
        elsewhere = place.country_code != outer.country_code or (
            outer.feature_code == "ADM1" and place.admin1 and place.admin1 != outer.admin1
            and spans[containers[i]].label == "rule:qualified") or (
            # "Quillan Township, Tessbury County": a county holds nothing of another state
            outer.feature_code == "ADM2" and place.admin1 and outer.admin1 and place.admin1 != outer.admin1)
        if outer.country_code and elsewhere and not any(_positive(f, ("inside",)) for _, _, f in ranked_all[i]):
            chosen[i] = None


#: A country's diplomatic missions stand abroad; its ministries sit in its capital.
_MISSION_WORDS = frozenset({"embassy", "embassies", "consulate", "consulates"})
_MINISTRY_WORDS = frozenset({"ministry", "ministries"})


def _seats(spans: list[Span_], chosen: "list[Place | None]", store: "GazetteerStore", text: str | None = None) -> None:
    """A country's office named as such stands where it is, not in the country at large.

    "Russian Foreign Ministry" is in Moscow, the country's capital. "Russian Embassy" is
    not in Russia: it is unresolved, unless the text says where it is ("the Embassy of
    Norway in Tessbury" takes the place that holds it). A demonym alone ("Russian" in
    "the Russian Embassy") still means the country."""
    for i, (span, place) in enumerate(zip(spans, chosen)):
        if place is None or not place.country_code or not place.feature_code.startswith("PCL"):
            continue
        words = set(normalize(text[span.start : span.end] if text is not None else span.lookup).split())
        if words & _MINISTRY_WORDS:
            chosen[i] = store.capital(place.country_code) or place
        elif words & _MISSION_WORDS:
            chosen[i] = None


#: How much a "Y, X" reading in which X holds Y counts, against the two names ranked alone.
PAIR_BONUS = 10.0
_PAIR_TOP = 5


def _qualified_pairs(spans: list[Span_], chosen: list, ranked_all: list) -> None:
    """"Rome, Georgia", "Moscow, Idaho": the two names are read together, as a reader does.
    Among the top readings of each, the pair in which the second holds the first wins over
    the two best readings apart, unless they score far better (by ``PAIR_BONUS``)."""
    index = {id(s): i for i, s in enumerate(spans)}
    for i, span in enumerate(spans):
        j = index.get(id(span.inside)) if span.inside is not None else None
        if j is None or not ranked_all[i] or not ranked_all[j]:
            continue
        inner = [(s, c.place) for s, c, _ in ranked_all[i][:_PAIR_TOP] if c.name_kind != CONTAINER]
        outer = [(s, c.place) for s, c, _ in ranked_all[j][:_PAIR_TOP] if c.name_kind != CONTAINER]
        pairs = [(sx + sy + (PAIR_BONUS if _contains(y, x) else 0.0), x, y) for sx, x in inner for sy, y in outer]
        if not pairs:
            continue
        _, x, y = max(pairs, key=lambda t: t[0])
        if _contains(y, x):
            chosen[i], chosen[j] = x, y


_LIST_GAPS = frozenset((", ", " and ", ", and ", " or ", ", or ", " & "))


def _kind_of(place: "Place") -> tuple:
    """What a list's items share: a town's or county's country and first-level division, a
    division's level and country, or being a country."""
    if place.feature_code.startswith("PCL"):
        return ("country",)
    if place.feature_code == "ADM1":
        return ("admin1", place.country_code)
    return ("local", place.country_code, place.admin1)


#: A listed city keeps its place against a namesake this many times smaller that agrees with the
#: list, unless the namesake is a city itself or the list agrees almost as one (``LIST_AGREEMENT``
#: of its other names): Omaha among Texas and Kansas cities is still Nebraska's.
LIST_DWARF_RATIO = 20
LIST_CITY_POP = 50_000
LIST_AGREEMENT = 0.75


def _dwarfed(namesake: "Place", place: "Place") -> bool:
    return (namesake.feature_class == place.feature_class == "P" and namesake.population < LIST_CITY_POP
            and namesake.population * LIST_DWARF_RATIO < place.population)


#: A namesake this near (km) to a position the text states for the name is the place there.
COORD_KM = 30.0
#: ...and no namesake this near (km) lets the position make a place of its own.
STATED_ALONE_KM = 100.0
#: Ids of the places a text's stated position makes for a name no namesake of which lies there
#: (below the airports' 970,000,000; GeoNames' own ids stay under 20 million).
STATED_ID_BASE = 950_000_000
#: Words between a name and the position stated for it: "Quillan (12°30′S 131°2′E)", "Tessbury
#: lies at 45°7′N 92°40′W", "Harnwick is located at (41.08, -98.21)".
_STATED_AFTER = re.compile(r"[\s,]*(?:\(\s*)?(?:(?:is|was|lies|lay|sits|stands|located|situated|at|near)\s+){0,4}(?:\(\s*)?$")


def stated_place(place: "Place") -> bool:
    """Whether ``place`` is one a text's stated position made (no gazetteer record)."""
    return STATED_ID_BASE <= place.geonameid < STATED_ID_BASE + 10_000_000


def _text_coordinates(spans: list[Span_], chosen: "list[Place | None]", ranked_all: list, text: str,
                      ev: "Evidence") -> None:
    """A name in a sentence that states a position ("Quillan (12°30′S 131°2′E) has a pub",
    "Tessbury lies at 45°7′30″N 92°40′30″W") is its namesake lying there (within ``COORD_KM``),
    wherever the article names it alone, when the ranked choice lies elsewhere; a name that opens its
    sentence with its position right after it, and no namesake within ``STATED_ALONE_KM``, is a place
    of its own there (:func:`stated_place`)."""
    stated: dict[int, list[tuple[float, float]]] = {}
    coords = text_coordinates(text)
    for offset, lat, lon in coords:
        stated.setdefault(ev.sentence(offset), []).append((lat, lon))
    if not stated:
        return
    there: dict[str, "Place"] = {}  # the place the text puts each name at
    for i, span in enumerate(spans):
        points = stated.get(ev.sentence(span.start))
        if points and ranked_all[i] and span.kind != "demonym" and span.lookup not in there:
            found = next((c.place for _, c, _ in ranked_all[i]
                          if c.name_kind != CONTAINER and any(_km(c.place.point, q) <= COORD_KM for q in points)), None)
            if found is not None:
                there[span.lookup] = found
    # the name a sentence opens with, whose position the text gives right after it and none of whose
    # namesakes lies near it, is a place of its own at that position ("Quillan (12°30′S 131°2′E) is a
    # hamlet"; not "a village south of Tessbury (37.1°N 48.9°E)", a position of the sentence's subject)
    opening: dict[int, int] = {}
    for i, span in enumerate(spans):
        if span.kind != "demonym":
            opening.setdefault(ev.sentence(span.start), i)
    for i, span in enumerate(spans):
        if span.lookup in there or opening.get(ev.sentence(span.start)) != i:
            continue
        q = next(((o, lat, lon) for o, lat, lon in coords if 0 <= o - span.end <= 60
                  and _STATED_AFTER.fullmatch(text, span.end, o)), None)
        if q is not None and not any(_km(c.place.point, q[1:]) <= STATED_ALONE_KM for _, c, _ in ranked_all[i]):
            key = f"{q[1]:.4f},{q[2]:.4f}"
            there[span.lookup] = Place(STATED_ID_BASE + zlib.crc32(key.encode()) % 10_000_000, span.lookup,
                                       round(q[1], 6), round(q[2], 6), "L", "LCTY")
    for i, span in enumerate(spans):
        place = there.get(span.lookup)
        # (not where the text puts the name elsewhere: "named after Portland, Maine")
        if (place is not None and chosen[i] != place and span.inside is None
                and (stated_place(place) or any(c.place == place for _, c, _ in ranked_all[i]))):
            chosen[i] = place


def _list_sense(spans: list[Span_], chosen: "list[Place | None]", ranked_all: list, text: str) -> None:
    """Names listed together are places of one kind and area: in "Toronto, Ottawa, Hamilton,
    Kitchener and London" London is the Ontario city; in "Georgia, Florida and Alabama" Georgia
    is the state. A listed name whose place differs from what at least two of its list's other
    names share, and more of them than share anything else, takes its best-ranked namesake that
    agrees with them (a town of their division, or that division itself)."""
    groups: list[list[int]] = []
    qualifiers = {id(s.inside) for s in spans if s.inside is not None}
    for i, span in enumerate(spans):
        if span.kind != "toponym" or span.inside is not None or id(span) in qualifiers:
            continue
        prev = groups[-1][-1] if groups else None
        if prev is not None and text[spans[prev].end : span.start] in _LIST_GAPS and prev == i - 1:
            groups[-1].append(i)
        else:
            groups.append([i])
    for group in groups:
        if len(group) < 3:
            continue
        _list_division(group, chosen, ranked_all)
        for i in group:
            place = chosen[i]
            if place is None or not ranked_all[i]:
                continue
            shared = Counter(_kind_of(chosen[j]) for j in group if j != i and chosen[j] is not None)
            (kind, n), *rest = shared.most_common(2) + [((), 0)]
            if n < 2 or n == rest[0][1] or _kind_of(place) == kind:
                continue
            own = _kind_of(place)[0]
            # by an alternate name, any kind may give way ("Portland, Eugene, Salem and Albany": not Albania)
            loose = any(c.place == place and c.name_kind == "alt" for _, c, _ in ranked_all[i])
            # a far smaller namesake only when (nearly) the whole list agrees: "Dallas, Houston, Austin and
            # Paris" is Paris, Texas; Omaha among five Texas cities and four of other states stays Nebraska's
            others = sum(shared.values())
            for _, c, _ in ranked_all[i]:
                if c.name_kind == CONTAINER or (_dwarfed(c.place, place) and n < LIST_AGREEMENT * others):
                    continue
                # a town for a town elsewhere, a state for a country and back, or the state that holds
                # the list's towns ("Seattle, Washington and Tacoma"); never a town for a division
                if (_kind_of(c.place) == kind and (own == kind[0] or {own, kind[0]} == {"country", "admin1"} or loose)) or (
                        kind[0] == "local" and c.place.feature_code == "ADM1"
                        and (c.place.country_code, c.place.admin1) == kind[1:]):
                    chosen[i] = c.place
                    break


#: km within which the two places of a slash pair lie ("Dallas/Fort Worth", "Minneapolis/St. Paul").
SLASH_PAIR_KM = 50.0


def _slash_pairs(spans: list[Span_], chosen: "list[Place | None]", ranked_all: list, text: str) -> None:
    """Two names written as one with a slash name neighbours ("Vienna/Fairfax", "Dallas/Fort
    Worth"): a name whose place lies far from the other's takes its best-ranked namesake near that
    place, when only one of the two has such a namesake."""
    for i in range(len(spans) - 1):
        a, b = spans[i], spans[i + 1]
        if (text[a.end : b.start] != "/" or a.kind != "toponym" or b.kind != "toponym"
                or chosen[i] is None or chosen[i + 1] is None
                or _km(chosen[i].point, chosen[i + 1].point) <= SLASH_PAIR_KM):
            continue
        near_a, near_b = _namesake_near(ranked_all[i], chosen[i + 1]), _namesake_near(ranked_all[i + 1], chosen[i])
        if (near_a is None) != (near_b is None):
            chosen[i if near_a is not None else i + 1] = near_a or near_b


def _namesake_near(ranked: list, place: "Place") -> "Place | None":
    """The best-ranked namesake in ``ranked`` within :data:`SLASH_PAIR_KM` of ``place``."""
    return next((c.place for _, c, _ in ranked
                 if c.name_kind != CONTAINER and _km(c.place.point, place.point) <= SLASH_PAIR_KM), None)


def _list_division(group: list[int], chosen: "list[Place | None]", ranked_all: list) -> None:
    """A list whose towns lie in different countries, every name of which a town of one division
    also bears, is that division's: "Portland, Bangor, Augusta and Lewiston" are Maine's, though
    each alone is another's. No name takes a namesake it dwarfs (``_dwarfed``): "Paris, London and
    Berlin" stay where they are though Kentucky has all three."""
    if any(chosen[i] is None or not ranked_all[i] for i in group) or len({chosen[i].country_code for i in group}) < 2:
        return
    best: "list[Place] | None" = None
    for key in {(c.place.country_code, c.place.admin1) for _, c, _ in ranked_all[group[0]] if c.place.feature_class == "P"}:
        picks = []
        for i in group:
            pick = next((c.place for _, c, _ in ranked_all[i] if c.name_kind != CONTAINER and c.place.feature_class == "P"
                         and (c.place.country_code, c.place.admin1) == key), None)
            if pick is None or _dwarfed(pick, chosen[i]):
                break
            picks.append(pick)
        else:
            if best is not None:
                return  # two divisions would do: the list says neither
            best = picks
    if best is not None:
        for i, pick in zip(group, best):
            chosen[i] = pick


def _one_sense_per_discourse(spans: list[Span_], chosen: list, ranked_all: list, stated: "list[int]") -> None:
    """The same toponym text resolves to the place of its best-located mention: one whose
    sentence says what it is ("Quillan is a village in Harlan County"), else one whose sentence
    names its kind ("named after the city of Quillan, Scotland"), else the most confident.
    ``stated`` holds 2, 1 or 0 for each mention, in that order; a division or country that
    qualifies another name and holds its place counts as one that names its kind ("Ulster
    County, New York": the state, also where the article says "New York" alone)."""
    index = {id(s): i for i, s in enumerate(spans)}
    stated = list(stated)
    for i, span in enumerate(spans):
        j = index.get(id(span.inside)) if span.inside is not None else None
        outer = chosen[j] if j is not None else None
        if outer is not None and outer.feature_class == "A" and chosen[i] is not None and _contains(outer, chosen[i]):
            stated[j] = max(stated[j], 1)
    best: dict[tuple[str, str], int] = {}
    for i, span in enumerate(spans):
        if chosen[i] is None or span.prefer_admin1:  # "a New York court" is no sense for "New York"
            continue
        key = _sense(span)
        j = best.get(key)
        if j is None or (stated[i], ranked_all[i][0][0]) > (stated[j], ranked_all[j][0][0]):
            best[key] = i
    for i, span in enumerate(spans):
        j = best.get(_sense(span))
        if j is not None and chosen[i] is not None and not span.prefer_admin1 and span.inside is None:
            chosen[i] = chosen[j]
            ranked_all[i] = ranked_all[j]


def rank_candidates(name: str, store: "GazetteerStore", *, country_codes=None, feature_classes=None,
                    kinds=None) -> list[tuple[float, "Candidate", dict]]:
    """The places called ``name``, ranked as a lone toponym with no article context.

    The same features and weights as :func:`resolve_spans` (so a division's bare core
    name, "Kursk" for Kursk Oblast, ranks below the city). Returns ``(score, candidate,
    features)`` triples, best first; filters are passed to ``store.lookup``.
    """
    span = Span_(0, len(name), "toponym", "lookup", name)
    cands = _without_owned_alternates(store.lookup(name, kinds=kinds, feature_classes=feature_classes,
                                                   country_codes=country_codes))
    return _rank(cands, span, _Context(), None)


__all__.append("rank_candidates")
