"""``geomap serve``: each endpoint, limits (413/422), schemathesis over the OpenAPI document,
and a batch of 1,000 bad records mixed with good ones (nothing lost, nothing changed)."""

from __future__ import annotations

import json
import random
import warnings

import pytest

fastapi = pytest.importorskip("fastapi")
warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)

from fastapi.testclient import TestClient  # noqa: E402

from geomap.serve import create_app  # noqa: E402

MAX_BODY = 200_000


@pytest.fixture(scope="module")
def app(geoparser):
    return create_app(geoparser, max_body=MAX_BODY, timeout=60)


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app) as c:  # runs the lifespan: the model loads once, here
        yield c


def test_health_and_openapi(client):
    r = client.get("/health")
    assert r.status_code == 200 and r.json()["status"] == "ok" and r.json()["gazetteer"]["schema_version"]
    spec = client.get("/openapi.json").json()
    assert set(spec["paths"]) == {"/parse", "/map", "/filter", "/geocode", "/health"}
    assert "DocumentOut" in spec["components"]["schemas"]


def test_parse_one_text_and_a_batch(client, geoparser):
    text = "Floods hit Porto Alegre in Brazil."
    r = client.post("/parse", json={"text": text, "id": "n1", "meta": {"url": "https://x"}})
    assert r.status_code == 200
    doc = r.json()
    assert doc == geoparser.parse(text, id="n1", meta={"url": "https://x"}).to_dict()
    assert {m["text"] for m in doc["mentions"]} >= {"Porto Alegre", "Brazil"}
    r = client.post("/parse", json={"articles": [{"text": "Rain in Lima."}, {"text": "Talks in Doha, Qatar.", "id": "b"}]})
    body = r.json()
    assert r.status_code == 200 and body["errors"] == [] and [d["id"] for d in body["documents"]] == [None, "b"]


def test_parse_html_and_cleaning(client):
    page = "<html><body><h1>Storm</h1><p>Snow fell in Oslo &amp; Bergen.</p><script>x='Paris'</script></body></html>"
    doc = client.post("/parse", json={"text": page, "format": "html"}).json()
    assert doc["text"] == "Storm\n\nSnow fell in Oslo & Bergen." and doc["meta"]["format"] == "html"
    for m in doc["mentions"]:
        assert doc["text"][m["start"]:m["end"]] == m["text"]
    r = client.post("/parse", json={"text": "Rain in Lima.\x00\x07"})
    assert r.status_code == 200 and "control" in r.headers["x-geomap-warning"]
    assert r.json()["text"] == "Rain in Lima.  "


def test_limits_and_malformed_bodies_then_still_serving(client):
    r = client.post("/parse", content=b"{" + b" " * MAX_BODY + b"}", headers={"content-type": "application/json"})
    assert r.status_code == 413 and "limit" in r.json()["detail"]

    def chunks():  # no Content-Length: counted while reading
        for _ in range(MAX_BODY // 1000 + 2):
            yield b" " * 1000

    r = client.post("/parse", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413
    for body in (b"{not json", b"[1, 2]", b'{"text": 5}', b'{"articles": []}', b'{"text": "x", "bogus": 1}',
                 b'{"articles": [{"text": "ok"}, {"id": "no text"}]}'):
        r = client.post("/parse", content=body, headers={"content-type": "application/json"})
        assert r.status_code == 422, body
        assert "detail" in r.json()
    r = client.post("/parse", content=b"\xff\xfe\x00", headers={"content-type": "application/json"})
    assert r.status_code == 400  # not JSON text at all (FastAPI's wording)
    assert client.post("/filter", json={"region": "/etc/passwd", "articles": [{"text": "x"}]}).status_code == 422
    assert client.post("/filter", json={"region": "country:ZZZ", "articles": [{"text": "x"}]}).status_code == 422
    assert client.get("/geocode").status_code == 422
    assert client.get("/geocode", params={"q": "Kursk", "limit": 0}).status_code == 422
    assert client.get("/health").json()["status"] == "ok"
    assert client.post("/parse", json={"text": "Rain in Lima."}).status_code == 200


def test_map_filter_geocode(client):
    arts = [{"text": "Shelling hit Donetsk in Ukraine.", "id": "ua"}, {"text": "Rain in Lisbon.", "id": "pt"},
            {"text": "<script>alert('x')</script> in Kyiv", "id": "<b>evil</b>"}]
    r = client.post("/map", json={"articles": arts, "title": "News <map>"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "<script>alert('x')</script>" not in r.text and "<b>evil</b>" not in r.text
    assert client.post("/map", json={"articles": arts, "approximate_below": 1.5}).status_code == 422
    r = client.post("/filter", json={"region": "country:UA", "articles": arts, "documents": True})
    body = r.json()
    assert r.status_code == 200 and body["kept"] == 2 and body["dropped"] == 1
    assert [(x["id"], x["kept"]) for x in body["results"]] == [("ua", True), ("pt", False), ("<b>evil</b>", True)]
    assert body["results"][0]["document"]["id"] == "ua" and body["results"][0]["matches"]
    r = client.get("/geocode", params={"q": "Kursk", "limit": 3, "country": "RU"})
    res = r.json()["results"]
    assert r.status_code == 200 and 0 < len(res) <= 3 and all(p["country_code"] == "RU" for p in res)
    assert client.get("/geocode", params={"q": "Xqzzyville"}).json()["results"] == []


def test_cors_off_by_default_and_on_when_asked(geoparser, client):
    r = client.options("/parse", headers={"Origin": "https://dash.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in r.headers
    with TestClient(create_app(geoparser, cors_origins=["https://dash.example"])) as c:
        r = c.options("/parse", headers={"Origin": "https://dash.example", "Access-Control-Request-Method": "POST"})
        assert r.headers["access-control-allow-origin"] == "https://dash.example"


def test_timeout_gives_504_and_overload_503(geoparser):
    import time

    class Slow:
        model = geoparser.model
        gazetteer = geoparser.gazetteer
        nlp = geoparser.nlp

        def parse_many(self, docs, **kw):
            time.sleep(0.5)
            return geoparser.parse_many(docs, **kw)

    app = create_app(Slow(), timeout=0.1, max_pending=1)  # type: ignore[arg-type]
    with TestClient(app) as c:
        r = c.post("/parse", json={"text": "Rain in Lima."})
        assert r.status_code == 504
        r = c.post("/parse", json={"articles": [{"text": "a"}, {"text": "b"}]})
        assert r.status_code == 503 and r.headers["retry-after"]


# --------------------------------------------------------------------------- schemathesis

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402


OPERATIONS = ["POST /parse", "POST /map", "POST /filter", "GET /geocode", "GET /health"]


@pytest.mark.parametrize(("label", "mode"), [(op, mode) for op in OPERATIONS for mode in ("positive", "negative")
                                             if not (op == "GET /health" and mode == "negative")])  # nothing to break
def test_openapi_no_5xx_no_schema_violation(app, client, label, mode):
    """schemathesis over the served OpenAPI document, bounded examples per operation and mode."""
    from hypothesis import given
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    ops = {f"{r.ok().method.upper()} {r.ok().path}": r.ok() for r in schema.get_all_operations()}
    assert set(ops) == set(OPERATIONS)
    op = ops[label]
    gm = GenerationMode.POSITIVE if mode == "positive" else GenerationMode.NEGATIVE
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    n = 6 if label == "POST /map" else 25

    @given(case=op.as_strategy(generation_mode=gm))
    @settings(max_examples=n, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
              database=None)
    def run(case):
        case.call_and_validate(session=client, checks=checks)

    run()


# --------------------------------------------------------------------------- bad records mixed with good ones

def _bad_line(rng: random.Random, i: int) -> bytes:
    kind = i % 10
    if kind == 0:
        return b"{broken json " + str(i).encode()
    if kind == 1:
        return json.dumps([i, "not an object"]).encode()
    if kind == 2:
        return json.dumps({"id": f"bad{i}", "title": "no text"}).encode()
    if kind == 3:
        return json.dumps({"id": f"bad{i}", "text": i}).encode()
    if kind == 4:
        return json.dumps({"id": f"bad{i}", "text": ""}).encode()
    if kind == 5:
        return json.dumps({"id": f"bad{i}", "text": " \t\u3000\n" * rng.randint(1, 5)}).encode()
    if kind == 6:
        return bytes(rng.randrange(256) for _ in range(rng.randint(1, 60))).replace(b"\n", b"").replace(b"\r", b"") or b"\xff"
    if kind == 7:
        return b'{"id": "bad%d", "text": "unterminated' % i
    if kind == 8:
        return b"null"
    return json.dumps({"id": f"bad{i}", "text": None}).encode()


GOOD = ["Floods hit Porto Alegre in Brazil.", "Talks resumed in Doha, Qatar.", "Protests spread from Minsk to Brest.",
        "Troops moved into the Kursk region, Russia.", "Rain in Lima and snow in Oslo.", "Nothing happened today.",
        "Shelling hit Donetsk and Kharkiv in Ukraine.", "The summit in Nairobi, Kenya, ended."]


def test_1000_bad_records_mixed_with_good_ones(tmp_path, geoparser):
    from geomap.cli import main

    rng = random.Random(9)
    lines, good, bad = [], {}, set()
    for i in range(1000):
        lines.append(_bad_line(rng, i))
        bad.add(len(lines))
        if i % 10 == 0:
            rec = {"id": f"good{i}", "text": rng.choice(GOOD), "n": i}
            lines.append(json.dumps(rec).encode())
            good[rec["id"]] = rec
    src = tmp_path / "mixed.jsonl"
    src.write_bytes(b"\n".join(lines) + b"\n")
    out, errs = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    assert main(["extract", str(src), "-o", str(out), "--errors", str(errs)]) == 1
    docs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    report = [json.loads(x) for x in errs.read_text(encoding="utf-8").splitlines()]
    errors = [r for r in report if r["level"] == "error"]
    assert {r["line"] for r in errors} == bad and len(errors) == 1000
    assert all(r["reason"] and r["source"] == str(src) for r in errors)
    assert [d["id"] for d in docs] == list(good)
    assert len(docs) + len(errors) == len(lines)  # input = output + errors
    for d in docs:  # each good record comes out as it does alone
        rec = good[d["id"]]
        alone = geoparser.parse(rec["text"], id=rec["id"], meta={"n": rec["n"]}).to_dict()
        assert d == alone
    # and through the service: the good ones in a batch give the same documents
    with TestClient(create_app(geoparser)) as c:
        arts = [{"id": k, "text": v["text"], "meta": {"n": v["n"]}} for k, v in good.items()]
        body = c.post("/parse", json={"articles": arts}).json()
        assert body["documents"] == docs


# --------------------------------------------------------------------------- issue 18: bounds and one reading path

def test_lone_surrogates_are_replaced_and_said_not_refused(client):
    r = client.post("/parse", content=b'{"text": "Paris \\ud800 is in France."}',
                    headers={"content-type": "application/json"})
    assert r.status_code == 200 and "lone surrogate" in r.headers["x-geomap-warning"]
    assert r.json()["text"] == "Paris \ufffd is in France."
    body = b'{"articles": [{"text": "Rain in Lima."}, {"text": "Rome \\udc00", "id": "x\\ud800", "meta": {"k": "\\ud801"}}]}'
    r = client.post("/parse", content=body, headers={"content-type": "application/json"})
    out = r.json()
    assert r.status_code == 200 and out["errors"] == [] and len(out["documents"]) == 2
    assert out["documents"][1]["id"] == "x\ufffd" and out["documents"][1]["meta"] == {"k": "\ufffd"}
    assert {w["index"] for w in out["warnings"]} == {1}


def test_deeply_nested_meta_is_one_articles_error(client):
    deep = "[" * 500 + "]" * 500
    body = ('{"articles": [{"text": "Rain in Lima.", "meta": {"a": ' + deep + '}}, {"text": "Snow in Oslo."}]}')
    r = client.post("/parse", content=body.encode(), headers={"content-type": "application/json"})
    out = r.json()
    assert r.status_code == 200 and [d["text"] for d in out["documents"]] == ["Snow in Oslo."]
    assert out["errors"] == [{"index": 0, "id": None, "reason": "meta is nested deeper than 100 levels"}]
    r = client.post("/parse", json={"text": "  "})
    assert r.status_code == 422 and "whitespace" in r.json()["detail"]


def test_a_request_over_the_character_limit_gets_413(geoparser):
    with TestClient(create_app(geoparser, max_chars=100)) as c:
        r = c.post("/parse", json={"articles": [{"text": "Rain in Lima. " * 4}, {"text": "Snow in Oslo. " * 4}]})
        assert r.status_code == 413 and "112 characters" in r.json()["detail"]
        assert c.post("/parse", json={"text": "Rain in Lima."}).status_code == 200


def test_a_body_that_does_not_arrive_in_time_gets_408():
    import asyncio

    from geomap.serve import _BodyGuard

    async def never_called(scope, receive, send):
        raise AssertionError("the app ran without its body")

    sent = []

    async def receive():
        if not sent:
            sent.append("chunk")
            return {"type": "http.request", "body": b'{"te', "more_body": True}
        await asyncio.Event().wait()  # the rest never comes

    async def send(msg):
        sent.append(msg)

    guard = _BodyGuard(never_called, max_body=1000, timeout=0.05)
    asyncio.run(guard({"type": "http", "headers": []}, receive, send))
    assert sent[1]["status"] == 408 and b"did not arrive" in sent[2]["body"]


def test_small_requests_are_parsed_in_their_own_lane_beside_large_ones():
    """Small requests are batched in one lane; large ones go to the other lane, one at a time,
    so a long parse never holds up the small requests."""
    import asyncio

    from geomap.model import Document
    from geomap.serve import _Engine, _Job

    engine = _Engine(object(), batch_size=4, small_chars=100, batch_chars=300)  # type: ignore[arg-type]
    loop = asyncio.new_event_loop()

    def job(name: str, chars: int, n: int = 1) -> None:
        j = _Job([Document(text="x" * chars) for _ in range(n)], loop, loop.create_future(), chars=chars * n)
        j.name = name  # type: ignore[attr-defined]
        engine._queues["small" if j.chars <= engine.small_chars else "large"].append(j)

    def take(lane: str) -> list[str]:
        return [j.name for j in engine._next(lane)]  # type: ignore[attr-defined]

    job("L1", 5000), job("s1", 10), job("s2", 10, n=3), job("s3", 10), job("L2", 5000), job("s4", 90)
    job("s5", 90), job("s6", 90), job("s7", 90)
    assert take("small") == ["s1", "s2"]  # four documents: a full batch
    assert take("small") == ["s3", "s4", "s5", "s6"]  # up to 300 characters: the batch that passes them
    assert take("large") == ["L1"] and take("large") == ["L2"]
    assert take("small") == ["s7"]
    loop.close()


def test_only_a_geoparser_another_process_can_rebuild_gets_the_large_lane(geoparser, store):
    from geomap.pipeline import Geoparser
    from geomap.serve import _Engine

    assert geoparser.portable and _Engine(geoparser, small_chars=100).lane(101) == "large"
    switched = Geoparser(gazetteer=store, disable=["same-name"])
    assert not switched.portable and _Engine(switched, small_chars=100).lane(101) == "small"
    assert _Engine(geoparser, small_chars=100).lane(100) == "small"


def test_articles_are_read_off_the_event_loop(geoparser, monkeypatch):
    import asyncio

    import geomap.serve as serve

    seen = []
    real = serve._read_articles

    def spy(articles):
        try:
            asyncio.get_running_loop()
            seen.append("event loop")
        except RuntimeError:
            seen.append("worker thread")
        return real(articles)

    monkeypatch.setattr(serve, "_read_articles", spy)
    page = "<html><body><p>Snow fell in Oslo.</p></body></html>"
    with TestClient(create_app(geoparser)) as c:
        assert c.post("/parse", json={"text": page, "format": "html"}).status_code == 200
    assert seen == ["worker thread"]


def test_slow_headers_lose_their_connection_and_others_are_served(geoparser):
    """A client that sends its headers too slowly is cut off after the header timeout; real
    requests are served meanwhile (a loopback server, uvicorn)."""
    import socket
    import threading

    import httpx

    from geomap.serve import make_server

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = make_server(create_app(geoparser), header_timeout=0.5, log_level="error")
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        for _ in range(200):
            if server.started:
                break
            threading.Event().wait(0.05)
        slow = [socket.create_connection(("127.0.0.1", port), timeout=20) for _ in range(20)]
        for s in slow:
            s.sendall(b"POST /parse HTTP/1.1\r\nHost: x\r\n")  # and never the rest
        r = httpx.post(f"http://127.0.0.1:{port}/parse", json={"text": "Rain in Lima."}, timeout=20)
        assert r.status_code == 200
        for s in slow:
            assert s.recv(100) == b""  # closed by the server
            s.close()
    finally:
        server.should_exit = True
        thread.join(20)


def test_a_large_request_past_its_timeout_gets_504_and_its_work_is_stopped(geoparser):
    """Large requests are parsed in a worker process of their own; when the caller has stopped
    waiting (504), the process is killed, not left parsing."""
    import time

    app = create_app(geoparser, timeout=0.5)
    engine = app.state.engine
    with TestClient(app) as c:
        r = c.post("/parse", json={"text": "Rain fell over Lima and Quito. " * 800})  # 24,800 characters
        assert r.status_code == 504
        for _ in range(600):  # the lane notices the deadline passed
            if engine.pending == 0:
                break
            time.sleep(0.05)
        assert engine.pending == 0 and engine._pool is None
        assert c.post("/parse", json={"text": "Rain in Lima."}).status_code == 200


def test_a_large_request_parsed_in_the_worker_process_equals_the_library(geoparser):
    text = "The weather was calm all day. " * 700 + "Floods hit Porto Alegre in Brazil."
    assert len(text) > 20_000  # the large lane
    with TestClient(create_app(geoparser, timeout=120)) as c:
        r = c.post("/parse", json={"text": text, "id": "big"})
        assert r.status_code == 200
        assert r.json() == geoparser.parse(text, id="big").to_dict()
        assert c.app.state.engine._pool is not None


def test_an_html_page_counts_by_its_visible_text(geoparser):
    page = "<html><head><style>" + "p{color:red}" * 2000 + "</style></head><body><p>Snow fell in Oslo.</p></body></html>"
    assert len(page) > 20_000
    with TestClient(create_app(geoparser, max_chars=1000)) as c:
        r = c.post("/parse", json={"text": page, "format": "html"})
        assert r.status_code == 200 and r.json()["text"] == "Snow fell in Oslo."
        r = c.post("/parse", json={"text": "<p>" + "Rain. " * 400 + "</p>", "format": "html"})
        assert r.status_code == 413 and "2,399 characters" in r.json()["detail"]


# --------------------------------------------------------------------------- one vocabulary (issue 20)

STORY = "Shelling hit Donetsk overnight, officials in Kyiv said."


@pytest.mark.parametrize("path", ["/parse", "/map", "/filter"])
def test_every_endpoint_takes_text_or_articles_and_text_plain(client, path):
    extra = {"within": "country:UA"} if path == "/filter" else {}
    one = client.post(path, json={"text": STORY, **extra})
    many = client.post(path, json={"articles": [{"text": STORY}], **extra})
    plain = client.post(path, content=STORY.encode(), params=extra,
                        headers={"content-type": "text/plain; charset=utf-8"})
    assert one.status_code == many.status_code == plain.status_code == 200, (one.text, plain.text)
    if path == "/parse":
        assert one.json() == plain.json() and many.json()["documents"] == [one.json()]
    elif path == "/filter":
        assert one.json()["kept"] == many.json()["kept"] == plain.json()["kept"] == 1
    else:
        assert "Donetsk" in plain.text and "Donetsk" in one.text


def test_text_plain_that_is_not_utf8_is_a_400(client):
    r = client.post("/parse", content=b"Rain in \xff Lima", headers={"content-type": "text/plain"})
    assert r.status_code == 400 and "UTF-8" in r.json()["detail"]


def test_filter_speaks_within_and_near_as_the_cli_and_still_reads_region(client):
    arts = [{"text": STORY, "id": "ua"}, {"text": "Rain in Lisbon.", "id": "pt"}]

    def kept(**region):
        r = client.post("/filter", json={"articles": arts, **region})
        assert r.status_code == 200, r.text
        return [x["id"] for x in r.json()["results"] if x["kept"]]

    assert kept(within="country:UA") == kept(region="country:UA") == ["ua"]
    assert kept(within=["country:UA", "country:PT"]) == ["ua", "pt"]
    assert kept(near="Lisbon:50km") == ["pt"]
    assert kept(near="Lisbon:50km", within="country:UA") == ["ua", "pt"]
    r = client.post("/filter", json={"articles": arts})
    assert r.status_code == 422 and "within" in r.json()["detail"]


def test_health_gives_real_json_objects(client):
    gz = client.get("/health").json()["gazetteer"]
    assert isinstance(gz["sources"], list) and isinstance(gz["sources"][0], dict) and gz["sources"][0]["name"]
    assert isinstance(gz["counts"], dict) and gz["counts"]["places"] > 0


def test_openapi_has_request_examples_that_the_server_accepts(client):
    spec = client.get("/openapi.json").json()
    for path in ("/parse", "/map", "/filter"):
        body = spec["paths"][path]["post"]["requestBody"]["content"]
        assert "text/plain" in body
        examples = body["application/json"]["examples"]
        assert len(examples) >= 2
        for ex in examples.values():
            assert client.post(path, json=ex["value"]).status_code == 200, (path, ex)
