"""Exports of a map: GeoJSON of the places with their mentions, and PNG/PDF snapshots.

>>> from geomap.export import to_geojson, snapshot      # doctest: +SKIP
>>> fc = to_geojson(docs)                               # doctest: +SKIP
>>> snapshot(geomap.Map(docs, tiles=None), "map.png")   # doctest: +SKIP

Snapshots open the self-contained page in headless Chromium (Debian's
``chromium`` and ``chromium-driver``, driven by ``selenium``), with DNS turned
off so only inlined assets load; use ``tiles=None`` for a snapshot that does not
depend on the network (tiles are never fetched).
"""

from __future__ import annotations

import base64
import contextlib
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from .ingest import dumps, open_output
from .model import Document

if TYPE_CHECKING:  # pragma: no cover
    from .render import Map

__all__ = ["to_geojson", "write_geojson", "snapshot", "snapshot_bytes", "browser", "SnapshotUnavailable",
           "CHROME_FLAGS", "browser_missing"]

#: Headless Chromium flags; ``--host-resolver-rules`` makes every DNS lookup fail (offline).
CHROME_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--no-first-run", "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)
INSTALL_HINT = "apt-get install chromium chromium-driver && pip install selenium"


class SnapshotUnavailable(RuntimeError):
    """Headless Chromium (or selenium) is not installed."""


# --- GeoJSON ------------------------------------------------------------------------


def _sentence(doc: Document, index: int) -> str | None:
    if 0 <= index < len(doc.sentences):
        s = doc.sentences[index]
        return doc.text[s.start : s.end]
    return None


def to_geojson(
    docs: Iterable[Document], *, demonyms: bool = False, names: dict[int, str] | None = None
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection with one Point feature per distinct place.

    Each feature's properties hold the place's GeoNames fields, ``mention_count``,
    ``articles`` (id, title, date, url of each article mentioning it) and
    ``mentions`` (each with its article id, text, offsets, kind, score and
    sentence text). Unresolved mentions are listed in the collection's
    ``unresolved`` member, so nothing is dropped silently. Coordinates are
    ``[lon, lat]`` as GeoJSON requires.
    """
    features: dict[int, dict[str, Any]] = {}
    unresolved: list[dict[str, Any]] = []
    for n, doc in enumerate(docs):
        doc_id = doc.id if doc.id is not None else f"#{n + 1}"
        article = {
            "id": doc_id,
            "title": (names or {}).get(id(doc)) or doc.meta.get("title"),
            "date": doc.meta.get("date"),
            "url": doc.meta.get("url") or doc.meta.get("link"),
        }
        for group in doc.places(demonyms=demonyms):
            p = group.place
            feature = features.get(p.geonameid)
            if feature is None:
                feature = features[p.geonameid] = {
                    "type": "Feature",
                    "id": p.geonameid,
                    "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
                    "properties": {**p.to_dict(), "mention_count": 0, "articles": [], "mentions": []},
                }
            props = feature["properties"]
            props["mention_count"] += len(group.mentions)
            props["articles"].append(article)
            props["mentions"] += [
                {"article": doc_id, "text": m.text, "start": m.start, "end": m.end, "kind": m.kind,
                 "score": round(m.score, 4), "precision": m.precision, "sentence": _sentence(doc, m.sentence)}
                for m in group.mentions
            ]
        unresolved += [
            {"article": doc_id, "text": m.text, "start": m.start, "end": m.end, "kind": m.kind,
             "sentence": _sentence(doc, m.sentence)}
            for m in doc.unresolved()
        ]
    return {"type": "FeatureCollection", "features": list(features.values()), "unresolved": unresolved}


def write_geojson(docs: Iterable[Document], path: str | os.PathLike[str], **kw: Any) -> Path:
    """Write :func:`to_geojson` to ``path`` atomically."""
    with open_output(path, "w") as f:
        f.write(dumps(to_geojson(docs, **kw)))
    return Path(path)


# --- headless Chromium --------------------------------------------------------------


def browser_missing() -> str | None:
    """Why a headless browser cannot run here, or None when it can."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed"
    for exe in ("chromium", "chromedriver"):
        if not shutil.which(exe):
            return f"{exe} is not on PATH"
    return None


#: What Chromium's mobile emulation reports itself as (an iPhone's Safari).
MOBILE_USER_AGENT = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
                     "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")


@contextlib.contextmanager
def browser(*, width: int = 1200, height: int = 800, scale: float = 1.0, mobile: bool = False,
            offline: bool = True, log_network: bool = False, flags: Iterable[str] = ()) -> Iterator[Any]:
    """A headless Chromium selenium driver whose page is exactly ``width`` × ``height`` CSS
    pixels at ``scale`` device pixels each, quit on exit.

    ``mobile`` emulates a phone (touch, a mobile user agent; ``scale`` defaults to 3 then);
    ``offline`` makes every host lookup fail; ``log_network`` turns on the DevTools
    performance log (``driver.get_log("performance")``); ``flags`` are more Chromium flags.
    """
    reason = browser_missing()
    if reason:
        raise SnapshotUnavailable(f"headless Chromium is unavailable ({reason}): {INSTALL_HINT}")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in CHROME_FLAGS:
        if offline or not flag.startswith("--host-resolver-rules"):
            options.add_argument(flag)
    options.add_argument(f"--window-size={width},{height}")
    for flag in flags:
        options.add_argument(flag)
    if mobile:
        options.add_experimental_option("mobileEmulation", {
            "deviceMetrics": {"width": width, "height": height, "pixelRatio": scale if scale != 1.0 else 3.0,
                              "touch": True},
            "userAgent": MOBILE_USER_AGENT})
    if log_network:
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))
    try:
        if not mobile:  # the window's size includes its frame: give the page the size asked for
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": height, "deviceScaleFactor": scale, "mobile": False})
        yield driver
    finally:
        driver.quit()


def wait_ready(driver: Any, timeout: float = 30.0) -> float:
    """Wait for the map's script to finish; the page's ``performance.now()`` then (ms)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        at = driver.execute_script("return window.geomapReady ? window.geomapReadyAt : null")
        if at is not None:
            return float(at)
        time.sleep(0.02)
    raise TimeoutError(f"the map did not finish loading within {timeout:.0f} s")


#: Put the page in snapshot mode (no controls, no credit for tiles not drawn), then call back
#: once the map is still.
_EXPORT_MODE = """const done = arguments[arguments.length - 1];
const map = Object.keys(window).filter(k => /^map_[0-9a-f]+$/.test(k)).map(k => window[k])[0];
geomap.exportMode(map);
geomap.idle(map, () => requestAnimationFrame(() => done(true)));"""

CSS_PX_PER_CM = 96 / 2.54


def snapshot_bytes(m: "Map", *, format: str = "png", width: int = 1200, height: int = 800,
                   scale: float = 1.0) -> bytes:
    """The map rendered by headless Chromium, as PNG or PDF bytes.

    The page is ``width`` × ``height`` CSS pixels; a PNG has ``scale`` device pixels per
    CSS pixel (``width * scale`` × ``height * scale``), a PDF is one page of that size.
    Controls (zoom buttons, the panel) are left out; the credits stay, without those of
    tiles that were not drawn (the browser is offline: tiles never are).
    """
    if format not in ("png", "pdf"):
        raise ValueError(f"snapshot format must be png or pdf, not {format!r}")
    if width < 1 or height < 1 or not 0 < scale <= 8:
        raise ValueError(f"snapshot size must be positive and scale in (0, 8], not {width}x{height} at {scale}")
    with tempfile.TemporaryDirectory(prefix="geomap-") as tmp:
        page = Path(tmp) / "map.html"
        page.write_text(m.to_html(), encoding="utf-8")
        with browser(width=width, height=height, scale=scale) as driver:
            driver.get(page.as_uri())
            wait_ready(driver)
            driver.set_script_timeout(30)
            driver.execute_async_script(_EXPORT_MODE)
            if format == "png":
                return driver.get_screenshot_as_png()
            from selenium.webdriver.common.print_page_options import PrintOptions

            opts = PrintOptions()
            opts.page_width, opts.page_height = width / CSS_PX_PER_CM, height / CSS_PX_PER_CM
            opts.margin_top = opts.margin_bottom = opts.margin_left = opts.margin_right = 0
            opts.background = True
            opts.shrink_to_fit = False
            return base64.b64decode(driver.print_page(opts))


def snapshot(m: "Map", path: str | os.PathLike[str], *, format: str | None = None, **kw: Any) -> Path:
    """Write a PNG or PDF snapshot of ``m`` to ``path`` (format from the suffix
    unless given). Raises :class:`SnapshotUnavailable` without Chromium."""
    fmt = format or ("pdf" if str(path).lower().endswith(".pdf") else "png")
    data = snapshot_bytes(m, format=fmt, **kw)
    with open_output(path, "wb") as f:
        f.write(data)
    return Path(path)
