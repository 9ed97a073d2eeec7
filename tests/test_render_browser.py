"""Render maps in headless Chromium, offline: markers draw, popups work, nothing executes.

Needs Debian's ``chromium`` and ``chromium-driver`` plus ``selenium`` (pip). When
they are missing the tests skip locally but FAIL when ``CI=true``.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Iterator

import pytest

from geomap.render import Map
try:  # rootdir on sys.path (python -m pytest, or tests/ as a package)
    from tests.test_render import HOSTILE, hostile_doc, kursk_doc
except ImportError:  # plain `pytest`, rootdir-less "prepend" import mode
    from test_render import HOSTILE, hostile_doc, kursk_doc

pytestmark = pytest.mark.browser

CHROME_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # no DNS: any network request fails
    "--window-size=1200,900",
)


def _missing() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed"
    for exe in ("chromium", "chromedriver"):
        if not shutil.which(exe):
            return f"{exe} is not on PATH"
    return None


@pytest.fixture(scope="module")
def driver() -> Iterator["object"]:
    reason = _missing()
    if reason:
        if os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.fail(f"browser tests must run in CI: {reason}")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    drv = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))
    try:
        yield drv
    finally:
        drv.quit()


def load(driver, m: Map, path: Path):
    driver.get(m.save(path).resolve().as_uri())
    return driver


def circles(driver) -> list:
    return driver.find_elements("css selector", "path.leaflet-interactive")


def test_markers_draw_and_popup_shows_marks(driver, tmp_path):
    load(driver, Map([kursk_doc()], tiles=None), tmp_path / "kursk.html")
    assert driver.execute_script("return typeof L") == "object"  # inlined Leaflet ran
    paths = circles(driver)
    assert len(paths) == 2  # Kursk, Sudzha (the demonym is left out)
    paths[0].click()
    popup = driver.find_element("css selector", ".leaflet-popup-content")
    marks = popup.find_elements("css selector", "mark")
    assert [m.text for m in marks] == ["Kursk"] * 3
    assert "Not placed: 1 name" in driver.find_element("css selector", ".geomap-unplaced").text


def test_clustered_map_draws(driver, tmp_path):
    load(driver, Map([kursk_doc()], tiles=None, cluster=True), tmp_path / "cluster.html")
    assert driver.execute_script("return typeof L.MarkerClusterGroup") == "function"
    assert driver.find_elements("css selector", ".leaflet-interactive, .marker-cluster")


def test_hostile_text_never_executes(driver, tmp_path):
    load(driver, Map([hostile_doc(), kursk_doc(id="k")], tiles=None, title=HOSTILE), tmp_path / "evil.html")
    assert len(circles(driver)) == 4
    # put every popup and tooltip into the DOM, and open the unplaced box
    driver.execute_script(
        """
        for (const k of Object.keys(window).filter(k => k.startsWith("circle_marker_"))) {
            window[k].openTooltip(); window[k].openPopup();
        }
        document.querySelector(".geomap-unplaced details").open = true;
        """
    )
    time.sleep(0.5)  # let any <img onerror> fire
    assert driver.execute_script("return typeof window.pwned") == "undefined"
    texts = driver.execute_script(
        "return [...document.querySelectorAll('.leaflet-popup-content, .leaflet-tooltip,"
        " .leaflet-control-layers-overlays, .geomap-unplaced')].map(e => e.textContent)"
    )
    assert all(HOSTILE in t for t in texts[-2:])  # layer names and unplaced box show it literally
    assert any(HOSTILE in t for t in texts[:-2])
    assert driver.execute_script("return document.querySelectorAll('img').length") == 0
    assert driver.title == HOSTILE
