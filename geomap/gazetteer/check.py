"""What a gazetteer path holds, checked before it is opened, built or extended.

A store is opened, never overwritten: a path that holds anything but a geomap store (notes, a
foreign SQLite database, a folder) is refused with a one-line :class:`StoreError`; a path that
does not exist is created only by ``geomap gazetteer build`` or as the default store.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

__all__ = ["StoreError", "StoreMissing", "store_kind", "check_store_path"]

_SQLITE_MAGIC = b"SQLite format 3\x00"


class StoreError(ValueError):
    """A gazetteer path that cannot be used as asked."""


class StoreMissing(StoreError, FileNotFoundError):
    """No store at the path, and none may be created there."""


def store_kind(path: str | Path) -> str:
    """``"missing"``, ``"store"`` (a geomap gazetteer), ``"folder"``, ``"sqlite"`` (another SQLite
    database) or ``"other"`` (any other file). Reads the file; never writes it."""
    p = Path(path)
    if not p.exists():
        return "missing"
    if p.is_dir():
        return "folder"
    try:
        with open(p, "rb") as f:
            magic = f.read(len(_SQLITE_MAGIC))
    except OSError:
        return "other"
    if magic != _SQLITE_MAGIC:
        return "other"
    try:
        con = sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return "sqlite"
    return "store" if row else "sqlite"


_WHAT = {"folder": "a folder", "sqlite": "an SQLite database that is not a geomap gazetteer",
         "other": "a file that is not a geomap gazetteer"}


def check_store_path(path: str | Path, *, create: bool) -> str:
    """Refuse ``path`` unless it holds a geomap store, or is missing and ``create`` is allowed.

    Returns :func:`store_kind` (``"store"`` or ``"missing"``).
    """
    kind = store_kind(path)
    if kind in _WHAT:
        raise StoreError(f"{path} is {_WHAT[kind]}; refusing to use or replace it as the gazetteer "
                         "(give the path of a store, or a new path to `geomap gazetteer build`)")
    if kind == "missing" and not create:
        raise StoreMissing(f"no gazetteer at {path}; build one with `geomap --gazetteer {path} gazetteer build`, "
                           "or leave out --gazetteer for the default store")
    return kind
