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
        out.append(Mention(word, start, start + len(word), sentence, kind=kind[0] if kind else "toponym", place=place,
                           score=0.9))
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


WASHINGTON = Place(4140963, "Washington", 38.89511, -77.03637, "P", "PPLC", "US", "DC", 689_545)


def washington_articles() -> list[Document]:
    """Three short articles that each name Washington (the third twice)."""
    texts = [
        ("w1", ["Senators returned to Washington on Monday."], "Budget talks"),
        ("w2", ["Rain fell on Washington all week.", "Traffic slowed."], None),
        ("w3", ["In Washington, officials met the envoy.", "Washington said little."], "Envoy visit"),
    ]
    return [make_doc(sentences, [("Washington", WASHINGTON)] * " ".join(sentences).count("Washington"),
                     id=doc_id, title=title) for doc_id, sentences, title in texts]


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


def _places_call(page: str) -> tuple[list, dict] | None:
    found = re.search(r"var (places_\w+) = (\[.*?\]|\"[A-Za-z0-9+/=]*\");\ngeomap\.places\(\w+, \1, (\{.*?\})\);\n", page)
    if not found:
        return None
    block = found.group(2)
    if block.startswith('"'):  # packed: base64(gzip(JSON))
        block = gzip.decompress(base64.b64decode(json.loads(block))).decode("utf-8")
    return json.loads(block), json.loads(found.group(3))


def rows(page: str) -> list[list]:
    """Every marker row ``[lat, lon, name, name_html, approximate, colour, header_html, entries]``."""
    found = _places_call(page)
    return found[0] if found else []


def options(page: str) -> dict:
    """The options of ``geomap.places`` (layers and their colours, clustering…)."""
    found = _places_call(page)
    return found[1] if found else {}


def popup(row: list) -> str:
    """A marker's popup body with every layer shown: the place, then each layer's articles."""
    return row[6] + "".join(entry[3] for entry in row[7])


def popups(page: str) -> list[str]:
    return [popup(r) for r in rows(page)]


def layer_names(page: str) -> list[str]:
    return [g["label"] for g in options(page).get("groups", [])]


def overlay_names(page: str) -> list[str]:
    return [json.loads(s) for s in re.findall(rf"geomap\.overlay\(\w+, {JS_STRING}, ", page)]


def panel(page: str) -> dict | None:
    """The options of the panel (layers, key, list of places, names not placed), or None."""
    found = re.search(r"geomap\.panel\(\w+, (\{.*?\})\);\n", page)
    return json.loads(found.group(1)) if found else None


def unplaced_names(page: str) -> list:
    return (panel(page) or {}).get("unplaced", [])


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
    assert f"topojson-client v{pins['topojson-client']} " in (ASSETS / "topojson-client.min.js").read_text()[:200]
    assert (ASSETS / "LICENSE.topojson-client").stat().st_size > 0


# --- markers and popups ------------------------------------------------------------


def test_one_marker_per_place_across_articles():
    other = make_doc(["Kursk and Kyiv, Kyiv again."], [("Kursk", KURSK), ("Kyiv", KYIV), ("Kyiv", KYIV)], id="b")
    page = Map([kursk_doc(title="A"), other], tiles=None).to_html()
    assert [r[2] for r in rows(page)] == ["Kursk", "Sudzha", "Kyiv"]  # Kursk once, for both articles
    kursk = rows(page)[0]
    assert [(e[0], e[1], e[2]) for e in kursk[7]] == [(0, 3, 1), (1, 1, 1)]  # layer, mentions, articles
    assert "Fighting continued near <mark>Kursk</mark>" in kursk[7][0][3]
    assert "<mark>Kursk</mark> and Kyiv, Kyiv again." in kursk[7][1][3]
    assert marker_count(Map(tiles=None).to_html()) == 0


def test_three_articles_naming_washington_make_one_marker_listing_all_three():
    (row,) = rows(Map(washington_articles(), tiles=None).to_html())
    assert row[2] == "Washington" and [e[0] for e in row[7]] == [0, 1, 2]
    body = popup(row)
    for heading in ("Budget talks", "Rain fell on Washington all week. Traffic slowed.", "Envoy visit"):
        assert f">{heading}</div>" in body
    assert body.count("<mark>Washington</mark>") == 4
    assert "<li>Senators returned to <mark>Washington</mark> on Monday.</li>" in body


def test_demonyms_excluded_by_default():
    assert marker_count(Map([kursk_doc()], tiles=None).to_html()) == 2
    page = Map([kursk_doc()], tiles=None, demonyms=True).to_html()
    assert marker_count(page) == 3
    assert "Ukraine" in [r[2] for r in rows(page)]


def test_popup_has_every_sentence_once_with_marks():
    page = Map([kursk_doc(title="Kursk report")], tiles=None).to_html()
    body = next(p for p in popups(page) if ">Kursk<" in p)
    assert body.count("<li>") == 2
    assert "<li>Fighting continued near <mark>Kursk</mark> on Tuesday.</li>" in body
    assert "<li>Officials in <mark>Kursk</mark> said the <mark>Kursk</mark> region was calm.</li>" in body
    assert "Atlantis" not in body  # "Kursk's" in sentence 4 is not a mention
    assert "regional capital in Russia · population 440,052" in body and "Kursk report" in body
    assert body.index("Kursk report") < body.index("<li>")
    assert "feature code PPLA" in body.split("<details", 1)[1]  # codes behind the toggle


def test_marker_size_and_layers_are_counted_in_the_browser():
    page = Map([kursk_doc()], tiles=None).to_html()
    assert [sum(e[1] for e in r[7]) for r in rows(page)] == [3, 1]
    assert options(page)["radius"] == [6.0, 4.0, 22.0]
    assert _radius(1) < _radius(3) < _radius(9) <= _radius(10_000) == _radius(100_000)


def test_layer_colours_differ_and_are_colour_blind_safe():
    from geomap.render import PALETTE

    page = Map([kursk_doc(id="a"), kursk_doc(id="b")], tiles=None).to_html()
    colours = [g["color"] for g in options(page)["groups"]]
    assert len(set(colours)) == 2 and set(colours) <= set(PALETTE)
    assert options(page)["several"]  # Kursk is in both: a colour of its own
    assert all(r[5] is None for r in rows(page))  # the browser colours by the shown layers
    assert len(PALETTE) == 12 and "#1f77b4" not in PALETTE  # not category10


def test_more_layers_than_colours_share_one_colour_with_a_note():
    page = Map([article(f"doc{i}", title=f"T{i}") for i in range(13)], tiles=None).to_html()
    assert len({g["color"] for g in options(page)["groups"]}) == 1
    assert options(page)["several"] is None
    assert "More than 12 articles: one colour for all" in panel(page)["groupsNote"]
    twelve = Map([article(f"doc{i}", title=f"T{i}") for i in range(12)], tiles=None).to_html()
    assert len({g["color"] for g in options(twelve)["groups"]}) == 12 and panel(twelve)["groupsNote"] is None


# --- approximate places ------------------------------------------------------------------------


def test_approximate_mentions_are_a_dashed_marker_of_their_own():
    doc = make_doc(["Police closed Royal Street in Kyiv.", "Kyiv was calm."],
                   [("Royal Street", KYIV), ("Kyiv", KYIV), ("Kyiv", KYIV)], title="Closure")
    doc.mentions[0].precision = "containing"
    doc.mentions[1].score = 0.2
    page = Map([doc], tiles=None).to_html()
    exact, approx = rows(page)
    assert (exact[2], exact[4], sum(e[1] for e in exact[7])) == ("Kyiv", 0, 1)
    assert (approx[2], approx[4], sum(e[1] for e in approx[7])) == ("Royal Street (in Kyiv)", 1, 2)
    assert "approximately" in approx[6] and "approximately" not in exact[6]
    assert "Royal Street" not in popup(exact)  # its sentence is not shown as naming Kyiv itself
    assert panel(page)["approximate"] is True
    assert rows(Map([doc], tiles=None, approximate_below=0.1).to_html())[0][2] == "Kyiv"


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
    # leaflet.js, the geomap helper, topojson-client, the country outlines, folium's switches, the map
    assert tags.names().count("script") == 6

    pops = popups(page)
    for fragment in pops + [r[3] for r in rows(page)]:
        assert "img" not in Tags(fragment).names() and "script" not in Tags(fragment).names()
    evil = "&lt;script&gt;window.pwned=1&lt;/script&gt;"
    assert evil in rows(page)[0][3] and evil in pops[0]
    # the sentence quoting the backtick/quote string survives intact, once escaped
    assert "`${window.pwned=1}` \\ &lt;/script&gt;&lt;!--" in pops[0]
    assert "it&#x27;s &quot;quoted&quot;" in pops[0]
    assert "<mark>&lt;script&gt;window.pwned=1&lt;/script&gt;</mark>" in pops[0]
    # the panel and the side list get plain text (textContent), never pasted as HTML
    assert rows(page)[0][2] == f"{HOSTILE}{HOSTILE_IMG}"
    assert layer_names(page)[0] == f"{HOSTILE} {HOSTILE_IMG} {HOSTILE_MISC}"
    assert unplaced_names(page)[0][1] == [[HOSTILE_IMG, 1]]


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
    assert bool(options(page)["cluster"]) is cluster
    assert ("leaflet.markercluster 1.5.3" in page) is cluster
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
    assert options(page)["cluster"] and marker_count(page) == CLUSTER_THRESHOLD + 1
    assert not options(Map([kursk_doc()], tiles=None).to_html())["cluster"]
    assert options(Map([kursk_doc()], tiles=None, cluster=True).to_html())["cluster"]
    unclustered = options(Map([big], tiles=None, cluster=False).to_html())
    assert not unclustered["cluster"] and unclustered["canvas"]


# --- layers, view, attribution, unplaced ------------------------------------------------------


def test_one_list_of_articles_in_the_panel_not_a_layer_control():
    page = Map([kursk_doc(title="First"), kursk_doc(title="First")], tiles=None).to_html()
    assert layer_names(page) == ["First", "First (2)"]
    assert "L.control.layers(" not in page and "geomap.panel(" in page
    assert panel(page)["groupsTitle"] == "Articles"
    assert layer_names(Map([kursk_doc(title="Only")], tiles=None).to_html()) == ["Only"]


def test_article_without_title_is_named_by_its_first_words():
    doc = kursk_doc(id="kursk.txt")
    doc.meta["source"] = "kursk.txt"
    page = Map([doc, article("b")], tiles=None).to_html()
    assert layer_names(page) == ["Fighting continued near Kursk on Tuesday. Officials in…",
                                 "Shelling hit Kursk and Kyiv."]
    assert "kursk.txt" not in popups(page)[0]


def test_view_fits_markers_or_world_without_animation():
    page = Map([kursk_doc()], tiles=None).to_html()
    assert 'geomap.view(map_' in page and "[[51.1918,35.2706],[51.7373,36.1874]]" in page
    single = Map([make_doc(["In Kyiv."], [("Kyiv", KYIV)])], tiles=None).to_html()
    assert re.search(r'\[\[50\.4547,30\.5238\],\[50\.4547,30\.5238\]\], \{"padding":\[30,30\],"maxZoom":11', single)
    empty = Map(tiles=None).to_html()
    assert "[[-58.0,-170.0],[75.0,170.0]]" in empty
    assert '"maxZoom": 18' in empty  # on the map itself: MarkerCluster needs it
    assert '"zoomSnap": 0.25' in empty  # the view can fill a phone's width


def test_attribution():
    plain = Map([kursk_doc()], tiles=None).to_html()
    assert "Places © GeoNames (CC BY 4.0)" in plain
    assert "L.tileLayer(" not in plain
    osm = Map([kursk_doc()]).to_html()
    assert "Places © GeoNames (CC BY 4.0)" in osm and "OpenStreetMap" in osm


def test_unplaced_names_in_the_panel():
    doc = kursk_doc()
    doc.mentions.append(Mention("Kuwaiti", 0, 7, 0, kind="demonym"))  # unresolved demonym: not listed
    assert [names for _, names in unplaced_names(Map([doc], tiles=None).to_html())] == [[["Atlantis", 1]]]
    assert unplaced_names(Map([make_doc(["Kursk."], [("Kursk", KURSK)])], tiles=None).to_html()) == []


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
    page = m.to_folium().get_root().render()
    assert layer_names(page) == ["Fighting continued near Kursk on Tuesday. Officials in…", "Second"]


# --- colour, legend, groups, popups' article details ------------------------------------------


def article(id: str, **meta) -> Document:
    doc = make_doc(["Shelling hit Kursk and Kyiv."], [("Kursk", KURSK), ("Kyiv", KYIV)], id=id)
    doc.meta.update(meta)
    return doc


def test_color_by_country_with_legend():
    page = Map([article("a"), article("b")], tiles=None, color_by="country").to_html()
    by_name = {r[2]: r[5] for r in rows(page)}
    assert by_name["Kursk"] != by_name["Kyiv"] and None not in by_name.values()
    assert [g["color"] for g in options(page)["groups"]] == [None, None]  # articles: no colour of their own
    legend = panel(page)["legend"]
    assert legend["title"] == "Colour: country"
    assert [label for _, label in legend["rows"]] == ["Russia", "Ukraine"]
    with pytest.raises(ValueError):
        Map(color_by="mood")


def test_group_by_field_makes_one_layer_per_value():
    docs = [article("a", date="2024-08-06T10:00:00Z", source="X"), article("b", date="2024-08-06T18:00:00Z"),
            article("c", date="2024-08-07")]
    page = Map(docs, tiles=None, group_by="date").to_html()
    assert layer_names(page) == ["2024-08-06", "2024-08-07"]
    kursk = next(r for r in rows(page) if r[2] == "Kursk")
    assert [(e[0], e[1], e[2]) for e in kursk[7]] == [(0, 2, 2), (1, 1, 1)]  # a and b share the 6th
    assert kursk[7][0][3].count('class="geomap-article"') == 2
    assert panel(page)["groupsTitle"] == "Date"
    by_source = Map(docs, tiles=None, group_by="source").to_html()
    assert layer_names(by_source) == ["X", "(no source)"]


def test_popup_has_title_date_link_and_plain_place_details():
    doc = article("a", title="Strikes", date="2024-08-06", url="https://news.example/strikes?a=1&b=2")
    body = popups(Map([doc], tiles=None).to_html())[0]
    assert '<a href="https://news.example/strikes?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">Strikes</a>' in body
    assert '<span class="geomap-date">2024-08-06</span>' in body
    assert '<a href="https://www.geonames.org/538560"' in body
    assert "population 440,052" in body and "admin1 code 41" in body and "51.7373, 36.1874" in body
    assert options(Map([doc], tiles=None).to_html())["groups"][0]["date"] == "2024-08-06"


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", " JavaScript:alert(1)", "java\tscript:alert(1)", "javascript://x.org/%0aalert(1)",
    "data:text/html,<script>alert(1)</script>", "vbscript:x", "//evil.example/x", "/relative", "https://", "",
    None, 42, "https://ok.example/\nx", "http:/x",
])
def test_unsafe_links_are_dropped(url):
    from geomap.render import safe_url

    assert safe_url(url) is None
    body = popups(Map([article("a", title="T", url=url)], tiles=None).to_html())[0]
    assert "<a href" not in body.replace('<a href="https://www.geonames.org/538560"', "")


def test_hostile_group_names_and_links():
    doc = article("a", source=HOSTILE_IMG, title=HOSTILE, url='https://x.example/"><img/src=x/onerror=alert(1)>')
    page = Map([doc, article("b", source=HOSTILE)], tiles=None, group_by="source").to_html()
    for fragment in popups(page):
        assert "img" not in Tags(fragment).names() and "script" not in Tags(fragment).names()
    assert HOSTILE_IMG in layer_names(page)  # plain text for textContent
    assert 'href="https://x.example/&quot;&gt;&lt;img' in popups(page)[0]


# --- heat, choropleth, outline, side list ----------------------------------------------


def test_heat_layer_inlined_and_switchable_in_the_panel():
    page = Map([kursk_doc()], tiles=None, heat=True).to_html()
    assert "L.heatLayer(" in page and "simpleheat" in page and "leaflet.heat 0.2.0" in page
    assert overlay_names(page) == ["Heat map"] and remote_refs(page) == []
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
    assert overlay_names(page) == ["Mentions by country"]
    legend = json.loads(re.search(rf"geomap\.overlay\(\w+, {JS_STRING}, \w+, (\[.*?\])\);", page).group(2))
    assert legend[0][1] == "1" and legend[-1][1].endswith("5")


def test_country_outlines_are_small_topojson_coded_and_under_the_tiles():
    from geomap.outlines import topology
    from geomap.render import country_names

    assert (ASSETS / "countries.topojson").stat().st_size < 200_000  # the GeoJSON was 717 KB
    assert not (ASSETS / "countries.geojson").exists()
    topo = topology()
    assert topo["type"] == "Topology" and "transform" in topo  # quantized, delta-encoded arcs
    names = country_names()
    assert len(names) > 200 and names["UA"] == "Ukraine" and names["RU"] == "Russia"
    assert {"NR", "TV", "MT", "SG"} <= set(names)  # small countries keep their land
    plain = Map([kursk_doc()], tiles=None).to_html()
    assert "var geomap_topology = {" in plain and "geomap.outline(" in plain
    assert "topojson-client v3.1.0" in plain  # the decoder, inlined
    assert "Borders © Natural Earth" in plain
    osm = Map([kursk_doc()]).to_html()
    assert "geomap.outline(" in osm
    assert "var geomap_topology" not in Map([kursk_doc()], cdn=True).to_html()
    assert "var geomap_topology" not in Map([kursk_doc()], tiles=None, outline=False).to_html()
    assert len(Map([kursk_doc()], tiles=None).to_html()) < 400_000


def test_side_list_in_the_panel_when_there_are_places():
    assert panel(Map([kursk_doc()], tiles=None).to_html())["list"] is True
    assert panel(Map([kursk_doc()], tiles=None, side_list=False).to_html())["list"] is False
    assert panel(Map(tiles=None).to_html()) is None


def test_ready_flag_set_last():
    page = Map([kursk_doc()], tiles=None).to_html()
    assert page.rindex("geomap.done(") > page.rindex("geomap.panel(") > page.rindex("geomap.places(")


# --- formats and the command line -------------------------------------------------------------


def test_save_geojson_by_suffix(tmp_path):
    out = Map([kursk_doc()], tiles=None).save(tmp_path / "places.geojson")
    data = json.loads(out.read_text())
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 2
    with pytest.raises(ValueError):
        Map().to_bytes("svg")


def test_map_cli_options_round_trip():
    import argparse

    from geomap.render import add_map_arguments, format_for, map_options, snapshot_options

    ap = add_map_arguments(argparse.ArgumentParser())
    opts = map_options(ap.parse_args([]))
    assert opts["tiles"] == "OpenStreetMap" and opts["cluster"] is None and opts["color_by"] == "article"
    assert opts["approximate_below"] == 0.5
    args = ap.parse_args(["--tiles", "none", "--no-cluster", "--color-by", "country", "--group-by", "date",
                          "--heat", "--choropleth", "--cdn", "--title", "T", "--format", "geojson", "--no-side-list",
                          "--approximate-below", "0.3"])
    opts = map_options(args)
    assert opts == {"tiles": None, "cluster": False, "demonyms": False, "cdn": True, "title": "T",
                    "color_by": "country", "group_by": "date", "heat": True, "choropleth": True,
                    "outline": None, "side_list": False, "approximate_below": 0.3}
    Map(**opts)  # every option is a Map keyword
    assert snapshot_options(args) == {"size": (1200, 800), "scale": 1.0}
    assert snapshot_options(ap.parse_args(["--size", "640x400", "--scale", "2"])) == {"size": (640, 400), "scale": 2.0}
    with pytest.raises(SystemExit):
        ap.parse_args(["--size", "big"])
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
    assert len(got) == PACK_ROWS + 1 and got[0][3] == "&lt;b&gt;P0&lt;/b&gt;" and got[0][2] == "<b>P0</b>"


def test_a_map_refuses_what_is_not_a_parsed_document_when_it_is_added():
    """Issue 18, defect 15: ``Map(["text"])`` fails at once, not when rendering."""
    with pytest.raises(TypeError, match=r"parsed Documents, not str \(parse it first"):
        Map(["Rain in Lima."])
    with pytest.raises(TypeError, match="not dict"):
        Map().add({"text": "Rain in Lima."})
