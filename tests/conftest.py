"""Shared fixtures: one default gazetteer store and one Geoparser per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
SHARED_EXAMPLES = Path(__file__).resolve().parents[2] / "shared" / "examples"


@pytest.fixture(scope="session")
def store():
    from geomap.gazetteer.store import get_store

    return get_store()


@pytest.fixture(scope="session")
def geoparser(store):
    from geomap.pipeline import Geoparser

    return Geoparser(gazetteer=store)


@pytest.fixture(scope="session")
def fast_geoparser(store):
    from geomap.pipeline import Geoparser

    return Geoparser(gazetteer=store, mode="fast")


@pytest.fixture(scope="session")
def kursk_text() -> str:
    """The canonical example article (read from ../shared, never copied into the repo)."""
    path = SHARED_EXAMPLES / "kursk-article.txt"
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing in CI")
        pytest.skip("../shared/examples is not beside this checkout")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def chromium() -> None:
    """Real-browser tests need headless Chromium: they fail in CI without it and skip elsewhere."""
    from geomap.export import browser_missing

    reason = browser_missing()
    if reason:
        if os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.fail(f"browser tests must run in CI: {reason}")
        pytest.skip(f"no headless browser: {reason}")
