"""Tests for geomap.render: markers, popups, escaping, offline assets, saving."""

from __future__ import annotations

import base64
import gzip
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


def rows(page: str) -> list[list]:
    """Every marker row ``[lat, lon, radius, colour, tooltip, popup, name, mentions]``, in page order."""
    out = []
    for block in re.findall(r"_rows = (\[.*?\]|\"[A-Za-z0-9+/=]*\");\n", page):
        if block.startswith('"'):  # a packed layer: base64(gzip(JSON))
            block = gzip.decompress(base64.b64decode(json.loads(block))).decode("utf-8")
        out += json.loads(block)
    return out


def popups(page: str) -> list[str]:
    return [r[5] for r in rows(page)]


def tooltips(page: str) -> list[str]:
    return [r[4] for r in rows(page)]


def layer_names(page: str) -> list[str]:
    block = re.search(rf"overlays :\s*\{{((?:\s*{JS_STRING} : \w+,)*)", page)
    return [json.loads(s) for s in re.findall(rf"{JS_STRING} :", block.group(1))] if block else []


def box(page: str, css_class: str) -> str | None:
    """The HTML content of a ``geomap.box`` control with this class, or None."""
    found = re.search(rf'geomap\.box\(\w+, "\w+", "{re.escape(css_class)}", {JS_STRING}\);', page)
    return json.loads(found.group(1)) if found else None


def unplaced_box(page: str) -> str:
    return box(page, "geomap-unplaced")


def marker_count(page: str) -> int:
    return len(rows(page))


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
    assert any(t.startswith("Ukraine — 1 mention") for t in tooltips(page))


def test_popup_has_every_sentence_once_with_marks():
    page = Map([kursk_doc(title="Kursk report")], tiles=None).to_html()
    popup = next(p for p in popups(page) if ">Kursk<" in p)
    assert popup.count("<li>") == 2
    assert "<li>Fighting continued near <mark>Kursk</mark> on Tuesday.</li>" in popup
    assert "<li>Officials in <mark>Kursk</mark> said the <mark>Kursk</mark> region was calm.</li>" in popup
    assert "Atlantis" not in popup  # "Kursk's" in sentence 4 is not a mention
    for fact in ("RU", "PPLA", "538560", "Kursk report"):
        assert fact in popup
    assert popup.index("Kursk report") < popup.index("<li>")
    assert '"maxWidth":400' in page and '"maxHeight"' in page


def test_tooltip_and_radius():
    page = Map([kursk_doc()], tiles=None).to_html()
    assert tooltips(page) == ["Kursk — 3 mentions", "Sudzha — 1 mention"]
    assert _radius(1) < _radius(3) < _radius(9) <= _radius(10_000) == _radius(100_000)


def test_article_colours_differ():
    page = Map([kursk_doc(id="a"), kursk_doc(id="b")], tiles=None).to_html()
    colours = {r[3] for r in rows(page)}
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
    # leaflet.js, the geomap helper, the country outlines, folium's switches, the map
    assert tags.names().count("script") == 5

    pops, tips = popups(page), tooltips(page)
    names = layer_names(page)
    assert len(names) == 2
    unplaced = unplaced_box(page)
    legend = box(page, "geomap-legend")
    for fragment in pops + tips + names + [unplaced, legend]:
        assert "img" not in Tags(fragment).names() and "script" not in Tags(fragment).names()
    evil = "&lt;script&gt;window.pwned=1&lt;/script&gt;"
    assert evil in tips[0] and evil in names[0] and evil in unplaced and evil in legend
    assert "&lt;img src=x" in names[1]
    # the sentence quoting the backtick/quote string survives intact, once escaped
    assert "`${window.pwned=1}` \\ &lt;/script&gt;&lt;!--" in pops[0]
    assert "it&#x27;s &quot;quoted&quot;" in pops[0]
    assert "<mark>&lt;script&gt;window.pwned=1&lt;/script&gt;</mark>" in pops[0]
    # the side list gets plain text (it uses textContent), never pasted as HTML
    assert rows(page)[0][6] == f"{HOSTILE}{HOSTILE_IMG}"


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
    assert ("geomap.clusterRoot(" in page) is cluster
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
    assert "geomap.clusterRoot(" in page and marker_count(page) == CLUSTER_THRESHOLD + 1
    assert "geomap.clusterRoot(" not in Map([kursk_doc()], tiles=None).to_html()
    assert "geomap.clusterRoot(" in Map([kursk_doc()], tiles=None, cluster=True).to_html()
    assert "geomap.clusterRoot(" not in Map([big], tiles=None, cluster=False).to_html()


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
    assert unplaced_box(Map([make_doc(["Kursk."], [("Kursk", KURSK)])], tiles=None).to_html()) is None


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

    monkeypatch.setattr("geomap.ingest.writers.os.replace", boom)
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


# --- colour, legend, groups, popups' article details ------------------------------------------


def article(id: str, **meta) -> Document:
    doc = make_doc(["Shelling hit Kursk and Kyiv."], [("Kursk", KURSK), ("Kyiv", KYIV)], id=id)
    doc.meta.update(meta)
    return doc


def test_color_by_country_with_legend():
    page = Map([article("a"), article("b")], tiles=None, color_by="country").to_html()
    by_name = {r[6]: r[3] for r in rows(page)}
    assert by_name["Kursk"] != by_name["Kyiv"]
    assert len({r[3] for r in rows(page) if r[6] == "Kursk"}) == 1  # same country, same colour in both layers
    legend = box(page, "geomap-legend")
    assert "Colour: country" in legend and "Russia" in legend and "Ukraine" in legend
    with pytest.raises(ValueError):
        Map(color_by="mood")


def test_legend_names_article_colours_and_caps_rows():
    page = Map([article(f"doc{i}") for i in range(15)], tiles=None).to_html()
    legend = box(page, "geomap-legend")
    assert "Colour: article" in legend and "doc0" in legend and "doc11" in legend and "doc12" not in legend
    assert "3 mores" not in legend and "… 3 more" in legend
    assert box(Map([article("a")], tiles=None).to_html(), "geomap-legend") is None  # one article: nothing to tell


def test_group_by_field_makes_one_layer_per_value():
    docs = [article("a", date="2024-08-06T10:00:00Z", source="X"), article("b", date="2024-08-06T18:00:00Z"),
            article("c", date="2024-08-07")]
    page = Map(docs, tiles=None, group_by="date").to_html()
    assert layer_names(page) == ["2024-08-06", "2024-08-07"]
    kursk = [r for r in rows(page) if r[6] == "Kursk"]
    assert [r[7] for r in kursk] == [2, 1]  # a and b share a marker on the 6th
    assert kursk[0][5].count('class="geomap-article"') == 2
    assert "Colour: date" in box(page, "geomap-legend")
    by_source = Map(docs, tiles=None, group_by="source").to_html()
    assert layer_names(by_source) == ["X", "(no source)"]


def test_popup_has_title_date_link_and_geonames_details():
    doc = article("a", title="Strikes", date="2024-08-06", url="https://news.example/strikes?a=1&b=2")
    popup = popups(Map([doc], tiles=None).to_html())[0]
    assert '<a href="https://news.example/strikes?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">Strikes</a>' in popup
    assert '<span class="geomap-date">2024-08-06</span>' in popup
    assert '<a href="https://www.geonames.org/538560"' in popup
    assert "pop. 440,052" in popup and "admin1 41" in popup and "51.7373, 36.1874" in popup


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", " JavaScript:alert(1)", "java\tscript:alert(1)", "javascript://x.org/%0aalert(1)",
    "data:text/html,<script>alert(1)</script>", "vbscript:x", "//evil.example/x", "/relative", "https://", "",
    None, 42, "https://ok.example/\nx", "http:/x",
])
def test_unsafe_links_are_dropped(url):
    from geomap.render import safe_url

    assert safe_url(url) is None
    popup = popups(Map([article("a", title="T", url=url)], tiles=None).to_html())[0]
    assert "<a href" not in popup.replace('<a href="https://www.geonames.org/538560"', "")


def test_safe_url_keeps_http_and_https():
    from geomap.render import safe_url

    assert safe_url(" https://a.example/x?y=1 ") == "https://a.example/x?y=1"
    assert safe_url("HTTP://a.example") == "HTTP://a.example"


def test_hostile_group_names_and_links():
    doc = article("a", source=HOSTILE_IMG, title=HOSTILE, url='https://x.example/"><img/src=x/onerror=alert(1)>')
    page = Map([doc, article("b", source=HOSTILE)], tiles=None, group_by="source").to_html()
    for fragment in layer_names(page) + popups(page) + [box(page, "geomap-legend")]:
        assert "img" not in Tags(fragment).names() and "script" not in Tags(fragment).names()
    assert "&lt;img src=x" in box(page, "geomap-legend")
    assert 'href="https://x.example/&quot;&gt;&lt;img' in popups(page)[0]


# --- heat, choropleth, outline, side list ----------------------------------------------


def test_heat_layer_inlined_and_in_layer_control():
    page = Map([kursk_doc()], tiles=None, heat=True).to_html()
    assert "L.heatLayer(" in page and "simpleheat" in page and "leaflet.heat 0.2.0" in page
    assert "Heat map" in layer_names(page) and remote_refs(page) == []
    points = json.loads(re.search(r"L\.heatLayer\((\[.*?\]), ", page).group(1))
    assert sorted(p[2] for p in points) == [pytest.approx((1 / 3) ** 0.5, abs=1e-3), 1.0]
    assert "simpleheat" not in Map([kursk_doc()], tiles=None).to_html()
    cdn = Map([kursk_doc()], heat=True, cdn=True).to_html()
    assert any("leaflet.heat@0.2.0" in r for r in remote_refs(cdn))


def test_choropleth_counts_by_country():
    page = Map([kursk_doc(), article("b")], tiles=None, choropleth=True).to_html()
    counts = json.loads(re.search(r"geomap\.choropleth\(\w+, (\{.*?\})\);", page).group(1))
    assert set(counts) == {"RU", "UA"}
    assert counts["RU"][1] == "Russia — 5 mentions" and counts["UA"][1] == "Ukraine — 1 mention"
    assert "Mentions by country" in layer_names(page)
    assert "Mentions by country" in box(page, "geomap-legend geomap-choropleth-legend")


def test_country_outlines_are_small_coded_and_under_the_tiles():
    from geomap.render import country_names

    assert (ASSETS / "countries.geojson").stat().st_size < 1_500_000
    names = country_names()
    assert len(names) > 200 and names["UA"] == "Ukraine" and names["RU"] == "Russia"
    plain = Map([kursk_doc()], tiles=None).to_html()
    assert "var geomap_countries = {" in plain and "geomap.outline(" in plain
    assert "Borders © Natural Earth" in plain
    osm = Map([kursk_doc()]).to_html()
    assert "geomap.outline(" in osm and '"geomapOutline", 150' in osm  # pane below the tiles (200)
    assert "var geomap_countries" not in Map([kursk_doc()], cdn=True).to_html()
    assert "var geomap_countries" not in Map([kursk_doc()], tiles=None, outline=False).to_html()


def test_side_list_present_when_there_are_places():
    assert "geomap.sideList(" in Map([kursk_doc()], tiles=None).to_html()
    assert "geomap.sideList(" not in Map([kursk_doc()], tiles=None, side_list=False).to_html()
    assert "geomap.sideList(" not in Map(tiles=None).to_html()


def test_ready_flag_set_last():
    page = Map([kursk_doc()], tiles=None).to_html()
    assert page.rindex("geomap.done(") > page.rindex("geomap.addPlaces(")


# --- formats and the command line -------------------------------------------------------------


def test_save_geojson_by_suffix(tmp_path):
    out = Map([kursk_doc()], tiles=None).save(tmp_path / "places.geojson")
    data = json.loads(out.read_text())
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 2
    with pytest.raises(ValueError):
        Map().to_bytes("svg")


def test_map_cli_options_round_trip():
    import argparse

    from geomap.render import add_map_arguments, format_for, map_options

    ap = add_map_arguments(argparse.ArgumentParser())
    opts = map_options(ap.parse_args([]))
    assert opts["tiles"] == "OpenStreetMap" and opts["cluster"] is None and opts["color_by"] == "article"
    args = ap.parse_args(["--tiles", "none", "--no-cluster", "--color-by", "country", "--group-by", "date",
                          "--heat", "--choropleth", "--cdn", "--title", "T", "--format", "geojson", "--no-side-list"])
    opts = map_options(args)
    assert opts == {"tiles": None, "cluster": False, "demonyms": False, "cdn": True, "title": "T",
                    "color_by": "country", "group_by": "date", "heat": True, "choropleth": True,
                    "outline": None, "side_list": False}
    Map(**opts)  # every option is a Map keyword
    assert format_for("x.png", args.format) == "geojson"
    assert [format_for(p) for p in ("a.png", "a.PDF", "a.json", "a.geojson", "a.html", None, "-")] == \
        ["png", "pdf", "geojson", "geojson", "html", "html", "html"]


def test_large_maps_pack_their_rows():
    from geomap.render import PACK_ROWS

    many = [Place(20_000 + i, f"<b>P{i}</b>", (i % 80) - 40.0, (i % 300) - 150.0, "P", "PPL") for i in range(PACK_ROWS + 1)]
    words = [f"w{i:04d}" for i in range(len(many))]
    page = Map([make_doc([" ".join(words) + "."], list(zip(words, many)))], tiles=None).to_html()
    assert "&lt;b&gt;P0&lt;/b&gt;" not in page  # not visible as text: packed
    got = rows(page)
    assert len(got) == PACK_ROWS + 1 and got[0][4] == "&lt;b&gt;P0&lt;/b&gt; — 1 mention" and got[0][6] == "<b>P0</b>"


def test_a_landmark_popup_names_its_kind_and_source():
    from geomap.model import Place
    from geomap.render import place_details_html

    house = Place(990000101, "White House", 38.8977, -77.0365, "S", "BLDG", "US", None, 0)
    html = place_details_html(house)
    assert "building (BLDG)" in html and "curated place" in html


def test_a_map_refuses_what_is_not_a_parsed_document_when_it_is_added():
    """Issue 18, defect 15: ``Map(["text"])`` fails at once, not when rendering."""
    with pytest.raises(TypeError, match=r"parsed Documents, not str \(parse it first"):
        Map(["Rain in Lima."])
    with pytest.raises(TypeError, match="not dict"):
        Map().add({"text": "Rain in Lima."})
