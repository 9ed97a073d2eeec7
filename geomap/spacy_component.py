"""geomap as a spaCy pipeline component: ``nlp.add_pipe("geomap")``.

The factory is registered through the ``spacy_factories`` entry point (``pyproject.toml``),
so spaCy finds it without ``import geomap``::

    nlp = spacy.load("en_core_web_sm")
    nlp.add_pipe("geomap")                      # after "ner"
    doc = nlp("Officials in Brussels said troops had reached Russia's Kursk region.")
    [(span.text, span._.place.name, span._.score) for span in doc.spans["geomap"]]
    doc._.geomap                                # the geomap.Document (sentences, places, ...)

Config: ``gazetteer`` (a store path; the default store when unset) and ``explain``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.language import Language
from spacy.tokens import Doc, Span

if TYPE_CHECKING:  # pragma: no cover
    from .pipeline import Geoparser

__all__ = ["GeomapComponent", "make_geomap", "SPANS_KEY"]

#: ``doc.spans`` key of the mentions.
SPANS_KEY = "geomap"

for _name in ("place", "score", "mention"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)
if not Doc.has_extension("geomap"):
    Doc.set_extension("geomap", default=None)


class GeomapComponent:
    """Fills ``doc.spans["geomap"]`` with the place mentions (``span._.place``, ``span._.score``,
    ``span._.mention``) and sets ``doc._.geomap`` to the :class:`geomap.Document`."""

    def __init__(self, nlp: Language, name: str = "geomap", gazetteer: str | None = None,
                 explain: bool = False) -> None:
        from .pipeline import Geoparser  # here, not at import: spaCy imports every factory's module on each load

        self.name = name
        self.geoparser: "Geoparser" = Geoparser(gazetteer=gazetteer, nlp=nlp, explain=explain)

    def __call__(self, doc: Doc) -> Doc:
        document = self.geoparser.annotate(doc)
        spans = []
        for m in document.mentions:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None:  # pragma: no cover - expand always aligns inside the text
                continue
            span._.place, span._.score, span._.mention = m.place, m.score, m
            spans.append(span)
        doc.spans[SPANS_KEY] = spans
        doc._.geomap = document
        return doc


@Language.factory("geomap", default_config={"gazetteer": None, "explain": False},
                  requires=["doc.ents"], assigns=["doc._.geomap"])
def make_geomap(nlp: Language, name: str, gazetteer: str | None, explain: bool) -> GeomapComponent:
    """The ``geomap`` factory (see the module docstring)."""
    if not nlp.has_pipe("ner"):
        raise ValueError("geomap needs a pipeline with an 'ner' component before it")
    return GeomapComponent(nlp, name, gazetteer, explain)
