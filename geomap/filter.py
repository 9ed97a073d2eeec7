"""Article-level geographic filtering, and each article's geographic focus (the public module).

:func:`filter` keeps the documents that mention places in a :class:`~geomap.regions.Region`
(by the membership rule documented in :mod:`geomap.regions`), and says why; :func:`focus`
gives the countries, admin-1 areas and cities a document is mainly about, CLIFF-style. Both
live in :mod:`geomap.analysis`; ``geomap filter`` (:func:`add_parser`) is
:mod:`geomap.filter_cli`. The module itself is callable: ``geomap.filter(docs, region)``.

Examples
--------
>>> import geomap
>>> from geomap.filter import filter, focus
>>> docs = geomap.parse_many(["Shelling hit Donetsk.", "Rain in Lisbon."])       # doctest: +SKIP
>>> [d.id for d, why in filter(docs, "country:UA")]                               # doctest: +SKIP
"""

from __future__ import annotations

import sys
import types
from typing import Any, Iterator

from .analysis.focus import DATELINE_BONUS, DEMONYM_WEIGHT, FOCUS_MAX, FOCUS_SHARE, Focus, FocusItem, focus
from .analysis.judge import Explanation, Kept, Match, explain, filter, within
from .filter_cli import EXPLAIN_FIELD, add_parser

__all__ = [
    "filter",
    "explain",
    "within",
    "focus",
    "Focus",
    "FocusItem",
    "Explanation",
    "Match",
    "Kept",
    "add_parser",
    "DEMONYM_WEIGHT",
    "DATELINE_BONUS",
    "FOCUS_SHARE",
    "FOCUS_MAX",
    "EXPLAIN_FIELD",
]


class _CallableModule(types.ModuleType):
    """Lets ``geomap.filter(docs, region)`` work even where ``geomap.filter`` is this module."""

    def __call__(self, *args: Any, **kwargs: Any) -> Iterator[Kept]:
        return filter(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
