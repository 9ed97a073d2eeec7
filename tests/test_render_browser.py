"""Render maps in headless Chromium, offline: markers draw, popups work, nothing executes,
nothing is fetched but tiles, and a screenshot shows the markers.

Needs Debian's ``chromium`` and ``chromium-driver`` plus ``selenium`` (pip). When
they are missing the tests skip locally but FAIL when ``CI`` is set.
"""

from __future__ import annotations

import json
import struct
import time
import zlib
from pathlib import Path
from typing import Iterator

import pytest

from geomap.export import browser, wait_ready
from geomap.model import Place
from geomap.render import Map

try:  # rootdir on sys.path (python -m pytest, or tests/ as a package)
    from tests.test_render import (KYIV, HOSTILE, HOSTILE_IMG, article, hostile_doc, kursk_doc, make_doc,
                                   washington_articles)
except ImportError:  # plain `pytest`, rootdir-less "prepend" import mode
    from test_render import (KYIV, HOSTILE, HOSTILE_IMG, article, hostile_doc, kursk_doc, make_doc,
                             washington_articles)

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 1200, 900


@pytest.fixture(scope="module")
def driver(chromium) -> Iterator["object"]:
    with browser(width=WIDTH, height=HEIGHT, log_network=True) as drv:
        yield drv


def load(driver, m: Map, path: Path):
    driver.get_log("performance")  # drop earlier pages' events
    driver.get(m.save(path).resolve().as_uri())
    wait_ready(driver)
    return driver


def circles(driver) -> list:
    return driver.find_elements("css selector", "path.leaflet-interactive")


MAP = "Object.keys(window).filter(k => /^map_[0-9a-f]+$/.test(k)).map(k => window[k])[0]"


def spread_places(n: int) -> list[Place]:
    """``n`` places: pairs 20 km apart (they cluster) spread over Europe."""
    out = []
    for i in range(n):
        lat = 40.0 + (i // 2 % 10) * 2.0 + (i % 2) * 0.15
        lon = -5.0 + (i // 20) * 6.0 + (i % 2) * 0.15
        out.append(Place(100_000 + i, f"Town{i:03d}", lat, lon, "P", "PPL", "FR"))
    return out


def open_popup(driver, timeout: float = 15.0):
    """The open popup's content once it has faded in (selenium reads no text from a transparent
    element, and the fade takes longer on a loaded machine)."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(lambda d: d.execute_script(
        "const p = document.querySelector('.leaflet-popup');"
        "return p && getComputedStyle(p).opacity === '1' ? p.querySelector('.leaflet-popup-content') : null;"))


def test_markers_draw_and_popup_shows_marks(driver, tmp_path):
    load(driver, Map([kursk_doc()], tiles=None), tmp_path / "kursk.html")
    assert driver.execute_script("return typeof L") == "object"  # inlined Leaflet ran
    paths = circles(driver)
    assert len(paths) == 2  # Kursk, Sudzha (the demonym is left out)
    paths[0].click()
    popup = open_popup(driver)
    marks = popup.find_elements("css selector", "mark")
    assert [m.text for m in marks] == ["Kursk"] * 3
    assert "Not placed: 1 name" in driver.find_element("css selector", ".geomap-unplaced").text


def wait_until(driver, script: str, timeout: float = 15.0):
    """The value of ``script`` once it is truthy (a condition, never a fixed sleep)."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(lambda d: d.execute_script(script))


#: The open popup's place name and marked words, once a popup is open (it fades in).
OPEN_POPUP = """const c = document.querySelector('.leaflet-popup-content');
return c && [c.querySelector('.geomap-name').textContent, Array.from(c.querySelectorAll('mark'), m => m.textContent)];"""


def test_a_place_named_in_three_articles_is_one_marker(driver, tmp_path):
    load(driver, Map(washington_articles(), tiles=None), tmp_path / "washington.html")
    assert len(circles(driver)) == 1
    circles(driver)[0].click()
    popup = open_popup(driver)
    headings = [e.text for e in popup.find_elements("css selector", ".geomap-article")]
    assert headings == ["Budget talks", "Rain fell on Washington all week. Traffic slowed.", "Envoy visit"]
    assert [m.text for m in popup.find_elements("css selector", "mark")] == ["Washington"] * 4
    assert "Senators returned to Washington on Monday." in popup.text

    # switching an article off recounts the marker and its popup; switching all off hides it
    boxes = driver.find_elements("css selector", ".geomap-groups input[type=checkbox]")
    assert len(boxes) == 3
    boxes[2].click()
    assert wait_until(driver, "return document.querySelectorAll('.leaflet-popup-content .geomap-article').length == 2")
    tooltip = driver.execute_script(f"return {MAP}.geomap.places[0].marker.getTooltip().getContent()")
    assert tooltip.endswith("— 2 mentions")
    boxes[0].click()
    boxes[1].click()
    assert wait_until(driver, "return document.querySelectorAll('path.leaflet-interactive').length === 0")
    assert wait_until(driver, "return !document.querySelector('.leaflet-popup-content')")  # closed (it fades)
    assert "Places (0)" in driver.find_element("css selector", ".geomap-places summary").text
    boxes[1].click()
    assert wait_until(driver, "return document.querySelectorAll('path.leaflet-interactive').length === 1")


def test_approximate_places_are_dashed_and_listed_apart(driver, tmp_path):
    doc = make_doc(["Police closed Royal Street in Kyiv.", "Kyiv was calm."],
                   [("Royal Street", KYIV), ("Kyiv", KYIV)], title="Closure")
    doc.mentions[0].precision = "containing"
    load(driver, Map([doc], tiles=None), tmp_path / "approx.html")
    dashed = driver.execute_script(
        "return Array.from(document.querySelectorAll('path.leaflet-interactive'))"
        ".map(p => p.getAttribute('stroke-dasharray'))")
    assert sorted(d or "" for d in dashed) == ["", "5 4"]
    approximate = driver.find_elements("css selector", ".geomap-places .geomap-approximate li")
    assert [li.text for li in approximate] == ["Royal Street (in Kyiv)(1)"]
    approximate[0].click()
    popup = open_popup(driver)
    assert "approximately" in popup.find_element("css selector", ".geomap-approx").text
    assert [m.text for m in popup.find_elements("css selector", "mark")] == ["Royal Street"]


def test_markers_plus_cluster_icons_match_places(driver, tmp_path):
    places = spread_places(60)
    words = [f"w{i:03d}" for i in range(len(places))]
    doc = make_doc([f"Troops reached {w}." for w in words], list(zip(words, places)))
    load(driver, Map([doc], tiles=None, cluster=True), tmp_path / "cluster.html")
    assert driver.execute_script("return typeof L.MarkerClusterGroup") == "function"

    def count() -> tuple[int, int]:
        # one script reads both at once: elements fetched one by one can be replaced by the
        # cluster animation between two reads (a stale element reference)
        markers, clustered = driver.execute_script(
            "return [document.querySelectorAll('path.leaflet-interactive').length,"
            " Array.from(document.querySelectorAll('.marker-cluster span'))"
            ".reduce((n, e) => n + (parseInt(e.textContent, 10) || 0), 0)];")
        return int(markers), int(clustered)

    # wait out the zoom / cluster animations: until two readings agree and account for every
    # place, or 15 s (two equal readings alone can fall in a pause of the animation)
    seen, deadline = None, time.monotonic() + 15
    while time.monotonic() < deadline:
        now = count()
        if now == seen and sum(now) == len(places):
            break
        seen = now
        time.sleep(0.5)
    markers, clustered = count()
    assert driver.find_elements("css selector", ".marker-cluster")  # some did cluster
    assert markers + clustered == len(places)

    # the side list pans to a clustered marker and opens it
    driver.find_element("css selector", ".geomap-places summary").click()  # open the list
    entry = next(li for li in driver.find_elements("css selector", ".geomap-places li") if "Town007" in li.text)
    entry.click()
    popup = open_popup(driver)
    assert [m.text for m in popup.find_elements("css selector", "mark")] == ["w007"]
    assert "Town007" in popup.text


def test_hostile_text_never_executes(driver, tmp_path):
    docs = [hostile_doc(), kursk_doc(id="k"), article("s", source=HOSTILE_IMG, url="javascript:window.pwned=1")]
    m = Map(docs, tiles=None, title=HOSTILE, color_by="article", heat=True, choropleth=True)
    load(driver, m, tmp_path / "evil.html")
    assert len(circles(driver)) >= 6
    # open every popup and tooltip in turn, every box, and the layer control
    shown = driver.execute_script(
        f"""
        const map = {MAP}, out = [];
        for (const e of map.geomap.places) {{
            e.marker.openTooltip(); out.push(e.marker.getTooltip().getElement().textContent);
            geomap.open(map, e); out.push(document.querySelector('.leaflet-popup-content').textContent);
        }}
        document.querySelectorAll('.geomap-box details').forEach(d => d.open = true);
        return out;
        """
    )
    time.sleep(0.5)  # let any <img onerror> fire
    assert driver.execute_script("return typeof window.pwned") == "undefined"
    assert any(HOSTILE in t and HOSTILE_IMG in t for t in shown)
    for css in (".geomap-groups", ".geomap-places", ".geomap-unplaced"):
        assert HOSTILE in driver.find_element("css selector", css).get_attribute("textContent"), css
    assert driver.execute_script("return document.querySelectorAll('img').length") == 0
    assert driver.execute_script("return document.querySelectorAll('a[href^=javascript]').length") == 0
    assert driver.title == HOSTILE


def requested_urls(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg["method"] == "Network.requestWillBeSent":
            urls.append(msg["params"]["request"]["url"])
    return urls


def test_no_network_request_but_tiles(driver, tmp_path):
    docs = [kursk_doc(title="a"), article("b", source="S", url="https://news.example/b")]
    m = Map(docs, cluster=True, heat=True, choropleth=True, color_by="country")  # OpenStreetMap tiles
    load(driver, m, tmp_path / "offline.html")
    time.sleep(0.5)
    page = (tmp_path / "offline.html").resolve().as_uri()
    urls = [u for u in requested_urls(driver) if u != page and not u.startswith("data:")]
    assert urls, "the tiles at least were requested"
    assert all(u.startswith("https://tile.openstreetmap.org/") for u in urls), urls
    resources = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert all(u.startswith(("https://tile.openstreetmap.org/", "data:")) for u in resources), resources

    load(driver, Map(docs, tiles=None, heat=True, choropleth=True), tmp_path / "plain.html")
    page = (tmp_path / "plain.html").resolve().as_uri()
    assert [u for u in requested_urls(driver) if u != page and not u.startswith("data:")] == []


# --- screenshots --------------------------------------------------------------------


def decode_png(data: bytes) -> tuple[int, int, list[bytes]]:
    """A tiny PNG decoder (8-bit RGB/RGBA, not interlaced): width, height, rows of RGBA."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and color in (2, 6) and interlace == 0
            bpp = 4 if color == 6 else 3
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        prev = line
        rows.append(bytes(line) if bpp == 4 else b"".join(bytes(line[i : i + 3]) + b"\xff" for i in range(0, stride, 3)))
    return width, height, rows


def pixel(rows: list[bytes], x: int, y: int) -> tuple[int, int, int]:
    return tuple(rows[y][4 * x : 4 * x + 3])


def marker_points(driver) -> list[tuple[int, int]]:
    return [tuple(map(round, p)) for p in driver.execute_script(
        f"""const map = {MAP}, box = map.getContainer().getBoundingClientRect();
        return map.geomap.places.map(e => {{ const p = map.latLngToContainerPoint(e.marker.getLatLng());
                                          return [p.x + box.left, p.y + box.top]; }});"""
    )]


def test_screenshot_has_markers_where_they_are(driver, tmp_path):
    load(driver, Map([kursk_doc()], tiles=None, side_list=False), tmp_path / "shot.html")
    shot = tmp_path / "shot.png"
    assert driver.save_screenshot(str(shot)) and shot.stat().st_size > 1000
    scale = driver.execute_script("return window.devicePixelRatio") or 1
    width, height, rows = decode_png(shot.read_bytes())
    points = marker_points(driver)
    assert len(points) == 2
    background = {(217, 230, 239), (246, 244, 239)}  # sea, land (geomap-plain, outline fill)
    for x, y in points:
        x, y = int(x * scale), int(y * scale)
        assert 0 <= x < width and 0 <= y < height
        assert pixel(rows, x, y) not in background, (x, y, pixel(rows, x, y))
        r, g, b = pixel(rows, x, y)
        assert b > r + 30  # the first article's blue
    # a corner far from any marker shows the background
    assert pixel(rows, 5, height - 60) in background or pixel(rows, width - 5, height // 2) in background


def test_outline_shows_when_tiles_cannot_load(driver, tmp_path):
    """Offline, OpenStreetMap tiles fail: the country outlines under them still draw."""
    load(driver, Map([kursk_doc()], side_list=False), tmp_path / "tiles.html")
    time.sleep(0.5)
    shot = tmp_path / "tiles.png"
    driver.save_screenshot(str(shot))
    _, _, rows = decode_png(shot.read_bytes())
    colours = {pixel(rows, x, y) for y in range(0, len(rows), 23) for x in range(0, len(rows[0]) // 4, 23)}
    assert (246, 244, 239) in colours  # land fill of the outlines
    assert driver.execute_script("return document.querySelectorAll('.leaflet-tile-loaded').length") == 0


def test_large_packed_map_draws_and_opens(driver, tmp_path):
    from geomap.render import PACK_ROWS

    places = spread_places(PACK_ROWS + 100)
    words = [f"w{i:04d}" for i in range(len(places))]
    doc = make_doc([f"Troops reached {w}." for w in words], list(zip(words, places)))
    load(driver, Map([doc, kursk_doc()], tiles=None), tmp_path / "large.html")
    assert driver.execute_script(f"return {MAP}.geomap.places.length") == len(places) + 2
    assert driver.find_elements("css selector", ".marker-cluster")
    driver.find_element("css selector", ".geomap-places summary").click()
    entry = next(li for li in driver.find_elements("css selector", ".geomap-places li") if "Kursk" in li.text)
    entry.click()
    popup = open_popup(driver)
    assert [m.text for m in popup.find_elements("css selector", "mark")] == ["Kursk"] * 3


@pytest.fixture
def cpu_burner():
    """A process spinning on one core beside the test, as on a busy CI machine."""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait()


def test_side_list_opens_its_popup_every_time_right_after_ready_under_load(driver, tmp_path, cpu_burner):
    """20 loads of a large packed, clustered map: each time, a side-list click made as soon as the
    page says it is ready opens the right popup (it used to do nothing about two times in three)."""
    from geomap.render import PACK_ROWS

    places = spread_places(PACK_ROWS + 100)
    words = [f"w{i:04d}" for i in range(len(places))]
    doc = make_doc([f"Troops reached {w}." for w in words], list(zip(words, places)))
    page = Map([doc, kursk_doc()], tiles=None).save(tmp_path / "large.html").resolve().as_uri()
    for rep in range(20):
        driver.get(page)
        wait_ready(driver)
        target = "Kursk" if rep % 4 == 0 else places[rep * 29 if rep % 2 else rep * 13].name
        driver.find_element("css selector", ".geomap-places summary").click()
        if rep % 2:  # half the time through the filter box
            driver.find_element("css selector", ".geomap-places input").send_keys(target)
        entry = next(li for li in driver.find_elements("css selector", ".geomap-places li")
                     if li.text.startswith(target + "("))
        entry.click()
        name, marks = wait_until(driver, OPEN_POPUP)
        assert name == target, rep
        expected = ["Kursk"] * 3 if target == "Kursk" else [words[rep * 29 if rep % 2 else rep * 13]]
        assert marks == expected, rep


# --- a phone ------------------------------------------------------------------------------

PHONE = (390, 844)


@pytest.fixture(scope="module")
def phone(chromium) -> Iterator["object"]:
    with browser(width=PHONE[0], height=PHONE[1], mobile=True, log_network=True) as drv:
        yield drv


def news_day() -> list:
    """Articles naming places from Washington to Kyiv, some names not placed: a day's map."""
    return [*washington_articles(), kursk_doc(title="Kursk report"), article("s", title="Strikes", date="2024-08-06")]


CONTROLS_AREA = """const W = innerWidth, H = innerHeight; let area = 0;
for (const c of document.querySelectorAll('.leaflet-control')) {
  const r = c.getBoundingClientRect();
  area += Math.max(0, Math.min(r.right, W) - Math.max(r.left, 0)) * Math.max(0, Math.min(r.bottom, H) - Math.max(r.top, 0));
}
return [area, W, H];"""


def test_phone_controls_are_one_button_and_the_view_fits_the_places(phone, tmp_path):
    load(phone, Map(news_day(), tiles=None), tmp_path / "phone.html")
    area, width, height = phone.execute_script(CONTROLS_AREA)
    assert (width, height) == PHONE
    assert area / (width * height) <= 0.15, area / (width * height)
    assert phone.execute_script("return document.querySelector('.leaflet-container').classList.contains('geomap-narrow')")
    assert not phone.find_element("css selector", ".geomap-body").is_displayed()  # the panel is one button
    points = marker_points(phone)
    assert all(0 <= x <= width and 0 <= y <= height for x, y in points), points
    xs = [x for x, _ in points]
    assert max(xs) - min(xs) > 0.5 * width  # the places fill the screen, not a world 260 px wide
    # the button opens the panel, which lists the articles and the places
    phone.find_element("css selector", ".geomap-toggle").click()
    assert phone.find_element("css selector", ".geomap-groups").is_displayed()


POPUP_BOX = """const p = document.querySelector('.leaflet-popup'), b = document.querySelector('.leaflet-popup-close-button');
if (!p || !b || getComputedStyle(p).opacity !== '1') return null;
const r = p.getBoundingClientRect(), c = b.getBoundingClientRect();
const hit = document.elementFromPoint(c.left + c.width / 2, c.top + c.height / 2);
return [r.left, r.top, r.right, r.bottom, hit === b || b.contains(hit)];"""


@pytest.mark.parametrize("side", ["west", "east"])
def test_phone_popup_lies_within_the_screen_with_its_close_button_visible(phone, tmp_path, side):
    load(phone, Map(news_day(), tiles=None), tmp_path / "phone.html")
    width, height = PHONE
    points = marker_points(phone)
    x, y = min(points) if side == "west" else max(points)  # a marker near an edge
    phone.execute_script(f"""const map = {MAP}, e = map.geomap.places.find(e => {{
        const p = map.latLngToContainerPoint(e.marker.getLatLng()); return Math.round(p.x) === {x}; }});
        e.marker.fire('click');""")

    def settled(d):  # the popup pans into view: wait until it is inside the screen
        box = d.execute_script(POPUP_BOX)
        return box if box and box[0] >= 0 and box[1] >= 0 and box[2] <= width and box[3] <= height else None

    from selenium.webdriver.support.ui import WebDriverWait

    left, top, right, bottom, close_visible = WebDriverWait(phone, 15, poll_frequency=0.05).until(settled)
    assert close_visible, "the close button is covered"
    assert right - left <= width - 20
    phone.find_element("css selector", ".leaflet-popup-close-button").click()
    assert wait_until(phone, "return !document.querySelector('.leaflet-popup')")
