"""geomap: find the places in news text, geocode them offline, and map them.

>>> import geomap
>>> doc = geomap.parse("Troops moved into the Kursk region, Russia.")   # doctest: +SKIP
>>> [(m.text, m.place.name) for m in doc.mentions]                        # doctest: +SKIP
[('Kursk region', 'Kursk Oblast'), ('Russia', 'Russia')]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Iterator

from .model import Document, Mention, Place, Sentence

__version__ = "0.1.0"
__all__ = ["parse", "parse_many", "focus", "within", "Geoparser", "Map", "Region", "Gazetteer", "filter", "Document",
           "Mention", "Place", "Sentence", "to_dataframe", "to_geodataframe", "__version__"]

if TYPE_CHECKING:  # pragma: no cover
    from .pipeline import Geoparser
    from .render import Map
    from .gazetteer.geocoder import Gazetteer

_DEFAULT: "Geoparser | None" = None


def _default() -> "Geoparser":
    global _DEFAULT
    if _DEFAULT is None:
        from .pipeline import Geoparser

        _DEFAULT = Geoparser()
    return _DEFAULT


def parse(text: str, *, id: str | None = None, meta: dict[str, Any] | None = None) -> Document:
    """Extract and resolve the places in one text with the default :class:`Geoparser`.

    The text is cleaned as the command line cleans it (:func:`geomap.ingest.as_document`);
    anything but a ``str`` raises ``TypeError``.
    """
    return _default().parse(text, id=id, meta=meta)


def parse_many(items: Iterable[Any], *, batch_size: int = 32) -> Iterator[Document]:
    """Parse many texts (strings, ``{"text": …}`` mappings or Documents), in order."""
    return _default().parse_many(items, batch_size=batch_size)


def focus(doc: Document, **kw: Any) -> Any:
    """The countries, admin-1 areas and cities ``doc`` is mainly about (:func:`geomap.analysis.focus`)."""
    from .analysis import focus as _focus

    return _focus(doc, **kw)


def within(doc: Document, region: Any, **kw: Any) -> bool:
    """Whether ``doc`` passes :func:`geomap.filter` for ``region`` (:func:`geomap.analysis.within`)."""
    from .analysis import within as _within

    return _within(doc, region, **kw)


def __getattr__(name: str) -> Any:  # lazy: importing geomap must not load spaCy or folium
    if name == "Geoparser":
        from .pipeline import Geoparser

        return Geoparser
    if name == "Map":
        from .render import Map

        return Map
    if name == "filter":  # the module is callable: geomap.filter(docs, region)
        import importlib

        return importlib.import_module(".filter", __name__)
    if name == "Region":
        from .regions import Region

        return Region
    if name in ("to_dataframe", "to_geodataframe"):
        from . import tables

        return getattr(tables, name)
    if name == "Gazetteer":
        from .gazetteer.geocoder import Gazetteer

        return Gazetteer
    raise AttributeError(f"module 'geomap' has no attribute {name!r}")
