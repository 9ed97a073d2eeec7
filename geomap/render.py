"""Render parsed documents as a standalone Leaflet map (via folium).

One ``CircleMarker`` per distinct resolved place per article, coloured per
article, sized by mention count, with a popup quoting every sentence that
mentions the place. Article text is untrusted: every piece of it is
HTML-escaped, and everything that ends up inside ``<script>`` is JSON-encoded
with ``</`` escaped. folium's own ``Popup``/``Tooltip`` are not used (``Popup``
needs jQuery and ``Tooltip`` pastes raw text into a JS template literal); small
elements below call Leaflet's ``bindPopup``/``bindTooltip`` directly.

By default (``cdn=False``) the page needs no network: Leaflet and
leaflet.markercluster are inlined from ``geomap/assets/`` (see
``scripts/vendor_assets.py``) and only a tile layer, if any, is fetched.
"""

from __future__ import annotations

import base64
import functools
import html
import json
import math
import os
import re
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

import folium
from branca.element import Element, Figure, MacroElement
from folium.plugins import MarkerCluster
from folium.template import Template

from .io import atomic_writer
from .model import Document, Mention, Place, PlaceGroup

__all__ = ["Map", "PALETTE", "CLUSTER_THRESHOLD"]

#: Article colours, used in order and then repeated (Tableau 10).
PALETTE = (
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
    "#17becf", "#8c564b", "#e377c2", "#bcbd22", "#7f7f7f",
)
#: ``cluster=None`` clusters when the map has more markers than this.
CLUSTER_THRESHOLD = 200
MAX_ZOOM = 18
GEONAMES_ATTRIBUTION = (
    '<a href="https://www.geonames.org/" target="_blank" rel="noopener">'
    "Places © GeoNames (CC BY 4.0)</a>"
)
WORLD = [[-58.0, -170.0], [75.0, 170.0]]
RADIUS_MIN, RADIUS_STEP, RADIUS_MAX = 6.0, 4.0, 22.0
CONTEXT_CHARS = 120  # snippet half-width when a mention has no usable sentence
POPUP_OPTIONS = {"maxWidth": 400, "minWidth": 200, "maxHeight": 320}

_CSS = """
.geomap-popup{font:13px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif}
.geomap-popup .geomap-name{font-size:15px;font-weight:700}
.geomap-popup .geomap-meta{color:#555;font-size:12px}
.geomap-popup .geomap-article{margin-top:6px;font-weight:600}
.geomap-popup ol{margin:4px 0 0;padding-left:20px}
.geomap-popup li{margin:3px 0}
.geomap-popup mark{background:#ffe066;color:inherit;padding:0 1px;border-radius:2px}
.geomap-unplaced{background:#fff;padding:4px 8px;max-width:320px;max-height:40vh;
  overflow:auto;font:12px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif}
.geomap-unplaced summary{cursor:pointer;font-weight:600}
.geomap-unplaced ul{margin:4px 0 0;padding-left:16px}
.leaflet-control-layers-expanded{max-width:min(360px,45vw);overflow-wrap:anywhere}
"""


# --- escaping ---------------------------------------------------------------


def _text(value: object) -> str:
    """Escape untrusted text for HTML (element content and quoted attributes)."""
    return html.escape(str(value), quote=True)


def _js(value: Any) -> str:
    """JSON for a JS expression inside ``<script>``: it cannot close the tag."""
    return (
        json.dumps(value, ensure_ascii=False)
        .replace("</", "<\\/")
        .replace("<!--", "\\u003c!--")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


# --- HTML pieces (all return safe HTML) -------------------------------------


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


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
    for (a, b), marks in sorted(spans.items()):
        text = doc.text[a:b]
        lead = len(text) - len(text.lstrip())
        items.append(f"<li>{_highlight(text.strip(), a + lead, marks)}</li>")
    return f"<ol>{''.join(items)}</ol>"


def popup_html(doc: Document, label: str, group: PlaceGroup) -> str:
    """Popup body: place facts, article label, then the quoted sentences."""
    p = group.place
    meta = " · ".join(
        _text(x) for x in (p.country_code or "–", p.feature_code or "–", f"GeoNames {p.geonameid}")
    )
    return (
        '<div class="geomap-popup">'
        f'<div class="geomap-name">{_text(p.name)}</div>'
        f'<div class="geomap-meta">{meta}</div>'
        f'<div class="geomap-article">{_text(label)}</div>'
        f"{_sentences_html(doc, group.mentions)}"
        "</div>"
    )


def tooltip_html(group: PlaceGroup) -> str:
    return f"{_text(group.place.name)} — {_plural(len(group.mentions), 'mention')}"


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


class _UnplacedBox(MacroElement):
    """A collapsible Leaflet control in the bottom-left corner."""

    _template = Template(
        """{% macro script(this, kwargs) %}
(function (map) {
    var box = L.control({position: "bottomleft"});
    box.onAdd = function () {
        var div = L.DomUtil.create("div", "geomap-unplaced leaflet-control leaflet-bar");
        div.innerHTML = {{ this.content }};
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
    };
    box.addTo(map);
})({{ this._parent.get_name() }});
{% endmacro %}"""
    )

    def __init__(self, content_html: str) -> None:
        super().__init__()
        self._name = "UnplacedBox"
        self.content = _js(content_html)


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


def _add_assets(figure: Figure, *, cdn: bool, cluster: bool) -> None:
    """Put our stylesheet, and unless ``cdn`` the vendored libraries, in the head."""
    if not cdn:
        styles = ["leaflet.css"] + (["MarkerCluster.css", "MarkerCluster.Default.css"] if cluster else [])
        scripts = ["leaflet.js"] + (["leaflet.markercluster.js"] if cluster else [])
        for name in styles:
            figure.header.add_child(_Raw(_inline_css(name)), name=f"geomap:{name}")
        for name in scripts:
            figure.header.add_child(_Raw(_inline_js(name)), name=f"geomap:{name}")
    figure.header.add_child(_Raw(f"<style>{_CSS}</style>"), name="geomap:css")


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


# --- the map ------------------------------------------------------------------


class Map:
    """A Leaflet map of the places in one or more parsed documents."""

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
    ) -> None:
        """``tiles``: a folium/xyzservices tile name or URL template (give ``attr``
        for a custom URL) or None for a plain background. ``cluster=None``
        clusters only above ``CLUSTER_THRESHOLD`` markers. ``cdn=True`` links
        folium's CDN assets instead of inlining the vendored ones."""
        self.tiles, self.attr = tiles, attr
        self.cluster, self.demonyms, self.cdn = cluster, demonyms, cdn
        self.title, self.height = title, height
        self._docs: list[tuple[Document, str | None]] = []
        for doc in documents:
            self.add(doc)

    def add(self, doc: Document, *, name: str | None = None) -> "Map":
        """Add an article (its own layer, named ``name`` or its title or id)."""
        self._docs.append((doc, name))
        return self

    def _labels(self) -> list[str]:
        return _unique_labels([
            str(name or doc.meta.get("title") or doc.id or f"Article {i + 1}")
            for i, (doc, name) in enumerate(self._docs)
        ])

    def to_folium(self) -> folium.Map:
        """Build a fresh ``folium.Map`` (its Figure already carries the assets)."""
        labels = self._labels()
        groups = [doc.places(demonyms=self.demonyms) for doc, _ in self._docs]
        n_markers = sum(map(len, groups))
        cluster = n_markers > CLUSTER_THRESHOLD if self.cluster is None else self.cluster

        m = folium.Map(tiles=None, height=self.height)
        m.options["max_zoom"] = MAX_ZOOM  # folium only passes max_zoom to its own tiles
        if not self.cdn:
            m.default_js, m.default_css = [], []
        figure = m.get_root()
        figure.title = _text(self.title or (labels[0] if len(labels) == 1 else "geomap"))
        _add_assets(figure, cdn=self.cdn, cluster=cluster)

        if self.tiles:
            folium.TileLayer(self.tiles, attr=self.attr, max_zoom=MAX_ZOOM, control=False).add_to(m)
        _Call("attributionControl.addAttribution", GEONAMES_ATTRIBUTION).add_to(m)

        for i, ((doc, _), label, places) in enumerate(zip(self._docs, labels, groups)):
            layer = folium.FeatureGroup(name=_text(label)).add_to(m)
            if cluster:
                layer = self._cluster_layer().add_to(layer)
            for group in places:
                self._marker(doc, label, group, PALETTE[i % len(PALETTE)]).add_to(layer)
        if len(self._docs) >= 2:
            folium.LayerControl(collapsed=len(self._docs) > 8).add_to(m)

        self._add_unplaced(m, labels)
        self._fit(m, [g.place for places in groups for g in places])
        return m

    def _cluster_layer(self) -> MarkerCluster:
        mc = MarkerCluster(control=False)
        if not self.cdn:
            mc.default_js, mc.default_css = [], []
        return mc

    @staticmethod
    def _marker(doc: Document, label: str, group: PlaceGroup, color: str) -> folium.CircleMarker:
        marker = folium.CircleMarker(
            location=list(group.place.point),
            radius=_radius(len(group.mentions)),
            color=color,
            weight=2,
            fill=True,
            fill_color=color,
            fill_opacity=0.55,
        )
        _Call("bindTooltip", tooltip_html(group), {"sticky": True}).add_to(marker)
        _Call("bindPopup", popup_html(doc, label, group), POPUP_OPTIONS).add_to(marker)
        return marker

    def _add_unplaced(self, m: folium.Map, labels: list[str]) -> None:
        rows = []
        for (doc, _), label in zip(self._docs, labels):
            names = Counter(x.text for x in doc.unresolved() if x.kind != "demonym")
            if names:
                rows.append((label, names))
        if rows:
            _UnplacedBox(unplaced_html(rows, labelled=len(self._docs) > 1)).add_to(m)

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
        styles; a percentage ``height`` becomes a 5:3 box."""
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

    def _repr_html_(self) -> str:
        """Jupyter display: folium's sandboxed ``<iframe srcdoc=…>``."""
        return self.to_folium()._repr_html_()

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_html` to ``path`` atomically (temp file + ``os.replace``)."""
        html_text = self.to_html()
        with atomic_writer(path, "wb") as f:
            f.write(html_text.encode("utf-8"))
        return Path(path)
