"""Tests for geomap.render: markers, popups, escaping, offline assets, saving."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from geomap.model import Document, Mention, Place, Sentence
from geomap.render import CLUSTER_THRESHOLD, Map, _radius

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "geomap" / "assets"

KURSK = Place(538560, "Kursk", 51.7373, 36.1874, "P", "PPLA", "RU", "41", 440_052)
SUDZHA = Place(485239, "Sudzha", 51.1918, 35.2706, "P", "PPLA2", "RU", "41", 5_800)
UKRAINE = Place(690791, "Ukraine", 49.0, 32.0, "A", "PCLI", "UA", None, 44_622_516)
KYIV = Place(703448, "Kyiv", 50.4547, 30.5238, "P", "PPLC", "UA", "12", 2_797_553)

HOSTILE = "<script>window.pwned=1</script>"
HOSTILE_IMG = '<img src=x onerror="window.pwned=1">'
HOSTILE_MISC = "it's \"quoted\" `${window.pwned=1}` \\ </script><!--"


def make_doc(
    sentences: list[str],
    mentions: list[tuple[str, Place | None] | tuple[str, Place | None, str]],
    *,
    id: str | None = "doc",
    title: str | None = None,
) -> Document:
    """A Document from sentences; each mention (word, place[, kind]) takes the
    next occurrence of ``word`` in the text."""
    text = " ".join(sentences)
    spans, pos = [], 0
    for s in sentences:
        spans.append(Sentence(pos, pos + len(s)))
        pos += len(s) + 1
    out, next_from = [], {}
    for word, place, *kind in mentions:
        start = text.index(word, next_from.get(word, 0))
        next_from[word] = start + len(word)
        sentence = next(i for i, s in enumerate(spans) if s.start <= start < s.end)
        out.append(Mention(word, start, start + len(word), sentence, kind=kind[0] if kind else "toponym", place=place))
    assert all(text[m.start : m.end] == m.text for m in out)
    return Document(text, id=id, sentences=spans, mentions=out, meta={"title": title} if title else {})


def kursk_doc(**kw) -> Document:
    return make_doc(
        [
            "Fighting continued near Kursk on Tuesday.",
            "Officials in Kursk said the Kursk region was calm.",
            "Ukrainian troops held Sudzha.",
            "Nothing happened in Kursk's twin town of Atlantis.",
        ],
        [("Kursk", KURSK), ("Kursk", KURSK), ("Kursk", KURSK), ("Ukrainian", UKRAINE, "demonym"),
         ("Sudzha", SUDZHA), ("Atlantis", None)],
        **kw,
    )


def hostile_doc() -> Document:
    """Hostile text as sentence text, mention text, place name, title and unplaced name."""
    evil_place = Place(1, f"{HOSTILE}{HOSTILE_IMG}", 10.0, 10.0, "P", "PPL", "XX")
    return make_doc(
        [f"They met in {HOSTILE} near {HOSTILE_IMG} and Kursk.", f"Then {HOSTILE_MISC} {HOSTILE}!"],
        [(HOSTILE, evil_place), ("Kursk", KURSK), (HOSTILE_IMG, None), (HOSTILE, evil_place)],
        title=f"{HOSTILE} {HOSTILE_IMG} {HOSTILE_MISC}",
    )


# --- page inspection helpers ---------------------------------------------------


class Tags(HTMLParser):
    """Start tags with attributes; script/style bodies are opaque (CDATA)."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def names(self) -> list[str]:
        return [t for t, _ in self.tags]


JS_STRING = r'("(?:[^"\\]|\\.)*")'


def js_args(page: str, method: str) -> list[str]:
    """First (JSON string) argument of every ``x.<method>(…)`` call in the page."""
    return [json.loads(s) for s in re.findall(rf"\.{re.escape(method)}\({JS_STRING}", page)]


def layer_names(page: str) -> list[str]:
    block = re.search(rf"overlays :\s*\{{((?:\s*{JS_STRING} : \w+,)*)", page)
    return [json.loads(s) for s in re.findall(rf"{JS_STRING} :", block.group(1))] if block else []


def unplaced_box(page: str) -> str:
    return json.loads(re.search(rf"div\.innerHTML = {JS_STRING};", page).group(1))


def marker_count(page: str) -> int:
    return page.count("L.circleMarker(")


# --- assets ----------------------------------------------------------------------


def test_vendored_assets_present_and_match_package_json():
    pins = json.loads((ROOT / "package.json").read_text())["devDependencies"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pins["leaflet"]), "pin exact versions"
    assert re.fullmatch(r"\d+\.\d+\.\d+", pins["leaflet.markercluster"])
    for name in ("leaflet.js", "leaflet.css", "leaflet.markercluster.js", "MarkerCluster.css",
                 "MarkerCluster.Default.css", "LICENSE.leaflet", "LICENSE.leaflet.markercluster",
                 "layers.png", "layers-2x.png"):
        assert (ASSETS / name).stat().st_size > 0, name
    assert f"Leaflet {pins['leaflet']}," in (ASSETS / "leaflet.js").read_text()[:300]
    banner = (ASSETS / "leaflet.markercluster.js").read_text()[:200]
    assert f"leaflet.markercluster {pins['leaflet.markercluster']} " in banner


# --- markers and popups ------------------------------------------------------------


def test_one_marker_per_distinct_place_per_article():
    other = make_doc(["Kursk and Kyiv, Kyiv again."], [("Kursk", KURSK), ("Kyiv", KYIV), ("Kyiv", KYIV)], id="b")
    page = Map([kursk_doc(), other], tiles=None).to_html()
    assert marker_count(page) == 2 + 2  # Kursk, Sudzha | Kursk, Kyiv
    assert marker_count(Map(tiles=None).to_html()) == 0


def test_demonyms_excluded_by_default():
    assert marker_count(Map([kursk_doc()], tiles=None).to_html()) == 2
    page = Map([kursk_doc()], tiles=None, demonyms=True).to_html()
    assert marker_count(page) == 3
    assert any(t.startswith("Ukraine — 1 mention") for t in js_args(page, "bindTooltip"))


def test_popup_has_every_sentence_once_with_marks():
    page = Map([kursk_doc(title="Kursk report")], tiles=None).to_html()
    popup = next(p for p in js_args(page, "bindPopup") if ">Kursk<" in p)
    assert popup.count("<li>") == 2
    assert "<li>Fighting continued near <mark>Kursk</mark> on Tuesday.</li>" in popup
    assert "<li>Officials in <mark>Kursk</mark> said the <mark>Kursk</mark> region was calm.</li>" in popup
    assert "Atlantis" not in popup  # "Kursk's" in sentence 4 is not a mention
    for fact in ("RU", "PPLA", "538560", "Kursk report"):
        assert fact in popup
    assert popup.index("Kursk report") < popup.index("<li>")
    assert '"maxWidth": 400' in page and '"maxHeight"' in page


def test_tooltip_and_radius():
    page = Map([kursk_doc()], tiles=None).to_html()
    assert js_args(page, "bindTooltip") == ["Kursk — 3 mentions", "Sudzha — 1 mention"]
    assert _radius(1) < _radius(3) < _radius(9) <= _radius(10_000) == _radius(100_000)


def test_article_colours_differ():
    page = Map([kursk_doc(id="a"), kursk_doc(id="b")], tiles=None).to_html()
    colours = set(re.findall(r'"fillColor": "(#[0-9a-f]{6})"', page))
    assert len(colours) == 2


# --- escaping ------------------------------------------------------------------------


def test_hostile_text_is_escaped_everywhere():
    docs = [hostile_doc(), kursk_doc(id=HOSTILE_IMG)]
    page = Map(docs, tiles=None, title=HOSTILE).to_html()
    assert "<img src=x" not in page
    assert "<script>window.pwned" not in page
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&quot;window.pwned=1&quot;&gt;" in page
    assert "</script><!--" not in page

    tags = Tags(page)
    assert "img" not in tags.names()
    assert all(attrs == {} for tag, attrs in tags.tags if tag == "script")
    assert tags.names().count("script") == 3  # leaflet.js, folium's switches, the map

    popups = js_args(page, "bindPopup")
    tooltips = js_args(page, "bindTooltip")
    names = layer_names(page)
    assert len(names) == 2
    box = unplaced_box(page)
    for fragment in popups + tooltips + names + [box]:
        assert "img" not in Tags(fragment).names() and "script" not in Tags(fragment).names()
    evil = "&lt;script&gt;window.pwned=1&lt;/script&gt;"
    assert evil in tooltips[0] and evil in names[0] and evil in box
    assert "&lt;img src=x" in names[1]
    # the sentence quoting the backtick/quote string survives intact, once escaped
    assert "`${window.pwned=1}` \\ &lt;/script&gt;&lt;!--" in popups[0]
    assert "it&#x27;s &quot;quoted&quot;" in popups[0]
    assert "<mark>&lt;script&gt;window.pwned=1&lt;/script&gt;</mark>" in popups[0]


def test_hostile_text_does_not_change_page_structure():
    def tag_names(doc: Document) -> list[str]:
        return Tags(Map([doc, kursk_doc(id="k")], tiles=None).to_html()).names()

    plain = make_doc(["They met in Foo near Bar and Kursk.", "Then Baz!"],
                     [("Foo", Place(1, "Foo", 10, 10, "P", "PPL")), ("Kursk", KURSK), ("Bar", None), ("Baz", None)],
                     title="Plain")
    assert tag_names(hostile_doc()) == tag_names(plain)


# --- offline / CDN ----------------------------------------------------------------------


def remote_refs(page: str) -> list[str]:
    return [
        value for _, attrs in Tags(page).tags for key, value in attrs.items()
        if key in ("src", "href") and value and re.match(r"\s*(https?:)?//", value)
    ]


@pytest.mark.parametrize("cluster", [False, True])
@pytest.mark.parametrize("tiles", [None, "OpenStreetMap"])
def test_offline_page_has_no_remote_src_or_href(cluster, tiles):
    page = Map([kursk_doc(), kursk_doc(id="b")], tiles=tiles, cluster=cluster).to_html()
    assert remote_refs(page) == []
    assert "<link" not in page
    assert "jquery" not in page.lower() and "bootstrap" not in page.lower()
    assert ("L.markerClusterGroup(" in page) is cluster
    assert ("leaflet.markercluster 1.5.3" in page) is cluster
    assert "url(images/layers.png)" not in page  # layer-control icon inlined
    if tiles:
        assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in page


def test_cdn_option_keeps_folium_links():
    page = Map([kursk_doc()], cdn=True, cluster=True).to_html()
    refs = remote_refs(page)
    assert any("leaflet.js" in r for r in refs) and any("markercluster" in r for r in refs)
    assert "Leaflet 1.9.4, a JS library" not in page


def test_cluster_threshold():
    many = [Place(10_000 + i, f"P{i}", (i % 80) - 40.0, (i % 300) - 150.0, "P", "PPL") for i in range(CLUSTER_THRESHOLD + 1)]
    words = [f"w{i:04d}" for i in range(len(many))]
    big = make_doc([" ".join(words) + "."], list(zip(words, many)))
    page = Map([big], tiles=None).to_html()
    assert "L.markerClusterGroup(" in page and marker_count(page) == CLUSTER_THRESHOLD + 1
    assert "L.markerClusterGroup(" not in Map([kursk_doc()], tiles=None).to_html()
    assert "L.markerClusterGroup(" in Map([kursk_doc()], tiles=None, cluster=True).to_html()
    assert "L.markerClusterGroup(" not in Map([big], tiles=None, cluster=False).to_html()


# --- layers, view, attribution, unplaced ------------------------------------------------------


def test_two_articles_two_feature_groups_and_layer_control():
    page = Map([kursk_doc(title="First"), kursk_doc(title="First")], tiles=None).to_html()
    assert page.count("L.featureGroup(") == 2
    assert page.count("L.control.layers(") == 1
    assert layer_names(page) == ["First", "First (2)"]
    single = Map([kursk_doc()], tiles=None).to_html()
    assert single.count("L.featureGroup(") == 1 and "L.control.layers(" not in single


def test_view_fits_markers_or_world():
    page = Map([kursk_doc()], tiles=None).to_html()
    assert re.search(r"fitBounds\(\s*\[\[51\.1918, 35\.2706\], \[51\.7373, 36\.1874\]\]", page)
    single = Map([make_doc(["In Kyiv."], [("Kyiv", KYIV)])], tiles=None).to_html()
    assert re.search(r'\[\[50\.4547, 30\.5238\], \[50\.4547, 30\.5238\]\],\s*\{"maxZoom": 11', single)
    empty = Map(tiles=None).to_html()
    assert re.search(r"fitBounds\(\s*\[\[-58\.0, -170\.0\], \[75\.0, 170\.0\]\]", empty)
    assert '"maxZoom": 18' in empty  # on the map itself: MarkerCluster needs it


def test_attribution():
    plain = Map([kursk_doc()], tiles=None).to_html()
    assert "Places © GeoNames (CC BY 4.0)" in plain
    assert "L.tileLayer(" not in plain
    osm = Map([kursk_doc()]).to_html()
    assert "Places © GeoNames (CC BY 4.0)" in osm and "OpenStreetMap" in osm


def test_unplaced_box():
    doc = kursk_doc()
    doc.mentions.append(Mention("Kuwaiti", 0, 7, 0, kind="demonym"))  # unresolved demonym: not listed
    box = unplaced_box(Map([doc], tiles=None).to_html())
    assert "<summary>Not placed: 1 name</summary>" in box and "Atlantis" in box and "Kuwaiti" not in box
    assert "div.innerHTML" not in Map([make_doc(["Kursk."], [("Kursk", KURSK)])], tiles=None).to_html()


# --- outputs --------------------------------------------------------------------------------


def test_save_is_atomic(tmp_path):
    target = tmp_path / "map.html"
    target.write_text("old")
    out = Map([kursk_doc()], tiles=None, title="Kursk").save(target)
    assert out == target
    text = target.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "<title>Kursk</title>" in text
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]


def test_save_failure_leaves_no_temp_file(tmp_path, monkeypatch):
    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr("geomap.io.os.replace", boom)
    with pytest.raises(OSError):
        Map([kursk_doc()], tiles=None).save(tmp_path / "map.html")
    assert list(tmp_path.iterdir()) == []


def test_fragment_and_repr_html():
    frag = Map([kursk_doc()], tiles=None).fragment()
    assert frag.startswith('<div class="geomap-fragment"') and frag.endswith("</div>")
    assert "<iframe" not in frag and "<html" not in frag and "<body" not in frag
    assert "html, body" not in frag and "<meta" not in frag
    assert "Leaflet 1.9.4" in frag and marker_count(frag) == 2 and remote_refs(frag) == []
    assert "aspect-ratio" in frag and "height:480px" in Map(height="480px").fragment()
    rep = Map([kursk_doc()], tiles=None)._repr_html_()
    assert "<iframe srcdoc=" in rep and "<script>" not in rep  # whole page escaped into srcdoc


def test_add_chains_and_to_folium():
    m = Map(tiles=None)
    assert m.add(kursk_doc()).add(kursk_doc(), name="Second") is m
    fm = m.to_folium()
    assert fm.get_root().render().count("L.featureGroup(") == 2
