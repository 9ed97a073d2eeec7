"""Render parsed documents as a standalone Leaflet map (via folium).

One circle marker per place, however many articles name it (see
:mod:`geomap.markers`), sized by the number of mentions and coloured by layer
or by country. Its popup lists every article naming the place, with its title
(or first words), date and link and each sentence naming it, the name marked
(:mod:`geomap.popups`). A layer is an article, or every article sharing a
``group_by`` metadata value; switching one off in the panel recounts the
markers and hides those no shown layer names. Mentions placed only
approximately (at the place holding a name the gazetteer lacks, or with a low
score) are dashed rings of their own, listed apart. Optional: a heat layer and
a country choropleth of mention counts.

The panel (top right; one button on a narrow screen) holds the layers with
their colours, the key, the list of places (a click zooms to the place and
opens its popup) and the names not placed.

Article text is untrusted. Every piece of it that becomes HTML is escaped in
Python (:func:`geomap.popups.escape`); everything that goes into ``<script>``
is JSON with ``<``, ``>`` written as ``\\u003c`` etc. (:func:`script_json`), so
no string can close the script or open a comment; links keep only ``http(s)``
URLs; the panel is built with ``textContent``. folium's own
``Popup``/``Tooltip``/``LayerControl`` are not used (``Popup`` needs jQuery,
``Tooltip`` pastes raw text into a JS template literal, and the layer control
would list the articles a second time beside the legend).

By default (``cdn=False``) the page needs no network: Leaflet,
leaflet.markercluster, leaflet.heat, topojson-client and the country outlines
(TopoJSON, :mod:`geomap.outlines`) are inlined from
``geomap/assets/`` (see ``scripts/vendor_assets.py``) and only a tile layer, if
any, is fetched. The country outlines sit *under* the tiles, so when tiles
cannot load the map still shows where things are; with ``tiles=None`` they are
the base map.

Markers are not folium elements each: one :class:`PlaceMarkers` element holds
every place as one JSON array (gzipped above :data:`PACK_ROWS`) and
``geomap/assets/geomap.js`` builds the markers in the browser (bulk
``addLayers`` into the cluster group), which keeps a 10,000-place page small
and quick to open.
"""

from __future__ import annotations

import argparse
import base64
import functools
import gzip
import math
import os
import re
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

import folium
from branca.element import Element, Figure, MacroElement
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template

from .ingest import dumps, open_output
from .markers import Content, Marker, collect, unplaced
from .model import Document, Place
from .outlines import country_names, topology
from .popups import approximate_html, articles_html, escape, place_html, plural, safe_url

__all__ = [
    "Map", "PALETTE", "CLUSTER_THRESHOLD", "FORMATS", "safe_url", "country_names", "script_json",
    "add_map_arguments", "map_options", "snapshot_options", "format_for", "MAP_FORMATS", "APPROXIMATE_BELOW",
]

#: Layer / country colours: CARTO's "Safe" qualitative palette (after Paul Tol), told apart
#: with the common kinds of colour blindness. More layers than colours: one colour for all.
PALETTE = (
    "#332288", "#117733", "#cc6677", "#88ccee", "#ddcc77", "#aa4499",
    "#44aa99", "#882255", "#999933", "#661100", "#6699cc", "#888888",
)
SEVERAL_COLOR = "#222222"  # a marker named by several shown layers (colour_by="article")
OTHER_COLOR = "#888888"  # colour_by="country": countries past the eleventh, and no country
CHOROPLETH_COLORS = ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026")  # YlOrRd
#: ``cluster=None`` clusters when the map has more markers than this.
CLUSTER_THRESHOLD = 200
#: Mentions less likely than this to be placed right are drawn as approximate.
APPROXIMATE_BELOW = 0.5
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
MAX_ARTICLES = 20  # per popup; the rest are counted
#: Maps with more markers than this ship their rows gzipped (base64): a 10,000-place
#: page is several times smaller and the browser parses it far faster.
PACK_ROWS = 500
CLUSTER_OPTIONS = {"chunkedLoading": True, "chunkDelay": 1, "maxClusterRadius": 60, "disableClusteringAtZoom": 12}
#: The list of places starts open up to this many places (on a wide screen).
LIST_OPEN = 30
LIST_LIMIT = 300
COLOR_BY = ("article", "country")
FORMATS = ("html", "geojson", "png", "pdf")
#: PNG/PDF size in CSS pixels (width, height), unless asked otherwise.
SNAPSHOT_SIZE = (1200, 800)
CDN = {
    "leaflet.markercluster.js": "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.5.3/dist/leaflet.markercluster.js",
    "MarkerCluster.css": "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.5.3/dist/MarkerCluster.css",
    "MarkerCluster.Default.css": "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.5.3/dist/MarkerCluster.Default.css",
    "leaflet-heat.js": "https://cdn.jsdelivr.net/npm/leaflet.heat@0.2.0/dist/leaflet-heat.js",
    "topojson-client.min.js": "https://cdn.jsdelivr.net/npm/topojson-client@3.1.0/dist/topojson-client.min.js",
}


# --- into <script> ------------------------------------------------------------------


def script_json(value: Any) -> str:
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
    """``value`` as a JS string literal of base64(gzip(JSON)), unpacked by geomap.js."""
    raw = dumps(value, separators=(",", ":")).encode("utf-8")
    return '"' + base64.b64encode(gzip.compress(raw, compresslevel=6, mtime=0)).decode("ascii") + '"'


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
        self.args = ", ".join(script_json(a) for a in args)


class _Helper(MacroElement):
    """``geomap.<function>(map, args…)`` from the browser helper (geomap/assets/geomap.js)."""

    _template = Template(
        "{% macro script(this, kwargs) %}\n"
        "geomap.{{ this.function }}({{ this._parent.get_name() }}{{ this.args }});\n"
        "{% endmacro %}"
    )

    def __init__(self, function: str, *args: Any) -> None:
        super().__init__()
        self._name = "Helper"
        self.function = function
        self.args = "".join(", " + script_json(a) for a in args)


class PlaceMarkers(JSCSSMixin, MacroElement):
    """Every place of the map as one JSON array, turned into markers by ``geomap.places``.

    Each row is ``[lat, lon, name, name_html, approximate, colour, header_html, entries]``;
    ``entries`` holds ``[layer, mentions, articles, html]`` per layer naming the place, so the
    browser can recount a marker when layers are switched. ``colour`` is null when it follows
    the layers (``color_by="article"``). HTML is escaped in Python; ``name`` is plain text.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
var {{ this.get_name() }} = {{ this.rows }};
geomap.places({{ this._parent.get_name() }}, {{ this.get_name() }}, {{ this.options }});
{% endmacro %}"""
    )

    def __init__(self, rows: list[list[Any]], options: dict[str, Any], *, cdn: bool, pack: bool) -> None:
        super().__init__()
        self._name = "places"
        self.rows = _pack(rows) if pack else script_json(rows)
        self.options = script_json(options)
        if cdn and options.get("cluster"):
            self.default_js = [("markerclusterjs", CDN["leaflet.markercluster.js"])]
            self.default_css = [("markercluster_css", CDN["MarkerCluster.css"]),
                                ("markercluster_default_css", CDN["MarkerCluster.Default.css"])]


class HeatLayer(JSCSSMixin, Layer):
    """leaflet.heat over the places, each weighted by its share of the mentions."""

    _template = Template(
        """{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.heatLayer({{ this.points }}, {{ this.options }});
geomap.overlay({{ this._parent.get_name() }}, {{ this.label }}, {{ this.get_name() }});
{% endmacro %}"""
    )

    def __init__(self, points: list[list[float]], *, cdn: bool, name: str = "Heat map") -> None:
        super().__init__(name=name, overlay=True, control=False, show=True)
        self._name = "HeatLayer"
        self.label = script_json(name)
        self.points = script_json(points)
        self.options = script_json({"radius": 22, "blur": 18, "maxZoom": 9, "max": 1.0, "minOpacity": 0.25})
        if cdn:
            self.default_js = [("leafletheatjs", CDN["leaflet-heat.js"])]


class CountryLayer(Layer):
    """Countries from the inlined outlines: the offline base (``kind="outline"``,
    in a pane under the tiles) or a choropleth of mention counts (with its scale)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
var {{ this.get_name() }} = {{ this.js }};
{% endmacro %}"""
    )

    def __init__(self, kind: str, map_name: str, *, counts: dict[str, list[str]] | None = None,
                 plain: bool = False, name: str | None = None, legend: list[tuple[str, str]] | None = None) -> None:
        super().__init__(name=name, overlay=kind != "outline", control=False, show=True)
        self._name = "CountryLayer"
        if kind == "outline":
            self.js = f"geomap.outline({map_name}, {script_json(plain)})"
        else:
            self.js = (f"geomap.choropleth({map_name}, {script_json(counts or {})});\n"
                       f"geomap.overlay({map_name}, {script_json(name)}, {self.get_name()}, {script_json(legend)})")


# --- vendored assets ----------------------------------------------------------

_ASSET_URL = re.compile(r"url\(\s*['\"]?images/([\w.-]+)['\"]?\s*\)")
_SOURCE_MAP = re.compile(r"^//# sourceMappingURL=\S*\s*", re.MULTILINE)
_CLOSE_SCRIPT = re.compile(r"</(script)", re.IGNORECASE)


def _asset_path(name: str) -> Any:
    return resources.files("geomap").joinpath("assets", name)


@functools.cache
def _inline_css(name: str) -> str:
    """A stylesheet from ``geomap/assets`` as ``<style>``, its ``images/*`` inlined as data URIs."""

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
def _countries_script() -> str:
    return f"<script>var geomap_topology = {script_json(topology())};</script>"


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
        client = (f'<script src="{CDN["topojson-client.min.js"]}"></script>' if cdn
                  else _inline_js("topojson-client.min.js"))
        figure.header.add_child(_Raw(client), name="geomap:topojson-client")
        figure.header.add_child(_Raw(_countries_script()), name="geomap:countries")


# --- layout helpers -----------------------------------------------------------


def _radius(mentions: int) -> float:
    """Marker radius in pixels: grows with sqrt(mentions), bounded (geomap.js draws the same)."""
    return min(RADIUS_MAX, RADIUS_MIN + RADIUS_STEP * (math.sqrt(max(mentions, 1)) - 1))


def _zoom_for(place: Place) -> int:
    """A sensible zoom for a map showing only this place."""
    if place.is_country:
        return 5
    if place.is_admin1:
        return 7
    return {"A": 8, "P": 11, "S": 13}.get(place.feature_class, 9)


def _classes(maximum: int, n: int = len(CHOROPLETH_COLORS)) -> list[int]:
    """Lower bounds of up to ``n`` classes from 1 to ``maximum``, geometric."""
    bounds = sorted({max(1, round(maximum ** (k / n))) for k in range(n)} | {1})
    return bounds


def _date(doc: Document) -> str | None:
    value = doc.meta.get("date") or doc.meta.get("published")
    return str(value)[:10] if value not in (None, "") else None


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
        ``"article"``: one colour per layer (article, or ``group_by`` value; a marker
        several shown layers name is dark grey); ``"country"``: one colour per country.
        The panel says which.
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
        List the places in the panel (click: zoom to the place and open its popup).
    approximate_below
        Mentions whose ``score`` (the probability that the place is right) is below
        this are drawn as approximate, as are those placed at the place holding a
        name the gazetteer lacks (``precision == "containing"``).
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
        approximate_below: float = APPROXIMATE_BELOW,
    ) -> None:
        if color_by not in COLOR_BY:
            raise ValueError(f"color_by must be one of {', '.join(COLOR_BY)}, not {color_by!r}")
        self.tiles, self.attr = tiles, attr
        self.cluster, self.demonyms, self.cdn = cluster, demonyms, cdn
        self.title, self.height = title, height
        self.color_by, self.group_by = color_by, group_by or None
        self.heat, self.choropleth, self.side_list = heat, choropleth, side_list
        self.outline = (not cdn or tiles is None) if outline is None else outline
        self.approximate_below = approximate_below
        self._docs: list[tuple[Document, str | None]] = []
        for doc in documents:
            self.add(doc)

    def add(self, doc: Document, *, name: str | None = None) -> "Map":
        """Add a parsed article (named ``name`` or its title or first words in popups and the panel)."""
        if not isinstance(doc, Document):
            hint = " (parse it first: geomap.parse(text))" if isinstance(doc, (str, bytes, dict)) else ""
            raise TypeError(f"a Map shows parsed Documents, not {type(doc).__name__}{hint}")
        self._docs.append((doc, name))
        return self

    @property
    def documents(self) -> list[Document]:
        """The documents on the map, in the order added."""
        return [doc for doc, _ in self._docs]

    def content(self) -> Content:
        """What the map shows: its layers and one marker per place (see :mod:`geomap.markers`)."""
        return collect(self._docs, group_by=self.group_by, demonyms=self.demonyms,
                       approximate_below=self.approximate_below)

    # --- colours ------------------------------------------------------------------

    def _layer_colors(self, content: Content) -> tuple[list[str | None], str | None, str | None]:
        """Each layer's colour, the colour of a marker in several layers, and a note for the panel."""
        n = len(content.layers)
        if self.color_by == "country":  # the panel lists the countries' colours instead
            return [None] * n, None, None
        if n <= len(PALETTE):
            return list(PALETTE[:n]), SEVERAL_COLOR if n > 1 else None, None
        noun = "articles" if not self.group_by else "groups"
        note = f"More than {len(PALETTE)} {noun}: one colour for all. Switch them on and off to compare."
        return [PALETTE[0]] * n, None, note

    def _country_colors(self, content: Content) -> tuple[dict[str | None, str], list[tuple[str, str]]]:
        counts: Counter[str | None] = Counter()
        for mk in content.markers:
            counts[mk.place.country_code] += mk.mentions
        names = country_names()
        ranked = [cc for cc, _ in counts.most_common() if cc]
        top = ranked[: len(PALETTE) - 1]
        colors: dict[str | None, str] = {cc: PALETTE[i] for i, cc in enumerate(top)}
        rows = [(colors[cc], names.get(cc or "", cc or "")) for cc in top]
        if len(ranked) > len(top) or None in counts:
            rows.append((OTHER_COLOR, "other countries" if len(ranked) > len(top) else "no country"))
        return colors, rows

    # --- folium -------------------------------------------------------------------

    def to_folium(self) -> folium.Map:
        """Build a fresh ``folium.Map`` (its Figure already carries the assets)."""
        content = self.content()
        markers = content.markers
        n_markers = len(markers)
        cluster = n_markers > CLUSTER_THRESHOLD if self.cluster is None else self.cluster
        heat = self.heat and n_markers > 0
        choropleth = self.choropleth and n_markers > 0

        m = folium.Map(tiles=None, height=self.height, zoom_snap=0.25)
        m.options["max_zoom"] = MAX_ZOOM  # folium only passes max_zoom to its own tiles
        m.options["world_copy_jump"] = True
        if not self.cdn:
            m.default_js, m.default_css = [], []
        figure = m.get_root()
        labels = [layer.label for layer in content.layers]
        figure.title = escape(self.title or (labels[0] if len(labels) == 1 else "geomap"))
        _add_assets(figure, cdn=self.cdn, cluster=cluster, heat=heat, countries=self.outline or choropleth)

        if self.outline:
            CountryLayer("outline", m.get_name(), plain=True).add_to(m)  # sea-blue under the tiles too
        if self.tiles:
            folium.TileLayer(self.tiles, attr=self.attr, max_zoom=MAX_ZOOM, control=False).add_to(m)
        _Call("attributionControl.addAttribution", GEONAMES_ATTRIBUTION).add_to(m)
        if self.outline or choropleth:
            _Call("attributionControl.addAttribution", BOUNDARIES_ATTRIBUTION).add_to(m)

        self._fit(m, [mk.place for mk in markers])
        if choropleth:
            self._add_choropleth(m, content)
        legend, note = self._add_places(m, content, cluster=cluster) if n_markers else (None, None)
        if heat:
            self._add_heat(m, content)
        self._add_panel(m, content, legend=legend, note=note, n_markers=n_markers)
        _Helper("done").add_to(m)
        return m

    def _add_places(self, m: folium.Map, content: Content, *,
                    cluster: bool) -> tuple[dict[str, Any] | None, str | None]:
        """The markers (:class:`PlaceMarkers`); the colour legend and note the panel shows."""
        layer_colors, several, note = self._layer_colors(content)
        legend, country_colors = None, {}
        if self.color_by == "country":
            country_colors, legend_rows = self._country_colors(content)
            legend = {"title": "Colour: country", "rows": legend_rows}
        names = country_names()
        rows = [self._row(mk, names, country_colors.get(mk.place.country_code, OTHER_COLOR)
                          if self.color_by == "country" else None) for mk in content.markers]
        groups = [{"label": layer.label, "color": layer_colors[i],
                   "date": _date(layer.articles[0].doc) if not self.group_by and len(layer.articles) == 1 else None}
                  for i, layer in enumerate(content.layers)]
        options = {
            "groups": groups, "several": several, "maxArticles": MAX_ARTICLES,
            "radius": [RADIUS_MIN, RADIUS_STEP, RADIUS_MAX],
            "cluster": CLUSTER_OPTIONS if cluster else None,
            "canvas": not cluster and len(rows) > CLUSTER_THRESHOLD,
        }
        PlaceMarkers(rows, options, cdn=self.cdn, pack=len(rows) > PACK_ROWS).add_to(m)
        return legend, note

    def _row(self, mk: Marker, countries: dict[str, str], color: str | None) -> list[Any]:
        """One place for ``geomap.places`` (see :class:`PlaceMarkers`)."""
        p = mk.place
        header = place_html(p, countries)
        if mk.approximate:
            header += approximate_html(p, mk.all_mentions(), below=self.approximate_below)
        entries = []
        for e in mk.entries:
            html = articles_html([(a.doc, a.label, ms) for a, ms in e.articles])
            entries.append([e.layer, e.mentions, len(e.articles), html])
        return [p.lat, p.lon, mk.name, escape(mk.name), int(mk.approximate), color, header, entries]

    def _add_panel(self, m: folium.Map, content: Content, *, legend: dict[str, Any] | None, note: str | None,
                   n_markers: int) -> None:
        missing = [[a.label, [[name, n] for name, n in names.items()]] for a, names in unplaced(content)]
        if not n_markers and not missing:
            return
        noun = (self.group_by or "group") + "s" if self.group_by else "articles"
        title = self.group_by.capitalize() if self.group_by else "Articles"
        approximate = any(mk.approximate for mk in content.markers)
        button = plural(n_markers, "place") if n_markers else "Not placed"
        _Helper("panel", {
            "button": button, "groupsTitle": title, "groupsNoun": noun, "groupsNote": note, "legend": legend,
            "approximate": approximate, "list": bool(self.side_list and n_markers),
            "open": n_markers <= LIST_OPEN, "limit": LIST_LIMIT, "unplaced": missing,
        }).add_to(m)

    def _add_heat(self, m: folium.Map, content: Content) -> None:
        counts: dict[tuple[float, float], int] = Counter()
        for mk in content.markers:
            counts[mk.place.point] += mk.mentions
        top = max(counts.values())
        points = [[lat, lon, round(math.sqrt(n / top), 4)] for (lat, lon), n in counts.items()]
        HeatLayer(points, cdn=self.cdn).add_to(m)

    def _add_choropleth(self, m: folium.Map, content: Content) -> None:
        counts: Counter[str] = Counter()
        for mk in content.markers:
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

        data = {cc: [color(n), f"{escape(names[cc])} — {plural(n, 'mention')}"] for cc, n in counts.items()}
        rows = []
        for i, b in enumerate(bounds):
            hi = bounds[i + 1] - 1 if i + 1 < len(bounds) else max(counts.values())
            rows.append((color(b), f"{b:,}" if hi == b else f"{b:,}–{hi:,}"))
        CountryLayer("choropleth", m.get_name(), counts=data, name="Mentions by country", legend=rows).add_to(m)

    @staticmethod
    def _fit(m: folium.Map, places: list[Place]) -> None:
        """Fit the view to the markers (the world when there are none), without animation."""
        if not places:
            _Helper("view", WORLD, {"padding": [10, 10]}).add_to(m)
            return
        lats = [p.lat for p in places]
        lons = [p.lon for p in places]
        single = len({p.point for p in places}) == 1
        _Helper("view", [[min(lats), min(lons)], [max(lats), max(lons)]],
                {"padding": [30, 30], "maxZoom": _zoom_for(places[0]) if single else 12}).add_to(m)

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
        size = "aspect-ratio:5/3" if self.height.strip().endswith("%") else f"height:{escape(self.height)}"
        return (
            f'<div class="geomap-fragment" style="position:relative;width:100%;{size}">'
            f"{head}<style>#{m.get_name()}{{position:absolute;inset:0}}</style>"
            f"{figure.html.render()}<script>{figure.script.render()}</script></div>"
        )

    def iframe(self, *, height: str | int = 600, width: str = "100%") -> str:
        """The page in a sandbox-free ``<iframe srcdoc=…>`` (what notebooks and dashboards embed)."""
        h = f"{height}px" if isinstance(height, int) else str(height)
        return (
            f'<iframe srcdoc="{escape(self.to_html())}" style="width:{escape(width)};height:{escape(h)};border:none" '
            'loading="lazy" title="geomap"></iframe>'
        )

    def _repr_html_(self) -> str:
        """Jupyter display: folium's ``<iframe srcdoc=…>`` of the whole page."""
        return self.to_folium()._repr_html_()

    def to_geojson(self) -> dict[str, Any]:
        """A GeoJSON FeatureCollection of the places with their mentions (see :mod:`geomap.export`)."""
        from .export import to_geojson

        labels = {id(a.doc): a.label for a in self.content().articles}
        return to_geojson(self.documents, demonyms=self.demonyms, names=labels)

    def to_bytes(self, format: str = "html", *, size: tuple[int, int] = SNAPSHOT_SIZE, scale: float = 1.0) -> bytes:
        """The map in ``format`` (``html``, ``geojson``, ``png`` or ``pdf``); a PNG or PDF is
        ``size`` (width, height) CSS pixels at ``scale`` device pixels each, without controls."""
        if format == "html":
            return self.to_html().encode("utf-8")
        if format == "geojson":
            return dumps(self.to_geojson(), indent=1).encode("utf-8")
        if format in ("png", "pdf"):
            from .export import snapshot_bytes

            return snapshot_bytes(self, format=format, width=size[0], height=size[1], scale=scale)
        raise ValueError(f"unknown format {format!r}: use one of {', '.join(FORMATS)}")

    def save(self, path: str | os.PathLike[str], *, format: str | None = None,
             size: tuple[int, int] = SNAPSHOT_SIZE, scale: float = 1.0) -> Path:
        """Write the map to ``path`` atomically (temp file + ``os.replace``);
        ``format`` defaults to what the suffix says, else HTML (``size``, ``scale``: as :meth:`to_bytes`)."""
        data = self.to_bytes(format or format_for(path), size=size, scale=scale)
        with open_output(path, "wb") as f:
            f.write(data)
        return Path(path)


# --- command line -------------------------------------------------------------------


#: Each map format and the output suffixes that name it.
MAP_FORMATS = {"html": (".html", ".htm"), "geojson": (".geojson", ".json"), "png": (".png",), "pdf": (".pdf",)}


def format_for(path: str | os.PathLike[str] | None, explicit: str | None = None) -> str:
    """The output format: ``explicit``, else from the file suffix, else ``html``."""
    if explicit:
        return explicit
    suffix = Path(str(path or "")).suffix.lower()
    return next((f for f, sfx in MAP_FORMATS.items() if suffix in sfx), "html")


def add_map_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the ``geomap map`` options to ``parser``; read them back with :func:`map_options`."""
    p = parser
    p.add_argument("--tiles", default="OpenStreetMap",
                   help="tile layer name or URL template, or 'none' for the offline country outlines only")
    p.add_argument("--cluster", action=argparse.BooleanOptionalAction, default=None,
                   help=f"cluster markers (default: above {CLUSTER_THRESHOLD} markers)")
    p.add_argument("--demonyms", action="store_true", help="also draw places named only by demonyms (Kuwaiti → Kuwait)")
    p.add_argument("--cdn", action="store_true", help="link Leaflet and plugins from CDNs instead of inlining them")
    p.add_argument("--title", help="page title (default: the article's label for one article, else 'geomap')")
    p.add_argument("--color-by", choices=COLOR_BY, default="article", help="marker colour per article (layer) or per country")
    p.add_argument("--group-by", metavar="FIELD",
                   help="one layer per value of this metadata field (date, source…) instead of per article (the default)")
    p.add_argument("--heat", action="store_true", help="add a heat layer of mention counts")
    p.add_argument("--choropleth", action="store_true", help="add a country layer shaded by mention counts")
    p.add_argument("--outline", action=argparse.BooleanOptionalAction, default=None,
                   help="draw country outlines under the tiles (default: unless --cdn)")
    p.add_argument("--side-list", action=argparse.BooleanOptionalAction, default=True,
                   help="list the places in the map's panel")
    p.add_argument("--approximate-below", type=float, default=APPROXIMATE_BELOW, metavar="P",
                   help="draw places right with probability below P as approximate, dashed and listed apart "
                        f"(default {APPROXIMATE_BELOW}); --min-score P hides them")
    p.add_argument("--format", choices=FORMATS, default=None,
                   help="output format (default: from the output file's suffix, else html); png/pdf need chromium")
    p.add_argument("--size", type=_size, default=SNAPSHOT_SIZE, metavar="WxH",
                   help="png/pdf: the page in CSS pixels (default %dx%d)" % SNAPSHOT_SIZE)
    p.add_argument("--scale", type=float, default=1.0, metavar="N",
                   help="png: device pixels per CSS pixel, e.g. 2 for high-density screens (default 1)")
    return parser


def _size(text: str) -> tuple[int, int]:
    """``"1200x800"`` -> ``(1200, 800)``."""
    m = re.fullmatch(r"\s*(\d{2,5})\s*[x×]\s*(\d{2,5})\s*", text)
    if not m:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT in pixels, like 1200x800, not {text!r}")
    return int(m.group(1)), int(m.group(2))


def snapshot_options(args: argparse.Namespace) -> dict[str, Any]:
    """``Map.save(..., **snapshot_options(args))`` keywords from :func:`add_map_arguments` options."""
    return {"size": args.size, "scale": args.scale}


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
        "approximate_below": args.approximate_below,
    }
