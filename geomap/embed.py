"""Put a :class:`geomap.Map` into a notebook or a dashboard in one line.

>>> import geomap, geomap.embed as embed          # doctest: +SKIP
>>> m = geomap.Map(docs)                           # doctest: +SKIP
>>> m                                              # Jupyter: displays itself (``_repr_html_``)
>>> embed.streamlit(m)                             # in a Streamlit script
>>> app.layout = embed.dash(m)                     # Dash: an ``html.Iframe`` with ``srcDoc``
>>> embed.panel(m).servable()                      # Panel: a ``pn.pane.HTML``

The map is always the self-contained page (inlined Leaflet and plugins), so it
works offline and in sandboxed iframes. Dashboards are optional: install the
``dashboards`` extra from this checkout (``pip install -e '.[dashboards]'``; the
PyPI project called geomap is another one); each helper imports its framework
only when called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .render import Map

__all__ = ["fragment", "full_page", "iframe", "jupyter", "streamlit", "dash", "panel"]

DEFAULT_HEIGHT = 600


def _px(height: int | str) -> str:
    return f"{height}px" if isinstance(height, int) else str(height)


def fragment(m: "Map") -> str:
    """An HTML ``<div>`` block (styles, scripts, map) to paste into a page."""
    return m.fragment()


def full_page(m: "Map") -> str:
    """The whole standalone HTML page."""
    return m.to_html()


def iframe(m: "Map", *, height: int | str = DEFAULT_HEIGHT) -> str:
    """The page inside an ``<iframe srcdoc=…>`` (isolated from the host page)."""
    return m.iframe(height=height)


def jupyter(m: "Map", *, height: int | str = DEFAULT_HEIGHT) -> Any:
    """An ``IPython.display.HTML`` of the map (a bare ``m`` in a cell does the same)."""
    from IPython.display import HTML

    return HTML(m.iframe(height=height))


def streamlit(m: "Map", *, height: int = DEFAULT_HEIGHT, backend: str = "html", key: str | None = None) -> Any:
    """Show the map in a Streamlit app.

    ``backend="html"`` (default) embeds the self-contained page with ``st.iframe``
    (Streamlit 1.56+; it replaces ``components.v1.html``, which logs a removal
    notice): everything works offline. ``"folium"`` hands ``m.to_folium()`` to
    ``streamlit_folium.st_folium`` (the ``streamlit-folium`` package), which
    reports clicks and bounds back to the script but loads Leaflet its own way.
    """
    if backend == "folium":
        from streamlit_folium import st_folium

        return st_folium(m.to_folium(), height=height, key=key, returned_objects=[], use_container_width=True)
    if backend != "html":
        raise ValueError(f"backend must be 'html' or 'folium', not {backend!r}")
    import streamlit as st

    return st.iframe(m.to_html(), height=height)


def dash(m: "Map", *, height: int | str = DEFAULT_HEIGHT, id: str | None = None, **style: Any) -> Any:
    """A ``dash.html.Iframe`` whose ``srcDoc`` is the page; put it in a layout."""
    from dash import html

    kw = {"id": id} if id is not None else {}
    return html.Iframe(
        srcDoc=m.to_html(),
        style={"width": "100%", "height": _px(height), "border": "none", **style},
        title="geomap",
        **kw,
    )


def panel(m: "Map", *, height: int = DEFAULT_HEIGHT, sizing_mode: str = "stretch_width", **kw: Any) -> Any:
    """A ``panel.pane.HTML`` holding the page in an iframe (Panel's HTML pane
    does not run scripts itself)."""
    import panel as pn

    return pn.pane.HTML(m.iframe(height="100%"), height=height, sizing_mode=sizing_mode, **kw)
