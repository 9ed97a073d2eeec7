"""GeoJSON export and PNG/PDF snapshots."""

from __future__ import annotations

import json
import re

import pytest

from geomap.export import SnapshotUnavailable, snapshot, to_geojson, write_geojson
from geomap.render import Map

try:
    from tests.test_render import HOSTILE, KURSK, article, hostile_doc, kursk_doc
    from tests.test_render_browser import decode_png, pixel
except ImportError:
    from test_render import HOSTILE, KURSK, article, hostile_doc, kursk_doc
    from test_render_browser import decode_png, pixel


def test_geojson_places_with_their_mentions():
    docs = [kursk_doc(title="Kursk report"), article("b", title="B", date="2024-08-06", url="https://x.example/b")]
    fc = to_geojson(docs)
    assert fc["type"] == "FeatureCollection"
    by_name = {f["properties"]["name"]: f for f in fc["features"]}
    assert set(by_name) == {"Kursk", "Sudzha", "Kyiv"}  # the demonym is left out by default
    kursk = by_name["Kursk"]
    assert kursk["geometry"] == {"type": "Point", "coordinates": [KURSK.lon, KURSK.lat]}
    assert kursk["id"] == 538560 and kursk["properties"]["country_code"] == "RU"
    assert kursk["properties"]["mention_count"] == 4
    assert [a["id"] for a in kursk["properties"]["articles"]] == ["doc", "b"]
    assert kursk["properties"]["articles"][1] == {"id": "b", "title": "B", "date": "2024-08-06", "url": "https://x.example/b"}
    m = kursk["properties"]["mentions"][0]
    assert m["text"] == "Kursk" and m["sentence"] == "Fighting continued near Kursk on Tuesday."
    assert [u["text"] for u in fc["unresolved"]] == ["Atlantis"]
    assert len(to_geojson([kursk_doc()], demonyms=True)["features"]) == 3
    json.dumps(fc)  # plain JSON


def test_geojson_keeps_hostile_text_as_data(tmp_path):
    out = write_geojson([hostile_doc()], tmp_path / "x.geojson")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["features"][0]["properties"]["mentions"][0]["text"] == HOSTILE  # data, not HTML


def test_snapshot_without_chromium_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr("geomap.export.shutil.which", lambda exe: None)
    with pytest.raises(SnapshotUnavailable, match="apt-get install chromium chromium-driver"):
        snapshot(Map([kursk_doc()], tiles=None), tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()


@pytest.mark.browser
def test_snapshot_png_and_pdf(chromium, tmp_path):
    m = Map([kursk_doc()], tiles=None)
    png = snapshot(m, tmp_path / "map.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
    assert decode_png(png.read_bytes())[:2] == (1200, 800)  # the default size, not the window's 1200x657
    pdf = m.save(tmp_path / "map.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"


WHITE = (255, 255, 255)


@pytest.mark.browser
def test_png_has_the_asked_size_and_scale_and_no_controls(chromium, tmp_path):
    m = Map([kursk_doc(title="A"), article("b", title="B")], tiles=None)
    width, height, rows = decode_png(m.to_bytes("png", size=(640, 400), scale=2))
    assert (width, height) == (1280, 800)
    # where the zoom buttons and the panel's button would be: the map, not a white control
    assert pixel(rows, 2 * 25, 2 * 22) != WHITE
    assert pixel(rows, width - 2 * 40, 2 * 22) != WHITE


@pytest.mark.browser
def test_pdf_is_one_page_of_the_asked_size(chromium, tmp_path):
    pdf = Map([kursk_doc()], tiles=None).save(tmp_path / "map.pdf", size=(640, 400))
    data = pdf.read_bytes()
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert len(boxes) == 1, boxes  # one page
    assert [round(float(v)) for v in boxes[0]] == [480, 300]  # 640 x 400 CSS px in points


@pytest.mark.browser
def test_snapshot_mode_hides_controls_and_credits_only_what_is_drawn(chromium, tmp_path):
    from geomap.export import _EXPORT_MODE, browser, wait_ready

    m = Map([kursk_doc(), article("b")], heat=True)  # OpenStreetMap tiles: never loaded offline
    with browser(width=800, height=500) as driver:
        driver.get(m.save(tmp_path / "map.html").resolve().as_uri())
        wait_ready(driver)
        assert "OpenStreetMap" in driver.find_element("css selector", ".leaflet-control-attribution").text
        driver.execute_async_script(_EXPORT_MODE)
        shown = driver.execute_script(
            "return Array.from(document.querySelectorAll('.leaflet-control'))"
            ".filter(c => getComputedStyle(c).display !== 'none').map(c => c.className)")
        assert len(shown) == 1 and "leaflet-control-attribution" in shown[0]
        credits = driver.find_element("css selector", ".leaflet-control-attribution").text
        assert "GeoNames" in credits and "Natural Earth" in credits and "OpenStreetMap" not in credits
