"""What a sentence says a name is: "X is a small town", "X, a village in", "the city of X".

Read by recognition (a name so described is a place, wherever the model's tag says
otherwise) and by resolution (a town so described is not the country of its name).
"""

from __future__ import annotations

import re

__all__ = ["describe", "description", "KINDS", "PLACE_KINDS"]

#: The words that describe a place, by the kind of place they describe.
KINDS = {
    "settlement": ("city", "town", "village", "hamlet", "township", "community", "suburb", "settlement", "borough",
                   "locality", "neighbourhood", "neighborhood", "census-designated", "port", "capital", "municipality",
                   "commune", "parish", "resort", "place", "comune", "frazione", "gmina", "barangay", "kibbutz",
                   "moshav", "townland", "hromada", "selo", "posyolok", "camp", "colony", "outpost", "station", "quarter",
                   "ward", "area", "site", "seat", "barrio"),
    "division": ("county", "province", "district", "region", "state", "governorate", "prefecture", "oblast",
                 "department", "canton", "raion", "municipio", "voivodeship", "shire"),
    # a division or a dependency, which GeoNames has as a country of its own ("Puerto Rico, a territory of…")
    "territory": ("territory",),
    "country": ("country", "nation", "kingdom", "republic"),
    "natural": ("river", "lake", "mountain", "peak", "island", "islands", "sea", "ocean", "bay", "gulf", "creek",
                "valley", "desert", "forest", "strait", "peninsula", "glacier", "volcano", "range", "reservoir"),
}
_KIND_OF = {w: k for k, ws in KINDS.items() for w in ws}
#: What :func:`describe` says of a name that recognition takes for a place ("X is a country" is
#: read by the model and the gazetteer, not by a description).
PLACE_KINDS = frozenset(("settlement", "division", "territory", "natural", "place"))
#: Plurals that describe the names listed after them: "the provinces of Quillan, Tessbury and Harnwick".
_PLURAL_OF = {"provinces": "division", "states": "division", "districts": "division", "counties": "division",
              "regions": "division", "governorates": "division", "oblasts": "division", "cities": "settlement",
              "towns": "settlement", "villages": "settlement"}
_AFTER = re.compile(
    r"(?:,\s*(?:(?:is|was|has been|remains)\s+)?|\s+(?:is|was|has been|remains)\s+)(?:now\s+|also\s+)?(?:a|an|the)\s+"
    # (adjectives between: "a small market town"; not "the smallest in the state")
    r"((?:(?!(?:in|of|on|at|the|a|an)\s)[\w-]+\s+){0,3}?)(" + "|".join(sorted(_KIND_OF, key=len, reverse=True)) + r")"
    r"(?=[,.;:]|\s*\(|\s+(?:\d|one\s|two\s|three\s|four\s|five\s|six\s|seven\s|eight\s|nine\s|ten\s)|"
    r"\s+(?:in|of|on|near|located|situated|lying|between|forming|founded|named|known|famous|and|with|that|which|where|about|approximately|"
    r"consisting|comprising|"
    r"(?:north|south|east|west|northeast|northwest|southeast|southwest)(?:ern)?|along|at|within|bordering)\b)", re.I)
_NATIONALITY_OR_SIDE = (r"(?-i:[A-Z][a-z]+(?:an|ese|ish|i|ch|ek|sh))\s+|(?-i:U\.S\.|US|U\.K\.|UK)\s+|north(?:ern|-?(?:east|west)(?:ern)?)?\s+|"
                        r"south(?:ern|-?(?:east|west)(?:ern)?)?\s+|eastern\s+|western\s+|central\s+|neighbou?ring\s+|"
                        r"southernmost\s+|northernmost\s+")
#: "X is one of the (five historic) neighborhoods of Y": the plural says what X is.
_ONE_OF_PLURALS = {**_PLURAL_OF, **{w: "settlement" for w in (
    "neighbourhoods", "neighborhoods", "suburbs", "communities", "municipalities", "parishes", "wards", "barrios",
    "townships", "hamlets", "boroughs", "settlements", "localities", "communes")}}
_ONE_OF = re.compile(
    r"(?:,\s*|\s+(?:is|was)\s+)one\s+of\s+(?:the\s+)?((?:(?!(?:in|of|on|at|the)\s)[\w-]+\s+){0,3}?)("
    + "|".join(sorted(_ONE_OF_PLURALS, key=len, reverse=True)) + r")(?=\s+(?:in|of|within)\b|[,.;:])", re.I)
#: After a plural, the names listed before this one: "the provinces of Quillan, Tessbury and ".
_LISTED_BEFORE = r"(?:(?<=s of )(?-i:(?:(?:[A-Z][\w'’.-]*\s+){0,2}[A-Z][\w'’.-]*(?:,\s+and\s+|,\s+|\s+and\s+))+))?$"


def _kind_before(modifiers: str, kinds: "dict[str, str]") -> "re.Pattern[str]":
    return re.compile(rf"\b(?:the|a)\s+(?:{modifiers}){{0,2}}(" + "|".join(sorted(kinds, key=len, reverse=True))
                      + r")\s+of\s+" + _LISTED_BEFORE, re.I)


#: The words that say, before "of X", what X is: not "capital" ("the capital of X" says what X holds,
#: a country or a division; "X is the capital" says what X is).
_KIND_BEFORE_OF = {w: k for w, k in {**_KIND_OF, **_PLURAL_OF}.items() if w != "capital"}
#: "the Mexican state of X", "the southern provinces of X, Y and"...
_BEFORE = _kind_before(_NATIONALITY_OR_SIDE, _KIND_BEFORE_OF)
#: ...and for towns any adjective: "the modern village of X", "the small coastal town of X"
#: (not for divisions: "the metropolitan county of" names no division GeoNames has as such).
_BEFORE_TOWN = _kind_before(_NATIONALITY_OR_SIDE + r"|(?-i:[a-z][a-z-]+)\s+",
                            {w: k for w, k in _KIND_BEFORE_OF.items() if k == "settlement"})


#: Words that make a division word say a dependency, which GeoNames may hold as a country of its own.
_SELF_GOVERNED = re.compile(r"\b(?:autonomous|administrative|self-governing|overseas|dependent|unincorporated)\b", re.I)

#: Asides right after the name: a parenthesis (another spelling, a former name; one more may stand
#: inside it), a pronunciation between slashes or brackets (also inside brackets: "[Spanish:
#: [kwiˈʎon]]"; and a "listen" link's word), "or <another
#: name>", ", also (or formerly) known as <another name>,".
_ASIDE = re.compile(r"(?:\s*(?:\((?:[^()\n]|\([^()\n]{0,80}\)){1,400}\)|/[^/\s][^/\n]{0,60}/|\[(?:[^\[\]\n]|\[[^\[\]\n]{0,60}\]){1,120}\]|listen\b"
                    r"|or\s+[A-Z][\w'’-]*(?=\s+(?:is|was)\b)"
                    # ", also known as Quilanvale (…),", ", formerly known as Tessbury," before "is"
                    r"|,\s+(?:(?:also|formerly|commonly|locally|sometimes)\s+)?(?:known|spelled|spelt|called|written)\s+as\s+"
                    r"[^,\n]{1,120}(?=,\s+(?:is|was)\s)))+")
#: "X is located in", "X was situated on": a place, of no stated kind.
_LOCATED = re.compile(
    r"\s+(?:is|was|lies)\s+(?:(?:located|situated)\s+(?:in|at|on|near|just|about|approximately|along|within|between|\d)"
    # "X is 10 kilometres west of", "X lies southeast of"
    r"|(?:about\s+|approximately\s+|some\s+)?\d[\d.,]*\s*(?:km|kilometres|kilometers|miles|mi)\b"
    r"|(?:north|south|east|west|northeast|northwest|southeast|southwest)\s+of\b)", re.I)


#: A preposition right before a name: "north of X", "in X", "near X".
_PREPOSITION_BEFORE = re.compile(r"\b(?:of|in|near|from|to|at|by|beyond|across|toward|towards)\s+$", re.I)


def describe(text: str, start: int, end: int) -> str:
    """What the sentence says the name at ``text[start:end]`` is: ``settlement``, ``division``,
    ``country``, ``natural``, ``place`` (of no stated kind: "X is located in") or ``""``.
    Read from "X is a (small) town", "X, a village in", "the city of X", also with a
    parenthesis after the name ("X (pronounced …) is a town")."""
    return description(text, start, end)[0]


def past_aside(text: str, end: int) -> int:
    """Where the sentence goes on after the name ending at ``end`` and an aside after it: "Quillan
    (Gaelic: Cuilean) is a port", "Tessbury (formerly Harnwick) is a place", "Quillan or Quilan is"."""
    aside = _ASIDE.match(text, end, min(len(text), end + 450))
    return end if aside is None else aside.end()


#: The last text :func:`description` read, with its answers by (start, end): the recogniser and the
#: resolver ask of the same names (a new tuple for a new text, so that threads never share one).
_LAST: "tuple[str | None, dict[tuple[int, int], tuple[str, bool]]]" = (None, {})


def description(text: str, start: int, end: int) -> tuple[str, bool]:
    """:func:`describe`'s kind, and whether the sentence says it of the name after it ("X is a
    town", "X, a village"): "the city of X" names a kind in passing, it describes nothing."""
    global _LAST
    last = _LAST
    if last[0] is not text:
        last = _LAST = (text, {})
    found = last[1].get((start, end))
    if found is None:
        found = last[1][(start, end)] = _description(text, start, end)
    return found


#: ", California," before "is"/"was": the qualifier of the name before it, which the sentence
#: then describes ("Quillan, Oregon, is a ghost town").
_NAME_RUN = r"(?-i:[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2})"  # one to three capitalised words
_QUALIFIER = re.compile(r",\s+" + _NAME_RUN + r"(?=,\s+(?:is|was)\s)")
#: ", Oregon" before "is"/"was" with no comma, when the name opens its sentence ("Quillan, Oregon is a
#: neighborhood"; not "After Quillan, Tessbury is the next stop").
_QUALIFIER_OPENING = re.compile(r",\s+" + _NAME_RUN + r"(?=\s+(?:is|was)\s)")
#: ...and the name before a qualifier, which the description is not of.
_QUALIFIED_BEFORE = re.compile(_NAME_RUN + r",\s+$")
#: The name before a qualifier opens its sentence.
_OPENING_BEFORE = re.compile(r"(?:^|[.!?]\s+|\n)(?!(?:After|Before|In|At|On|From|To|With|Without|For|Like|Unlike|Besides|"
                             r"Beyond|Since|When|While|Near|Outside|Inside|Across|Along|Around|Through|Despite|As|But|"
                             r"And|Then|Now|However|Also|Today|Yesterday)\b)" + _NAME_RUN + r",\s+$")


def _opens_sentence(text: str, start: int) -> bool:
    return start == 0 or bool(re.search(r"(?:[.!?]\s+|\n\s*)$", text[max(0, start - 4) : start]))


#: What every description after a name opens with: a comma, or "is", "was", "has been", "remains",
#: "lies" (``_AFTER``, ``_LOCATED``, ``_ONE_OF`` and the qualifiers all do): most names have neither.
_MAY_FOLLOW = re.compile(r",|\s+(?:is|was|has|remains|lies)\s", re.I)


#: "Kherson city", "Idlib city": a word for a town right after the name, in lower case (a capital
#: makes it part of a name: "Kuwait City"), names its kind in passing, as "the city of X" does.
_KIND_RIGHT_AFTER = re.compile(r" (?:city|town|village)\b(?![’'-])")


def _description(text: str, start: int, end: int) -> tuple[str, bool]:
    if _KIND_RIGHT_AFTER.match(text, end):
        return "settlement", False
    end = past_aside(text, end)
    follows = _MAY_FOLLOW.match(text, end) is not None
    if follows:  # (else nothing after the name describes it: only the words before it may)
        qualifier = _QUALIFIER.match(text, end) or (_QUALIFIER_OPENING.match(text, end) if _opens_sentence(text, start) else None)
        if qualifier is not None:
            end = qualifier.end()  # "Quillan, Oregon, is a ghost town": the town is Quillan
        elif text.startswith(",", end) and _QUALIFIED_BEFORE.search(text, max(0, start - 60), start):
            if re.match(r",\s+(?:is|was)\s", text[end : end + 8]):
                return "", False  # ...and Oregon is not one
        elif re.match(r"\s+(?:is|was)\s", text[end : end + 5]) and _OPENING_BEFORE.search(text, max(0, start - 60), start):
            return "", False  # "Quillan, Oregon is a neighborhood": nor here
    before = (_BEFORE.search(text, max(0, start - 120), start) or _BEFORE_TOWN.search(text, max(0, start - 120), start)
              if _may_end_kind_before(text, start) else None)
    m = _AFTER.match(text, end, min(len(text), end + 80)) if follows else None
    located = follows and _LOCATED.match(text, end) is not None
    one_of = _ONE_OF.match(text, end, min(len(text), end + 80)) if follows else None
    if m is None and before is None and not located and one_of is None:
        return "", False  # most names: nothing before or after them describes them
    # "X is a …" says it of X as the subject, not as a preposition's object: "just north of Quillan is the
    # hamlet of Tessbury" describes Tessbury ("the town of Quillan is a port", "in Quillan, a port," describe Quillan)
    subject = before is not None or _PREPOSITION_BEFORE.search(text, max(0, start - 20), start) is None
    if m is not None and (subject or m.group(0).lstrip().startswith(",")) and not re.search(r"[.;:!?]", m.group(0)):
        kind = _KIND_OF[m.group(2).lower()]
        if kind == "division" and _SELF_GOVERNED.search(m.group(1)):
            kind = "territory"  # "Macau, a special administrative region of China": GeoNames has it as a country
        return kind, True
    if subject and located:
        return "place", True
    if subject and one_of is not None:
        return _ONE_OF_PLURALS[one_of.group(2).lower()], True
    if before is not None and not _NAMED_PART.search(before.group(0)):
        word = before.group(1).lower()
        return _KIND_OF.get(word) or _PLURAL_OF[word], False
    return "", False


#: "the Northern Region of Malta", "the Lori Province of Quillan": a division's own name, which
#: makes the name after "of" the place holding it, not a division ("the northern province of
#: Helmand", "the Province of Quillan" say what the name is).
_NAMED_PART = re.compile(r"(?-i:\b(?!The\b|A\b)[A-Z][\w'’-]*\s+[A-Z][a-z]+\s+of\s)")


def _may_end_kind_before(text: str, start: int) -> bool:
    """Whether ``_BEFORE`` (or ``_BEFORE_TOWN``) may match right before ``start``: each ends in
    "of", "," or "and" and white space ("the city of ", "the provinces of Quillan, "), so that
    most names skip both searches of the 120 characters before them."""
    if not start or not text[start - 1].isspace():
        return False
    tail = text[max(0, start - 120) : start].rstrip()
    return tail[-2:].lower() == "of" or tail[-1:] == "," or tail[-3:] == "and"
