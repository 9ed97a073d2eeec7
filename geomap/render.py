"""Render parsed documents as a standalone Leaflet map (via folium).

One circle marker per distinct resolved place per layer (a layer is an article,
or every article sharing a ``group_by`` metadata value), sized by mention
count, coloured by layer or by country (a legend says which), with a popup
quoting every sentence that mentions the place (the mention highlighted), the
article's title, date and link, and the place's GeoNames details. Optional: a
heat layer and a country choropleth of mention counts. A side list of places
pans to a marker and opens it. Unresolved names are listed, not dropped.

Article text is untrusted. Every piece of it that becomes HTML is escaped in
Python (:func:`_text`); everything that goes into ``<script>`` is JSON with
``<``, ``>`` and ``&`` written as ``\\u003c`` etc. (:func:`_js`), so no string
can close the script or open a comment; links keep only ``http(s)`` URLs
(:func:`safe_url`); the side list is built with ``textContent``. folium's own
``Popup``/``Tooltip`` are not used (``Popup`` needs jQuery and ``Tooltip``
pastes raw text into a JS template literal).

By default (``cdn=False``) the page needs no network: Leaflet,
leaflet.markercluster, leaflet.heat and the country outlines are inlined from
``geomap/assets/`` (see ``scripts/vendor_assets.py``) and only a tile layer, if
any, is fetched. The country outlines sit *under* the tiles, so when tiles
cannot load the map still shows where things are; with ``tiles=None`` they are
the base map.

Markers are not folium elements each: one :class:`PlaceLayer` per layer holds
its places as one JSON array and a shared helper builds the markers in the
browser (bulk ``addLayers`` into the cluster group), which keeps a 10,000-place
page small and quick to open.
"""

from __future__ import annotations

import argparse
import base64
import functools
import gzip
import html
import json
import math
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Sequence

import folium
from branca.element import Element, Figure, MacroElement
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template

from .ingest import dumps, open_output
from .model import Document, Mention, Place

__all__ = [
    "Map", "PALETTE", "CLUSTER_THRESHOLD", "FORMATS", "safe_url",
    "add_map_arguments", "map_options", "format_for",
]

#: Layer / country colours, used in order and then repeated (Tableau 10).
PALETTE = (
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
    "#17becf", "#8c564b", "#e377c2", "#bcbd22", "#7f7f7f",
)
OTHER_COLOR = "#7f7f7f"  # colour_by="country": countries past the ninth, and no country
CHOROPLETH_COLORS = ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026")  # YlOrRd
#: ``cluster=None`` clusters when the map has more markers than this.
CLUSTER_THRESHOLD = 200
MAX_ZOOM = 18
GEONAMES_ATTRIBUTION = (
    '<a href="https://www.geonames.org/" target="_blank" rel="noopener">'
    "Places © GeoNames (CC BY 4.0)</a>"
)
BOUNDARIES_ATTRIBUTION = (
    '<a href="https://www.naturalearthdata.com/" target="_blank" rel="noopener">Borders © Natural Earth</a>'
)
WORLD = [[-58.0, -170.0], [75.0, 170.0]]
RADIUS_MIN, RADIUS_STEP, RADIUS_MAX = 6.0, 4.0, 22.0
CONTEXT_CHARS = 120  # snippet half-width when a mention has no usable sentence
MAX_SENTENCES = 25  # per article in one popup; the rest are counted
MAX_ARTICLES = 20  # per popup; the rest are counted
LEGEND_ROWS = 12
#: Maps with more markers than this ship each layer's rows gzipped (base64): a
#: 10,000-place page is several times smaller and the browser parses it far faster.
PACK_ROWS = 500
CLUSTER_OPTIONS = {"chunkedLoading": True, "chunkDelay": 1, "maxClusterRadius": 60, "disableClusteringAtZoom": 12}
POPUP_OPTIONS = {"maxWidth": 400, "minWidth": 200, "maxHeight": 320}
COLOR_BY = ("article", "country")
FORMATS = ("html", "geojson", "png", "pdf")
CDN = {
    "leaflet.markercluster.js": "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.5.3/dist/leaflet.markercluster.js",
    "MarkerCluster.css": "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.5.3/dist/MarkerCluster.css",
    "MarkerCluster.Default.css": "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.5.3/dist/MarkerCluster.Default.css",
    "leaflet-heat.js": "https://cdn.jsdelivr.net/npm/leaflet.heat@0.2.0/dist/leaflet-heat.js",
}

#: Ids from here up are geomap's curated regions and landmarks (data/gazetteer/regions.tsv), not GeoNames'.
CURATED_IDS = 990_000_000

#: GeoNames feature codes worth a word in the popup (the rest: by feature class).
FEATURE_NAMES = {
    "PCLI": "country", "PCLD": "dependent territory", "PCLF": "freely associated state",
    "PCLS": "semi-independent state", "PCL": "country", "TERR": "territory",
    "ADM1": "first-order administrative division", "ADM2": "second-order administrative division",
    "ADM3": "third-order administrative division", "PPLC": "capital", "PPLA": "seat of a first-order division",
    "PPLA2": "seat of a second-order division", "PPLA3": "seat of a third-order division",
    "PPL": "populated place", "PPLX": "section of a populated place", "RGN": "region", "CONT": "continent",
    "BLDG": "building", "AIRP": "airport", "SQR": "square", "ST": "street", "RSRT": "resort", "PRK": "park",
}
FEATURE_CLASSES = {
    "A": "administrative area", "H": "water", "L": "area", "P": "populated place", "R": "road or railway",
    "S": "spot or building", "T": "mountain or terrain", "U": "undersea feature", "V": "vegetation",
}

# --- escaping ---------------------------------------------------------------


def _text(value: object) -> str:
    """Escape untrusted text for HTML (element content and quoted attributes)."""
    return html.escape(str(value), quote=True)


def _js(value: Any) -> str:
    """JSON for a JS expression inside ``<script>``: with ``<`` and ``>`` escaped
    it can neither close the tag nor open or close a comment."""
    return (
        dumps(value, separators=(",", ":"))
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _pack(value: Any) -> str:
    """``value`` as a JS string literal of base64(gzip(JSON)), unpacked by ``geomap.unpack``."""
    raw = dumps(value, separators=(",", ":")).encode("utf-8")
    return '"' + base64.b64encode(gzip.compress(raw, compresslevel=6, mtime=0)).decode("ascii") + '"'


_URL = re.compile(r"https?://[^/?#\s]+", re.IGNORECASE)


def safe_url(url: object) -> str | None:
    """``url`` if it is an absolute http(s) URL, else None (``javascript:``,
    ``data:``, relative, or with whitespace/control characters that browsers
    would strip to reveal another scheme)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not url or any(ord(c) < 0x21 or 0x7F <= ord(c) <= 0x9F for c in url):
        return None
    return url if _URL.match(url) else None


def _link(label_html: str, url: object) -> str:
    href = safe_url(url)
    if href is None:
        return label_html
    return f'<a href="{_text(href)}" target="_blank" rel="noopener noreferrer">{label_html}</a>'


# --- HTML pieces (all return safe HTML) -------------------------------------


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def _highlight(text: str, offset: int, spans: Iterable[tuple[int, int]]) -> str:
    """Escape ``text`` and wrap each (document-offset) span in ``<mark>``."""
    out, pos = [], 0
    for start, end in sorted(spans):
        start, end = start - offset, end - offset
        if start < pos or end <= start:  # overlapping or empty: leave unmarked
            continue
        out += [_text(text[pos:start]), "<mark>", _text(text[start:end]), "</mark>"]
        pos = end
    out.append(_text(text[pos:]))
    return "".join(out)


def _context_span(doc: Document, m: Mention) -> tuple[int, int]:
    """The sentence holding ``m``, or a snippet around it if that is unusable."""
    if 0 <= m.sentence < len(doc.sentences):
        s = doc.sentences[m.sentence]
        if s.start <= m.start and m.end <= s.end:
            return s.start, s.end
    return max(0, m.start - CONTEXT_CHARS), min(len(doc.text), m.end + CONTEXT_CHARS)


def _sentences_html(doc: Document, mentions: list[Mention]) -> str:
    """Each context sentence once, in text order, with its mentions marked."""
    spans: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for m in mentions:
        spans.setdefault(_context_span(doc, m), []).append((m.start, m.end))
    items = []
    ordered = sorted(spans.items())
    for (a, b), marks in ordered[:MAX_SENTENCES]:
        text = doc.text[a:b]
        lead = len(text) - len(text.lstrip())
        items.append(f"<li>{_highlight(text.strip(), a + lead, marks)}</li>")
    more = len(ordered) - MAX_SENTENCES
    tail = f'<div class="geomap-more">… {_plural(more, "more sentence")}</div>' if more > 0 else ""
    return f"<ol>{''.join(items)}</ol>{tail}"


def _date(meta: dict[str, Any]) -> str | None:
    value = meta.get("date") or meta.get("published")
    return str(value) if value not in (None, "") else None


def place_details_html(p: Place) -> str:
    """The place's name (linked to GeoNames) and its GeoNames facts."""
    kind = FEATURE_NAMES.get(p.feature_code) or FEATURE_CLASSES.get(p.feature_class, "")
    facts = [f"{kind} ({p.feature_code})" if kind and p.feature_code else (p.feature_code or "–"),
             p.country_code or "–"]
    if p.admin1:
        facts.append(f"admin1 {p.admin1}")
    if p.population:
        facts.append(f"pop. {p.population:,}")
    geonames = 0 < p.geonameid < CURATED_IDS  # custom places are negative, curated regions 990000001+
    source = f"GeoNames {p.geonameid}" if geonames else ("custom place" if p.geonameid < 0 else "curated place")
    facts += [f"{p.lat:.4f}, {p.lon:.4f}", source]
    name = _link(_text(p.name), f"https://www.geonames.org/{int(p.geonameid)}") if geonames else _text(p.name)
    return (
        f'<div class="geomap-name">{name}</div>'
        f'<div class="geomap-meta">{" · ".join(_text(x) for x in facts)}</div>'
    )


def article_html(doc: Document, label: str) -> str:
    """The article's title (linked when its ``url`` is http(s)) and date."""
    date = _date(doc.meta)
    date_html = f'<span class="geomap-date">{_text(date)}</span>' if date else ""
    url = doc.meta.get("url") or doc.meta.get("link")
    return f'<div class="geomap-article">{_link(_text(label), url)}{date_html}</div>'


def popup_html(place: Place, articles: Sequence[tuple[Document, str, list[Mention]]]) -> str:
    """Popup body: place facts, then per article its title and quoted sentences."""
    parts = ['<div class="geomap-popup">', place_details_html(place)]
    approx = sorted({m.text for _, _, ms in articles for m in ms if m.precision != "exact"})
    if approx:
        parts.append(f'<div class="geomap-approx">Approximate: {_text(", ".join(approx))} '
                     f'{"is" if len(approx) == 1 else "are"} not in the gazetteer, shown at the place the text puts '
                     f'{"it" if len(approx) == 1 else "them"} in.</div>')
    for doc, label, mentions in articles[:MAX_ARTICLES]:
        parts += [article_html(doc, label), _sentences_html(doc, mentions)]
    if len(articles) > MAX_ARTICLES:
        parts.append(f'<div class="geomap-more">… {_plural(len(articles) - MAX_ARTICLES, "more article")}</div>')
    parts.append("</div>")
    return "".join(parts)


def tooltip_html(name: str, mentions: int) -> str:
    return f"{_text(name)} — {_plural(mentions, 'mention')}"


def unplaced_html(rows: list[tuple[str, Counter[str]]], *, labelled: bool) -> str:
    """The "Not placed" box: per article, each unresolved name (with count)."""
    total = sum(len(names) for _, names in rows)
    items = []
    for label, names in rows:
        listed = ", ".join(
            _text(name) + (f" ×{n}" if n > 1 else "") for name, n in names.items()
        )
        items.append(f"<li><b>{_text(label)}</b>: {listed}</li>" if labelled else f"<li>{listed}</li>")
    return (
        f"<details><summary>Not placed: {_plural(total, 'name')}</summary>"
        f"<ul>{''.join(items)}</ul></details>"
    )


def legend_html(title: str, rows: list[tuple[str, str]], *, more: int = 0, square: bool = False,
                sizes: bool = True) -> str:
    """A legend: ``rows`` of (colour, label); colours are ours, labels escaped."""
    shape = ' class="geomap-square"' if square else ""
    items = "".join(f'<li><i{shape} style="background:{c}"></i>{_text(label)}</li>' for c, label in rows)
    if more:
        items += f'<li class="geomap-more">… {more:,} more (colours repeat)</li>'
    size = "<div>Size: number of mentions</div>" if sizes else ""
    return f"<details open><summary>{_text(title)}</summary><ul>{items}</ul>{size}</details>"


# --- folium elements ----------------------------------------------------------


class _Raw(Element):
    """Verbatim markup (not a Jinja template: vendored JS may contain ``{#``)."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self._markup = markup

    def render(self, **kwargs: Any) -> str:
        return self._markup


class _Call(MacroElement):
    """``parent.<method>(args…)``, every argument JSON-encoded for ``<script>``."""

    _template = Template(
        "{% macro script(this, kwargs) %}\n"
        "{{ this._parent.get_name() }}.{{ this.method }}({{ this.args }});\n"
        "{% endmacro %}"
    )

    def __init__(self, method: str, *args: Any) -> None:
        super().__init__()
        self._name = "Call"
        self.method = method
        self.args = ", ".join(_js(a) for a in args)


class _Helper(MacroElement):
    """``geomap.<function>(map, args…)`` from the shared browser helper."""

    _template = Template(
        "{% macro script(this, kwargs) %}\n"
        "geomap.{{ this.function }}({{ this._parent.get_name() }}{{ this.args }});\n"
        "{% endmacro %}"
    )

    def __init__(self, function: str, *args: Any) -> None:
        super().__init__()
        self._name = "Helper"
        self.function = function
        self.args = "".join(", " + _js(a) for a in args)


class _Box(_Helper):
    """A Leaflet control whose content is HTML built (and escaped) in Python."""

    def __init__(self, content_html: str, *, position: str, css_class: str) -> None:
        super().__init__("box", position, css_class, content_html)


class PlaceLayer(JSCSSMixin, Layer):
    """One layer of place markers: its rows as one JSON array, built in the browser.

    Each row is ``[lat, lon, radius, colour, tooltip_html, popup_html, name, mentions, approximate]``
    (approximate: every mention is placed at the place holding it, drawn dashed and pale);
    the HTML is escaped in Python, ``name`` is plain text for the side list.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
var {{ this.get_name() }} = {{ this.constructor }};
var {{ this.get_name() }}_rows = {{ this.rows }};
geomap.addPlaces({{ this._parent.get_name() }}, {{ this.get_name() }}, {{ this.get_name() }}_rows, {{ this.label }}, {{ this.options }});
{% endmacro %}"""
    )

    def __init__(self, label: str, rows: list[list[Any]], *, map_name: str, cluster: bool, cdn: bool,
                 show: bool = True, pack: bool = False) -> None:
        super().__init__(name=_text(label), overlay=True, control=True, show=show)
        self._map_name = map_name
        self._name = "PlaceLayer"
        self.label = _js(label)
        self.rows = _pack(rows) if pack else _js(rows)
        self.n = len(rows)
        self.constructor = f"geomap.proxy({self._map_name})" if cluster else "L.featureGroup()"
        self.options = _js({"popup": POPUP_OPTIONS, "canvas": not cluster and len(rows) > CLUSTER_THRESHOLD})
        if cdn and cluster:
            self.default_js = [("markerclusterjs", CDN["leaflet.markercluster.js"])]
            self.default_css = [("markerclustercss", CDN["MarkerCluster.css"]),
                                ("markerclusterdefaultcss", CDN["MarkerCluster.Default.css"])]


class HeatLayer(JSCSSMixin, Layer):
    """leaflet.heat over the places, each weighted by its share of the mentions."""

    _template = Template(
        """{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.heatLayer({{ this.points }}, {{ this.options }});
{% endmacro %}"""
    )

    def __init__(self, points: list[list[float]], *, cdn: bool, name: str = "Heat map") -> None:
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "HeatLayer"
        self.points = _js(points)
        self.options = _js({"radius": 22, "blur": 18, "maxZoom": 9, "max": 1.0, "minOpacity": 0.25})
        if cdn:
            self.default_js = [("leafletheatjs", CDN["leaflet-heat.js"])]


class CountryLayer(Layer):
    """Countries from the inlined outlines: the offline base (``kind="outline"``,
    in a pane under the tiles) or a choropleth of mention counts."""

    _template = Template(
        """{% macro script(this, kwargs) %}
var {{ this.get_name() }} = {{ this.js }};
{% endmacro %}"""
    )

    def __init__(self, kind: str, map_name: str, *, counts: dict[str, list[str]] | None = None,
                 plain: bool = False, name: str | None = None) -> None:
        super().__init__(name=name, overlay=kind != "outline", control=kind != "outline", show=True)
        self._name = "CountryLayer"
        if kind == "outline":
            self.js = f"geomap.outline({map_name}, {_js(plain)})"
        else:
            self.js = f"geomap.choropleth({map_name}, {_js(counts or {})})"


# --- vendored assets ----------------------------------------------------------

_ASSET_URL = re.compile(r"url\(\s*['\"]?images/([\w.-]+)['\"]?\s*\)")
_SOURCE_MAP = re.compile(r"^//# sourceMappingURL=\S*\s*", re.MULTILINE)
_CLOSE_SCRIPT = re.compile(r"</(script)", re.IGNORECASE)


def _asset_path(name: str) -> Any:
    return resources.files("geomap").joinpath("assets", name)


@functools.cache
def _inline_css(name: str) -> str:
    """A vendored stylesheet as ``<style>``, its ``images/*`` inlined as data URIs."""

    def data_uri(match: re.Match[str]) -> str:
        image = _asset_path(match.group(1))
        if not image.is_file():  # e.g. marker icons: never used, left as is
            return match.group(0)
        return f"url(data:image/png;base64,{base64.b64encode(image.read_bytes()).decode()})"

    css = _ASSET_URL.sub(data_uri, _asset_path(name).read_text(encoding="utf-8"))
    return "<style>" + css.replace("</", "<\\/") + "</style>"


@functools.cache
def _inline_js(name: str) -> str:
    js = _SOURCE_MAP.sub("", _asset_path(name).read_text(encoding="utf-8"))
    return "<script>" + _CLOSE_SCRIPT.sub(r"<\\/\1", js) + "</script>"


@functools.cache
def _countries() -> dict[str, Any]:
    """The compact country outlines (``iso``, ``name``) from ``geomap/assets``."""
    return json.loads(_asset_path("countries.geojson").read_text(encoding="utf-8"))


@functools.cache
def _countries_script() -> str:
    return f"<script>var geomap_countries = {_js(_countries())};</script>"


def country_names() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> country name, for the countries we can draw."""
    return {f["properties"]["iso"]: f["properties"]["name"] for f in _countries()["features"] if f["properties"]["iso"]}


def _add_assets(figure: Figure, *, cdn: bool, cluster: bool, heat: bool, countries: bool) -> None:
    """Put our stylesheet and helper, and unless ``cdn`` the vendored libraries, in the head."""
    if not cdn:
        styles = ["leaflet.css"] + (["MarkerCluster.css", "MarkerCluster.Default.css"] if cluster else [])
        scripts = ["leaflet.js"] + (["leaflet.markercluster.js"] if cluster else []) + (["leaflet-heat.js"] if heat else [])
        for name in styles:
            figure.header.add_child(_Raw(_inline_css(name)), name=f"geomap:{name}")
        for name in scripts:
            figure.header.add_child(_Raw(_inline_js(name)), name=f"geomap:{name}")
    figure.header.add_child(_Raw(_inline_css("geomap.css")), name="geomap:css")
    figure.header.add_child(_Raw(_inline_js("geomap.js")), name="geomap:js")
    if countries:
        figure.header.add_child(_Raw(_countries_script()), name="geomap:countries")


# --- layout helpers -----------------------------------------------------------


def _radius(mentions: int) -> float:
    """Marker radius in pixels: grows with sqrt(mentions), bounded."""
    return min(RADIUS_MAX, RADIUS_MIN + RADIUS_STEP * (math.sqrt(max(mentions, 1)) - 1))


def _zoom_for(place: Place) -> int:
    """A sensible zoom for a map showing only this place."""
    if place.is_country:
        return 5
    if place.is_admin1:
        return 7
    return {"A": 8, "P": 11, "S": 13}.get(place.feature_class, 9)


def _unique_labels(labels: list[str]) -> list[str]:
    """Disambiguate repeated labels ("X", "X (2)"): layer names must differ."""
    seen: Counter[str] = Counter()
    out = []
    for label in labels:
        seen[label] += 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def _group_value(doc: Document, field_name: str) -> str:
    value = doc.meta.get(field_name)
    if value in (None, ""):
        return f"(no {field_name})"
    text = str(value)
    if field_name in ("date", "published") and re.match(r"\d{4}-\d{2}-\d{2}[T ]", text):
        return text[:10]  # a layer per day, not per timestamp
    return text


def _classes(maximum: int, n: int = len(CHOROPLETH_COLORS)) -> list[int]:
    """Lower bounds of up to ``n`` classes from 1 to ``maximum``, geometric."""
    bounds = sorted({max(1, round(maximum ** (k / n))) for k in range(n)} | {1})
    return bounds


@dataclass
class _Marker:
    place: Place
    articles: list[tuple[Document, str, list[Mention]]] = field(default_factory=list)

    @property
    def mentions(self) -> int:
        return sum(len(ms) for _, _, ms in self.articles)


@dataclass
class _Layer:
    label: str
    docs: list[tuple[Document, str]]
    markers: list[_Marker]


# --- the map ------------------------------------------------------------------


class Map:
    """A Leaflet map of the places in one or more parsed documents.

    Parameters
    ----------
    documents
        Parsed documents; more can be added with :meth:`add`.
    tiles
        A folium/xyzservices tile name or URL template (give ``attr`` for a
        custom URL), or None: then the inlined country outlines are the base map.
    cluster
        Cluster markers (Leaflet.markercluster); None clusters only above
        ``CLUSTER_THRESHOLD`` markers.
    demonyms
        Also draw places named only by a demonym ("Kuwaiti" → Kuwait).
    cdn
        Link Leaflet and plugins from CDNs (folium's usual page) instead of inlining them.
    title
        The page title.
    height
        CSS height of the map (``"100%"`` fills the page).
    color_by
        ``"article"``: one colour per layer (article, or ``group_by`` value);
        ``"country"``: one colour per country. A legend says which.
    group_by
        A ``doc.meta`` field (``"date"``, ``"source"``…): one layer per value
        instead of one per article. ISO timestamps in ``date`` group by day.
    heat
        Add a heat layer of mention counts (leaflet.heat).
    choropleth
        Add a country layer shaded by mention counts.
    outline
        Draw country outlines under the tiles (the base map when ``tiles`` is None,
        and what remains visible when tiles cannot load). None: unless ``cdn``.
    side_list
        Add the list of places (click: pan to the marker and open it).
    """

    def __init__(
        self,
        documents: Iterable[Document] = (),
        *,
        tiles: str | None = "OpenStreetMap",
        attr: str | None = None,
        cluster: bool | None = None,
        demonyms: bool = False,
        cdn: bool = False,
        title: str | None = None,
        height: str = "100%",
        color_by: str = "article",
        group_by: str | None = None,
        heat: bool = False,
        choropleth: bool = False,
        outline: bool | None = None,
        side_list: bool = True,
    ) -> None:
        if color_by not in COLOR_BY:
            raise ValueError(f"color_by must be one of {', '.join(COLOR_BY)}, not {color_by!r}")
        self.tiles, self.attr = tiles, attr
        self.cluster, self.demonyms, self.cdn = cluster, demonyms, cdn
        self.title, self.height = title, height
        self.color_by, self.group_by = color_by, group_by or None
        self.heat, self.choropleth, self.side_list = heat, choropleth, side_list
        self.outline = (not cdn or tiles is None) if outline is None else outline
        self._docs: list[tuple[Document, str | None]] = []
        for doc in documents:
            self.add(doc)

    def add(self, doc: Document, *, name: str | None = None) -> "Map":
        """Add a parsed article (named ``name`` or its title or id in popups and layers)."""
        if not isinstance(doc, Document):
            hint = " (parse it first: geomap.parse(text))" if isinstance(doc, (str, bytes, dict)) else ""
            raise TypeError(f"a Map shows parsed Documents, not {type(doc).__name__}{hint}")
        self._docs.append((doc, name))
        return self

    @property
    def documents(self) -> list[Document]:
        """The documents on the map, in the order added."""
        return [doc for doc, _ in self._docs]

    # --- model: layers of markers ----------------------------------------------

    def _labels(self) -> list[str]:
        return _unique_labels([
            str(name or doc.meta.get("title") or doc.id or f"Article {i + 1}")
            for i, (doc, name) in enumerate(self._docs)
        ])

    def _layers(self) -> list[_Layer]:
        """One layer per article, or per ``group_by`` value (sorted)."""
        labelled = list(zip(self.documents, self._labels()))
        if self.group_by:
            buckets: dict[str, list[tuple[Document, str]]] = {}
            for doc, label in labelled:
                buckets.setdefault(_group_value(doc, self.group_by), []).append((doc, label))
            parts = sorted(buckets.items(), key=lambda kv: (kv[0].startswith("(no "), kv[0]))
        else:
            parts = [(label, [(doc, label)]) for doc, label in labelled]
        layers = []
        for label, docs in parts:
            markers: dict[int, _Marker] = {}
            for doc, doc_label in docs:
                for group in doc.places(demonyms=self.demonyms):
                    marker = markers.setdefault(group.place.geonameid, _Marker(group.place))
                    marker.articles.append((doc, doc_label, group.mentions))
            layers.append(_Layer(label, docs, list(markers.values())))
        return layers

    def _colors(self, layers: list[_Layer]) -> tuple[dict[Any, str], str, list[tuple[str, str]], int]:
        """Colour per layer index or per country; legend title, rows, and rows left out."""
        if self.color_by == "country":
            counts: Counter[str | None] = Counter()
            for layer in layers:
                for mk in layer.markers:
                    counts[mk.place.country_code] += mk.mentions
            names = country_names()
            ranked = [cc for cc, _ in counts.most_common() if cc]
            colors: dict[Any, str] = {cc: PALETTE[i] for i, cc in enumerate(ranked[: len(PALETTE) - 1])}
            rows = [(colors[cc], names.get(cc, cc)) for cc in ranked[: len(PALETTE) - 1]]
            if len(ranked) >= len(PALETTE) or None in counts:
                rows.append((OTHER_COLOR, "other countries" if len(ranked) >= len(PALETTE) else "no country"))
            return colors, "Colour: country", rows, 0
        colors = {i: PALETTE[i % len(PALETTE)] for i in range(len(layers))}
        rows = [(colors[i], layer.label) for i, layer in enumerate(layers[:LEGEND_ROWS])]
        what = self.group_by or "article"
        return colors, f"Colour: {what}", rows, max(0, len(layers) - LEGEND_ROWS)

    # --- folium -------------------------------------------------------------------

    def to_folium(self) -> folium.Map:
        """Build a fresh ``folium.Map`` (its Figure already carries the assets)."""
        layers = self._layers()
        n_markers = sum(len(layer.markers) for layer in layers)
        cluster = n_markers > CLUSTER_THRESHOLD if self.cluster is None else self.cluster
        heat = self.heat and n_markers > 0
        choropleth = self.choropleth and n_markers > 0

        m = folium.Map(tiles=None, height=self.height)
        m.options["max_zoom"] = MAX_ZOOM  # folium only passes max_zoom to its own tiles
        m.options["world_copy_jump"] = True
        if not self.cdn:
            m.default_js, m.default_css = [], []
        figure = m.get_root()
        labels = self._labels()
        figure.title = _text(self.title or (labels[0] if len(labels) == 1 else "geomap"))
        _add_assets(figure, cdn=self.cdn, cluster=cluster, heat=heat, countries=self.outline or choropleth)

        if self.outline:
            CountryLayer("outline", m.get_name(), plain=True).add_to(m)  # sea-blue under the tiles too
        if self.tiles:
            folium.TileLayer(self.tiles, attr=self.attr, max_zoom=MAX_ZOOM, control=False).add_to(m)
        _Call("attributionControl.addAttribution", GEONAMES_ATTRIBUTION).add_to(m)
        if self.outline or choropleth:
            _Call("attributionControl.addAttribution", BOUNDARIES_ATTRIBUTION).add_to(m)

        if choropleth:
            self._add_choropleth(m, layers)
        colors, legend_title, legend_rows, more = self._colors(layers)
        if cluster:
            _Helper("clusterRoot", CLUSTER_OPTIONS).add_to(m)
        for i, layer in enumerate(layers):
            rows = [self._row(mk, colors.get(mk.place.country_code, OTHER_COLOR) if self.color_by == "country"
                              else colors[i]) for mk in layer.markers]
            PlaceLayer(layer.label, rows, map_name=m.get_name(), cluster=cluster, cdn=self.cdn,
                       pack=n_markers > PACK_ROWS).add_to(m)
        if cluster:
            _Helper("showCluster").add_to(m)
        if heat:
            self._add_heat(m, layers)
        if len(layers) >= 2 or heat or choropleth:
            folium.LayerControl(collapsed=len(layers) > 8).add_to(m)

        if n_markers and (len(layers) >= 2 or self.color_by == "country"):
            _Box(legend_html(legend_title, legend_rows, more=more), position="bottomright",
                 css_class="geomap-legend").add_to(m)
        if self.side_list and n_markers:
            _Helper("sideList", {"limit": 300, "layers": len(layers) > 1, "open": n_markers <= 30}).add_to(m)
        self._add_unplaced(m, labels)
        self._fit(m, [mk.place for layer in layers for mk in layer.markers])
        _Helper("done").add_to(m)
        return m

    @staticmethod
    def _row(mk: _Marker, color: str) -> list[Any]:
        n = mk.mentions
        p = mk.place
        approx = all(m.precision != "exact" for _, _, ms in mk.articles for m in ms)
        return [p.lat, p.lon, round(_radius(n), 2), color, tooltip_html(p.name, n),
                popup_html(p, mk.articles), p.name, n, approx]

    def _add_heat(self, m: folium.Map, layers: list[_Layer]) -> None:
        counts: dict[tuple[float, float], int] = Counter()
        for layer in layers:
            for mk in layer.markers:
                counts[mk.place.point] += mk.mentions
        top = max(counts.values())
        points = [[lat, lon, round(math.sqrt(n / top), 4)] for (lat, lon), n in counts.items()]
        HeatLayer(points, cdn=self.cdn).add_to(m)

    def _add_choropleth(self, m: folium.Map, layers: list[_Layer]) -> None:
        counts: Counter[str] = Counter()
        for layer in layers:
            for mk in layer.markers:
                if mk.place.country_code:
                    counts[mk.place.country_code] += mk.mentions
        names = country_names()
        counts = Counter({cc: n for cc, n in counts.items() if cc in names})
        if not counts:
            return
        bounds = _classes(max(counts.values()))

        def color(n: int) -> str:
            k = max(i for i, b in enumerate(bounds) if n >= b)
            return CHOROPLETH_COLORS[k + len(CHOROPLETH_COLORS) - len(bounds)]

        data = {cc: [color(n), tooltip_html(names[cc], n)] for cc, n in counts.items()}
        CountryLayer("choropleth", m.get_name(), counts=data, name="Mentions by country").add_to(m)
        rows = []
        for i, b in enumerate(bounds):
            hi = bounds[i + 1] - 1 if i + 1 < len(bounds) else max(counts.values())
            rows.append((color(b), f"{b:,}" if hi == b else f"{b:,}–{hi:,}"))
        _Box(legend_html("Mentions by country", rows, square=True, sizes=False), position="bottomright",
             css_class="geomap-legend geomap-choropleth-legend").add_to(m)

    def _add_unplaced(self, m: folium.Map, labels: list[str]) -> None:
        rows = []
        for (doc, _), label in zip(self._docs, labels):
            names = Counter(x.text for x in doc.unresolved() if x.kind != "demonym")
            if names:
                rows.append((label, names))
        if rows:
            _Box(unplaced_html(rows, labelled=len(self._docs) > 1), position="bottomleft",
                 css_class="geomap-unplaced").add_to(m)

    @staticmethod
    def _fit(m: folium.Map, places: list[Place]) -> None:
        """Fit the view to the markers; the world when there are none."""
        if not places:
            m.fit_bounds(WORLD)
            return
        lats = [p.lat for p in places]
        lons = [p.lon for p in places]
        single = len({p.point for p in places}) == 1
        m.fit_bounds(
            [[min(lats), min(lons)], [max(lats), max(lons)]],
            padding=(30, 30),
            max_zoom=_zoom_for(places[0]) if single else 12,
        )

    # --- output ---------------------------------------------------------------

    def to_html(self) -> str:
        """The whole standalone page."""
        return self.to_folium().get_root().render()

    def fragment(self) -> str:
        """An iframe-free ``<div>`` block (styles, scripts, map) to paste into a
        page. Unlike :meth:`to_html` it sets no page-wide (``html, body``)
        styles; a percentage ``height`` becomes a 5:3 box. Scripts define
        globals (``geomap``, ``L``): use one fragment per page, or iframes."""
        m = self.to_folium()
        figure = m.get_root()
        figure.render()  # fills figure.header/html/script
        head = "".join(
            child.render()
            for key, child in figure.header._children.items()
            if key not in ("meta_http", m.get_name())  # folium's page-wide styles
        )
        size = "aspect-ratio:5/3" if self.height.strip().endswith("%") else f"height:{_text(self.height)}"
        return (
            f'<div class="geomap-fragment" style="position:relative;width:100%;{size}">'
            f"{head}<style>#{m.get_name()}{{position:absolute;inset:0}}</style>"
            f"{figure.html.render()}<script>{figure.script.render()}</script></div>"
        )

    def iframe(self, *, height: str | int = 600, width: str = "100%") -> str:
        """The page in a sandbox-free ``<iframe srcdoc=…>`` (what notebooks and dashboards embed)."""
        h = f"{height}px" if isinstance(height, int) else str(height)
        return (
            f'<iframe srcdoc="{_text(self.to_html())}" style="width:{_text(width)};height:{_text(h)};border:none" '
            'loading="lazy" title="geomap"></iframe>'
        )

    def _repr_html_(self) -> str:
        """Jupyter display: folium's ``<iframe srcdoc=…>`` of the whole page."""
        return self.to_folium()._repr_html_()

    def to_geojson(self) -> dict[str, Any]:
        """A GeoJSON FeatureCollection of the places with their mentions (see :mod:`geomap.export`)."""
        from .export import to_geojson

        return to_geojson(self.documents, demonyms=self.demonyms, names=dict(zip(map(id, self.documents), self._labels())))

    def to_bytes(self, format: str = "html") -> bytes:
        """The map in ``format`` (``html``, ``geojson``, ``png`` or ``pdf``)."""
        if format == "html":
            return self.to_html().encode("utf-8")
        if format == "geojson":
            return dumps(self.to_geojson(), indent=1).encode("utf-8")
        if format in ("png", "pdf"):
            from .export import snapshot_bytes

            return snapshot_bytes(self, format=format)
        raise ValueError(f"unknown format {format!r}: use one of {', '.join(FORMATS)}")

    def save(self, path: str | os.PathLike[str], *, format: str | None = None) -> Path:
        """Write the map to ``path`` atomically (temp file + ``os.replace``);
        ``format`` defaults to what the suffix says, else HTML."""
        data = self.to_bytes(format or format_for(path))
        with open_output(path, "wb") as f:
            f.write(data)
        return Path(path)


# --- command line -------------------------------------------------------------------


def format_for(path: str | os.PathLike[str] | None, explicit: str | None = None) -> str:
    """The output format: ``explicit``, else from the file suffix, else ``html``."""
    if explicit:
        return explicit
    suffix = Path(str(path or "")).suffix.lower().lstrip(".")
    return {"json": "geojson", "geojson": "geojson", "png": "png", "pdf": "pdf"}.get(suffix, "html")


def add_map_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the ``geomap map`` options to ``parser``; read them back with :func:`map_options`."""
    p = parser
    p.add_argument("--tiles", default="OpenStreetMap",
                   help="tile layer name or URL template, or 'none' for the offline country outlines only")
    p.add_argument("--cluster", action=argparse.BooleanOptionalAction, default=None,
                   help=f"cluster markers (default: above {CLUSTER_THRESHOLD} markers)")
    p.add_argument("--demonyms", action="store_true", help="also draw places named only by demonyms (Kuwaiti → Kuwait)")
    p.add_argument("--cdn", action="store_true", help="link Leaflet and plugins from CDNs instead of inlining them")
    p.add_argument("--title", help="page title")
    p.add_argument("--color-by", choices=COLOR_BY, default="article", help="marker colour per article (layer) or per country")
    p.add_argument("--group-by", metavar="FIELD", help="one layer per value of this metadata field (date, source…) instead of per article")
    p.add_argument("--heat", action="store_true", help="add a heat layer of mention counts")
    p.add_argument("--choropleth", action="store_true", help="add a country layer shaded by mention counts")
    p.add_argument("--outline", action=argparse.BooleanOptionalAction, default=None,
                   help="draw country outlines under the tiles (default: unless --cdn)")
    p.add_argument("--side-list", action=argparse.BooleanOptionalAction, default=True, help="list the places beside the map")
    p.add_argument("--format", choices=FORMATS, default=None,
                   help="output format (default: from the output file's suffix, else html); png/pdf need chromium")
    return parser


def map_options(args: argparse.Namespace) -> dict[str, Any]:
    """``Map(**map_options(args))`` keyword arguments from :func:`add_map_arguments` options."""
    tiles = args.tiles
    return {
        "tiles": None if tiles is None or tiles.lower() == "none" else tiles,
        "cluster": args.cluster,
        "demonyms": args.demonyms,
        "cdn": args.cdn,
        "title": args.title,
        "color_by": args.color_by,
        "group_by": args.group_by,
        "heat": args.heat,
        "choropleth": args.choropleth,
        "outline": args.outline,
        "side_list": args.side_list,
    }
