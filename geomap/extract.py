"""Find place mentions in a spaCy ``Doc``: NER plus gazetteer-aware rules.

spaCy's small English model finds most countries and cities but mislabels others
("Kursk" as PRODUCT, "Tsukuryne" as ORG) and tags surnames as places ("Singh" as
GPE). The rules here repair that with the gazetteer and the article's own context:

* GPE/LOC/FAC entities are toponyms; NORP entities that are demonyms are demonyms.
* Entities with another label become toponyms only with evidence: a place preposition
  before them ("in Kursk"), a phrase that says so ("the Kursk region", "the Donetsk
  village of Tsukuryne"), or a name that is a country, first-level division or big city.
* A name that is also part of a person's name in the same article ("Lloyd Austin" …
  "Austin said") is a person, not a place.
* "X region / oblast / province …" phrases become ``region-phrase`` mentions of the
  first-level division; a dateline ("BRUSSELS —") is a toponym.
* Capitalised names the model missed are matched against the gazetteer when they are
  big places or follow a place preposition.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator

from .descriptions import PLACE_KINDS, describe
from .gazetteer.names import core_name, normalize
from .model import great_circle_km
from .persons import person_names
from .tokens import Tokens, title_case

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Collection, Container

    import numpy as np

    from spacy.tokens import Doc, Span, Token

    from .gazetteer.store import Candidate, GazetteerStore
    from .model import Place

__all__ = ["NAME_ABBREVS", "NAME_ARTICLE", "Span_", "extract_spans", "add_datelines", "described_as_town", "holder_before",
           "hyphen_parts", "link_containment", "natural_words", "plural_features", "postal_pairs", "postal_state", "degree_after_a_name", "REGION_WORDS", "RULES",
           "NATURAL_CLASSES", "district_parts"]

PLACE_LABELS = {"GPE", "LOC", "FAC"}
#: Feature classes of sites, water bodies and relief: names people rarely bear.
_SITE_CLASSES = frozenset("SHTRUV")
#: A word as the gazetteer's names are split ("d'Or" is one word, "Bab-el-Mandeb" three).
_PHRASE_WORD = re.compile(r"[\w'’]+")
#: :func:`normalize` of a text without collapsing spaces, one character at a time: lower case,
#: accents stripped, the characters it drops dropped, the ones it splits on made spaces (so
#: that offsets can be mapped back). Characters are added as texts bring them.
_DROPPED = ".'\"()[],`"
_PHRASE_TABLE: dict[int, "str | None"] = {
    **{c: chr(c + 32) for c in range(65, 91)}, **dict.fromkeys(map(ord, _DROPPED)),
    **dict.fromkeys(map(ord, "-_/\t\n\r\f\v"), " ")}
_PHRASE_DROPPED: set[int] = set(map(ord, _DROPPED))
_UNMAPPABLE: set[int] = set()
#: The table as arrays over the Basic Multilingual Plane, built on first use and kept in step
#: with it: each code's folded code, and whether the code is kept (one vectorised pass instead
#: of ``str.translate``'s dict lookup per character).
_PHRASE_ARRAYS: "tuple[Any, Any] | None" = None


def _phrase_arrays() -> "tuple[Any, Any]":
    global _PHRASE_ARRAYS
    if _PHRASE_ARRAYS is None:
        import numpy as np

        lut, keep = np.arange(0x10000, dtype=np.uint32), np.ones(0x10000, dtype=bool)
        for code, folded in list(_PHRASE_TABLE.items()):
            if code < 0x10000:
                keep[code] = bool(folded)
                lut[code] = ord(folded) if folded else code
        _PHRASE_ARRAYS = (lut, keep)
    return _PHRASE_ARRAYS


def _set_phrase_char(code: int, folded: "str | None") -> None:
    _PHRASE_TABLE[code] = folded
    if not folded:
        _PHRASE_DROPPED.add(code)
    if _PHRASE_ARRAYS is not None and code < 0x10000:
        lut, keep = _PHRASE_ARRAYS
        keep[code] = bool(folded)
        lut[code] = ord(folded) if folded else code


def _phrase_char(ch: str) -> bool:
    """Add ``ch`` to the table; False when it folds to several characters ("ß")."""
    code = ord(ch)
    category = unicodedata.category(ch)
    if ch.isspace() or category == "Pd" or category[0] in "SN" and len(normalize(ch)) > 1:
        _set_phrase_char(code, " ")  # spaces, dashes, and signs that spell out ("™", "½") part words
        return True
    folded = normalize(ch)
    if len(folded) > 1:
        _UNMAPPABLE.add(code)
        return False
    _set_phrase_char(code, folded or None)
    return True


def _phrase_hits_by_table(text: str, automaton: Any) -> "list[tuple[int, int]] | None":
    """(start, end) in ``text`` of every whole-word match of the automaton's names: one
    translation and one pass of the automaton, no per-word work. None when some character
    of the text folds to several."""
    import numpy as np  # here, not at the top: the fast mode never needs it

    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    for code in np.unique(codes[codes > 127]).tolist():  # each character beyond ASCII, once
        if code not in _PHRASE_TABLE and (code in _UNMAPPABLE or not _phrase_char(chr(code))):
            return None
    lut, keep_code = _phrase_arrays()
    if codes.size and int(codes.max()) < 0x10000:
        keep = keep_code[codes]
        kept = np.flatnonzero(keep)
        norm = lut[codes[keep]].tobytes().decode("utf-32-le")
    else:  # an emoji or another character beyond the arrays
        kept = np.flatnonzero(~np.isin(codes, np.fromiter(_PHRASE_DROPPED, dtype=np.uint32)))
        norm = text.translate(_PHRASE_TABLE)
    hits = []
    for end, length in automaton.iter(norm):
        start = end + 1 - length
        if (start and norm[start - 1].isalnum()) or (end + 1 < len(norm) and norm[end + 1].isalnum()):
            continue
        hits.append((int(kept[start]), int(kept[end]) + 1))
    return hits


def _phrase_hits(text: str, automaton: Any) -> list[tuple[int, int]]:
    """The same, word by word through :func:`normalize`, for any text."""
    joined: list[str] = []
    word_at: dict[int, int] = {}  # offset in the joined string -> start in the text
    word_end: dict[int, int] = {}
    pos = 0
    for w in _PHRASE_WORD.finditer(text):
        key = normalize(w.group())
        if not key:
            continue
        word_at[pos] = w.start()
        joined.append(key)
        pos += len(key)
        word_end[pos] = w.end()
        pos += 1
    hits = []
    for end, length in automaton.iter(" ".join(joined)):
        first, last = word_at.get(end + 1 - length), word_end.get(end + 1)
        if first is not None and last is not None:
            hits.append((first, last))
    return hits


#: GeoNames feature classes of natural features: water, relief, areas (regions), vegetation, undersea.
#: No institution bears their names.
NATURAL_CLASSES = frozenset("HTLVU")
#: Entity labels a gazetteer phrase may override: places, and names the model took for people.
_PHRASE_LABELS = frozenset(("GPE", "LOC", "FAC", "PERSON"))
#: Entity labels of numbers and amounts.
_NUMERIC_LABELS = frozenset({"CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT"})
#: Labels the model gives to place names it does not recognise as places.
MISC_LABELS = {"ORG", "PRODUCT", "PERSON", "WORK_OF_ART", "EVENT", "NORP", "LAW"}
#: ...and those under which a name the gazetteer has may still be a place ("met in Tunis" tagged LANGUAGE).
_MISLABELLED = frozenset(MISC_LABELS | {"LANGUAGE"})
#: Feature codes of places whose names take "the" ("the Netherlands", "the Balkans", "the Gulf").
THE_PLACES = ("PCLI", "PCLD", "PCLF", "PCLS", "PCL", "RGN", "CONT", "OCN", "SEA", "GULF", "STRT", "PEN", "MTS", "DSRT", "ISLS")
#: Entities that may hold a place in their name ("Washington Post").
EMBEDDING_LABELS = {"ORG", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW"}
#: Last words of organisation names built on a place name.
ORG_HEADS = {
    "authority", "army", "post", "times", "bank", "ministry", "police", "university", "council",
    "government", "party", "commission", "airlines", "airways", "federation", "association", "club",
    "fc", "department", "institute", "company", "corporation", "journal", "herald", "news", "tribune",
    "agency", "court", "parliament", "senate", "assembly", "office", "service", "forces", "navy",
    "guard", "committee", "league", "chamber", "hospital", "college", "school", "museum", "board",
    "fund", "network", "radio", "tv", "television", "electric", "energy", "railways", "railway",
    "exchange", "embassy", "consulate", "cabinet", "congress", "legislature", "gazette", "star",
    "mail", "telegraph", "observer", "chronicle", "examiner", "daily", "weekly", "review", "monitor",
    "academy", "foundation", "society", "zoo", "airport", "port", "stadium", "team", "squad",
    "orchestra", "opera", "theatre", "theater", "cup", "open", "championship", "games", "marathon",
    "grand", "prix", "coast", "guards", "military", "ministries", "courts", "state", "press",
    "services", "system", "strategy", "programme", "program", "initiative", "council", "group",
    "trust", "representative", "command", "lottery", "secretary", "attorney", "delegation", "mission",
}
#: Words after a name that make it a first-level division: "the Kursk region".
REGION_WORDS = frozenset({
    "region", "oblast", "province", "governorate", "prefecture", "krai", "kray",
    "state", "regions", "provinces", "oblasts", "states", "district", "county", "department",
})
#: Abbreviations that open a name: "St. Louis County", "Ft. Bend County".
NAME_ABBREVS = {"St.": "Saint", "Ste.": "Sainte", "Mt.": "Mount", "Ft.": "Fort"}
#: Where an abbreviated first word of a name may stand (a token of it is checked there).
_NAME_ABBREV_AT = re.compile("|".join(re.escape(a) for a in NAME_ABBREVS))
#: Words between the name and the region word: "the Kursk border region".
REGION_MODIFIERS = {
    "border", "frontier", "eastern", "western", "northern", "southern", "central",
    "northeastern", "northwestern", "southeastern", "southwestern", "southern-most",
    "separatist", "occupied", "breakaway", "restive", "autonomous", "mountainous",
}
#: "the Donetsk village of Tsukuryne": the name before the word holds the one after.
SETTLEMENT_WORDS = frozenset({"village", "town", "city", "settlement", "hamlet", "township", "port", "capital", "suburb"})
#: Arabic articles a word of a place's name may open with, in lower case, for a regex: "Sharm el-Sheikh",
#: "Ras al-Khaimah", "Deir ez-Zor".
NAME_ARTICLE = r"(?:al|el|ad|an|ar|as|ash|at|az|ez|es|ed|en|er|et|ul)-"
#: A word of a name after an article, right after a name: " al-Khaimah" of "Ras al-Khaimah".
_ARTICLE_TAIL = re.compile(rf" {NAME_ARTICLE}[A-Z][\w’'-]*")
PLACE_PREPOSITIONS = {
    "in", "near", "at", "from", "to", "into", "across", "outside", "around", "towards",
    "toward", "through", "via", "inside", "throughout", "within", "across", "between", "off",
}
#: Verbs whose object is a place as surely as a preposition's ("shelled Quillan", "visited Tessbury").
PLACE_VERBS = {
    "visited", "toured", "shelled", "bombed", "bombarded", "struck", "captured", "recaptured", "liberated",
    "besieged", "stormed", "evacuated", "entered", "invaded", "occupied",
    # storms and floods: "flooded Wangaratta", "a cyclone lashed Tessbury"
    "flooded", "lashed", "battered", "pounded", "ravaged", "devastated", "rocked", "hit",
    # who holds a town: "rebels who hold Quillan", "troops seized Tessbury"
    "hold", "holds", "seized", "controlled",
}
#: Words after a name that end its phrase (a name before a noun is that noun's modifier: "the Victoria line").
_PHRASE_ENDERS = frozenset("during in on at for to and or but last this next where which when who is was are were has had "
                           "have with from since after before until by as than".split())
#: A full stop and a number after a word: "No. 18", "Vol. 3" (an abbreviation that labels a number).
_NUMBERED = re.compile(r"\.\s*\d")
_NUMBER_LABELS = frozenset("No Nos Vol Art Sec Ch Fig Op Pt Para".split())
#: A surname and a relative "who" after a name: the name is a person's first name ("Israel Quillan, who").
_SURNAME_WHO = re.compile(r" [A-Z][a-z][\w’'-]*,? who\b")
#: A capital speaking for its government: "Quillan said", "Tessbury has warned" (metonymy; the
#: model often takes it for a person).
_GOVERNMENT_SAYS = re.compile(r" (?:has |had |have )?(?:said|says|announced|accused|warned|denied|rejected|condemned|"
                              r"responded|insisted|demanded|urged|claimed|protested|welcomed|blamed|recalled|summoned|"
                              r"threatened|vowed|retaliated|hit back)\b")
#: ...a national capital of this many people.
MIN_POP_SPEAKING_CAPITAL = 500_000
#: Words before an "on" that takes a place ("fired on", "an assault on").
_ON_PLACE_WORDS = frozenset("fired firing fire attack attacks attacked assault assaults strike strikes advance advanced "
                            "advancing march marched marching offensive raid raids push converged descended".split())
#: ...and their passive after a name ("Quillan was shelled").
_PLACE_PASSIVE = re.compile(r" (?:was|were|is|are|has been|have been|had been|is being|was being) (?:again )?"
                            r"(?:shelled|bombed|bombarded|struck|besieged|stormed|liberated|recaptured|evacuated|"
                            r"invaded|occupied|flooded|hit)\b")
#: ...and the least population of a name the model missed that such a verb makes a place.
MIN_POP_AFTER_VERB = 10_000
#: A capital or first-level division this big counts as a big place (most smaller ones are a small
#: territory's, named like people).
MIN_POP_BIG_CAPITAL = 50_000
#: Minimum population for a capitalised name the model missed, without other evidence.
MIN_POP_UNTAGGED = 100_000
#: Minimum population for a town named in a list with another place (see _Extractor.coordinated).
MIN_POP_LISTED = 1_000
#: Courtesy titles: the name right after one is a person's ("Mr Paris", "Sen. Warren"). Not ranks
#: or offices that also open place names ("Prince George", "General Santos", "Queen Creek").
HONORIFICS = frozenset(("mr", "mrs", "ms", "mx", "dr", "sir", "dame", "madam", "senator", "sen", "rep", "congressman",
                        "congresswoman", "councillor", "councilman", "councilwoman", "professor", "prof"))
#: ...and ranks, which open place names too ("Prince George", "Queen Creek"): a name the gazetteer
#: has only without the rank ("Queen Elizabeth" is no place; "Elizabeth" is) is a person's after one.
RANKS = frozenset(("queen", "king", "prince", "princess", "emperor", "empress", "pope", "sheikh", "emir", "sultan",
                   "lord", "lady", "president", "governor", "general", "mayor", "chancellor"))
#: A regnal number after a name: "Elizabeth II", "Louis XIV" name monarchs (not a lone "I": "in Leeds I saw").
_REGNAL = re.compile(r" (?:II|III|IV|VI{0,3}|IX|XI{0,3}|XIV|XV|XVI{0,3})\b")
#: Minimum population for a town owning what follows it ("Leeds’s Quillfield Hospital").
MIN_POP_POSSESSIVE = 10_000
#: How far from a county's or district's point a place it holds may lie ("New Quay, Ceredigion").
COUNTY_KM = 100.0
#: One to three capitalised words; a list separator; a place named right after or before another.
# (all but the first capital; in a text in capitals, "FROM DENVER TO AUSTIN" is no one name)
_LIST_NAME_REST = r"[\w’'.-]*[\w](?: (?!(?:TO|FROM|IN|AT|AND|OR|ON|FOR|WITH|BY|NEAR|INTO)\b)[A-Z][\w’'.-]*[\w]){0,2})"
#: (an abbreviation that opens a name is part of it: "St. Petersburg, Florida", "Mt. Vernon and Alexandria")
_NAME_ABBREV_OPENING = r"(?:(?<![\w’'.-])(?:St|Ste|Mt|Ft)\. (?=[A-Z]))?"
_LIST_NAME = r"(" + _NAME_ABBREV_OPENING + r"[A-Z]" + _LIST_NAME_REST
#: ...opening a word (no word character, apostrophe or hyphen before it). The test stands after the
#: first capital, not before it, which lets the regex engine skip ahead to capitals (the same matches).
_LIST_NAME_OPENING = r"(" + _NAME_ABBREV_OPENING + r"[A-Z](?<![\w’'-].)" + _LIST_NAME_REST
_LIST_SEP = r"(?:,\s*(?:and|or)\s+|\s+(?:and|or)\s+|, )"
_LIST_AFTER = re.compile(_LIST_SEP + _LIST_NAME + r"(?![\w’'-])")
_LIST_BEFORE = re.compile(_LIST_NAME_OPENING + _LIST_SEP + r"$")
#: Linking words inside place names, besides "de", "of", "on" and "upon" ("Viña del Mar", "Frankfurt an der Oder").
_LINK_WORDS = r"del|da|do|dos|das|di|la|le|les|el|sur|am|an der"
#: A linking word and the capitalised words it joins to a name ("Viña| del Mar", "Castellón| de la Plana").
_LINKS = rf"(?:de|{_LINK_WORDS}|of|upon|on)(?: la| las| los)?"
_LINKED_AFTER = re.compile(r" " + _LINKS + r" [A-Z][\w’'.-]*[\w](?![\w’'-])")
_LINKED_BEFORE = re.compile(r"(?<![\w’'-])[A-Z][\w’'.-]*[\w] " + _LINKS + r" $")
#: "U.S.-led", "anti-Russian"; "Japan’s Ministry"; "Knockhill, Fife." (the qualifier closes a phrase).
_HYPHENATED = re.compile(r"(?<![\w’'-])[A-Za-z][\w.]*(?:-[A-Za-z][\w.]*)+(?![\w’'-])")
#: A capitalised word inside a sentence: the text writes names with capitals.
_CAPITALISED = re.compile(r"[a-z,;] [A-Z][a-z]")
#: The rest of a hyphenated name after its first part: "-d'Ascq", "-upon-Avon".
_HYPHEN_TAIL = re.compile(r"(?:-[\w'’]+)+")
_APOSTROPHES = frozenset("'’")
#: "Egypt's ", "the United States’ ": a possessive right before a name.
_COUNTRY_POSSESSIVE = re.compile(r"(?<![\w’'-])((?:[A-Z][\w.-]*|the)(?: [A-Z][\w.-]*){0,3})(?:['’]s|(?<=s)['’]) $")
_POSSESSIVE = re.compile(r"(?:[Tt]he )?([A-Z][\w.-]*(?: [A-Z][\w.-]*){0,2})['’]s\b")
#: Words a one-word date may be; any other capitalised "date" is a tagging error.
_CALENDAR = frozenset(
    "january february march april may june july august september october november december jan feb mar apr jun jul aug "
    "sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday today tomorrow yesterday christmas "
    "easter ramadan eid diwali hanukkah thanksgiving halloween passover lent advent weekend tonight".split())
_RESIDENCE_BEFORE = re.compile(r", of $")
#: A district or site named with a nationality before it ("the French Quarter", "the Spanish Steps").
_DISTRICT_AFTER = re.compile(r" (?:Quarter|Village|Town|Hill|Steps|Market|Square|Street|Avenue|Road|Bridge|Gate|"
                             r"Gardens?|Harbou?r|Channel)\b")
#: Capitalised words around a name that make it part of a natural feature's name the model missed.
FEATURE_BEFORE = frozenset("lake mount mt cape isle loch lough".split())
FEATURE_AFTER = frozenset("river lake lakes island islands mountains mountain falls sea bay creek canyon glacier "
                           "peninsula desert forest valley strait".split())
#: ...and words before an "of" that opens one ("Gulf of Mexico", "Sea of Azov").
FEATURE_OF = frozenset("gulf sea bay isle strait straits".split())
_NATURAL_BEFORE = re.compile(r"\b(?i:(?:" + "|".join(sorted(FEATURE_BEFORE)) + r")\.? |(?:" + "|".join(sorted(FEATURE_OF))
                             + r") of )$")


#: Words for water and relief, which no town or division is: a name with one of them in lower case
#: right after it ("the Dnipro river", "the Caspian sea") names that feature. (Not islands, peninsulas,
#: valleys, forests or deserts, which are often divisions too: "the Balearic islands", "the Swat valley";
#: nor bays, named after the town on their shore, which stands for them well: "Guantanamo bay",
#: "the Tampa bay area"; nor "falls", a verb as often: "as Kherson falls".)
WATER_AND_RELIEF = frozenset("river lake lakes sea creek strait canyon glacier mountain mountains mount".split())
_NATURAL_WORD_AFTER = re.compile(r" (" + "|".join(sorted(WATER_AND_RELIEF - {"mount"})) + r")\b(?![’'-])")
#: ...or "lake"/"mount" right before it ("lake Geneva", "mount Elbrus").
_NATURAL_WORD_BEFORE = re.compile(r"(?<![\w’'-])(?:lake|mount) $")


def natural_words(spans: list[Span_], text: str) -> None:
    """"the Dnipro river", "lake Geneva": a name with a lower-case word for a natural feature right
    after it (or "lake"/"mount" right before it) names that feature, not the town or division of
    the bare name: the span takes the word (as its ``feature``; its label gains ``+natural``), so
    that the resolver looks for a river or lake of that name only (a town called "Lake Geneva" is
    written so), and leaves the mention unplaced where the gazetteer lacks it."""
    for s in spans:
        if s.kind != "toponym":
            continue
        after = _NATURAL_WORD_AFTER.match(text, s.end)
        if after is not None:
            s.end, s.lookup, s.feature = after.end(), f"{s.lookup} {after.group(1)}", after.group(1)
            s.label += "+natural"
            continue
        before = _NATURAL_WORD_BEFORE.search(text, max(0, s.start - 6), s.start)
        if before is not None:
            s.start, s.lookup, s.feature = before.start(), f"{text[before.start() : s.start]}{s.lookup}", text[before.start() : s.start - 1]
            s.label += "+natural"


#: Up to three words right before a position ("West Bank " before "city of").
_WORDS_BEFORE = re.compile(r"(?<![\w’'.-])((?:\w[\w’'-]* ){0,2}\w[\w’'-]*) +$")


def holder_before(text: str, at: int, lookup: "Callable[[str], list[Candidate]]") -> tuple[int, int] | None:
    """Where the name of the place that holds a settlement stands, right before the settlement's word
    at ``at`` ("the West Bank city of Jenin": West Bank, not a town called Bank): the longest of the
    one to three capitalised words before it that the gazetteer has, and not the end of a natural
    feature's name ("the Sea of Azov port of Berdyansk")."""
    m = _WORDS_BEFORE.search(text, max(0, at - 60), at)
    if m is None:
        return None
    a, b = m.span(1)
    for start in _word_starts(text, a, b):  # the longest first, capitalised words only
        if all(w[:1].isupper() for w in text[start:b].split(" ")) and lookup(text[start:b]) and not in_natural_name(text, start):
            return start, b
    return None


def _word_starts(text: str, a: int, b: int) -> list[int]:
    """Where the words of ``text[a:b]`` (one space between each two) start, the first first: the
    starts of its tails of words, the longest first."""
    return [a] + [a + i + 1 for i, ch in enumerate(text[a:b]) if ch == " "]


def described_as_town(text: str, start: int, end: int, lookup: "Callable[[str], list[Candidate]]") -> bool:
    """The sentence calls ``text[start:end]`` a town and a town bears it as its own name: "Union is a
    city in Ohio", where a word never read alone as a name (:data:`NOT_ALONE`) is one."""
    return describe(text, start, end) == "settlement" and any(
        c.name_kind == "name" and c.place.feature_class == "P" for c in lookup(text[start:end]))


def in_natural_name(text: str, start: int) -> bool:
    """Whether the word at ``text[start]`` ends a natural feature's name ("Sea of Azov", "Lake
    Victoria"): then it is not the town or division of that name."""
    return _NATURAL_BEFORE.search(text, max(0, start - 12), start) is not None


#: Degrees and titles written after a person's name, some of them states' codes ("MD", "PA").
POSTNOMINALS = frozenset("MD PA DO RN NP PhD MPH JD MBA DDS CPA DVM OD PharmD FACS FRCS FACP MSN BSN LPN CNM".split())
_RUN_BEFORE_COMMA = re.compile(r"([A-Z][\w’'.-]*(?: [A-Z][\w’'.-]*){0,3}),\s*$")


def degree_after_a_name(text: str, start: int, end: int, lookup: "Callable[[str], list[Candidate]]") -> bool:
    """``text[start:end]`` is a degree after a name the gazetteer lacks ("Laura Quillan, MD"), not
    a state's code after a town ("Baltimore, MD"): for a recogniser without a person tagger."""
    if text[start:end] not in POSTNOMINALS:
        return False
    m = _RUN_BEFORE_COMMA.search(text, max(0, start - 60), start)
    return m is not None and not lookup(m.group(1))


#: What follows a name a description may follow or stand in: "Lyman, a town", "Quillan is a city", "Tessbury (a village)",
#: "Kherson city".
_DESCRIBED_AFTER = re.compile(r",| (?:is|was|lies|or) | [(/\[]| (?:city|town|village)\b")
#: "X is home to": the name is a place's, of no stated kind.
_HOME_TO = re.compile(r" (?:is|was) (?:also )?home to\b")
_SAINT = re.compile(r"(?:St\.?|Saint) [A-Z]")
_LIST_BEFORE_Y = re.compile(r"[A-Z][\w’'-]*, ?$")  # not "412 Harnwick Ct., Tessbury, Va."
#: (a third name the list goes on from: "Quillan, Tessbury, Leeds, and York", not "Quillan County,
#: Virginia, United States, close to…", where each name holds the one before)
_LIST_AFTER_X = re.compile(r",? (?:and|or) [A-Z]|, [A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*){0,3}(?:, (?:and |or )?[A-Z]| and\b| or\b)")
_QUALIFIED = re.compile(_LIST_NAME_OPENING + r", ?" + _LIST_NAME + r"(?=[.;,:)\n]|\s*$| (?:on|in|at|and|is|was|has|where)\b)")
#: "…, and Portland, Oregon": another "Y, X" after a conjunction.
_PAIR_AFTER_X = re.compile(r",? (?:and|or) " + _QUALIFIED.pattern)
#: "Portland, ME will…": a postal code closes the pair whatever follows it.
_POSTAL_PAIR = re.compile(r"(?<![\w’'-])" + _LIST_NAME + r", ?([A-Z]{2})(?![\w’'-]|\.\w)")
#: "Fig Leaf Boutique (Maywood)": one to three capitalised words (no acronym) in brackets.
_BRACKETED_NAME = re.compile(r" \(([A-Z][a-z][\w’'.-]*(?: [A-Z][a-z][\w’'.-]*){0,2})\)")
#: A run of capitalised words ("Lyman", "Oak Ridge", "Stratford-upon-Avon" keeps its hyphens).
_CAPITAL_RUN = re.compile(  # (the test of the character before it after its first capital, as in _LIST_NAME_OPENING)
    # (an abbreviation that opens a name is part of it: "the canton of St. Gallen", "Mt. Hood is a volcano")
    r"(?:(?<![\w’'.-])(?:St|Ste|Mt|Ft)\. (?=[A-Z]))?[A-Z](?<![\w’'.-].)[\w’'-]*(?: (?:[A-Z][\w’'-]*|(?:upon|on(?! (?:Monday|Tuesday|Wednesday|Thursday|Friday|"
    r"Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|December)\b)"
    rf"|of|de(?: la| las| los)?|{_LINK_WORDS})(?= [A-Z]))){{0,4}}")  # a linking word only between two capitalised ones
#: "Royal Street in New Orleans": one to three capitalised words and a site word, then "in" and a name.
_SITE_HEAD_WORDS = (r"Street|Avenue|Road|Boulevard|Lane|Alley|Drive|Square|Plaza|Bridge|Arena|Stadium|Park|Station|"
                    r"Airport|Harbour|Harbor|Market|Mall|Pier|Quay|Wharf|Hospital|Theatre|Theater|Prison|Jail|Church|"
                    r"Cathedral|Mosque|Temple|Museum|Library|Hotel|Racecourse|Cemetery|Gardens|Zoo|Barracks|Dam")
_SITE_HEADS = rf"(?:{_SITE_HEAD_WORDS})"
#: ...and heads that make a site only where the text says where it is: "Quillan Farm in Kent",
#: "Rosa's Village in Leeds" (not "Leeds's Quillan Village", a village the town may hold by name)
_SITE_IN_HEADS = rf"(?:{_SITE_HEAD_WORDS}|Village|Farm)"
_SITE_IN = re.compile(  # (the test of the character before it after its first capital, as in _LIST_NAME_OPENING)
    r"([A-Z](?<![\w’'.-].)[\w’'-]*\s(?:[A-Z][\w’'-]*\s){0,2}" + _SITE_IN_HEADS + r")(?=\s+(?:in|at)\s+(?:the\s+)?[A-Z])")
#: Sites named as other languages name them (their head first), placed by "in"/"at": "Quillanplatz
#: in Berlin", "Piazza Quillana in Rome", "Plaza de Quillan in Lima", "Rue de Quillan in Paris",
#: "Hotel Quillan in Kyiv".
_FOREIGN_SITE_ENDINGS = "platz|straße|strasse|allee|damm|markt|gasse|brücke"  # the end of a German compound
_FOREIGN_SITE_HEADS = "Piazza|Plaza|Place|Rue|Calle|Avenida|Praça|Via|Hotel"  # a word before the name
_SITE_IN_FOREIGN = re.compile(
    rf"(?<![\w’'.-])((?:[A-ZÄÖÜ][\w’'-]*(?:{_FOREIGN_SITE_ENDINGS}))"
    rf"|(?:{_FOREIGN_SITE_HEADS})\s(?:(?:de la|de|del|della|di|du|des|do|da)\s)?"
    r"[A-Z][\w’'-]*(?:\s[A-Z][\w’'-]*){0,2})(?=\s+(?:in|at)\s+(?:the\s+)?[A-Z])")
_SITE_IN_FOREIGN_MARK = re.compile(rf"(?:{_FOREIGN_SITE_ENDINGS}|{_FOREIGN_SITE_HEADS})\b")
#: "Brooklyn's Quillan Arena": a site the place before it owns.
_SITE_OWNED = re.compile(r"(?<=[A-Za-z])['’]s ((?:[A-Z][\w’'-]*\s){1,3}" + _SITE_HEADS + r")(?![\w’'-])")
#: What a match of each must hold, found fast (a literal-led pattern lets the regex engine skip
#: ahead): a text without it is not searched with the slower pattern.
_SITE_IN_MARK = re.compile(_SITE_IN_HEADS + r"(?=\s+(?:in|at)\s)")
_SITE_OWNED_MARK = re.compile(r"['’]s (?=[A-Z])")
#: Labels of the spans :func:`site_spans` finds, in either mode.
SITE_RULE_LABELS = ("rule:site", "fast:site")
#: A name that ends in a site's head word ("Quillan Stadium"), whoever found it.
_SITE_NAMED = re.compile(r"\s" + _SITE_HEADS + r"$")
#: Plural feature words after a list of names, and the singular each name takes: "Orange and
#: Seminole counties", "the Tigris and Euphrates rivers", "Bourbon and Dauphine streets".
PLURAL_FEATURES = {
    "counties": "county", "districts": "district", "provinces": "province", "regions": "region",
    "oblasts": "oblast", "governorates": "governorate", "prefectures": "prefecture", "states": "state",
    "streets": "Street", "avenues": "Avenue", "roads": "Road", "boulevards": "Boulevard",
    "rivers": "River", "seas": "Sea", "oceans": "Ocean", "islands": "Island", "mountains": "Mountains",
    "valleys": "Valley", "creeks": "Creek", "bays": "Bay",
}
#: The other number of a feature word, for names of groups ("Canary Islands") and single ones ("North Island").
_PLURAL_OTHER = {"Island": "Islands", "Mountains": "Mountain"}
_PLURAL_NAME = r"[A-Z][\w’'.-]*(?: [A-Z][\w’'.-]*){0,2}"
_PLURAL_LIST = re.compile(r"(?<![\w’'-])(" + _PLURAL_NAME + r"(?:(?:,? (?:and|or) |, )" + _PLURAL_NAME + r")+) ((?i:"
                          + "|".join(PLURAL_FEATURES) + r"))\b")
_PLURAL_SEP = re.compile(r",? (?:and|or) |, ")
#: Capitalised words that open a sentence before a list, not a name: "In Orange and Seminole counties".
_PLURAL_LEAD = frozenset("the in at on of to from for by with near across between both along into through".split())
_PLURAL_IN = re.compile(r" (?i:" + "|".join(PLURAL_FEATURES) + r") (?:in|of|at) ")
_PLURAL_MARK = re.compile(r" (?:and|or) [A-Z][^.;:!?]{0,60}? (?i:" + "|".join(PLURAL_FEATURES) + r")\b")


def plural_features(text: str, lookup: "Callable[[str], list[Candidate]]", label: str) -> Iterator[Span_]:
    """Names listed before a plural feature word, each the word's kind of place: "Orange and
    Seminole counties" are region phrases of counties (where the gazetteer has such a division);
    "the Tigris and Euphrates rivers", "Bourbon and Dauphine streets" take the word into their
    lookup ("Euphrates River") and their ``feature``, so that none is a town of the bare name.
    Leading words that open a sentence go ("In Orange and ...")."""
    if _PLURAL_MARK.search(text) is None:
        return
    for m in _PLURAL_LIST.finditer(text):
        word = PLURAL_FEATURES[m.group(2).lower()]
        parts = _PLURAL_SEP.split(m.group(1))
        if m.group(2)[0].isupper() and (word == "state" or lookup(f"{parts[-1]} {m.group(2)}")):
            continue  # "Kentucky, United States", "the British Virgin Islands": the capitalised word ends a name
        pos = m.start(1)
        for part in parts:
            start, words = pos, part.split(" ")
            pos += len(part)
            sep = _PLURAL_SEP.match(text, pos)
            pos = sep.end() if sep else pos
            while words and words[0].lower() in _PLURAL_LEAD:
                start += len(words.pop(0)) + 1
            if not words:
                continue
            name = " ".join(words)
            end = start + len(name)
            if word[0].islower():
                if (any(c.place.feature_code in ("ADM1", "ADM2", "ADMD", "RGN") for c in lookup(name))
                        or lookup(f"{name} {word}")):
                    yield Span_(start, end, "region-phrase", label, name, designator=word, feature=word)
                continue
            whole = f"{name} {word}"
            if not lookup(whole) and lookup(f"{name} {_PLURAL_OTHER.get(word, word)}"):
                whole = f"{name} {_PLURAL_OTHER[word]}"  # "the Canary and Balearic islands"
            yield Span_(start, end, "toponym", label, whole, feature=word.lower())


#: Minimum population for a mislabelled entity (ORG, PRODUCT…) without other evidence.
MIN_POP_MISLABELLED = 200_000
_AGENCIES = r"AP|AFP|Reuters|UPI|dpa|IANS|PTI|ANI|Xinhua|CNN|Bloomberg"
_DATELINES = (
    re.compile(  # at the start of a line
        r"^[ \t]*([A-Z][A-Z'’.\- ]{2,40}?)(?:,\s*([A-Z][A-Za-z.' ]{0,29}[A-Za-z.]))?"
        rf"(?:\s*\((?:{_AGENCIES}|[A-Z][A-Za-z&.]{{1,12}})\))?"
        r"(?:\s*(?:—|–|--|-|:|\ufffd)(?=[\s(])"  # "BRUSSELS —", "PLEASANTON, Calif.--(", a dash lost to mojibake
        r"|[ \t]+(?=[A-Z][a-z]))",  # "SAN ANTONIO Turner Sports…": an all-capital name, then a sentence
        re.M,
    ),
    re.compile(  # after a byline or a headline on the same line: only with a news agency or a long dash
        # (the lookahead on the name's first two letters lets the engine skip ahead fast: same matches)
        r"(?=[A-Z][A-Z'’.\-])(?:(?<=[.!?] )|(?<=[a-z] ))([A-Z][A-Z'’.\-]+(?: [A-Z][A-Z'’.\-]+){0,3})(?:,\s*([A-Z][A-Za-z.]{1,12}))?"
        rf"(?:\s*\((?:{_AGENCIES})\)|(?<=[A-Z.])\s*(?:—|–|--)(?=\s))"
    ),
    re.compile(  # in brackets at the start of a line, in capitals or not: "(NEW YORK) —", "(Red Oak) --"
        r"^[ \t]*\(([A-Z][A-Za-z'’.\- ]{2,40}?)(?:,\s*([A-Z][A-Za-z.' ]{0,29}[A-Za-z.]))?\)\s*(?:—|–|--|-)(?=\s)",
        re.M,
    ),
)
#: What a match of the second dateline pattern must hold (an agency in brackets, or a long dash).
_DATELINE_MARK = re.compile(rf"\((?:{_AGENCIES})\)|—|–|--")


def _datelines(text: str) -> Iterator[re.Match[str]]:
    """The matches of each dateline pattern in turn (the second only where its mark is in the text)."""
    for pattern in _DATELINES:
        if pattern is not _DATELINES[1]:
            yield from _at_line_starts(pattern, text)
        elif _DATELINE_MARK.search(text):
            yield from pattern.finditer(text)


def _at_line_starts(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern that opens with ``^`` (``re.M``), tried only where
    lines start, not at every character."""
    pos = 0
    while pos < len(text):
        m = pattern.match(text, pos)
        if m is not None:
            yield m
            pos = m.end()
            if text[pos - 1] == "\n":
                continue  # a line starts where the match ends
        line_end = text.find("\n", pos)
        if line_end < 0:
            return
        pos = line_end + 1


def add_datelines(text: str, raw_lookup: "Callable[[str], list[Candidate]]", lookup: "Callable[[str], list[Candidate]]",
                  add: "Callable[[Span_], Span_ | None]") -> None:
    """``add`` the town and the state or country of each dateline ("BRUSSELS —", "HELENA, Mont. (AP) -",
    "(Red Oak) --"), labelled ``rule:dateline`` and ``rule:dateline-state``, the town inside the state
    when ``add`` took both: a town the gazetteer has under that very name, of 10,000 people or more (a
    short name in capitals is a town's here, not an abbreviation: "ROME —", "KYIV —"); a division or
    country after it. ``raw_lookup`` gives the store's candidates as they are, ``lookup`` as the name's
    writing allows; ``add`` returns the span it took, or None."""
    for m in _datelines(text):
        start, end = _trim(text, *m.span(1))
        name = text[start:end]
        bracketed = m.re is _DATELINES[-1]
        if len(name.replace(" ", "")) < 3 or not (bracketed or name.replace(" ", "").replace(".", "").isupper()):
            continue
        cands = [c for c in fit_candidates(name, raw_lookup(name), dateline=True)
                 if c.name_kind in ("name", "abbr")]  # a dateline is a real name
        if cands and big_place(cands, 10_000):
            city = add(Span_(start, end, "toponym", "rule:dateline", name))
        elif m.group(2):
            city = None  # "CAMP MURRAY, Wash. -": a base the gazetteer lacks, in a state it has
        else:
            continue
        if m.group(2):  # "PLEASANTON, Calif.": the state holds the city
            s_start, s_end = _trim(text, *m.span(2))
            written = _DATELINE_STATES.get(m.group(2).strip(), text[s_start:s_end])  # "Ill.", only here: elsewhere a word
            if any(c.place.feature_code == "ADM1" or c.place.feature_code.startswith("PCL") for c in lookup(written)):
                outer = add(Span_(s_start, s_end, "toponym", "rule:dateline-state", written))
                if city is not None and outer is not None:
                    city.inside = outer


#: AP abbreviations of US states that are also words ("Ill.", "Mass."): read as states only
#: after a dateline's city (the gazetteer's aliases hold the unambiguous ones, "Calif.").
_DATELINE_STATES = {
    "Ark.": "Arkansas", "Ill.": "Illinois", "La.": "Louisiana", "Mass.": "Massachusetts", "Miss.": "Mississippi",
    "Mont.": "Montana", "Ore.": "Oregon", "Pa.": "Pennsylvania", "Tex.": "Texas", "Wash.": "Washington State",
}
#: US and Canadian postal codes, read as a state or province only right after a town of theirs
#: ("Portland, ME", "Kingston, ON"): alone, many are words ("ME", "IN", "OR", "ON").
POSTAL_CODES = {
    **{code: ("US", code, name) for code, name in (
        ("AL", "Alabama"), ("AK", "Alaska"), ("AZ", "Arizona"), ("AR", "Arkansas"), ("CA", "California"),
        ("CO", "Colorado"), ("CT", "Connecticut"), ("DE", "Delaware"), ("FL", "Florida"), ("GA", "Georgia"),
        ("HI", "Hawaii"), ("ID", "Idaho"), ("IL", "Illinois"), ("IN", "Indiana"), ("IA", "Iowa"), ("KS", "Kansas"),
        ("KY", "Kentucky"), ("LA", "Louisiana"), ("ME", "Maine"), ("MD", "Maryland"), ("MA", "Massachusetts"),
        ("MI", "Michigan"), ("MN", "Minnesota"), ("MS", "Mississippi"), ("MO", "Missouri"), ("MT", "Montana"),
        ("NE", "Nebraska"), ("NV", "Nevada"), ("NH", "New Hampshire"), ("NJ", "New Jersey"), ("NM", "New Mexico"),
        ("NY", "New York"), ("NC", "North Carolina"), ("ND", "North Dakota"), ("OH", "Ohio"), ("OK", "Oklahoma"),
        ("OR", "Oregon"), ("PA", "Pennsylvania"), ("RI", "Rhode Island"), ("SC", "South Carolina"),
        ("SD", "South Dakota"), ("TN", "Tennessee"), ("TX", "Texas"), ("UT", "Utah"), ("VT", "Vermont"),
        ("VA", "Virginia"), ("WA", "Washington State"), ("WV", "West Virginia"), ("WI", "Wisconsin"), ("WY", "Wyoming"))},
    **{code: ("CA", admin1, name) for code, admin1, name in (
        ("AB", "01", "Alberta"), ("BC", "02", "British Columbia"), ("MB", "03", "Manitoba"), ("NB", "04", "New Brunswick"),
        ("NL", "05", "Newfoundland and Labrador"), ("NS", "07", "Nova Scotia"), ("ON", "08", "Ontario"),
        ("PE", "09", "Prince Edward Island"), ("QC", "10", "Quebec"), ("SK", "11", "Saskatchewan"), ("YT", "12", "Yukon"),
        ("NT", "13", "Northwest Territories"), ("NU", "14", "Nunavut"))},
}
#: What a text must hold for :data:`_POSTAL_PAIR` to match (found fast: it opens with a literal comma).
_POSTAL_MARK = re.compile(r", ?(?:" + "|".join(POSTAL_CODES) + r")(?![\w’'-]|\.\w)")
#: The postal codes of :data:`_DATELINE_STATES`' states ("Ill." is IL's).
_AP_CODES = {abbr: next(code for code, (cc, _, name) in POSTAL_CODES.items() if cc == "US" and name == state)
             for abbr, state in _DATELINE_STATES.items()}
#: A name, then one of :data:`_DATELINE_STATES` ("Cairo, Ill."); :data:`_AP_MARK`: what a text must hold for it.
_AP_PAIR = re.compile(r"(?<![\w’'-])" + _LIST_NAME + r", ?(" + "|".join(map(re.escape, _DATELINE_STATES)) + r")(?!\w)")
_AP_MARK = re.compile(r", ?(?:" + "|".join(map(re.escape, _DATELINE_STATES)) + r")(?!\w)")
_TRIM_END = ("'s", "’s", "'", "’")

def postal_state(town: str, code: str, lookup: "Callable[[str], list[Candidate]]") -> str | None:
    """The state or province whose postal code ``code`` is, when ``lookup`` has a place called
    ``town`` in it ("Portland", "ME" -> "Maine"); else None."""
    where = POSTAL_CODES.get(code)
    if where is None:
        return None
    cc, admin1, name = where
    return name if any((c.place.country_code, c.place.admin1) == (cc, admin1) for c in lookup(town)) else None


def postal_pairs(text: str, lookup: "Callable[[str], list[Candidate]]", label: str) -> Iterator[tuple[Span_, Span_]]:
    """"Portland, ME", "Kingston, ON", "Cairo, Ill.": a town, then the postal code of a state or
    province, or an AP abbreviation of a state that is also a word (:data:`_DATELINE_STATES`), of one
    that has a town of that name. Yields the town's span (inside the state's) and the state's (less
    the abbreviation's period, as the full extractor's), whose lookup is the state's name."""
    for mark, pairs, code_of, cut in ((_POSTAL_MARK, _POSTAL_PAIR, str, 0), (_AP_MARK, _AP_PAIR, _AP_CODES.get, 1)):
        if mark.search(text) is None:
            continue
        for m in pairs.finditer(text):
            state = postal_state(m.group(1), code_of(m.group(2)), lookup)
            if state is not None:
                outer = Span_(m.start(2), m.end(2) - cut, "toponym", label, state)
                yield Span_(m.start(1), m.end(1), "toponym", label, m.group(1), inside=outer), outer

_ABBREV_END = re.compile(r"(?:^|[^A-Za-z])(?:[A-Za-z]\.){2,}$")
#: Capitalised words that name directions or kinds of places, not places, when alone.
NOT_ALONE = {
    "western", "eastern", "northern", "southern", "central", "north", "south", "east", "west",
    "union", "republic", "kingdom", "federation", "island", "islands", "city", "bay", "lake",
    "river", "mount", "state", "states", "province", "region", "county", "district", "capital",
    "national", "international", "global", "new", "old", "great", "upper", "lower", "mid",
    "centre", "center", "mass",  # "the Centre" (a central government), "Easter Mass"
}
#: Kinds of land: alone, and not described as a town ("Quillan is a city…"), "the Valley" or "the
#: Park" names a valley or park the reader knows, not a town so called.
LAND_WORDS = frozenset("valley delta coast peninsula desert plains highlands hills park beach heights harbour harbor "
                       "forest".split())
#: Last words of names of streets and roads, which are named after places they are not in ("London Road").
THOROUGHFARES = frozenset("street avenue road boulevard lane drive way highway parkway expressway turnpike alley "
                          "terrace crescent".split())


@dataclass(slots=True)
class Span_:
    """A candidate mention before resolution."""

    start: int
    end: int
    kind: str  # toponym | region-phrase | demonym | embedded
    label: str  # NER label or rule name
    lookup: str  # the name to look up in the gazetteer
    prefer_admin1: bool = False  # "the Donetsk village of …": X is a division
    inside: "Span_ | None" = None  # "Y in X", "Y, X", "the X village of Y" → X
    designator: str = ""  # the region word of a region phrase ("oblast", "county")
    organisation: str = ""  # the organisation's name around an embedded place
    feature: str = ""  # the kind of place the text calls it ("street", "river": "Bourbon and Dauphine streets")


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a leading "the " and a trailing possessive or punctuation."""
    seg = text[start:end]
    if seg[:4].lower() == "the ":
        start += 4
    if text.endswith(_TRIM_END, start, end):  # the common case, none of them, in one test
        seg = text[start:end]
        for suffix in _TRIM_END:
            if seg.endswith(suffix) and end - len(suffix) > start:
                end -= len(suffix)
                break
    while end > start and text[end - 1] in ".,;:!?\"“”)(":
        if text[end - 1] == "." and _ABBREV_END.search(text[start:end]):
            break  # "U.S." keeps its last dot
        end -= 1
    while start < end and text[start] in "\"“”(":
        start += 1
    return start, end


#: A capitalised preposition opening a sentence, which the model may take into the name after it.
_OPENING_PREPOSITION = re.compile(r"(?:In|At|From|Near|To|Across|Outside|Inside) (?=[A-Z])")
#: A word between spaces.
_WORD = re.compile(r"\S+")
#: A word of an organisation's name ("Bank", "U.S.", "AT&T", "Anglo-American").
_ORG_WORD = re.compile(r"[\w’'.&-]+")


_SEGMENT_CUT = re.compile(r"\s*[/,;()\[\]|–—]\s*|\s+-\s+")


def _segments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` at slashes, commas, brackets and dashes."""
    out, a = [], start
    for m in _SEGMENT_CUT.finditer(text[start:end]):
        out.append((a, start + m.start()))
        a = start + m.end()
    out.append((a, end))
    return [(x, y) for x, y in out if y > x]


@functools.lru_cache(maxsize=65536)
def _is_acronym(s: str) -> bool:
    """Two letters or more, all capitals, no full stop ("NATO", not "U.S." or "Paris"); asked of
    every name that several rules weigh: cached."""
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters) and "." not in s


def _on_a_place(tokens: "Tokens", i: int, cands: "list[Candidate]") -> bool:
    """"fired on Quillan", "an assault on Quillan", "on Quillan Island" with an island of that
    name: an "on" that takes a place."""
    if tokens.prev_word(i) != "on":
        return False
    return tokens.prev_word(i - 1) in _ON_PLACE_WORDS or any(
        c.place.feature_code in ("ISL", "ISLS") and c.name_kind in ("name", "alt") for c in cands)


#: Lower-case words that put a place right after them: "central Quillan", "downtown Tessbury".
#: ("nearby" is not one: "two nearby Church schools")
_AREA_WORDS = frozenset("central northern southern eastern western northeastern northwestern southeastern southwestern "
                        "north-eastern north-western south-eastern south-western downtown coastal suburban neighboring neighbouring".split())
#: ...and before an "of" that does: "south of Quillan", "residents of Tessbury", "the outskirts of Harnwick".
OF_PLACE_WORDS = frozenset("north south east west northeast northwest southeast southwest north-east north-west south-east "
                            "south-west residents inhabitants outskirts suburbs streets mayor interior edge centre center heart "
                            "parts areas districts neighbourhoods neighborhoods "
                            # what is done to a place, never to a person: "the evacuation of", "the siege of"
                            # (not "capture" or "fall": "the capture of" a man)
                            "evacuation siege shelling bombing bombardment liberation occupation invasion annexation".split())
#: An aside placing the name before it: "Quillan, in eastern Tessland, …".
_PLACED_AFTER = re.compile(r",\s+(?:in|near)\s+(?:(?:north|south|east|west)(?:ern)?\s+|central\s+)?[A-Z]")
#: What a place owns after its possessive: "Quillan's council", "Tessbury’s mayor".
_OWNED_AFTER = re.compile(r"['’]s (?:city |town |county )?(?:council|councillors|mayor|residents|police|airport|harbou?r|port|"
                          r"outskirts|suburbs|streets|city cent(?:re|er)|downtown|waterfront|old town)\b")


def placing_words(tokens: "Tokens", i: int, end: int, cands: "list[Candidate]") -> bool:
    """The words around the name at token ``i`` (ending at ``end`` in the text) put a place there, as
    a preposition does: an "on" that takes a place (:func:`_on_a_place`), the words before it
    (:func:`place_words_before`), what a place owns after it ("Quillan's council")."""
    return (_on_a_place(tokens, i, cands) or place_words_before(tokens, i)
            or _OWNED_AFTER.match(tokens.text, end) is not None)


def place_words_before(tokens: "Tokens", i: int) -> bool:
    """The words before token ``i`` put a place there, as a preposition does: "central
    Quillan", "25 km south of Tessbury", "residents of Harnwick", "the capital, Quillan,"."""
    if i < 2:
        return False
    before = tokens.word(i - 1)
    lower = before.lower()
    if before.islower() and lower in _AREA_WORDS:
        return True
    if lower == "nearby" and tokens.lower(i - 2) in PLACE_PREPOSITIONS:
        return True  # "in nearby Quillan" (not "two nearby Church schools")
    if lower == "of":
        return tokens.lower(i - 2) in OF_PLACE_WORDS
    if lower == "as" and i >= 3 and tokens.lower(i - 2) == "far" and tokens.lower(i - 3) == "as":
        return True  # "from as far as Quillan"
    return before == "," and tokens.word(i - 2) == "capital"  # (in lower case)


def _no_persons_name(name: str, cands: "list[Candidate]") -> bool:
    """A name of two or more words a big place bears as its own (``MIN_POP_MISLABELLED``), whose first
    word is no common first name: "Porto Alegre", "Kuala Lumpur" tagged as a person are the cities
    ("Paris Hilton", "Florence Pugh" are people)."""
    first, sep, _ = name.partition(" ")
    return (bool(sep) and first.lower() not in person_names()[0]
            and big_place([c for c in cands if c.name_kind == "name"], MIN_POP_MISLABELLED))


def _county_named(name: str, cands: "list[Candidate]") -> bool:
    """The name ends in "County" and a county bears it as its own: "the Henry County Commission"
    names a county, however small (the word says the kind, as a region phrase's does)."""
    return name.rsplit(None, 1)[-1].lower() == "county" and any(
        c.name_kind == "name" and c.place.feature_code in ("ADM2", "ADM2H") for c in cands)


def big_place(cands: "list[Candidate]", min_pop: int) -> bool:
    """True when a strong reading of the name is a country, division, region or big city."""
    countries: set[str | None] | None = None  # the countries of the name's readings, when needed
    for c in cands:
        if c.name_kind in ("core", "demonym"):
            continue
        p = c.place
        if p.feature_code.startswith("PCL") or p.feature_code in ("CONT", "RGN") and c.name_kind != "alt":
            return True
        capital = p.feature_code == "PPLC" and c.name_kind != "alt"
        division = p.feature_code == "ADM1" and c.name_kind in ("name", "alt", "abbr")
        if capital or division:
            # a capital or first-level division of a small territory that another country's place shares
            # the name with is no big place: "Douglas" (a parish and capital of the Isle of Man), "Stanley",
            # "Hamilton" are surnames and towns elsewhere; "Valletta" is big (an unknown population is no small one)
            if countries is None:
                countries = {o.place.country_code for o in cands if o.name_kind != "core"}
            if not (0 < p.population < MIN_POP_BIG_CAPITAL and countries != {p.country_code}):
                return True
        if p.feature_class == "P" and p.population >= min_pop and c.name_kind != "alt":
            return True  # an alternate name of a big city is often an old or foreign one
    return False


_BIG_CODES = ("PCLI", "PCLD", "PCLF", "PCLS", "PCL", "ADM1", "CONT", "OCN", "SEA")


@functools.lru_cache(maxsize=64)
def _word_hashes(words: frozenset[str], strings: Any) -> "np.ndarray":
    """spaCy's hashes of ``words`` (the ``LOWER`` attribute's values), computed once per set."""
    import numpy as np

    return np.array([strings.add(w) for w in words], dtype=np.uint64)


#: Words of direction a division's or country's name may open with ("Western Australia", "North Dakota").
DIRECTION_WORDS = frozenset("north south east west northern southern eastern western central upper lower".split())
#: Lower-case words inside place names ("Port of Spain", "Stratford upon Avon", "Rio de Janeiro").
_NAME_LINKS = frozenset(("of", "de", "del", "da", "do", "upon", "on", "la", "le", "les", "el", "an", "am", "der", "sur"))


def _biggest(cands: "list[Candidate]") -> int:
    return max((c.place.population for c in cands), default=0)


def fit_candidates(name: str, cands: "list[Candidate]", *, dateline: bool = False) -> "list[Candidate]":
    """The candidates the way ``name`` is written allows.

    Up to four letters in capitals ("EU", "NSW", "AI"; "MoD") name a country or division by its abbreviation,
    never a village spelt so, except in a dateline, where a town's name is in capitals
    ("ROME —"); an abbreviation needs two capitals ("Act" is not the ACT, "n’t" not the NT).
    """
    shape = _written_as(name, dateline)
    if shape == _ABBREVIATION:
        return [c for c in cands if c.name_kind == "abbr" or (c.place.feature_code in _BIG_CODES and c.name_kind in ("name", "alt"))]
    if shape == _NO_ABBREVIATION:
        return [c for c in cands if c.name_kind != "abbr"]
    return cands


_ABBREVIATION, _NO_ABBREVIATION, _ANY = 0, 1, 2


@functools.lru_cache(maxsize=65536)
def _written_as(name: str, dateline: bool) -> int:
    """How :func:`fit_candidates` reads the way ``name`` is written (asked of every lookup: cached)."""
    letters = name.replace(".", "").replace("&", "")
    capitals = sum(map(str.isupper, letters))
    # "MoD", "DfE": two capitals in a short word make an abbreviation too
    if letters.isalpha() and (letters.isupper() or capitals >= 2) and len(letters) <= 4 and not dateline:
        return _ABBREVIATION
    return _NO_ABBREVIATION if capitals < 2 else _ANY


def _unknown_name_is_a_place(name: str, *, after_preposition: bool = False) -> bool:
    """Whether a GPE/LOC name the gazetteer lacks is still worth reporting (unresolved).

    Several capitalised words ("Eastern Ghouta", "Treasure Beach") are; one word the
    gazetteer has never heard of ("Dropbox", "UConn", "AI") or lower-case text is mostly
    a company, product or tagging error, unless a place preposition comes before a plain
    capitalised word ("lives in Khayelitsha").
    """
    words = name.split()
    if after_preposition and len(words) == 1 and name.isalpha() and name[:1].isupper() and name[1:].islower():
        return True
    if len(words) < 2 or not name[:1].isupper():
        return False
    return all(w[:1].isupper() or w.lower() in ("of", "de", "la", "el", "al", "upon", "on") for w in words)


#: " and " and the capitalised name after it: "Rafah and Khan Younis".
_AND_NAME = re.compile(r" and ([A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){0,2})")
#: The people a town needs to count in a pair of towns (:meth:`_Extractor.paired_town`).
MIN_POP_PAIRED = 10_000


def own_name_of(name: str, cands: "list[Candidate]") -> bool:
    """Whether one of ``cands`` (``name``'s) bears ``name`` as its own name, written so in the
    gazetteer: "St. John's" is the Newfoundland city's, possessive and all."""
    key = normalize(name)  # (which drops the apostrophe: "Rosa's" is the key of Rosas, Spain)
    return any(c.name_kind == "name" and ("'" in c.place.name or "’" in c.place.name) and normalize(c.place.name) == key
               for c in cands)


def _town_countries(cands: "list[Candidate]") -> "set[str | None]":
    """The countries of the towns of ``MIN_POP_PAIRED`` people that the name is (or spells) the name of."""
    return {c.place.country_code for c in cands if c.place.feature_class == "P" and c.name_kind in ("name", "alt")
            and c.place.population >= MIN_POP_PAIRED}


#: " in " and the capitalised name after it: "Ballyhaunis in County Mayo".
_IN_NAME = re.compile(r" in (?:the )?([A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){0,3})")
#: ", in (eastern) Congo": the place an aside after a name puts it in ("Goma, in eastern Congo").
_COMMA_IN_NAME = re.compile(r", in (?:the )?(?:(?:north|south|east|west|central|north-?east|north-?west|south-?east|south-?west)"
                            r"(?:ern)? )?([A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){0,3})")
#: How far a second-level division's point may lie from a town it holds.
HOLDER_ADM2_KM = 60.0


def _holds(holder: "Place", town: "Place") -> bool:
    """Whether ``town`` lies in ``holder``, a country or a division, by the gazetteer's codes (and,
    for a second-level division, whose towns carry no code of it here, by distance)."""
    if town.country_code != holder.country_code:
        return False
    if holder.feature_code.startswith("PCL"):
        return True
    if holder.admin1 != town.admin1:
        return False
    return holder.feature_code in ("ADM1", "ADM1H") or great_circle_km(*holder.point, *town.point) <= HOLDER_ADM2_KM


def site_spans(text: str, names_a_person: "Callable[[str], bool]", label: str = "rule:site") -> list[Span_]:
    """The streets, squares and venues ``text`` puts in a place or a place owns ("Royal Street in New
    Orleans", "Leeds's Quillan Hospital", "Plaza de Quillan in Lima"), as spans labelled ``label``,
    less those ``names_a_person`` says name a person and foreign ones ending in a body's word
    ("Hotel Association"). The resolver places each in its place when the gazetteer lacks it."""
    out = []
    for m in (m for pattern, mark in ((_SITE_IN, _SITE_IN_MARK), (_SITE_IN_FOREIGN, _SITE_IN_FOREIGN_MARK),
                                      (_SITE_OWNED, _SITE_OWNED_MARK))
              if mark.search(text) for m in pattern.finditer(text)):
        start, end = _trim(text, *m.span(1))
        name = text[start:end]
        if m.re is _SITE_IN_FOREIGN and name.rsplit(None, 1)[-1].lower() in ORG_HEADS:
            continue  # a "Hotel Association" is a body
        if not names_a_person(name):
            out.append(Span_(start, end, "toponym", label, name))
    return out


def _holds_town(holders: "list[Place]", cands: "list[Candidate]") -> bool:
    """One of ``holders`` (countries or divisions) holds a town of ``cands`` that bears the name as its own."""
    towns = [c.place for c in cands if c.place.feature_class == "P" and c.name_kind == "name"]
    return any(_holds(h, t) for h in holders for t in towns)


#: Lower-case words that join the parts of a hyphenated name: "Seine-et-Marne", "Stratford-upon-Avon".
_HYPHEN_LINKS = frozenset("et sur en de du des la le les lès upon under on in am an der di del y".split())


def _hyphen_link(doc: "Doc", j: int) -> bool:
    """Whether ``doc[j]``, a hyphen, closes a linking word joined by hyphens to a capitalised word
    before it: "Seine-et-" before "Marne"."""
    return (j >= 3 and doc[j - 1].text in _HYPHEN_LINKS and doc[j - 2].text == "-" and not doc[j - 1].whitespace_
            and not doc[j - 2].whitespace_ and not doc[j - 3].whitespace_ and doc[j - 3].text[:1].isupper()
            and doc[j - 3].is_alpha)


def _division_name(cands: "list[Candidate]", name: str) -> bool:
    """A country's name, or a multi-word division's ("Tamil Nadu"), that the model tagged PERSON.

    Single-word divisions stay people: Georgia, Virginia and Victoria are first names too.
    """
    multi = " " in name.strip()
    return any(
        c.name_kind in ("name", "alt")
        and (c.place.feature_code.startswith("PCL") or (multi and c.place.feature_code == "ADM1"))
        for c in cands
    )


def _a_body(name: str) -> bool:
    """One word that names an organisation ("Congress", "Parliament", "Senate"): the body, not a
    town of that name ("in Congress" is not Congress, Arizona)."""
    return " " not in name and name.lower() in ORG_HEADS


def other_than(names: "Collection[str] | None", key: str) -> bool:
    """Whether ``names`` holds a name other than ``key`` (a word of another person's name, a piece
    of context that some other name gave)."""
    return bool(names) and (len(names) > 1 or key not in names)  # type: ignore[arg-type]


def _person_words(ents: Any, tokens: "Tokens") -> dict[str, set[str]]:
    """Every word of a multi-word PERSON entity ("Lloyd Austin" → austin, lloyd), with the
    (normalised) names of the entities it occurs in."""
    words: dict[str, set[str]] = {}
    for ent in ents:
        if ent.label_ == "PERSON" and ent.end - ent.start > 1:
            full = normalize(tokens.text[ent.start_char : ent.end_char])
            for k in range(ent.start, ent.end):
                # an acronym is no word of a name: "By: Daniel Harnwick US-based..." tags "US" too
                if tokens.alpha[k] and not (tokens.upper[k] and tokens.ends[k] - tokens.starts[k] <= 3):
                    words.setdefault(tokens.lower(k), set()).add(full)
    return words


class _Extractor:
    def __init__(self, doc: "Doc", store: "GazetteerStore", text: str | None = None) -> None:
        self.doc = doc
        self.text = doc.text if text is None else text
        self.store = store
        self.spans: list[Span_] = []
        self.taken = [False] * len(self.text)
        self.ents = doc.ents  # a tuple spaCy builds on each access: once here
        self.tokens = Tokens(doc, self.text)
        self.persons = _person_words(self.ents, self.tokens)
        self.town_pairs: set[tuple[int, int]] = set()  # "Y, X" read as two towns (start of Y, end of X)
        # the text writes names with capitals (not a lower-case post or a transcript)
        self.cased = _CAPITALISED.search(self.text) is not None
        self.demonyms = store.demonym_names()  # asked of every entity and capitalised word: a set test first
        self.fitted: dict[Any, tuple[Candidate, ...]] = store.memo("extract-lookups")  # see lookup()

    # -- helpers -----------------------------------------------------------
    def positions(self, words: frozenset[str]) -> list[int]:
        """Indices of the tokens whose lower-case text is one of ``words`` (one vectorised test
        over the document instead of a Token object per token)."""
        import numpy as np

        hashes = _word_hashes(words, self.doc.vocab.strings)
        return np.flatnonzero((self.tokens.lower_hashes[:, None] == hashes).any(axis=1)).tolist()  # (a few words: no np.isin)

    def stop_word(self, word: str) -> bool:
        """spaCy's ``is_stop`` of ``word``, without adding a word it has not met to its vocabulary
        (which costs more than the test, and keeps every name looked at): a new word's flag is
        what the vocabulary's getter would set."""
        vocab = self.doc.vocab
        if word in vocab:
            return bool(vocab[word].is_stop)
        from spacy.attrs import IS_STOP

        getter = (vocab.lex_attr_getters or {}).get(IS_STOP)
        return bool(getter(word)) if getter is not None else False

    def free(self, start: int, end: int) -> bool:
        return not any(self.taken[start:end])

    def add(self, span: Span_) -> Span_ | None:
        if span.end <= span.start or not self.free(span.start, span.end):
            return None
        self.taken[span.start : span.end] = [True] * (span.end - span.start)
        self.spans.append(span)
        return span

    def lookup(self, name: str, *, kinds: "list[str] | None" = None) -> "list[Candidate]":
        """The store's candidates the way ``name`` is written allows (see :func:`fit_candidates`),
        or its demonyms (``kinds=["demonym"]``) as they are. Remembered as long as the store's
        lookups (:meth:`GazetteerStore.memo`): rules ask again for names that articles repeat."""
        key = name if kinds is None else (name, *kinds)
        found = self.fitted.get(key)
        if found is None:
            if not name.strip():
                found = ()
            else:
                cands = self.store.lookup(name, kinds=kinds)
                found = tuple(cands if kinds == ["demonym"] else fit_candidates(name, cands))
            self.fitted[key] = found
        return list(found)

    def paired_town(self, end: int, cands: "list[Candidate]") -> bool:
        """"hit Rafah and Khan Younis" (both tagged PERSON): the name and the one after "and" are
        towns of one country (by their names or another spelling); two people rarely share two
        towns' names."""
        m = _AND_NAME.match(self.text, end)
        return m is not None and bool(_town_countries(cands) & _town_countries(self.lookup(m.group(1))))

    def town_of_next_holder(self, end: int, cands: "list[Candidate]", after: "re.Pattern[str]" = _IN_NAME) -> bool:
        """"Ballyhaunis in County Mayo" (tagged ORG): a town of the name lies in the division or
        country named right after "in" (``after``: or after ", in", "Goma, in eastern Congo"); a
        company is rarely named like a town of the place it is said to be in."""
        m = after.match(self.text, end)
        if m is None:
            return False
        return _holds_town([c.place for c in self.lookup(m.group(1)) if c.place.feature_class == "A" and c.name_kind != "core"], cands)

    def owns_possessive(self, start: int, end: int) -> bool:
        """Whether a place's own name ends in the possessive of ``text[start:end]`` ("St. John's",
        "Saint John’s"): then it is part of the name, not of the sentence."""
        return own_name_of(self.text[start:end], self.lookup(self.text[start:end]))

    def is_person_name(self, name: str, tok_i: int) -> bool:
        """Every word of ``name`` is part of a person's name elsewhere in the article."""
        if not self.persons:
            return False
        key = normalize(name)
        words = key.split()
        # a PERSON entity that is just this name ("Tamil Nadu" tagged PERSON) is no evidence
        if not words or not all(other_than(self.persons.get(w), key) for w in words):
            return False
        return self.tokens.prev_word(tok_i) not in PLACE_PREPOSITIONS

    def titled(self, tok_i: int) -> bool:
        """A courtesy title comes right before token ``tok_i`` ("Mr Paris said", "Dr. Sydney Chen"):
        the name is a person's, whatever the model tagged it."""
        return tok_i > 0 and self.tokens.prev_word(tok_i).rstrip(".") in HONORIFICS

    def is_surname(self, name: str) -> bool:
        """The last word of ``name`` ends a person's name elsewhere in the article ("Freeland" after
        "Chrystia Freeland"): a surname, which a text uses alone for the person."""
        last = normalize(name).rsplit(None, 1)[-1]
        return any(full.rsplit(None, 1)[-1] == last for full in self.persons.get(last, ()))

    def names_a_person(self, name: str) -> bool:
        """Some word of ``name`` belongs to a person named elsewhere ("Helen Kunz" after "Kunz
        family" is no place): a weaker test than :meth:`is_person_name`, for names the
        gazetteer lacks."""
        key = normalize(name)
        return any(other_than(self.persons.get(w), key) for w in key.split())

    # -- rules ---------------------------------------------------------------
    def region_phrases(self) -> None:
        """"(the) Kursk (border) region", "Donetsk Oblast", "Idlib province"."""
        doc = self.doc
        for i in self.positions(REGION_WORDS):
            tok = doc[i]
            j = tok.i - 1
            if tok.i + 1 < len(doc) and doc[tok.i + 1].text[:1].isupper() and doc[tok.i + 1].is_alpha:
                continue  # "North State Street": part of a longer name
            if tok.text == "Department":
                continue  # "the Florida Department of Corrections": an agency, whose state is embedded in it
            if j >= 0 and doc[j].lower_ in REGION_MODIFIERS:
                j -= 1
            names: list["Token"] = []
            while j >= 0 and len(names) < 3 and doc[j].text[:1].isupper() and (doc[j].is_alpha or doc[j].text in NAME_ABBREVS):
                names.insert(0, doc[j])
                j -= 1
                # "Miami-Dade County": a hyphen inside the name joins its parts
                # ...and so does a possessive: "Hawke's Bay"
                while names and j >= 1 and (doc[j].text in ("'s", "’s") or (doc[j].text == "-" and not doc[j].whitespace_)):
                    if not doc[j - 1].whitespace_ and doc[j - 1].text[:1].isupper() and doc[j - 1].is_alpha:
                        names.insert(0, doc[j - 1])
                        j -= 2
                    elif _hyphen_link(doc, j):  # "Seine-et-Marne", "Alpes-de-Haute-Provence"
                        names.insert(0, doc[j - 3])
                        j -= 4
                    else:
                        break
            while names:
                start, end = names[0].idx, names[-1].idx + len(names[-1].text)
                name = self.text[start:end]
                cands = [c for c in self.lookup(name) if c.place.feature_code in ("ADM1", "ADM2", "ADMD", "RGN")]
                if not cands and names[0].text in NAME_ABBREVS:  # "St. Louis County": the store has "Saint Louis County"
                    cands = [c for c in self.lookup(f"{name} {tok.text}") if c.place.feature_class == "A"]
                if cands:
                    if tok.lower_ in ("state", "states") and not tok.text[0].isupper():
                        # "the Russian state": only when the name is a division's own name
                        if not any(c.name_kind in ("name", "alt") for c in cands):
                            break
                    self.add(Span_(start, tok.idx + len(tok.text), "region-phrase", "rule:region", name,
                                   designator=tok.lower_))
                    break
                names.pop(0)

    def plural_features(self) -> None:
        """"Orange and Seminole counties", "the Tigris and Euphrates rivers", "Bourbon and Dauphine
        streets": each listed name is the plural word's kind of place, not a town of that name."""
        for span in plural_features(self.text, self.lookup, "rule:plural"):
            self.add(span)

    def settlement_of(self) -> None:
        """"the Donetsk village of Tsukuryne": Tsukuryne lies in Donetsk (a division)."""
        doc = self.doc
        for i in self.positions(SETTLEMENT_WORDS):
            tok = doc[i]
            if tok.i + 2 >= len(doc) or doc[tok.i + 1].lower_ != "of":
                continue
            after = doc[tok.i + 2]
            if not after.text[:1].isupper():
                continue
            k = tok.i + 2
            while k + 1 < len(doc) and doc[k + 1].text[:1].isupper() and doc[k + 1].is_alpha and k - tok.i < 4:
                k += 1
            y_start, y_end = _trim(self.text, after.idx, doc[k].idx + len(doc[k].text))
            tail = _ARTICLE_TAIL.match(self.text, y_end)  # "the port of Ras al-Khaimah", not of Ras
            if tail is not None and self.lookup(self.text[y_start : tail.end()]):
                y_end = tail.end()
            y_name = self.text[y_start:y_end]
            if tok.text[:1].isupper() and self.lookup(self.text[tok.idx:y_end]):
                continue  # "Port of Spain", "City of London": the whole is the place's name
            outer: Span_ | None = None
            held = holder_before(self.text, tok.idx, self.lookup)  # "the West Bank city of", "the Donetsk village of"
            if held is not None:
                outer = self.add(Span_(*held, "toponym", "rule:settlement-of", self.text[held[0] : held[1]], prefer_admin1=True))
            if self.lookup(y_name):
                self.add(Span_(y_start, y_end, "toponym", "rule:settlement-of", y_name, inside=outer))

    def described(self) -> None:
        """"Lyman, a town in the Donetsk region", "Calamba is a city in", "Quillan is an incorporated
        town": a name the sentence calls a town, division or natural feature is a place, whatever
        the model tagged it (it often says PERSON at the start of a sentence)."""
        text = self.text
        for m in _CAPITAL_RUN.finditer(text):
            if not (_DESCRIBED_AFTER.match(text, m.end()) or text[max(0, m.start() - 3) : m.start()] == "of "):
                continue  # no description can follow or precede it (the cheap test first)
            start, end = _trim(text, *m.span())
            start = self.past_opening(start, end)
            name = text[start:end]
            if not name or self.stop_word(name.lower()):
                continue
            if name.lower() in NOT_ALONE and not described_as_town(text, start, end, self.lookup):
                continue  # "Union is a city in Ohio", "Republic is a city in Washington" name towns
            if describe(text, start, end) in PLACE_KINDS:
                self.add(Span_(start, end, "toponym", "rule:described", name))
            elif _HOME_TO.match(text, end) and any(c.name_kind == "name" for c in self.lookup(name)):
                # "Oxford is home to a university": a place (a venue or a company is one too, so only a name
                # the gazetteer has, and the sentence says nothing of its kind)
                self.add(Span_(start, end, "toponym", "rule:home-to", name))

    def sites(self) -> None:
        """"Royal Street in New Orleans", "the Quillan Arena in Leeds", "Leeds's Quillan Hospital",
        "Quillanplatz in Berlin", "Plaza de Quillan in Lima":
        a street, square or venue the text puts in a place is a mention (the resolver places it in that place, as
        approximate, when the gazetteer lacks it), whether or not the model tagged it."""
        for span in site_spans(self.text, self.names_a_person):
            self.add(span)
        if _KIND_IN_MARK.search(self.text):
            for m in _KIND_IN.finditer(self.text):  # "Tessapur village in Bathinda district": a village, held there
                start, end = _trim(self.text, *m.span(1))
                name = self.text[start:end]
                if name and not self.stop_word(name.lower()) and not self.names_a_person(name):
                    self.add(Span_(start, end, "toponym", "rule:kind-in", name))

    def dateline(self) -> None:
        """"BRUSSELS —" at the start of a line; "By Jo Doe. BOSTON (Reuters) -" within one;
        "(Red Oak) --" in brackets (:func:`add_datelines`)."""
        add_datelines(self.text, self.store.lookup, self.lookup, self.add)

    def entities(self) -> None:
        for ent in self.ents:
            if ent.label_ in _NUMERIC_LABELS:
                continue  # "2,000", "third", "$5": never a place
            # ("Rio Grande" tagged NORP before "do Sul"; "Western" left out of "Western Australia's")
            if (ent.label_ in PLACE_LABELS or ent.label_ == "NORP") and "\n" not in self.text[ent.start_char : ent.end_char] and (
                    self.joined(ent) or (ent.label_ != "NORP" and self.prefixed(ent))):
                continue
            if ent.label_ in _MISLABELLED | PLACE_LABELS and self.left_joined(ent):
                continue
            # spaCy merges lists across line breaks ("Greece\nItaly"): take each line alone
            pos = ent.start_char
            for part in self.text[ent.start_char : ent.end_char].split("\n"):
                self.entity(ent, pos, pos + len(part))
                pos += len(part) + 1

    def is_one_place(self, name: str) -> bool:
        """The gazetteer has ``name`` as a division's or a town's (``MIN_POP_LISTED``) own or
        alternate name: two names side by side that make it are one place ("Baja California")."""
        return any(c.name_kind in ("name", "alt") and (c.place.feature_class == "A" or c.place.population >= MIN_POP_LISTED)
                   for c in self.lookup(name))

    def joined(self, ent: "Span") -> bool:
        """"Boa" (GPE) "Vista" (ORG), "Port" "of Spain": a place the model cut in two, when the
        entity and the one or two words after it (capitalised, or a linking "of", "de"...) make
        a name the gazetteer has (a division or a town of ``MIN_POP_LISTED`` people) and no place
        as big bears the entity alone as its own name."""
        tokens = self.tokens
        owned: int | None = None  # the biggest place bearing the entity alone as its own name (-1: none)
        first, last = _trim(self.text, ent.start_char, ent.end_char)  # (without "the": "the United States" + "Virgin Islands")
        for n in (3, 2, 1):  # "Frankfurt" + "an der Oder", "U.S." + "Virgin Islands", "Boa" + "Vista", "Port" + "of Spain"
            after = range(ent.end, ent.end + n)  # the tokens after the entity
            if after.stop > len(tokens) or not all(
                    tokens.alpha[k] and tokens.ends[k - 1] < tokens.starts[k]  # a space before it
                    and (tokens.capital[k] or (tokens.lower(k) in _NAME_LINKS and k < after.stop - 1)) for k in after):
                continue
            start, end = first, tokens.ends[after.stop - 1]
            whole = self.text[start:end]
            # the entity alone may be a place's own name too ("Port"), when a bigger one bears the whole
            if not self.is_one_place(whole):
                continue
            if owned is None:
                owned = self.owner_pop(self.text[first:last])
            # a linking word makes the longer name what the text says ("Newcastle upon Tyne")
            linked = any(tokens.lower(k) in _NAME_LINKS for k in after)
            cands = self.lookup(whole)
            # (a country's full name too, however big the entity alone: "the United States" + "Virgin Islands")
            if linked or owned < 0 or _biggest(cands) > owned or any(
                    c.place.feature_code.startswith("PCL") and c.name_kind in ("name", "alt") for c in cands):
                return self.add(Span_(start, end, "toponym", f"ner:{ent.label_}+joined", whole)) is not None
        return False

    def prefixed(self, ent: "Span") -> bool:
        """"Western" + "Australia": a division or country the model cut after a word of direction
        before it (:data:`DIRECTION_WORDS`), when the two make its own or alternate name."""
        k = ent.start - 1
        tokens = self.tokens
        if k < 0 or not tokens.capital[k] or tokens.lower(k) not in DIRECTION_WORDS or tokens.ends[k] >= tokens.starts[ent.start]:
            return False
        first, last = _trim(self.text, ent.start_char, ent.end_char)
        start = tokens.starts[k]
        if not self.free(start, last) or self.text[start:first].count(" ") != 1:
            return False
        whole = self.text[start:last]
        if not any(c.name_kind in ("name", "alt") and (c.place.feature_code in ("ADM1", "ADM2") or c.place.feature_code.startswith("PCL"))
                   for c in self.lookup(whole)):
            return False
        return self.add(Span_(start, last, "toponym", f"ner:{ent.label_}+joined", whole)) is not None

    def owner_pop(self, name: str) -> int:
        """The population of the biggest place bearing ``name`` as its own (-1: none does)."""
        return max((c.place.population for c in self.lookup(name) if c.name_kind == "name"), default=-1)

    def left_joined(self, ent: "Span") -> bool:
        """"Te" + "Awamutu" (tagged ORG), "Port" + "Elizabeth" (PERSON): a place the model cut after its
        first word, when that word (capitalised, outside any entity) and the entity make a name the
        gazetteer has (:meth:`is_one_place`) that is more populous than any place bearing the entity
        alone as its own name ("Lake" + "Geneva" stays Geneva)."""
        k = ent.start - 1
        tokens = self.tokens
        if (k < 0 or not tokens.capital[k] or not tokens.alpha[k] or tokens.ends[k] >= tokens.starts[ent.start]
                or self.text[tokens.ends[k] : tokens.starts[ent.start]] != " "):
            return False
        start, last = tokens.starts[k], _trim(self.text, ent.start_char, ent.end_char)[1]
        if self.text[ent.start_char : last].count(" ") > 1 or not self.free(start, last):
            return False
        whole = self.text[start:last]
        if not self.is_one_place(whole) or self.is_person_name(whole, k):
            return False
        if _biggest(self.lookup(whole)) <= self.owner_pop(self.text[ent.start_char : last]):
            return False
        return self.add(Span_(start, last, "toponym", f"ner:{ent.label_}+joined", whole)) is not None

    def past_opening(self, start: int, end: int) -> int:
        """Where a name found at ``text[start:end]`` starts past a capitalised preposition opening its
        sentence ("In Tuguegarao, the provincial capital"), unless the whole is a name ("In Salah")."""
        opening = _OPENING_PREPOSITION.match(self.text, start, end)
        if opening is None or opening.end() >= end or self.lookup(self.text[start:end]):
            return start
        return opening.end()

    def entity(self, ent: "Span", start: int, end: int) -> None:
        whole = end
        start, end = _trim(self.text, start, end)
        if end <= start:
            return
        start = self.past_opening(start, end)
        if self.text[end:whole] in ("'s", "’s") and self.owns_possessive(start, whole):
            end = whole  # "St. John's" is the city's own name, not St. John's something
        m = _HYPHEN_TAIL.match(self.text, end)
        if m is not None and any(c.name_kind in ("name", "alt") for c in self.lookup(self.text[start : m.end()])):
            end = m.end()  # "Villeneuve-d'Ascq", "Stratford-upon-Avon": the model stopped at the hyphen
        name = self.text[start:end]
        label = ent.label_
        if label != "PERSON" and self.possessive(start, end):
            return
        if (label == "LANGUAGE" and not big_place(self.lookup(name), MIN_POP_MISLABELLED)) or (
                " " not in name and (name.lower() in NOT_ALONE or name.lower() in LAND_WORDS)):
            return  # "English" the language ("met in Tunis" tagged so is a city); "Southern" alone; "the Valley"
        if self.postnominal(start, end):
            return  # "Robert Quillan, MD": a degree, not Maryland
        if _SURNAME_WHO.match(self.text, end):
            return  # "Georgia Quillan, who…": a first name; places are "which" and "where"
        if name.islower() and self.cased:
            return  # "fine china", "roast turkey": a common noun where the text writes names with capitals
        if self.demonym(start, end, f"ner:{label}"):
            return
        if self.is_person_name(name, ent.start) or self.titled(ent.start):
            return
        if label not in PLACE_LABELS and label not in _MISLABELLED:
            return  # a date or a time ("Monday", "Christmas"): no rule below takes it (nor looks it up)
        cands = self.lookup(name)
        # the evidence is weighed for a place's label, a name the gazetteer has under a label the model
        # gives to places it mislabels, or a list the model may have merged into one entity
        if (label in PLACE_LABELS or cands or (label in MISC_LABELS and " " in name)) and (
                self.weighed(ent, start, end, name, cands)):
            return
        if label in EMBEDDING_LABELS:
            self.embedded(start, end)

    def weighed(self, ent: "Span", start: int, end: int, name: str, cands: "list[Candidate]") -> bool:
        """Add the entity ``ent`` (``name``, at ``start:end``) as a place when the words around it, its
        label and its ``cands`` say so, or the places of a list the model merged into it; True when
        that settles it (no place inside it is looked for)."""
        label = ent.label_
        if cands and label in PLACE_LABELS and label != "FAC":
            self.add(Span_(start, end, "toponym", f"ner:{label}", name))
            return True  # a GPE or LOC the gazetteer has: there is nothing to weigh
        before = self.tokens.prev_word(ent.start)
        # "shelled Quillan" (tagged ORG), "Quillan was shelled": a verb of places counts as a preposition,
        # for a town's name or a division's own (a company is named like a division's other name), and for
        # a name tagged PERSON only when a big place bears it ("visited Grace" is a visit to a person)
        verb = (before in PLACE_VERBS or bool(_PLACE_PASSIVE.match(self.text, end))) and any(
            c.place.feature_class == "P" or (c.name_kind == "name" and c.place.feature_class == "A") for c in cands)
        # "Mrs Pellow, of Hayes, was…": a residence, as good as a place preposition
        residence = bool(_RESIDENCE_BEFORE.search(self.text, max(0, start - 6), start) and self.text[end : end + 1] in (",", "."))
        # "Ankara said": a big capital speaking for its government (tagged PERSON)
        speaking = _GOVERNMENT_SAYS.match(self.text, end) is not None and any(
            c.place.feature_code == "PPLC" and c.name_kind == "name" and c.place.population >= MIN_POP_SPEAKING_CAPITAL
            for c in cands)
        prep = (before in PLACE_PREPOSITIONS
                or (verb and (label != "PERSON" or big_place(cands, MIN_POP_MISLABELLED) or self.paired_town(end, cands)))
                or placing_words(self.tokens, ent.start, end, cands) or residence or speaking
                or self.country_owns(start, cands))
        # "Goma, in eastern Congo" (tagged PERSON): an aside puts the name where a town of it lies
        aside = bool(cands) and self.town_of_next_holder(end, cands, _COMMA_IN_NAME)
        if not cands and label in MISC_LABELS:
            # "Lubbock and Amarillo" tagged as one organisation; "between Quillan and Tessbury", "from Quillan to Tessbury"
            return " " in name and self.split_list(start, end, label, conjoined=True, through=before == "from", alternates=prep,
                                                   min_pop=MIN_POP_LISTED if prep else MIN_POP_UNTAGGED)
        a = ent.start_char  # the text, not ent.text (which spaCy joins from its tokens on each access)
        the = self.text[max(0, a - 4) : a].lower() == "the " or self.text[a : a + 4].lower() == "the "
        the_after_prep = the and self.after_preposition(ent)  # "across the Sahel"
        nxt = self.tokens.word(ent.end) if ent.end < len(self.tokens) else None  # the word after the name
        # "the Rajasthan assembly": "the" goes with the body the division names, not with the division
        body = (nxt is not None and nxt.lower() in ORG_HEADS and nxt.islower()
                and any(c.place.feature_class == "A" and c.name_kind in ("name", "alt") for c in cands))
        # ("to the Yukon", "in the Algarve": after a place preposition, "the" also goes with a division or area
        # that ends its phrase; not "in the Victoria line")
        the_area = the_after_prep and (nxt is None or not self.tokens.alpha[ent.end] or nxt.lower() in _PHRASE_ENDERS)
        the_codes = THE_PLACES + ("ADM1", "ADMD") if the_area else THE_PLACES
        institution = the and not body and not any(c.place.feature_code in the_codes for c in cands if c.name_kind != "core")
        if label in PLACE_LABELS and not (label == "FAC" and institution):
            if label == "FAC" and not cands and _unknown_name_is_a_place(name) and not self.names_a_person(name):
                # "Royal Street", "Barclays Center": a site the gazetteer lacks, placed from context
                self.add(Span_(start, end, "toponym", f"ner:{label}", name))
                return True
            if label == "FAC" and not (prep or big_place(cands, MIN_POP_MISLABELLED)):
                pass  # "Notre Dame" the university, "Metro": buildings and services, not towns
            elif not cands and self.split_list(start, end, label, through=before == "from"):
                return True  # "from Quillan to Tessbury" tagged as one place
            elif cands or (_unknown_name_is_a_place(name, after_preposition=prep) and not self.names_a_person(name)):
                # "BRICS", "Dropbox", "UConn": not in the gazetteer, and not shaped like a place name
                self.add(Span_(start, end, "toponym", f"ner:{label}", name))
                return True
        elif cands and label in _MISLABELLED and not _a_body(name) and (
                label != "PERSON" or prep or body or _division_name(cands, name) or self.address(ent) or the_after_prep
                or aside or _no_persons_name(name, cands)):
            strong = big_place(cands, MIN_POP_MISLABELLED)
            # "at JFK", "across the Sahel": a site, region or water body owning the name, after a
            # place preposition (and "the"); people are not "across the" anything
            site = any(c.name_kind in ("name", "abbr") and (c.place.feature_class in _SITE_CLASSES or c.place.feature_code == "RGN"
                                                              or (the_area and c.place.feature_code in ("ADM1", "ADMD")))
                       for c in cands) and (prep or the_after_prep) and (
                           label == "PERSON" or not _is_acronym(name))  # "at the CDC" is the agency, not an airport
            if institution:
                pass  # "the White House", "the Centre": an institution, not the town of that name
            elif ((prep or strong or body or site or (label != "PERSON" and self.town_of_next_holder(end, cands)) or aside)
                  and not (_is_acronym(name) and not (strong or site))):
                self.add(Span_(start, end, "toponym", f"ner:{label}", name))
                return True
        return False

    def gazetteer_phrases(self) -> None:
        """Names the gazetteer knows as a whole, found in the text whatever the model tagged:
        the user's own places (``geomap gazetteer add``) and multi-word names of sites, water
        bodies, relief and regions ("Heathrow Airport", "Gulf of Aden"); see
        :meth:`GazetteerStore.phrase_automaton`. A match must be capitalised, must not be a part
        of a longer entity ("Gulf of Aden Shipping Council"), and no person may bear its words."""
        automaton = self.store.phrase_automaton()
        if automaton is None:
            return
        text = self.text
        hits = _phrase_hits_by_table(text, automaton)
        if hits is None:
            hits = _phrase_hits(text, automaton)
        for start, end in sorted(hits, key=lambda h: (h[0], -h[1])):  # leftmost, then longest
            name = text[start:end]
            if " " not in name and (name.lower() in NOT_ALONE or self.stop_word(name.lower())):
                continue  # a custom place called "Central" or "Even" is not every such word
            last_word = name.rsplit(None, 1)[-1]
            if not (name[:1].isupper() and (last_word[:1].isupper() or last_word[:1].isdigit())) or not self.free(start, end):
                continue
            span = self.doc.char_span(start, end, alignment_mode="expand")
            if span is None or self.is_person_name(name, span.start):
                continue
            ents = [e for e in self.ents if e.start < span.end and e.end > span.start]
            if any((e.start < span.start and not (e.start == span.start - 1 and e[0].lower_ == "the")) or e.end > span.end
                   for e in ents):
                continue  # a part of a longer name ("Gulf of Aden Shipping Council")
            if (any(e.label_ not in _PHRASE_LABELS for e in ents) and not self.store.is_custom_name(name)
                    and not any(c.place.feature_class in NATURAL_CLASSES for c in self.lookup(name))):
                continue  # "the White House said": the institution (a sea tagged ORG is still a sea)
            self.add(Span_(start, end, "toponym", "rule:gazetteer-phrase", name))

    def after_preposition(self, ent: "Span") -> bool:
        """"across the Sahel": a place preposition before the "the" that opens the name."""
        i = ent.start if self.tokens.lower(ent.start) == "the" else ent.start - 1
        return i >= 0 and self.tokens.lower(i) == "the" and self.tokens.prev_word(i) in PLACE_PREPOSITIONS

    def address(self, ent: "Span") -> bool:
        """"Quillan Institute of Mining, Tessbury (QIM)", "Edwin Harnwick,Tessbury.": a
        one-word name closing a phrase after a comma and an organisation's or a person's full
        name says where they are (the model tags it as a person)."""
        if len(ent) != 1 or "," not in self.text[max(0, ent.start_char - 2) : ent.start_char]:
            return False
        after = self.text[ent.end_char : ent.end_char + 2]
        if not (after == "" or after[:1] in ",.(;\n" or after == " ("):
            return False
        prev = [e for e in self.ents if 0 <= ent.start_char - e.end_char <= 2]
        return bool(prev) and prev[-1].label_ in ("ORG", "FAC", "PERSON") and len(prev[-1]) >= 2

    def possessive(self, start: int, end: int) -> bool:
        """"Japan’s Ministry of Agriculture", "Leeds’s Quillfield Hospital", "Quillton’s future":
        a place owning what follows is a place (the model tags the whole as an organisation)."""
        m = _POSSESSIVE.match(self.text, start, end)
        if m is None:
            return False
        name = m.group(1)
        if _SAINT.match(name):
            return False  # "St George’s Chapel", "St Mary’s Hospital": a saint's, not a town's
        cands = [c for c in self.lookup(name) if c.name_kind in ("name", "alt")]
        if not any(c.place.feature_class == "A" or (c.place.feature_class == "P" and c.place.population >= MIN_POP_POSSESSIVE)
                   for c in cands):
            return False
        tok = self.doc.char_span(m.start(1), m.end(1), alignment_mode="expand")
        if tok is None or self.is_person_name(name, tok.start):
            return False
        self.add(Span_(m.start(1), m.end(1), "toponym", "rule:possessive", name))
        if end > m.end():
            self.embedded(m.end(), end)  # the rest may hold another place
        return True

    def split_list(self, start: int, end: int, label: str, *, conjoined: bool = False, min_pop: int = MIN_POP_UNTAGGED,
                   through: bool = False, alternates: bool = False) -> bool:
        """"Greece Italy", "Lubbock and Amarillo": a list the model merged into one name, when every
        part is a place of ``min_pop`` written with a capital ("north west London", "Western US" are one place).
        ``conjoined``: only at an "and" ("George Washington" tagged PERSON is no list), or a "to" when
        ``through`` ("from Quillan to Tessbury"); ``alternates``: a part may be a place by another of its
        names ("around Bakhmut and Avdiivka", Avdiyivka), where the words before make the list places."""
        joins = ("and", "&", "to") if through else ("and", "&")
        words = list(_WORD.finditer(self.text[start:end]))
        if not conjoined and words and words[-1].group().lower() in FEATURE_AFTER | LAND_WORDS:
            return False  # "Bicol Peninsula", "Victoria Falls": one natural feature's name
        for cut in range(1, len(words)):
            if words[cut - 1].group() in joins:
                continue  # the part before would end with the conjunction
            after = cut + 1 if words[cut].group() in joins and cut + 1 < len(words) else cut
            if conjoined and after == cut:
                continue
            a = (start, start + words[cut - 1].end())
            b = (start + words[after].start(), end)
            parts = [_trim(self.text, *a), _trim(self.text, *b)]
            if all(self.text[x:x + 1].isupper() and self.text[x:y].casefold() not in NOT_ALONE
                   and self.list_part_place(self.text[x:y], min_pop, alternates) for x, y in parts):
                for x, y in parts:
                    self.add(Span_(x, y, "toponym", f"ner:{label}+split", self.text[x:y]))
                return True
        return False

    def list_part_place(self, name: str, min_pop: int, alternates: bool) -> bool:
        """A part of a list the model merged is a place: a big one by its own name, or (``alternates``)
        a town of ``min_pop`` people by any of its names."""
        cands = self.lookup(name)
        return big_place([c for c in cands if c.name_kind != "alt"], min_pop) or (alternates and any(
            c.name_kind == "alt" and c.place.feature_class == "P" and c.place.population >= min_pop for c in cands))

    def demonym(self, start: int, end: int, label: str) -> bool:
        """Add a demonym mention ("Kuwaiti", "North Korean"); people ("Mexicans") are not places."""
        name = self.text[start:end]
        if normalize(name) not in self.demonyms or not self.lookup(name, kinds=["demonym"]):
            return False
        if _DISTRICT_AFTER.match(self.text, end):
            return True  # "the French Quarter", "Spanish Steps": a district or site named so, not the nation's country
        if name.endswith("s") and self.lookup(name[:-1], kinds=["demonym"]):
            return True  # a plural noun names people, not a place: no mention, but not a toponym either
        self.add(Span_(start, end, "demonym", label, name))
        return True

    def embedded(self, start: int, end: int) -> None:
        """A place inside an organisation's name: "Washington Post", "European Commission".

        Only where the segment holding the place ends in a word that names an organisation
        ("Post", "Army", "Ministry"…) or the place follows "of" ("Bank of England"), so that
        "Virginia Mayo/Associated Press" (a photographer's credit) gives nothing.
        """
        for seg_start, seg_end in _segments(self.text, start, end):
            found = list(_ORG_WORD.finditer(self.text, seg_start, seg_end))
            if len(found) < 2:
                continue
            words = [w.group() for w in found]  # each word's text, lower case and capital, once
            lower = [w.lower() for w in words]
            capital = [w[:1].isupper() for w in words]
            head = lower[-1]
            for n in (3, 2, 1):
                for i in range(len(words) - n + 1):
                    if not capital[i] or not capital[i + n - 1]:
                        continue
                    a, b = found[i].start(), found[i + n - 1].end()
                    name = self.text[a:b]
                    after_of = i > 0 and lower[i - 1] in ("of", "the")
                    first = i == 0 or not capital[i - 1]  # "Kendale Lakes": no
                    last = i + n == len(words)
                    if n == 1 and lower[i] in NOT_ALONE:
                        continue
                    if (first and not last and normalize(name) in self.demonyms and self.lookup(name, kinds=["demonym"])
                            and not name.endswith("s")):
                        # "European Commission", "Canadian Blood Services"
                        self.add(Span_(a, b, "embedded", "rule:embedded-demonym", name))
                        continue
                    org_after = head in ORG_HEADS or any(w in ORG_HEADS for w in lower[i + n : i + n + 2])
                    held = after_of or (first and org_after and not last)
                    if not (held or (last and not first)):
                        continue  # neither rule below can take it: no lookup
                    cands = self.lookup(name)
                    if _is_acronym(name) and not any(c.name_kind in ("abbr", "alt") and c.place.feature_code in THE_PLACES for c in cands):
                        continue
                    if held and (big_place(cands, MIN_POP_UNTAGGED) or _county_named(name, cands)):
                        self.add(Span_(a, b, "embedded", "rule:embedded", name, organisation=self.text[start:end]))
                    elif last and not first and any(c.place.feature_code.startswith("PCL") and c.name_kind == "name" for c in cands):
                        self.add(Span_(a, b, "embedded", "rule:embedded", name, organisation=self.text[start:end]))  # "Air Zimbabwe", "HSBC Malta"

    def untagged(self) -> None:
        """Capitalised names outside any entity that the gazetteer knows."""
        import numpy as np

        doc, tokens = self.doc, self.tokens
        if not len(tokens):
            return
        in_entity = np.zeros(len(tokens), dtype=bool)
        for ent in self.ents:
            start = ent.start
            if ent.label_ in ("DATE", "TIME"):
                # "in Manbij", "from Rabat years ago" tagged a date: a capitalised word that is no calendar
                # word, alone or before the date's lower-case words, is a name to look up ("Independence
                # Day" stays a date)
                k = ent.start
                while k < ent.end and doc[k].is_title and doc[k].lower_ not in _CALENDAR:
                    k += 1
                if (k == ent.end and len(ent) == 1) or (ent.start < k < ent.end and doc[k].is_lower):
                    start = k
            in_entity[start : ent.end] = True
        text = self.text
        starts, ends, capital, flags = tokens.starts, tokens.ends, tokens.capital, tokens.flags
        # whether each token's sentence is written in capitals ("FLOODS HIT CHENNAI": there a word in
        # capitals is no acronym), or in title case or capitals (a headline)
        shouted_sentence = title_case(tokens.sentence, flags.alpha, np.ones_like(flags.alpha), flags.upper)
        headline_sentence = shouted_sentence | title_case(tokens.sentence, flags.alpha, flags.stop, flags.capital)
        shouted_token, headline_token = shouted_sentence[tokens.sentence].tolist(), headline_sentence[tokens.sentence].tolist()
        # the tokens worth a look, found in one vectorised pass: alphabetic, not a stop word unless
        # in capitals, capitalised, outside any entity
        looked_at = flags.alpha & ~(flags.stop & ~flags.upper) & flags.capital & ~in_entity
        for m in _NAME_ABBREV_AT.finditer(text):  # "St. Martin Parish": an abbreviated first word opens a name too
            k = bisect_left(starts, m.start())
            if k < len(starts) and starts[k] == m.start() and not in_entity[k] and tokens.word(k) in NAME_ABBREVS:
                looked_at[k] = True
        in_ent = in_entity.tolist()
        i = 0
        for k in np.flatnonzero(looked_at).tolist():
            if k < i:
                continue
            i = k
            if self.untagged_demonym(i, in_ent):
                i += 1
                continue
            matched = False
            for n in (3, 2, 1):
                if i + n > len(starts) or any(in_ent[k] or not (capital[k] or tokens.lower(k) in ("of", "de")) for k in range(i, i + n)):
                    continue
                start, end = starts[i], ends[i + n - 1]
                name = self.text[start:end]
                if len(name) < 2:
                    break  # "the Y-junction", "Plan B": a letter is no name
                headline, shouted = headline_token[i], shouted_token[i]
                # in capitals, a short name is a town's as in a dateline ("KYIV"), not only an abbreviation
                cands = fit_candidates(name, self.store.lookup(name), dateline=True) if shouted else self.lookup(name)
                if not cands:
                    continue
                # ("Queen Elizabeth II": the rank was read with the name before, and made no place)
                ranked = i > 0 and capital[i - 1] and tokens.lower(i - 1) in RANKS or _REGNAL.match(text, end) is not None
                if self.is_person_name(name, i) or self.titled(i) or ranked or _a_body(name) or name.lower() in LAND_WORDS or all(
                        w.lower() in NOT_ALONE or w.lower() in REGION_WORDS for w in name.split()):
                    break  # "Central District" (of a court's name), "South": generic words, not Israel's district
                if ((i > 0 and capital[i - 1] and tokens.lower(i - 1) in FEATURE_BEFORE)
                        or (i + n < len(starts) and capital[i + n] and tokens.lower(i + n) in FEATURE_AFTER)):
                    break  # "Lake Victoria", "Victoria Falls": part of a natural feature's name, never the town
                sentence_initial = _sentence_initial(doc, i)
                before = tokens.prev_word(i)
                prep = (before in PLACE_PREPOSITIONS or (before in PLACE_VERBS and big_place(cands, MIN_POP_AFTER_VERB))
                        or placing_words(tokens, i, end, cands)
                        # "Goma, in eastern Congo, has been…": a name the model left untagged, placed in another
                        or (bool(_PLACED_AFTER.match(text, end)) and big_place(cands, MIN_POP_AFTER_VERB)))
                if _is_acronym(name) and not shouted and not any(
                        c.name_kind in ("abbr", "name") and c.place.feature_code in THE_PLACES + ("ADM1",) for c in cands):
                    break
                # "Wash", "Men": alternate names of states, not their own ("Oyo" of Oyo State is one)
                own = [c for c in cands if c.name_kind != "alt"
                       or (c.place.feature_code == "ADM1" and core_name(c.place.name) == c.matched)]
                if headline:
                    # every word is capitalised ("Police Arrest Three Men After Chase In Houston"): only a big
                    # place (10,000+) by its own name after a preposition, or a country or city of a million;
                    # in capitals ("VISITS KYIV IN SURPRISE TRIP") only the latter, or a state
                    # (in capitals, a name of several words after a preposition too: "FIRE NEAR PALM SPRINGS")
                    ok = (prep and (not shouted or n > 1) and big_place(own, MIN_POP_AFTER_VERB)) or (
                        not (shouted and len(name) < 4) and any(
                            c.place.feature_code.startswith("PCL") or c.place.population >= 1_000_000 and c.place.feature_class == "P"
                            or (shouted and c.place.feature_code == "ADM1" and normalize(c.place.name) == c.matched)
                            for c in own))
                else:
                    ok = ((prep and not _is_acronym(name)) or (not sentence_initial and big_place(cands, MIN_POP_UNTAGGED))
                          or (sentence_initial and big_place(own, 1_000_000)) or self.town_of_next_holder(end, own)
                          or _county_named(name, own))  # "the Marion County Sheriff's Office said"
                if ok:
                    # (a name in capitals is looked up as written in a sentence: "KYIV" is no abbreviation)
                    if self.add(Span_(start, end, "toponym", "rule:gazetteer", name.title() if shouted else name)):
                        i += n
                        matched = True
                break
            if not matched:
                i += 1

    def qualified(self) -> None:
        """"Oulton Park, Cheshire", "Knockhill, Fife": a name then a division or country the
        gazetteer has, closing the phrase. The division is a place whatever the model tagged
        it; the name before it is a place inside it, even one the gazetteer lacks."""
        pairs = {(m.span(1), m.span(2)): True for m in _QUALIFIED.finditer(self.text)}
        if _POSTAL_MARK.search(self.text) is not None:
            for m in _POSTAL_PAIR.finditer(self.text):
                pairs.setdefault((m.span(1), m.span(2)), False)
        for ((ya, yb), (xa, xb)), closing in sorted(pairs.items()):
            x_name, y_name = self.text[xa:xb], self.text[ya:yb]
            state = _DATELINE_STATES.get(self.text[xa : xb + 1])  # "Springfield, Mass.": a state's abbreviation
            postal = postal_state(y_name, x_name, self.lookup)  # "Portland, ME": a town of that state, then its code
            if not (closing or postal):
                continue  # "Portland, ME will…" is a pair only by the postal code
            if (x_name.lower() in NOT_ALONE and state is None) or y_name.lower() in NOT_ALONE:
                continue
            if x_name in _NUMBER_LABELS and _NUMBERED.match(self.text, xb):
                continue  # "the Quillan District Court, No. 21-cv-0042": a number's label, not a place
            if state is None and postal is None and x_name in POSTAL_CODES and self.text[xb : xb + 1] in (".", ";"):
                postal = POSTAL_CODES[x_name][2]  # "Bethel, DE." ending its sentence: the state, though it has no Bethel
            x_name = state or postal or x_name
            divisions = [c for c in self.lookup(x_name) if c.name_kind in ("name", "alt", "abbr")
                         and (c.place.feature_code in ("ADM1", "ADM2", "RGN") or c.place.feature_code.startswith("PCL"))]
            if not divisions and not state and not postal:
                # "New Quay, Ceredigion": a division by its name without "County of", when it holds a town so called
                divisions = self.holding_divisions(x_name, y_name)
            if not divisions or self.postnominal(xa, xb):
                continue
            if state is None and postal is None and self.two_towns(y_name, x_name, divisions):
                self.town_pairs.add((ya, xb))
                continue  # "teachers in Richmond, Norfolk and rural districts" (in Virginia): two towns, not Y in X
            if postal is None and _in_list(self.text, ya, xb) and not self.town_of(y_name, divisions):
                continue  # "Quillan, Tessbury, Leeds, and York": a list, not "Y, X"
            y_tok, x_tok = (self.doc.char_span(a, b, alignment_mode="expand") for a, b in ((ya, yb), (xa, xb)))
            if y_tok is None or x_tok is None or self.is_person_name(x_name, x_tok.start):
                continue
            # "In Klamath Falls, Oregon", "By NAIROBI, Kenya", a headline's "Power Near Tulsa, Oklahoma"
            cut = max((k + 1 for k, t in enumerate(y_tok[:-1])
                       if (k == 0 and t.is_stop) or ((t.is_title or t.is_upper) and t.lower_ in PLACE_PREPOSITIONS)), default=0)
            if cut:
                y_tok = y_tok[cut:]
                ya, y_name = y_tok.start_char, y_tok.text
            outer = next((sp for sp in self.spans if sp.start == xa and sp.end == xb), None)
            if outer is None:
                outer = self.add(Span_(xa, xb, "toponym", "rule:qualified", x_name))
            # (a person's first name elsewhere is no person here when a town of the name lies in the place
            # after it, and the pair closes the phrase: "Florence Nightingale … Florence, Italy, named…";
            # a surname stays the person's: "Freeland, U.S. Trade Representative Lighthizer and…")
            if outer is None or (len(y_tok) == 1 and y_tok[0].is_stop) or (
                    self.is_person_name(y_name, y_tok.start) and not (
                        closing and not self.is_surname(y_name)
                        and _holds_town([d.place for d in divisions], self.lookup(y_name)))):
                continue
            inner = next((sp for sp in self.spans if sp.start == ya and sp.end == yb), None)
            if inner is None:
                inner = self.add(Span_(ya, yb, "toponym", "rule:qualified", y_name))
            if inner is not None and inner.inside is None:
                inner.inside = outer
                inner.lookup = self.spelled_out(inner.lookup, divisions)

    def spelled_out(self, name: str, divisions: "list[Candidate]") -> str:
        """"Mt. Vernon, Ohio": the name with its abbreviated first word written out ("Mount Vernon"),
        when only so does the gazetteer have a town of it in the state that qualifies it."""
        head, _, rest = name.partition(" ")
        full = NAME_ABBREVS.get(head if head.endswith(".") else head + ".")
        if full is None or not rest or self.town_of(name, divisions) or not self.town_of(f"{full} {rest}", divisions):
            return name
        return f"{full} {rest}"

    def postnominal(self, start: int, end: int) -> bool:
        """``text[start:end]`` is a degree or title after a person's name ("Laura Quillan, MD, said",
        "Ann Tess, PA"): a comma after a PERSON entity, then a code of :data:`POSTNOMINALS`."""
        if self.text[start:end] not in POSTNOMINALS:
            return False
        before = self.text[:start].rstrip()
        if not before.endswith(","):
            return False
        at = len(before) - 1  # the comma
        # the person's name ends at the comma (or a space before it), or another degree stands between
        # ("Maria Quillan, MD, MPH")
        return any(e.label_ == "PERSON" and e.end_char <= at
                   and (e.end_char >= at - 1 or self.text[e.end_char : at].strip(" ,") in POSTNOMINALS)
                   for e in self.ents)

    def country_owns(self, start: int, cands: "list[Candidate]") -> bool:
        """"Egypt's Alexandria", "Ukraine’s Tessivka": a country's possessive before a town of that
        country (of ``MIN_POP_LISTED`` people) by its own or alternate name."""
        if not _APOSTROPHES.intersection(self.text[max(0, start - 4) : start]):
            return False  # (the cheap test first: the possessive's apostrophe stands in the last four characters)
        m = _COUNTRY_POSSESSIVE.search(self.text, max(0, start - 40), start)
        if m is None:
            return False
        countries = {c.place.country_code for c in self.lookup(m.group(1))
                     if c.name_kind in ("name", "alt", "abbr") and c.place.feature_code.startswith("PCL")}
        return bool(countries) and any(
            c.name_kind in ("name", "alt") and c.place.feature_class == "P" and c.place.population >= MIN_POP_LISTED
            and c.place.country_code in countries for c in cands)

    def two_towns(self, y_name: str, x_name: str, divisions: "list[Candidate]") -> bool:
        """"Richmond, Norfolk": X is only a county's or region's name, none of which holds a Y, and
        both names are towns (of ``MIN_POP_LISTED``) of one first-level division: a list of two towns."""
        if any(d.place.feature_code not in ("ADM2", "RGN") for d in divisions):
            return False  # "Bethel, Delaware": a state qualifies a town even where it holds none so called
        ys = [c.place for c in self.lookup(y_name) if c.name_kind in ("name", "alt") and c.place.feature_class == "P"]
        if any(y.country_code == d.place.country_code and great_circle_km(y.lat, y.lon, d.place.lat, d.place.lon) < COUNTY_KM
               for y in ys for d in divisions):
            return False
        xs = {(c.place.country_code, c.place.admin1) for c in self.lookup(x_name)
              if c.name_kind == "name" and c.place.feature_class == "P" and c.place.population >= MIN_POP_LISTED}
        return any((y.country_code, y.admin1) in xs for y in ys if y.population >= MIN_POP_LISTED)

    def holding_divisions(self, name: str, town: str) -> "list[Candidate]":
        """The divisions whose core name (their name without "County", "Oblast"…) is ``name`` and
        that hold a town called ``town``: in their first-level division, and for a second-level one
        within ``COUNTY_KM`` of its point."""
        cores = [c for c in self.lookup(name) if c.name_kind == "core" and c.place.feature_code in ("ADM1", "ADM2")]
        if not cores:
            return []
        towns = [c.place for c in self.lookup(town) if c.name_kind in ("name", "alt") and c.place.feature_class == "P"]
        return [c for c in cores if any(
            t.country_code == c.place.country_code and t.admin1 == c.place.admin1
            and (c.place.feature_code == "ADM1" or great_circle_km(t.lat, t.lon, c.place.lat, c.place.lon) < COUNTY_KM)
            for t in towns)]

    def town_of(self, name: str, divisions: "list[Candidate]") -> bool:
        """:func:`town_of` by this text's lookup."""
        return town_of(self.lookup(name), divisions)

    def coordinated(self) -> None:
        """Names listed with a place are places: "Quillan, Tessbury, Harnwick and Leeds", "from
        Stroud and Cheltenham", whatever the model tagged them (a list of towns often
        reads to it like a list of people). Only names the gazetteer has as a town of at
        least ``MIN_POP_LISTED`` or a division, and never a person's name."""
        grew = True
        while grew:
            grew = False
            for sp in [sp for sp in self.spans if sp.kind == "toponym" and self.lookup(sp.lookup)]:
                # "Albany, N.Y., and Quillan": an abbreviation's full stop before the separator ends no sentence
                end = sp.end + 1 if self.text.startswith(".,", sp.end) else sp.end
                after = _LIST_AFTER.match(self.text, end)
                before = _LIST_BEFORE.search(self.text[max(0, sp.start - 80) : sp.start])
                found = [(after.start(1), after.end(1))] if after else []
                if before:
                    off = max(0, sp.start - 80)
                    found.append((off + before.start(1), off + before.end(1)))
                for a, b in found:
                    a, b = self.linked_name(a, b)
                    name = self.text[a:b]
                    if not self.free(a, b) or name.lower() in NOT_ALONE or _is_acronym(name):
                        continue
                    if not self.listed_place(name):
                        continue
                    tok = self.doc.char_span(a, b, alignment_mode="expand")
                    if tok is None or (len(tok) == 1 and tok[0].is_stop) or self.is_person_name(name, tok.start):
                        continue  # "No, ...": a word, not a town
                    grew |= self.add(Span_(a, b, "toponym", "rule:list", name)) is not None

    def linked_name(self, a: int, b: int) -> tuple[int, int]:
        """A listed name's whole when a linking word joins it to more capitalised words ("Viña del
        Mar", "Castellón de la Plana", "Stratford upon Avon") and the gazetteer lists the whole."""
        m = _LINKED_AFTER.match(self.text, b)
        if m is not None and self.listed_place(self.text[a : m.end()]):
            return a, m.end()
        m = _LINKED_BEFORE.search(self.text, max(0, a - 60), a)
        if m is not None and self.listed_place(self.text[m.start() : b]):
            return m.start(), b
        return a, b

    def listed_place(self, name: str) -> bool:
        """The gazetteer has ``name`` as its own or alternate name of a division or of a town of
        at least ``MIN_POP_LISTED`` people (by an alternate name of several words only where no place
        has it as its own): enough when a list or brackets vouch for it."""
        cands = [c for c in self.lookup(name) if c.name_kind in ("name", "alt")]
        if big_place(cands, MIN_POP_LISTED) or any(c.place.feature_class == "A" for c in cands):
            return True
        # another spelling of several words that no place has as its own name ("Khan Younis" for Khān
        # Yūnis; one word is too often a first name: "Irene", "Marie")
        return " " in name.strip() and not any(c.name_kind == "name" for c in cands) and any(
            c.place.feature_class == "P" and c.place.population >= MIN_POP_LISTED for c in cands)

    def parenthesised(self) -> None:
        """"Fig Leaf Boutique (Maywood)": a town in brackets right after an organisation's or
        site's name says where it is. Only names the gazetteer has as a town of at least
        ``MIN_POP_LISTED`` or a division, written as words (an acronym in brackets, "(FUTO)",
        is the organisation's own)."""
        for ent in self.ents:
            if ent.label_ not in ("ORG", "FAC"):
                continue
            m = _BRACKETED_NAME.match(self.text, ent.end_char)
            if m is None or not self.free(*m.span(1)):
                continue
            name = m.group(1)
            if any(w[1:] != w[1:].lower() for w in name.split()):
                continue  # "(PoP)", "(MoD)": an abbreviation
            if not self.listed_place(name):
                continue
            tok = self.doc.char_span(*m.span(1), alignment_mode="expand")
            if tok is not None and not self.is_person_name(name, tok.start):
                self.add(Span_(m.start(1), m.end(1), "toponym", "rule:bracketed", name))

    def hyphenated(self) -> None:
        """Places and demonyms inside hyphenated words (:func:`hyphen_parts`)."""
        for span in hyphen_parts(self.text, self.lookup, lambda part: bool(self.lookup(part, kinds=["demonym"])),
                                 self.free, self.stop_word, "rule:hyphen"):
            self.add(span)

    def same_name(self) -> None:
        """A name the article already uses as a place is a place wherever else it stands, written
        the same way: inside an organisation's name ("Cavan County Council" after "in Cavan",
        kind ``embedded``) or as a modifier ("Allendale women" after "ALLENDALE, N.J. --").
        Never inside a person's name ("George Washington"), nor where an entity is just that
        name: the entity rules judged it already ("the Centre", the government, in India)."""
        names = {sp.lookup for sp in self.spans if sp.kind == "toponym" and sp.lookup.lower() not in NOT_ALONE
                 and self.lookup(sp.lookup)}
        # a name the text itself calls a town ("Quillan is a city in…") is that town wherever it stands alone
        described = {sp.lookup for sp in self.spans if sp.label == "rule:described" and sp.lookup.lower() not in NOT_ALONE}
        names |= described
        names |= {n.title() for n in names if n.isupper() and len(n) > 4}  # a dateline's "ALLENDALE"
        if not names:
            return
        ents = [(e.start_char, e.end_char, e.label_) for e in self.ents]
        for a, b in _whole_names(self.text, names):
            name = self.text[a:b]
            if not self.free(a, b) or _SURNAME_WHO.match(self.text, b):
                continue  # ("Paris Hilton, who…": a first name)
            ent = next((e for e in ents if e[0] <= a and b <= e[1]), None)
            whole = ent is not None and self.text[ent[0] : ent[1]].lower().removeprefix("the ") == name.lower()
            if ent is not None and (ent[2] == "PERSON" or whole) and not (whole and name in described):
                continue  # in a person's name; or the whole entity, which the entity rules judged ("the Centre")
            tok = self.doc.char_span(a, b, alignment_mode="expand")
            # a town the text describes stays that town where it stands alone, though a person bears
            # its name elsewhere ("Quillan was named for Judge Amos Quillan"): that person's name is an entity
            if tok is None or (name not in described and self.is_person_name(name, tok.start)):
                continue
            kind = "embedded" if ent is not None and ent[2] in EMBEDDING_LABELS and not whole else "toponym"
            self.add(Span_(a, b, kind, "rule:described-name" if name in described else "rule:same-name", name))

    def untagged_demonym(self, i: int, in_ent: list[bool]) -> bool:
        """"anti-Russian", "Central American migrants": demonyms the model left untagged (``in_ent``:
        whether each token is inside an entity)."""
        tokens = self.tokens
        for n in (2, 1):
            if i + n > len(tokens) or any(in_ent[k] or not tokens.capital[k] or not tokens.alpha[k] for k in range(i, i + n)):
                continue
            if self.demonym(tokens.starts[i], tokens.ends[i + n - 1], "rule:demonym"):
                return True
        return False

    def containment(self) -> None:
        """"Lisbon, Portugal" and "Y in X": the second place holds the first.

        "Washington, D.C.", where every reading of the second name is a reading of the
        first, is one mention of one place; so are "Baja" and "California" side by side.
        """
        spans = sorted(self.spans, key=lambda s: s.start)
        merged: set[int] = set()
        for a, b in zip(spans, spans[1:]):
            if a.kind == "demonym" or b.kind == "demonym" or a.inside is not None or id(a) in merged:
                continue
            gap = self.text[a.end : b.start]
            if gap == " " and a.kind == b.kind == "toponym":
                # "Baja" + "California": two names the model split that the gazetteer has as one
                whole = self.text[a.start : b.end]
                if self.is_one_place(whole):
                    a.end, a.lookup, a.label = b.end, whole, f"{a.label}+joined"
                    merged.add(id(b))
                continue
            if gap in (", ", ","):
                b_ids = {c.place.geonameid for c in self.lookup(b.lookup)}
                if b_ids and b_ids <= {c.place.geonameid for c in self.lookup(a.lookup)}:
                    a.end = b.end
                    merged.add(id(b))
                    if self.lookup(self.text[a.start : a.end]):  # the readings both names share
                        a.lookup = self.text[a.start : a.end]
        self.spans = [s for s in self.spans if id(s) not in merged]
        for a, b in zip(spans, spans[1:]):
            # "Egypt's Alexandria": the country holds the town it owns (whatever else the article calls so)
            if (b.inside is None and a.kind == b.kind == "toponym" and _COUNTRY_POSSESSIVE.fullmatch(self.text, a.start, b.start)
                    and self.country_owns(b.start, self.lookup(b.lookup))):
                b.inside = a
        link_containment(self.spans, self.text, self.lookup)
        for sp in self.spans:
            if sp.inside is not None and (sp.start, sp.inside.end) in self.town_pairs:
                sp.inside = None

    def district_words(self) -> None:
        """"Old Town Alexandria", "Downtown Manassas": the town, not GeoNames' "Old Town" (see
        :func:`district_parts`)."""
        self.spans = district_parts(self.spans, self.text, self.lookup)

    def natural_words(self) -> None:
        """"the Dnipro river", "lake Geneva": the river or lake (:func:`natural_words`)."""
        natural_words(self.spans, self.text)

    def the_divisions(self) -> None:
        """"in the Yukon": the division, never a town (:func:`mark_the_divisions`); last, as it
        reads the spans every other rule found."""
        mark_the_divisions(self.spans, self.text, self.store)

    def run(self, disable: "Container[str]" = ()) -> list[Span_]:
        for name in RULES:  # in this order: an earlier rule's span is not taken by a later one
            if name not in disable:
                getattr(self, name.replace("-", "_"))()
        mark_state_bodies(self.spans, self.text, self.store)
        return sorted(self.spans, key=lambda s: s.start)


#: The recognition rules, in the order they claim text; each can be switched off by name
#: (``Geoparser(disable=[...])``).
RULES = ("region-phrases", "plural-features", "settlement-of", "gazetteer-phrases", "described", "dateline", "qualified", "entities",
         "sites", "untagged",
         "coordinated", "parenthesised", "hyphenated", "same-name", "district-words", "natural-words", "containment",
         "the-divisions")


#: Characters that may not stand right before or right after a name found again (see :func:`_whole_names`).
_NAME_BEFORE = re.compile(r"[\w’'.-]")
_NAME_AFTER = re.compile(r"[\w’-]")


def _whole_names(text: str, names: "Collection[str]") -> list[tuple[int, int]]:
    """(start, end) of each place where one of ``names`` stands as a whole name ("Paris", not
    "Parisian" or "St.Paris"), left to right, not overlapping, the longest where several start at
    one place: what a regular expression of the names, longest first, finds, without compiling one
    for each text's names."""
    found = []
    for name in names:
        a = text.find(name)
        while a >= 0:
            b = a + len(name)
            if not (a and _NAME_BEFORE.match(text, a - 1)) and not _NAME_AFTER.match(text, b):
                found.append((a, b))
            a = text.find(name, a + 1)
    out: list[tuple[int, int]] = []
    for a, b in sorted(found, key=lambda span: (span[0], -span[1])):
        if not out or a >= out[-1][1]:
            out.append((a, b))
    return out


def hyphen_parts(text: str, lookup: "Callable[[str], list[Candidate]]", is_demonym: "Callable[[str], bool]",
                 free: "Callable[[int, int], bool]", stop_word: "Callable[[str], bool]", label: str) -> list[Span_]:
    """Places and demonyms inside hyphenated words: "U.S.-led", "Kent-based", "anti-Russian",
    "Russian-European", "Asia-Pacific". A part counts when it is a demonym, a division or
    country, or a town of ``MIN_POP_UNTAGGED``; the whole word must not be a place itself, nor
    stand where ``free`` says a span is already. The first part goes on from the capitalised
    words before it when they make a longer name that counts: "New York-based" is New York,
    not York; "San Francisco-based" and "Abu Dhabi-based" are not San and Abu."""
    out = []
    for m in _hyphenated_words(text):
        parts = m.group().split("-")
        if not any(part[:1].isupper() for part in parts):
            continue  # "well-known": no part can count (the cheap test first)
        if not free(m.start(), m.end()) or lookup(m.group()):
            continue
        pos = m.start()
        for part in parts:
            a, b = pos, pos + len(part)
            pos = b + 1
            if a == m.start() and part[:1].isupper():
                longer = _name_before_hyphen(text, a, b, lookup, free, stop_word)
                if longer is not None:
                    out.append(Span_(longer, b, "toponym", label, text[longer:b]))
                    continue
            if len(part) < 2 or not part[:1].isupper() or part.lower() in NOT_ALONE or stop_word(part.lower()):
                continue
            if is_demonym(part):
                out.append(Span_(a, b, "demonym", label, part))
                continue
            cands = lookup(part)
            acronym = _is_acronym(part.replace(".", ""))
            if acronym:  # "U.S.-led", not "KOB-TV"
                cands = [c for c in cands if c.place.feature_code in THE_PLACES + ("ADM1",)]
            if _part_counts(cands, ("abbr",) if acronym else ("name",)):
                out.append(Span_(a, b, "toponym", label, part))
    return out


#: One or two capitalised words right before a hyphenated word ("New " of "New York-based").
_WORDS_BEFORE_HYPHENATED = re.compile(r"(?<![\w’'.-])[A-Z][\w’'.]*(?: [A-Z][\w’'.]*)? $")


def _part_counts(cands: "list[Candidate]", kinds: tuple[str, ...]) -> bool:
    """A hyphenated word's part names a place (:func:`hyphen_parts`): a candidate of one of ``kinds``
    is a country, region or first-level division, or the name's is a big place."""
    cands = [c for c in cands if c.name_kind in kinds]
    return any(c.place.feature_code in THE_PLACES + ("ADM1",) for c in cands) or big_place(cands, MIN_POP_UNTAGGED)


def _name_before_hyphen(text: str, a: int, b: int, lookup: "Callable[[str], list[Candidate]]",
                        free: "Callable[[int, int], bool]", stop_word: "Callable[[str], bool]") -> int | None:
    """Where a longer name ending at ``b`` starts, when the one or two capitalised words before the
    hyphenated word's first part (``text[a:b]``) make one with it that counts, the longest first
    (not from a stop word: "The West Bank-based" is the West Bank's)."""
    m = _WORDS_BEFORE_HYPHENATED.search(text, max(0, a - 40), a)
    if m is None:
        return None
    for start in _word_starts(text, m.start(), m.end() - 1):  # (the match ends in a space)
        name = text[start:b]
        if not stop_word(name.split(" ", 1)[0].lower()) and free(start, b) and _part_counts(lookup(name), ("name",)):
            return start
    return None


def _hyphenated_words(text: str) -> Iterator[re.Match[str]]:
    """The matches of :data:`_HYPHENATED` in ``text``, found by searching only the pieces between
    spaces and line breaks that hold a hyphen: a match holds neither, and neither counts as a word's
    character around it, so the pieces have the same matches as the whole text."""
    pos = 0
    while (hyphen := text.find("-", pos)) >= 0:
        start = max(text.rfind(" ", 0, hyphen), text.rfind("\n", 0, hyphen)) + 1
        end = min((e for e in (text.find(" ", hyphen), text.find("\n", hyphen)) if e >= 0), default=len(text))
        yield from _HYPHENATED.finditer(text, start, end)
        pos = end


def town_of(cands: "list[Candidate]", divisions: "list[Candidate]") -> bool:
    """Some of a name's ``cands`` is a town in one of the first-level ``divisions``, and nothing
    bigger bears the name: "Dover, Delaware and Athens, Ohio" pairs towns with their states,
    where "Georgia, Florida and Alabama" lists states."""
    if any(c.place.feature_class == "A" and c.name_kind == "name" or c.place.feature_code.startswith("PCL") for c in cands):
        return False
    return town_in_states(cands, states_of(divisions))


def states_of(divisions: "list[Candidate]") -> "set[tuple[str | None, str | None]]":
    """The (country, first-level division) codes of the first-level ``divisions``."""
    return {(d.place.country_code, d.place.admin1) for d in divisions if d.place.feature_code == "ADM1"}


def town_in_states(cands: "list[Candidate]", states: "Container[tuple[str | None, str | None]]") -> bool:
    """Some of ``cands`` is a town in one of ``states`` (:func:`states_of`)."""
    return any(c.place.feature_class == "P" and (c.place.country_code, c.place.admin1) in states for c in cands)


def _in_list(text: str, y_start: int, x_end: int) -> bool:
    """Whether "Y, X" (Y starting at ``y_start``, X ending at ``x_end``) stands in a list
    ("Quillan, Tessbury, Leeds, and York") rather than naming Y inside X; an
    address still qualifies ("412 Harnwick Ct., Tessbury, Va."), and so does a pair that
    another pair follows ("Portland, Maine, and Portland, Oregon": a list of pairs)."""
    if _LIST_BEFORE_Y.search(text, max(0, y_start - 60), y_start):
        return True
    return _LIST_AFTER_X.match(text, x_end) is not None and _PAIR_AFTER_X.match(text, x_end) is None


#: "Quillan village in Tessbury district": the kind of the place before, then what holds it.
_KIND_WORDS = r"(?:village|town|hamlet|township|suburb|neighbourhood|neighborhood|locality)"
_KIND_GAP = re.compile(r" " + _KIND_WORDS + r" (?:in|of) (?:the )?")
#: ...and the name before them, one or two capitalised words opening a word, found where the words are
#: (not after "the": "the Tessbury village of Quillan" is Quillan, in Tessbury).
_KIND_IN = re.compile(r"(?<![\w’'.-])(?<!the )(?<!The )([A-Z][\w’'-]*(?: [A-Z][\w’'-]*)?) " + _KIND_WORDS + r"(?= (?:in|of) (?:the )?[A-Z])"
                      r"(?! (?:in|of) (?:January|February|March|April|May|June|July|August|September|October|November|December)\b)")
_KIND_IN_MARK = re.compile(_KIND_WORDS + r" (?:in|of) (?:the )?[A-Z]")
#: A comma and a direction between two names: "Quillan Region, northeastern Tessland".
_DIRECTION_GAP = re.compile(r", ?(?:(?:north|south)(?:-?(?:east|west))?(?:ern)?|(?:east|west)(?:ern)?|central|"
                            r"south-central|north-central) ")


def link_containment(spans: list[Span_], text: str,
                     lookup: "Callable[[str], list[Candidate]] | None" = None) -> None:
    """"Parkland, Florida", "Y in X", "Y of X", "Y at X": the second span holds the first (sets
    ``inside``, which the resolver rewards; "Slidell, La." reads "La." as Louisiana). Works
    on any spans, extracted or given. With the gazetteer's ``lookup``, a "Y, X" that reads as
    part of a list still links where Y is a town of the state X (:func:`town_of`)."""
    ordered = sorted(spans, key=lambda s: s.start)
    for a, b in zip(ordered, ordered[1:]):
        if a.kind == "demonym" or b.kind == "demonym" or a.inside is not None or b.start < a.end:
            continue
        gap = text[a.end : b.start]
        if gap in (", ", ",") or _DIRECTION_GAP.fullmatch(gap):  # "Quillan, northeastern Tessland"
            if not _in_list(text, a.start, b.end) or (lookup is not None and town_of(lookup(a.lookup), lookup(b.lookup))):
                a.inside = b
                # "Slidell, La.": a state's abbreviation, read only after a town (elsewhere a word)
                code = b.lookup.strip()
                b.lookup = _DATELINE_STATES.get(code) or (POSTAL_CODES[code][2] if code in POSTAL_CODES else b.lookup)
        elif gap.strip().lower() in ("in", "of", "at") or (_KIND_GAP.fullmatch(gap) and b.inside is not a):
            # "St George's Chapel at Windsor Castle", "Quillan village in Tessbury district" (not "the Tessbury
            # village of Quillan", where the second holds the first)
            a.inside = b
        elif gap in ("'s ", "’s ") and b.inside is None and (b.label in SITE_RULE_LABELS or _SITE_NAMED.search(b.lookup)):
            # "Leeds's Quillan Hospital", whether the rule or the model found the site
            b.inside = a
        elif a.feature and _PLURAL_IN.fullmatch(gap):  # "Bourbon and Dauphine streets in New Orleans"
            a.inside = b
    for a, b in zip(ordered[-2::-1], ordered[:0:-1]):  # right to left: "Bourbon" as "Dauphine"
        if a.feature and a.feature == b.feature and a.inside is None and _PLURAL_SEP.fullmatch(text[a.end : b.start]):
            a.inside = b.inside


#: Words before a town's name that name a part of it: "Old Town Alexandria", "Downtown Manassas".
DISTRICT_WORDS = ("Old Town", "Downtown", "Uptown", "Midtown")
_DISTRICT_OPENING = re.compile("(?:" + "|".join(DISTRICT_WORDS) + ") ")


def district_parts(spans: list[Span_], text: str, lookup: "Callable[[str], list[Candidate]]") -> list[Span_]:
    """"Old Town Alexandria", "Downtown Manassas": a part of the town named after the words, not
    the places GeoNames calls "Old Town" or "Downtown" (towns in Maine and Maryland). A span of
    the words alone before a capitalised word goes (the town's own span, if any, stays); a span
    of the whole that the gazetteer lacks becomes the town's name, where the gazetteer has it.
    "Kuwait city", "Guatemala city": a name and "city" in lower case are a city's own name ("Kuwait
    City") where some place bears it as its own, not the country of the bare name (an alternate
    name is not enough: "Bristol City" is one of Bristol, Virginia's, and "Bristol city council" is
    English)."""
    kept = []
    for s in spans:
        if s.kind == "toponym":
            name = text[s.start : s.end]
            if name in DISTRICT_WORDS and text[s.end : s.end + 1] == " " and text[s.end + 1 : s.end + 2].isupper():
                continue
            m = _DISTRICT_OPENING.match(name)
            rest = name[m.end() :] if m is not None else ""
            if rest[:1].isupper() and not lookup(name) and lookup(rest):
                s.start, s.lookup = s.start + m.end(), rest
            elif (text.startswith(" city", s.end) and _WORD_END.match(text, s.end + 5)
                  and any(c.name_kind == "name" for c in lookup(f"{s.lookup} City"))):
                s.end, s.lookup = s.end + 5, f"{s.lookup} City"
        kept.append(s)
    return kept


#: The end of a word: no word character, apostrophe or hyphen goes on from here.
_WORD_END = re.compile(r"(?![\w’'-])")


def mark_qualifiers(spans: list[Span_], text: str) -> None:
    """Given spans in a phrase-closing "Y, X" ("Oulton Park, Cheshire.") get the label the
    extractor's qualified rule gives X, after :func:`link_containment` has linked them: the
    resolver then reads X as the division holding Y, not a town of that name."""
    if not any(s.inside is not None and text[s.end : s.inside.start] in (",", ", ") for s in spans):
        return  # no Y inside an X right after it, as "Y, X": nothing to mark (the text is not searched)
    at = {(s.start, s.end): s for s in spans}
    for m in _QUALIFIED.finditer(text):
        y, x = at.get(m.span(1)), at.get(m.span(2))
        if y is not None and x is not None and y.inside is x and x.kind == "toponym" and not x.label.startswith("rule:"):
            x.label = "rule:qualified"


def mark_region_phrases(spans: list[Span_], store: "GazetteerStore") -> None:
    """Given spans that end in a region word and name a division ("Suffolk County", "Idlib
    province") become region phrases, as the extractor makes them: the resolver then looks
    for the division, not a town of that name."""
    for s in spans:
        words = s.lookup.split()
        if (s.kind != "toponym" or len(words) < 2 or words[-1].casefold() not in REGION_WORDS
                or s.label.startswith("rule:dateline")):  # "Wash." read as "Washington State" stays so
            continue
        core = " ".join(words[:-1])
        if core[:1].isupper() and any(c.place.feature_code in ("ADM1", "ADM2", "ADMD", "RGN") for c in store.lookup(core)):
            s.kind, s.lookup, s.designator = "region-phrase", core, words[-1].casefold()


#: Bodies of a first-level division after its name: "a New York court" is the state's.
_STATE_BODY_AFTER = re.compile(
    r"\s+(?:state\s+)?(?:courts?|(?i:supreme court|appeals court|court of appeals|legislature|legislators|"
    r"(?:lieutenant |lt\. )?(?:governor|gov\.)|attorney general|state senate|state assembly))(?!\w)")


#: ...and the offices of a state before it: "the senator from Georgia", "the governor of Victoria".
_STATE_OFFICE_BEFORE = re.compile(
    r"\b(?:senators?|congress(?:man|woman|men|women)|representatives?|governor|attorney general|secretary of state|"
    r"legislators?|lawmakers|delegation)\s+(?:from|of)\s+(?:the\s+state\s+of\s+)?$", re.I)


#: ...and words before it that speak of a part of a state, not of a town: "upstate New York",
#: "western Washington", "eastern Kharkiv" (not "north London", "central Kharkiv": parts of a city).
_STATE_PART_BEFORE = re.compile(r"\b(?:upstate|downstate|rural|(?:north|south)?(?:east|west)ern|northern|southern)\s+$", re.I)
#: How far before a name :data:`_STATE_PART_BEFORE` is looked for: its longest word ("southeastern") and two spaces.
_STATE_PART_REACH = len("southeastern") + 2
#: km between a division's point and a town of its name within which the two are one city-state
#: ("central Berlin" is the city, whichever the resolver says).
CITY_STATE_KM = 30.0


def mark_state_bodies(spans: list[Span_], text: str, store: "GazetteerStore") -> None:
    """A name a division and a town or country share, before a body of the division ("a New York
    court", "the Washington legislature"), after one of its offices ("the senator from Georgia")
    or after a word for a part of a state ("upstate New York", "western Washington"), names the
    division: the resolver prefers it there."""
    for s in spans:
        if s.kind != "toponym" or s.prefer_admin1:
            continue
        # (each pattern before the name ends in one of a few words: most names are tested on those alone)
        tail = text[max(0, s.start - 60) : s.start].rstrip().lower()
        if _STATE_BODY_AFTER.match(text, s.end) or (
                tail.endswith(("from", "of")) and _STATE_OFFICE_BEFORE.search(text, max(0, s.start - 60), s.start)):
            if any(c.place.feature_code == "ADM1" and c.name_kind in ("name", "abbr") for c in store.lookup(s.lookup)):
                s.prefer_admin1 = True
                s.label += "+state-body"
        elif (tail.endswith(("state", "rural", "ern")) and _STATE_PART_BEFORE.search(text, max(0, s.start - _STATE_PART_REACH), s.start)
              and _state_not_city(store.lookup(s.lookup))):
            s.prefer_admin1 = True
            s.label += "+state-part"


def _state_not_city(cands: "list[Candidate]") -> bool:
    """A division bears the name (by any of its names), no country does ("northern Georgia" is
    for the context to tell), and it is no city-state: no town of the name stands within
    :data:`CITY_STATE_KM` of its point."""
    if any(c.place.feature_code.startswith("PCL") for c in cands):
        return False
    states = [c.place for c in cands if c.place.feature_code == "ADM1" and c.name_kind in ("name", "alt", "core")]
    towns = [c.place for c in cands if c.place.feature_class == "P"]
    return bool(states) and not any(great_circle_km(*a.point, *t.point) <= CITY_STATE_KM for a in states for t in towns)


#: What ends a phrase right after a name: a punctuation mark, the text's end, or a word of
#: :data:`_PHRASE_ENDERS` ("the Yukon during…"; not "the Victoria line", "the Washington-based").
_PHRASE_END_AFTER = re.compile(r"\s*(?:[.,;:!?)\]\"”’]|$|(?P<word>[a-z]+)\b)")


def mark_the_divisions(spans: list[Span_], text: str, store: "GazetteerStore") -> None:
    """"in the Yukon", "the Punjab": "the" before a name that ends its phrase goes with a division
    or a region, never with a town; where a first-level division bears the name and no country or
    region does ("the Gambia", "the Sahel" keep theirs), the resolver prefers the division."""
    for s in spans:
        if s.kind != "toponym" or s.prefer_admin1 or text[max(0, s.start - 4) : s.start].lower() != "the ":
            continue
        end = _PHRASE_END_AFTER.match(text, s.end)
        if end is None or (end.group("word") and end.group("word") not in _PHRASE_ENDERS):
            continue
        cands = [c for c in store.lookup(s.lookup) if c.name_kind in ("name", "alt", "abbr")]
        if (any(c.place.feature_code == "ADM1" for c in cands)
                and not any(c.place.feature_code.startswith("PCL") or c.place.feature_code in ("CONT", "RGN")
                            or c.place.feature_class in NATURAL_CLASSES for c in cands)):
            s.prefer_admin1 = True


def mark_datelines(spans: list[Span_], text: str) -> None:
    """Given spans that stand where a dateline names its town and state ("BOSTON (Reuters) -",
    "(Red Oak) --", "HELENA, Mont. -") get the dateline labels the extractor gives them, so the
    resolver reads them the same way."""
    at = {(s.start, s.end): s for s in spans}
    for m in _datelines(text):
        for group, label in ((1, "rule:dateline"), (2, "rule:dateline-state")):
            if m.group(group):
                span = at.get(m.span(group)) or at.get(_trim(text, *m.span(group)))
                if span is not None and span.kind == "toponym":
                    span.label = label
                    if group == 2:  # "Mont.": Montana, only here (elsewhere a word)
                        span.lookup = _DATELINE_STATES.get(span.lookup.strip(), span.lookup)


def extract_spans(doc: "Doc", store: "GazetteerStore", text: str | None = None,
                  disable: "Container[str]" = ()) -> list[Span_]:
    """Candidate mentions of places in ``doc``, in text order, non-overlapping.

    ``text`` is ``doc.text`` when the caller has it (spaCy rebuilds it from the tokens);
    ``disable`` names rules of :data:`RULES` to skip."""
    return _Extractor(doc, store, text).run(disable)


def _sentence_initial(doc: Any, i: int) -> bool:
    """Whether token ``i`` opens its sentence, past any paragraph break or opening quote before it."""
    while i > 0 and not doc[i].is_sent_start and (doc[i - 1].is_space or doc[i - 1].is_left_punct or doc[i - 1].text in "\"'"):
        i -= 1
    return bool(doc[i].is_sent_start) or i == 0


def sentence_index(sent_starts: list[int], offset: int) -> int:
    """The index of the sentence holding ``offset`` given sorted sentence starts."""
    return max(0, bisect_right(sent_starts, offset) - 1)
