"""Online geocoders against a tiny Nominatim look-alike on 127.0.0.1; nothing reaches the internet."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from geopy.location import Location

from geonames_fixture import run_cli
from geomap.gazetteer.online import OnlineGeocoder, online_geocoder

KURSK = [
    {"place_id": 1001, "osm_type": "relation", "osm_id": 2621, "lat": "51.7303637", "lon": "36.1925603",
     "class": "boundary", "type": "administrative", "place_rank": 16, "importance": 0.62, "addresstype": "city",
     "name": "Kursk", "display_name": "Kursk, Kursk Oblast, Central Federal District, Russia",
     "address": {"city": "Kursk", "state": "Kursk Oblast", "country": "Russia", "country_code": "ru"},
     "boundingbox": ["51.64", "51.81", "36.04", "36.30"]},
    {"place_id": 1002, "osm_type": "relation", "osm_id": 72223, "lat": "51.6", "lon": "36.1",
     "class": "boundary", "type": "administrative", "place_rank": 8, "importance": 0.55, "addresstype": "state",
     "name": "Kursk Oblast", "display_name": "Kursk Oblast, Central Federal District, Russia",
     "address": {"state": "Kursk Oblast", "country": "Russia", "country_code": "ru"},
     "boundingbox": ["50.9", "52.4", "34.1", "38.5"]},
]


class _Nominatim(BaseHTTPRequestHandler):
    calls: list = []

    def do_GET(self):  # noqa: N802
        url = urlparse(self.path)
        q = parse_qs(url.query)
        type(self).calls.append((url.path, q))
        if url.path == "/search":
            body = KURSK if q.get("q", [""])[0].lower().startswith("kursk") else []
            if "countrycodes" in q:
                body = [b for b in body if b["address"]["country_code"] in q["countrycodes"][0].split(",")]
        elif url.path == "/reverse":
            body = KURSK[0]
        else:
            self.send_error(404)
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Nominatim.calls = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Nominatim)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{httpd.server_address[1]}", _Nominatim.calls
    httpd.shutdown()
    httpd.server_close()


def make(domain, cache) -> OnlineGeocoder:
    return online_geocoder("nominatim", domain=domain, scheme="http", cache_path=cache, min_delay_seconds=0)


def test_geocode_and_candidates(server, tmp_path):
    domain, calls = server
    gc = make(domain, tmp_path / "cache.sqlite")
    loc = gc.geocode("Kursk")
    assert isinstance(loc, Location) and abs(loc.latitude - 51.73) < 0.01
    assert loc.raw["osm_id"] == 2621 and loc.raw["service"] == "nominatim"
    ranked = gc.candidates("Kursk")
    assert [(r.place.feature_class, r.place.feature_code) for r in ranked] == [("P", "PPL"), ("A", "ADM1")]
    assert ranked[0].place.country_code == "RU" and ranked[0].features["importance"] == 0.62
    assert gc.candidates("Kursk", feature_class="A", country_codes=["ua"]) == []
    assert gc.geocode("Atlantis") is None
    assert all(path in ("/search", "/reverse") for path, _ in calls)


def test_rerun_sends_no_request(server, tmp_path):
    domain, calls = server
    cache = tmp_path / "cache.sqlite"
    first = make(domain, cache)
    a = first.geocode("Kursk", exactly_one=False)
    r = first.reverse((51.73, 36.19))
    assert first.requests == 2 and len(calls) == 2
    first.close()
    again = make(domain, cache)  # a new process would build exactly this
    assert [loc.raw for loc in again.geocode("Kursk", exactly_one=False)] == [loc.raw for loc in a]
    assert again.reverse("51.73, 36.19").address == r.address
    assert again.requests == 0 and len(calls) == 2


def test_rate_limiter_spaces_requests(server, tmp_path):
    import time

    domain, calls = server
    gc = online_geocoder("nominatim", domain=domain, scheme="http", cache_path=tmp_path / "c.sqlite",
                         min_delay_seconds=0.2)
    t = time.perf_counter()
    gc.geocode("Kursk 1")
    gc.geocode("Kursk 2")
    assert time.perf_counter() - t >= 0.2 and len(calls) == 2


def test_cli_lookup_with_geocoder(server, tmp_path, capsys, monkeypatch):
    domain, calls = server
    monkeypatch.setenv("GEOMAP_GEOCODER_CACHE", str(tmp_path / "cli-cache.sqlite"))
    args = ("gazetteer", "lookup", "Kursk", "--geocoder", "nominatim", "--geocoder-option", f"domain={domain}",
            "--geocoder-option", "scheme=http", "--min-delay", "0")
    assert run_cli(*args) == 0
    first = capsys.readouterr().out
    assert first.splitlines()[0].split("\t")[1] == "Kursk" and len(calls) == 1
    assert run_cli(*args) == 0
    assert capsys.readouterr().out == first and len(calls) == 1


def test_unknown_service():
    from geopy.exc import GeocoderNotFound

    with pytest.raises(GeocoderNotFound):
        online_geocoder("no-such-service")
