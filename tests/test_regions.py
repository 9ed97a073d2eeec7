"""Regions and the membership rule for points and areas (geomap.regions)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import shapely

from geomap.model import Place
from geomap.regions import AREA_RULES, Region, RegionError, get_boundaries

RUSSIA = Place(2017370, "Russia", 60.0, 100.0, "A", "PCLI", "RU")
UKRAINE = Place(690791, "Ukraine", 49.0, 32.0, "A", "PCLI", "UA")
DONETSK_OBLAST = Place(709716, "Donetska Oblast", 48.0, 37.75, "A", "ADM1", "UA", "05")
KURSK_OBLAST = Place(538555, "Kursk Oblast", 51.5, 36.25, "A", "ADM1", "RU", "41")
KURSK = Place(538560, "Kursk", 51.73733, 36.18735, "P", "PPL", "RU", "41", 440052)
TSUKURYNE = Place(691077, "Tsukuryne", 48.2, 37.5, "P", "PPL", "UA", "05")
#: A polygon around the Donbas front (about 36.5–40 E, 47–49.5 N).
DONBAS = "POLYGON((36.5 47, 40 47, 40 49.5, 36.5 49.5, 36.5 47))"


@pytest.fixture(scope="module")
def ua():
    return Region.country("UA")


@pytest.fixture(scope="module")
def ru():
    return Region.country("RU")


def test_boundaries_lookups():
    b = get_boundaries()
    assert b.admin1("UA-14").geonameid == 709716
    assert b.admin1(709716).code == "UA-14"
    assert b.admin1("Donetsk").code == "UA-14"
    assert b.country("Ukraine").code == "UA"
    assert b.country("ukr").code == "UA"
    assert b.for_place(DONETSK_OBLAST).code == "UA-14"
    assert b.for_place(KURSK) is None
    assert b.meta()["schema_version"] == "1"


@pytest.mark.parametrize("area", AREA_RULES)
def test_russia_is_not_in_ukraine_touching_borders_never_count(ua, area):
    assert not ua.contains(RUSSIA, area=area)
    assert not Region.country("RU").contains(UKRAINE, area=area)


def test_ukraine_is_not_in_a_polygon_around_the_donbas():
    donbas = Region.from_wkt(DONBAS, name="donbas")
    assert not donbas.contains(UKRAINE)
    assert donbas.contains(UKRAINE, area="intersects")
    assert not donbas.contains(UKRAINE, area="within")
    assert donbas.contains(DONETSK_OBLAST)  # most of it lies inside the box
    assert donbas.contains(TSUKURYNE)


@pytest.mark.parametrize("area", AREA_RULES)
def test_donetsk_oblast_is_in_ukraine(ua, area):
    assert ua.contains(DONETSK_OBLAST, area=area)
    assert Region.admin1("UA-14").contains(DONETSK_OBLAST, area=area)


def test_kursk_city_is_in_russia(ua, ru):
    assert ru.contains(KURSK) and not ua.contains(KURSK)
    assert ru.contains(KURSK_OBLAST) and not ua.contains(KURSK_OBLAST, area="intersects")
    assert Region.admin1("RU-KRS").contains(KURSK)


def test_point_on_the_boundary_is_not_in():
    box = Region.bbox(30, 40, 40, 50)
    assert not box.contains((45.0, 30.0))
    assert box.contains((45.0, 30.001))


def test_crimea_follows_iso_3166(ua, ru):
    assert ua.contains((44.95, 34.1)) and not ru.contains((44.95, 34.1))  # Simferopol


def test_place_without_polygon_falls_back_to_its_point(ua):
    region = Place(990000099, "Donbas", 48.0, 38.0, "L", "RGN")
    assert ua.contains(region)
    unknown_country = Place(1, "Nowhere", 48.0, 38.0, "A", "PCLI", "ZZ")
    assert ua.contains(unknown_country)


def test_majority_intersects_within_differ():
    third = Region.bbox(30, 40, 37.4, 55)  # a third of Donetsk Oblast (36.5–39.1 E)
    readings = {a: third.contains(DONETSK_OBLAST, area=a) for a in AREA_RULES}
    assert readings == {"majority": False, "intersects": True, "within": False}


def test_near_is_geodesic():
    r = Region.near(KURSK, 100)
    assert r.contains(KURSK)
    assert r.contains((51.73733, 36.18735 + 1.40))  # ~97 km east
    assert not r.contains((51.73733, 36.18735 + 1.50))  # ~104 km east
    assert r.contains((51.73733 + 0.88, 36.18735))  # ~98 km north
    assert Region.parse("near:Kursk:100km").contains(KURSK)
    assert Region.parse("near:51.73733,36.18735:62mi").contains((51.73733, 37.5))
    assert Region.parse("near:Tsukuryne:30km").contains(TSUKURYNE)


def test_near_across_the_antimeridian():
    r = Region.near((65.0, 179.5), 100)
    assert r.geometry.geom_type == "MultiPolygon"
    assert r.contains((65.0, -179.5)) and r.contains((65.0, 179.0))
    assert not r.contains((65.0, 170.0))


def test_bbox_across_the_antimeridian():
    r = Region.bbox(170, -50, -170, -30)
    assert r.contains((-40.0, 179.0)) and r.contains((-40.0, -175.0))
    assert not r.contains((-40.0, 0.0))


def test_union_labels_the_part(ua):
    both = Region.country("BE") | ua
    assert both.locate(DONETSK_OBLAST) == "country:UA (Ukraine)"
    assert both.locate((50.85, 4.35)) == "country:BE (Belgium)"
    assert both.locate(KURSK) is None
    assert both.contains([KURSK, DONETSK_OBLAST, (50.85, 4.35)]).tolist() == [False, True, True]


def test_parse_specs_and_files(tmp_path):
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "front"}, "geometry": json.loads(shapely.to_geojson(shapely.from_wkt(DONBAS)))},
        {"type": "Feature", "properties": {}, "geometry": {"type": "MultiPolygon", "coordinates": [
            [[[4, 50], [5, 50], [5, 51], [4, 51], [4, 50]]]]}},
    ]}
    gj = tmp_path / "area.geojson"
    gj.write_text(json.dumps(fc))
    wkt = tmp_path / "area.wkt"
    wkt.write_text(DONBAS)
    r = Region.parse(str(gj))
    assert len(r.parts) == 2 and r.locate(TSUKURYNE) == "front" and r.contains((50.85, 4.35))
    assert Region.parse(str(wkt)).contains(TSUKURYNE)
    assert Region.parse("bbox:36.5,47,40,49.5").contains(TSUKURYNE)
    assert Region.parse("admin1:Donetsk").name == "admin1:UA-14 (Donetsk)"
    assert Region.parse("country:Ukraine").name == "country:UA (Ukraine)"
    assert Region.parse("country:UA|country:BE").contains((50.85, 4.35))
    for bad in ("country:Atlantis", "bbox:1,2,3", "near:Kursk", "near:Kursk:far", "nonsense", "bbox:0,50,10,40"):
        with pytest.raises(RegionError):
            Region.parse(bad)
    with pytest.raises(RegionError):
        Region(shapely.Point(1, 2))
    with pytest.raises(RegionError):  # projected coordinates
        Region.from_wkt("POLYGON((400000 5000000, 500000 5000000, 500000 5100000, 400000 5000000))")


def test_contains_xy_is_vectorised(ua):
    lon = np.array([37.8, 37.62, 30.52, 4.35])
    lat = np.array([48.0, 55.75, 50.45, 50.85])
    assert ua.contains_xy(lon, lat).tolist() == [True, False, True, False]


def test_many_regions_use_an_strtree():
    boxes = [Region.bbox(x, 0, x + 1, 1) for x in range(-100, 100)]
    many = boxes[0]
    for b in boxes[1:]:
        many = many | b
    assert len(many.parts) == 200
    assert many.locate((0.5, 10.5)) == "bbox:10,0,11,1"
    assert many.contains_xy([10.5, 150.0], [0.5, 0.5]).tolist() == [True, False]
    assert isinstance(many.tree, shapely.STRtree)
