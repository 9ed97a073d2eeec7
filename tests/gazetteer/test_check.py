"""geomap.gazetteer.check: a store is opened, never overwritten (issue 18, defect 1)."""

from __future__ import annotations

import sqlite3

import pytest

from geomap.gazetteer.check import StoreError, StoreMissing, check_store_path, store_kind
from geomap.gazetteer.store import GazetteerStore


def test_what_a_path_holds(tmp_path, world):
    (tmp_path / "notes.txt").write_text("notes")
    con = sqlite3.connect(tmp_path / "other.sqlite")
    con.execute("CREATE TABLE meta (key, value)")  # even a table called meta, without a schema version
    con.commit()
    con.close()
    assert store_kind(world) == "store"
    assert store_kind(tmp_path / "notes.txt") == "other"
    assert store_kind(tmp_path / "other.sqlite") == "sqlite"
    assert store_kind(tmp_path) == "folder"
    assert store_kind(tmp_path / "none") == "missing"


def test_foreign_files_are_refused_and_missing_paths_made_only_when_allowed(tmp_path, world):
    notes = tmp_path / "notes.txt"
    notes.write_text("notes")
    for create in (True, False):
        with pytest.raises(StoreError, match="not a geomap gazetteer"):
            check_store_path(notes, create=create)
    with pytest.raises(StoreMissing, match="no gazetteer at"):
        check_store_path(tmp_path / "new.sqlite", create=False)
    assert check_store_path(tmp_path / "new.sqlite", create=True) == "missing"
    with pytest.raises(StoreError):
        GazetteerStore(notes)
    with pytest.raises(FileNotFoundError):  # StoreMissing is both
        GazetteerStore(tmp_path / "new.sqlite")
    assert notes.read_text() == "notes" and not (tmp_path / "new.sqlite").exists()
    assert GazetteerStore(world).get(2017370) is not None  # a store is opened as it is
