"""geomap inside a user's own spaCy pipeline (``nlp.add_pipe("geomap")``)."""

from __future__ import annotations

import subprocess
import sys

import pytest
import spacy

from geomap.pipeline import DEFAULT_MODEL, Geoparser


@pytest.fixture(scope="module")
def full_nlp():
    """The whole English pipeline, parser and tagger included, as a user loads it."""
    return spacy.load(DEFAULT_MODEL)


def test_add_pipe_fills_spans_with_places(full_nlp, store):
    nlp = full_nlp
    if "geomap" in nlp.pipe_names:
        nlp.remove_pipe("geomap")
    nlp.add_pipe("geomap", config={"gazetteer": str(store.path)})
    doc = nlp("Officials in Brussels said troops had reached Russia's Kursk region.")
    places = {s.text: s._.place for s in doc.spans["geomap"]}
    assert places["Brussels"].name == "Brussels" and places["Brussels"].country_code == "BE"
    assert places["Kursk region"].feature_code == "ADM1" and places["Kursk region"].country_code == "RU"
    assert all(0.0 < s._.score <= 1.0 for s in doc.spans["geomap"])
    assert doc._.geomap.mentions[0].text == doc.spans["geomap"][0].text  # the whole Document
    assert doc._.geomap.text == doc.text


def test_the_factory_is_found_through_its_entry_point_without_importing_geomap():
    code = ("import spacy, sys; nlp = spacy.blank('en'); nlp.add_pipe('ner'); "
            "nlp.add_pipe('geomap'); print('geomap.pipeline' in sys.modules, nlp.pipe_names)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "True ['ner', 'geomap']"


def test_a_pipeline_without_ner_is_refused():
    nlp = spacy.blank("en")
    with pytest.raises(ValueError, match="ner"):
        nlp.add_pipe("geomap")
    with pytest.raises(ValueError, match="ner"):
        Geoparser(nlp=nlp)


def test_geoparser_uses_a_given_pipeline(full_nlp, store):
    gp = Geoparser(gazetteer=store, nlp=full_nlp)
    assert gp.nlp is full_nlp
    doc = gp.parse("Flooding hit Donetsk. Rescuers reached Brussels later.")
    assert [m.text for m in doc.mentions] == ["Donetsk", "Brussels"]
    assert len(doc.sentences) == 2  # the parser's sentences
