"""Embedding: Jupyter, fragment, full page, Streamlit (AppTest), Dash layout, Panel objects — no server."""

from __future__ import annotations

import html
import runpy
from pathlib import Path

import pytest

import geomap.embed as embed
from geomap.render import Map

try:
    from tests.test_render import HOSTILE, hostile_doc, kursk_doc, remote_refs, rows
except ImportError:
    from test_render import HOSTILE, hostile_doc, kursk_doc, remote_refs, rows

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_fragment_full_page_iframe_and_notebook():
    m = Map([kursk_doc()], tiles=None)
    page = embed.full_page(m)
    assert page.startswith("<!DOCTYPE html>") and len(rows(page)) == 2
    frag = embed.fragment(m)
    assert frag.startswith('<div class="geomap-fragment"') and "<html" not in frag and remote_refs(frag) == []
    frame = embed.iframe(m, height=480)
    assert frame.startswith('<iframe srcdoc="') and "height:480px" in frame and "<script" not in frame
    assert html.unescape(frame.split('srcdoc="', 1)[1].split('" style=')[0]).startswith("<!DOCTYPE html>")
    assert "<iframe srcdoc=" in m._repr_html_()


def test_hostile_text_stays_inside_srcdoc():
    frame = Map([hostile_doc()], tiles=None, title=HOSTILE).iframe()
    assert "<script" not in frame and "<img" not in frame  # the whole page is attribute-escaped


def test_dash_iframe_layout():
    pytest.importorskip("dash")
    from dash import html as dhtml

    m = Map([kursk_doc()], tiles=None)
    frame = embed.dash(m, height=500, id="map")
    assert isinstance(frame, dhtml.Iframe) and frame.id == "map"
    assert frame.srcDoc.startswith("<!DOCTYPE html>") and len(rows(frame.srcDoc)) == 2
    assert frame.style["height"] == "500px"


def test_dash_example_layout():
    pytest.importorskip("dash")
    from dash import Dash
    from dash import html as dhtml

    ns = runpy.run_path(str(EXAMPLES / "dash_app.py"), run_name="dash_example")
    assert isinstance(ns["app"], Dash)
    frames = [c for c in ns["app"].layout.children if isinstance(c, dhtml.Iframe)]
    assert len(frames) == 1 and "Kursk" in frames[0].srcDoc


def test_panel_pane():
    pn = pytest.importorskip("panel")
    pane = embed.panel(Map([kursk_doc()], tiles=None), height=450)
    assert isinstance(pane, pn.pane.HTML) and pane.height == 450
    assert pane.object.startswith("<iframe srcdoc=")


def test_panel_example_objects():
    pn = pytest.importorskip("panel")
    ns = runpy.run_path(str(EXAMPLES / "panel_app.py"), run_name="panel_example")
    app = ns["app"]
    assert isinstance(app, pn.Column)
    panes = [o for o in app.objects if isinstance(o, pn.pane.HTML) and not isinstance(o, pn.pane.Markdown)]
    assert len(panes) == 1 and "Kursk" in html.unescape(panes[0].object)


def test_streamlit_helper_in_apptest():
    pytest.importorskip("streamlit")
    from streamlit.testing.v1 import AppTest

    def app():
        import geomap.embed
        from geomap.model import Document, Mention, Place, Sentence

        kursk = Place(538560, "Kursk", 51.7373, 36.1874, "P", "PPLA", "RU")
        doc = Document("Near Kursk.", sentences=[Sentence(0, 11)], mentions=[Mention("Kursk", 5, 10, 0, place=kursk)])
        geomap.embed.streamlit(geomap.Map([doc], tiles=None), height=400)

    at = AppTest.from_function(app).run(timeout=60)
    assert not at.exception
    # components.html is an iframe element carrying the whole page
    tree = at._tree
    blobs = [str(getattr(node, "proto", "")) for node in _walk(tree)]
    assert any("geomap_topology" in b and "Kursk" in b for b in blobs)


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def test_streamlit_example_in_apptest():
    pytest.importorskip("streamlit")
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(EXAMPLES / "streamlit_app.py"), default_timeout=180).run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Places in the news"
    assert "places" in at.caption[0].value
    at.radio[0].set_value("country").run()
    assert not at.exception


def test_streamlit_folium_backend():
    pytest.importorskip("streamlit_folium")
    from streamlit.testing.v1 import AppTest

    def app():
        import geomap.embed
        from geomap.model import Document, Mention, Place, Sentence

        kursk = Place(538560, "Kursk", 51.7373, 36.1874, "P", "PPLA", "RU")
        doc = Document("Near Kursk.", sentences=[Sentence(0, 11)], mentions=[Mention("Kursk", 5, 10, 0, place=kursk)])
        geomap.embed.streamlit(geomap.Map([doc], tiles=None), backend="folium", key="m")

    at = AppTest.from_function(app).run(timeout=60)
    assert not at.exception
    with pytest.raises(ValueError):
        embed.streamlit(Map(), backend="bokeh")
