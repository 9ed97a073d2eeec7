"""Text cleaning and HTML extraction under their former name: see :mod:`geomap.ingest`."""

from __future__ import annotations

from .ingest import HTMLText, clean, html_to_text, looks_html, to_original

__all__ = ["clean", "html_to_text", "HTMLText", "to_original", "looks_html"]
