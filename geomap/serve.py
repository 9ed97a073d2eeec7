"""``geomap serve``: the Geoparser over HTTP (FastAPI + uvicorn, the ``serve`` extra).

Endpoints
---------
``POST /parse``
    ``{"text": …, "id"?, "meta"?, "format"?: "text"|"html"}`` → one Document (the JSON schema of
    ``geomap extract``); ``{"articles": [ {…}, … ]}`` → ``{"documents", "errors", "warnings"}``.
``POST /map``
    ``{"articles": […], "title"?, "tiles"?, …}`` → a self-contained HTML map.
``POST /filter``
    ``{"region": "country:UA", "articles": […], "area"?, "demonyms"?, …}`` → per article: kept or not, why.
``GET /geocode?q=Kursk&limit=5&country=RU&feature_class=P``
    → the gazetteer's ranked places for a name.
``GET /health``
    → ``{"status": "ok", …}`` once the model and gazetteer are loaded.
``GET /openapi.json`` (and ``/docs``)
    → the OpenAPI document.

Behaviour
---------
* The spaCy model and the gazetteer load once, at start-up (or on the first request when the
  app runs without its lifespan). One worker thread parses: concurrent requests are gathered
  into batches for ``nlp.pipe`` (up to ``batch_size`` documents), so the model is never used
  from two threads at once.
* A body over ``max_body`` bytes gets **413** (checked on ``Content-Length`` before reading, and
  while reading chunked bodies); a malformed body **422**; a request waiting longer than
  ``timeout`` seconds for its parse **504**; more than ``max_pending`` documents queued
  **503** with ``Retry-After``. A document that fails to parse is reported in ``errors`` (batch)
  or as **422** (single text); the server goes on serving.
* Offsets index ``Document.text``: for ``"format": "html"`` that is the page's visible text,
  and ``meta.source_offsets`` maps back to the page (see :mod:`geomap.text`).
* Lone surrogates and control characters are replaced (length kept) and said in ``warnings``
  (header ``X-Geomap-Warning`` for a single text).
* CORS is off unless ``cors_origins`` is given; the CLI listens on 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import functools
import json
import math
import queue
import sys
import threading
import typing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, create_model

from .io import MAX_TEXT_CHARS, _scrub
from .filter import Match
from .model import Document, Place, Sentence
from .text import clean, html_to_text

if TYPE_CHECKING:  # pragma: no cover
    from fastapi import FastAPI

    from .pipeline import Geoparser

__all__ = ["create_app", "add_parser", "DEFAULT_MAX_BODY", "DEFAULT_TIMEOUT", "MAX_ARTICLES"]

#: Default request body limit (bytes).
DEFAULT_MAX_BODY = 8 * 1024 * 1024
#: Default time a request may wait for its parse (seconds).
DEFAULT_TIMEOUT = 30.0
#: Most articles in one request.
MAX_ARTICLES = 1000
#: Most documents queued for parsing at once (beyond: 503).
DEFAULT_MAX_PENDING = 4096


# --------------------------------------------------------------------------- schema

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ArticleIn(_Strict):
    """One article to parse."""

    text: str = Field(max_length=MAX_TEXT_CHARS, description="the article text (or HTML page, with format=html)")
    id: str | None = Field(None, max_length=1024)
    meta: dict[str, Any] = Field(default_factory=dict, description="carried into Document.meta unchanged")
    format: Literal["text", "html"] = "text"


class ArticlesIn(_Strict):
    """Several articles, parsed in one batch."""

    articles: list[ArticleIn] = Field(min_length=1, max_length=MAX_ARTICLES)


def _mirror(record: type, name: str) -> type[BaseModel]:
    """A response model with the fields (types and defaults) of the library's dataclass
    ``record``, so that the API's schema cannot drift from what the library returns."""
    hints = typing.get_type_hints(record)
    fields: dict[str, Any] = {
        f.name: (hints[f.name], ... if f.default is dataclasses.MISSING else f.default)
        for f in dataclasses.fields(record)
    }
    return create_model(name, **fields)


PlaceOut = _mirror(Place, "PlaceOut")
SentenceOut = _mirror(Sentence, "SentenceOut")


class MentionOut(BaseModel):
    text: str
    start: int
    end: int
    sentence: int
    kind: str
    place: PlaceOut | None
    score: float
    label: str | None = None


class PlaceGroupOut(PlaceOut):
    mentions: list[int] = Field(description="indices into the document's mentions")


class DocumentOut(BaseModel):
    """A parsed article: offsets index ``text``, and ``text[m.start:m.end] == m.text``."""

    id: str | None
    text: str
    sentences: list[SentenceOut]
    mentions: list[MentionOut]
    places: list[PlaceGroupOut]
    meta: dict[str, Any]


class Problem(BaseModel):
    """A per-article error or warning in a batch."""

    index: int = Field(description="position of the article in the request")
    id: str | None
    reason: str


class BatchOut(BaseModel):
    documents: list[DocumentOut] = Field(description="the parsed articles, in request order, failed ones left out")
    errors: list[Problem]
    warnings: list[Problem]


class MapIn(ArticlesIn):
    title: str | None = Field(None, max_length=300)
    tiles: Literal["none", "OpenStreetMap"] = Field(
        "none", description="'none': offline country outlines only (no network needed to view the map)")
    cluster: bool | None = None
    demonyms: bool = False
    color_by: Literal["article", "country"] = "article"
    group_by: str | None = Field(None, max_length=100)
    heat: bool = False
    choropleth: bool = False
    side_list: bool = True


class FilterIn(ArticlesIn):
    region: str = Field(min_length=1, max_length=100_000, examples=["country:UA", "admin1:RU-KRS|bbox:30,44,40,52"],
                        description="country:CC, admin1:CC-XX, bbox:W,S,E,N, near:PLACE:KM, wkt:…; '|' for a union")
    area: Literal["majority", "intersects", "within"] = "majority"
    demonyms: bool = False
    min_mentions: int = Field(1, ge=1, le=10_000)
    focus: bool = False
    exclude: bool = False
    documents: bool = Field(False, description="include each parsed document in the result")


MatchOut = _mirror(Match, "MatchOut")


class FocusItemOut(BaseModel):
    geonameid: int
    name: str
    country_code: str | None
    feature_code: str
    score: float
    mentions: int


class FocusOut(BaseModel):
    countries: list[FocusItemOut]
    admin1: list[FocusItemOut]
    cities: list[FocusItemOut]


class FilterResult(BaseModel):
    index: int
    id: str | None
    kept: bool
    region: str
    reason: str
    matches: list[MatchOut]
    focus: FocusOut | None = None
    document: DocumentOut | None = None


class FilterOut(BaseModel):
    results: list[FilterResult]
    kept: int
    dropped: int
    errors: list[Problem]
    warnings: list[Problem]


class GeocodeResult(PlaceOut):
    score: float
    matched: str = Field(description="how the place carries the name: name, alt, abbr, core, demonym")


class GeocodeOut(BaseModel):
    query: str
    results: list[GeocodeResult]


class HealthOut(BaseModel):
    status: Literal["ok", "loading"]
    version: str
    model: str
    gazetteer: dict[str, str]
    pending: int


class ErrorOut(BaseModel):
    detail: Any


# --------------------------------------------------------------------------- parsing engine

@dataclass(eq=False)
class _Job:
    docs: list[Document]
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future
    cancelled: bool = False


class _Engine:
    """One worker thread owning the model; requests' documents gathered into batches."""

    def __init__(self, geoparser: "Geoparser", *, batch_size: int = 32, max_pending: int = DEFAULT_MAX_PENDING) -> None:
        self.geoparser = geoparser
        self.batch_size = batch_size
        self.max_pending = max_pending
        self.pending = 0
        self.ready = False
        self._q: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="geomap-parse", daemon=True)
                self._thread.start()

    def stop(self) -> None:
        with self._lock:
            if self._thread is not None:
                self._q.put(None)
                self._thread = None

    def load(self) -> None:
        """Load the model and gazetteer and parse one text (in the worker's batch path)."""
        g = self.geoparser
        g.nlp, g.gazetteer  # noqa: B018 - load once
        self._parse([Document(text="Warm-up: rain fell in Paris, France.")])
        self.ready = True

    async def parse(self, docs: list[Document], timeout: float) -> list[Document | Exception]:
        from fastapi import HTTPException

        self.start()
        with self._lock:
            if self.pending + len(docs) > self.max_pending:
                raise HTTPException(503, "too many documents queued; retry later", headers={"Retry-After": "5"})
            self.pending += len(docs)
        loop = asyncio.get_running_loop()
        job = _Job(docs, loop, loop.create_future())
        self._q.put(job)
        try:
            return await asyncio.wait_for(asyncio.shield(job.future), timeout)
        except asyncio.TimeoutError:
            job.cancelled = True
            raise HTTPException(504, f"parsing took longer than {timeout:g} s") from None

    def _run(self) -> None:
        while True:
            job = self._q.get()
            if job is None:
                return
            jobs, n = [job], len(job.docs)
            while n < self.batch_size:
                try:
                    nxt = self._q.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    self._q.put(None)
                    break
                jobs.append(nxt)
                n += len(nxt.docs)
            live = [j for j in jobs if not j.cancelled and not j.future.done()]
            try:
                results = self._parse([d for j in live for d in j.docs]) if live else []
                self.ready = True
                i = 0
                for j in live:
                    k = len(j.docs)
                    _resolve(j, results[i:i + k])
                    i += k
            except BaseException as exc:  # noqa: BLE001 - never let the worker die
                for j in live:
                    _resolve(j, exc)
            finally:
                with self._lock:
                    self.pending -= sum(len(j.docs) for j in jobs)

    def _parse(self, docs: list[Document]) -> list[Document | Exception]:
        if not docs:
            return []
        failed: dict[int, Exception] = {}
        done: dict[int, Document] = {}
        try:
            for d in self.geoparser.parse_many(docs, batch_size=self.batch_size,
                                               on_error=lambda d, e: failed.__setitem__(id(d), e)):
                done[id(d)] = d
        except Exception as exc:  # noqa: BLE001 - a batch-level failure: isolate the culprit
            if len(docs) == 1:
                return [exc]
            return [r for d in docs for r in self._parse([d])]
        return [done.get(id(d)) or failed.get(id(d)) or RuntimeError("not parsed") for d in docs]


def _resolve(job: _Job, result: Any) -> None:
    def set_result() -> None:
        if not job.future.done():
            if isinstance(result, BaseException):
                job.future.set_exception(result)
            else:
                job.future.set_result(result)

    try:
        job.loop.call_soon_threadsafe(set_result)
    except RuntimeError:  # the loop is gone (client went away and the app shut down)
        pass


# --------------------------------------------------------------------------- helpers

def _finite(value: Any) -> Any:
    """JSON-safe: no NaN/Infinity (Python's json accepts them in requests), no lone surrogates."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def _document(a: ArticleIn, index: int) -> tuple[Document, list[str]]:
    text, notes = a.text, []
    meta = _finite(_scrub(a.meta))
    if a.format == "html":
        h = html_to_text(text)
        text = h.text
        meta = {**meta, "format": "html", "source_offsets": h.runs}
        if h.title and "title" not in meta:
            meta["title"] = h.title
    text, cleaned = clean(text)
    notes.extend(cleaned)
    rid = _scrub(a.id) if a.id is not None else None
    return Document(text=text, id=rid, meta=meta), notes


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Any:
    from fastapi.responses import Response

    body = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
    return Response(body, status_code=status, media_type="application/json", headers=headers)


class _BodyLimit:
    """ASGI middleware: 413 for bodies over ``max_body`` bytes, by header or while reading."""

    def __init__(self, app: Any, max_body: int) -> None:
        self.app, self.max_body = app, max_body

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_body
        for k, v in scope.get("headers", ()):
            if k == b"content-length":
                try:
                    size = int(v)
                except ValueError:
                    size = -1
                if size < 0 or size > limit:
                    status = 413 if size > limit else 400
                    detail = (f"request body of {size:,} bytes is over the limit of {limit:,}" if status == 413
                              else "bad Content-Length header")
                    await _send_json(send, status, {"detail": detail})
                    return
        seen = 0

        async def limited() -> dict:
            nonlocal seen
            msg = await receive()
            if msg.get("type") == "http.request":
                seen += len(msg.get("body", b""))
                if seen > limit:
                    from fastapi import HTTPException

                    raise HTTPException(413, f"request body is over the limit of {limit:,} bytes")
            return msg

        await self.app(scope, limited, send)


async def _send_json(send: Any, status: int, data: Any) -> None:
    body = json.dumps(data).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


_ERRORS = {
    400: {"model": ErrorOut, "description": "the body is not JSON text (e.g. not UTF-8)"},
    413: {"model": ErrorOut, "description": "request body over the limit"},
    422: {"model": ErrorOut, "description": "malformed request"},
    503: {"model": ErrorOut, "description": "overloaded: too many documents queued"},
    504: {"model": ErrorOut, "description": "parsing took longer than the time limit"},
}

_REGION_KINDS = ("country", "admin1", "adm1", "bbox", "near", "wkt")


@functools.lru_cache(maxsize=64)
def _region(spec: str) -> Any:
    """A Region from a spec; never a file path (the server must not read its own files)."""
    from .regions import Region

    parts = [p.strip() for p in spec.split("|") if p.strip()]
    if not parts:
        raise ValueError("empty region")
    regions = []
    for p in parts:
        kind = p.partition(":")[0].strip().lower()
        if kind not in _REGION_KINDS or ":" not in p:
            raise ValueError(f"unknown region {p!r} (use country:CC, admin1:CC-XX, bbox:W,S,E,N, near:PLACE:KM, wkt:…)")
        regions.append(Region.parse(p))
    return functools.reduce(lambda a, b: a | b, regions)


# --------------------------------------------------------------------------- the app

def create_app(geoparser: "Geoparser | None" = None, *, max_body: int = DEFAULT_MAX_BODY,
               timeout: float = DEFAULT_TIMEOUT, cors_origins: tuple[str, ...] | list[str] = (),
               batch_size: int = 32, max_pending: int = DEFAULT_MAX_PENDING) -> "FastAPI":
    """The FastAPI app over ``geoparser`` (default: a new :class:`~geomap.pipeline.Geoparser`)."""
    from contextlib import asynccontextmanager

    from fastapi import FastAPI, HTTPException, Query
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import HTMLResponse, Response
    from starlette.concurrency import run_in_threadpool

    from . import __version__

    if geoparser is None:
        from .pipeline import Geoparser

        geoparser = Geoparser()
    engine = _Engine(geoparser, batch_size=batch_size, max_pending=max_pending)

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        engine.start()
        await run_in_threadpool(engine.load)
        try:
            yield
        finally:
            engine.stop()

    app = FastAPI(
        title="geomap", version=__version__, lifespan=lifespan,
        description="Find the places in news text, geocode them against an offline GeoNames gazetteer, map them.",
    )
    app.state.engine = engine

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Any, exc: RequestValidationError) -> Any:
        # FastAPI's own handler echoes each bad input back: large, and a lone surrogate in it
        # cannot be encoded (a 500). Say where and what, escaped as ASCII, without the input.
        errors = [{k: v for k, v in e.items() if k in ("type", "loc", "msg")} for e in exc.errors()]
        body = json.dumps({"detail": errors}, ensure_ascii=True, default=str).encode()
        return Response(body, status_code=422, media_type="application/json")
    if cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["*"])
    app.add_middleware(_BodyLimit, max_body=max_body)

    async def parse_articles(articles: list[ArticleIn]) -> tuple[list[tuple[int, Document]], list[dict], list[dict]]:
        docs, warnings = [], []
        for i, a in enumerate(articles):
            d, notes = _document(a, i)
            docs.append(d)
            warnings.extend({"index": i, "id": d.id, "reason": n} for n in notes)
        results = await engine.parse(docs, timeout)
        ok, errors = [], []
        for i, r in enumerate(results):
            if isinstance(r, Document):
                ok.append((i, r))
            else:
                errors.append({"index": i, "id": docs[i].id, "reason": f"could not be parsed: {type(r).__name__}: {r}"})
        return ok, errors, warnings

    @app.post("/parse", response_model=Union[DocumentOut, BatchOut], responses=_ERRORS,
              summary="Parse one text, or a batch of articles")
    async def parse(body: Union[ArticleIn, ArticlesIn]) -> Any:
        """One text → its Document; ``{"articles": [...]}`` → ``{"documents", "errors", "warnings"}``."""
        if isinstance(body, ArticleIn):
            ok, errors, warnings = await parse_articles([body])
            if errors:
                raise HTTPException(422, errors[0]["reason"])
            headers = {"X-Geomap-Warning": "; ".join(w["reason"] for w in warnings)} if warnings else None
            return _json(ok[0][1].to_dict(), headers=headers)
        ok, errors, warnings = await parse_articles(body.articles)
        return _json({"documents": [d.to_dict() for _, d in ok], "errors": errors, "warnings": warnings})

    json_errors = {code: {"description": r["description"], "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/ErrorOut"}}}} for code, r in _ERRORS.items()}

    @app.post("/map", response_class=HTMLResponse,
              responses={**json_errors, 200: {"content": {"text/html": {"schema": {"type": "string"}}},
                                              "description": "the map page"}},
              summary="An HTML map of the places in the articles")
    async def map_(body: MapIn) -> Any:
        from .render import Map

        ok, errors, warnings = await parse_articles(body.articles)
        opts = body.model_dump(exclude={"articles"})
        opts["tiles"] = None if opts["tiles"] == "none" else opts["tiles"]
        m = Map([d for _, d in ok], **opts)
        try:
            page = await asyncio.wait_for(run_in_threadpool(m.to_html), timeout)
        except asyncio.TimeoutError:
            raise HTTPException(504, f"rendering took longer than {timeout:g} s") from None
        headers = {"X-Geomap-Errors": str(len(errors))}
        return HTMLResponse(page, headers=headers)

    @app.post("/filter", response_model=FilterOut, responses=_ERRORS,
              summary="Which articles have places in a region, and why")
    async def filter_(body: FilterIn) -> Any:
        from .filter import _Judge

        try:
            region = await run_in_threadpool(_region, body.region.strip())
        except Exception as e:  # noqa: BLE001 - any bad spec is the client's
            raise HTTPException(422, f"bad region: {e}") from None
        judge = _Judge(region, area=body.area, demonyms=body.demonyms, min_mentions=body.min_mentions,
                       focus=body.focus, exclude=body.exclude, store=geoparser.gazetteer)
        ok, errors, warnings = await parse_articles(body.articles)

        def judge_all() -> list[dict]:
            out = []
            for i, d in ok:
                why = judge(d).to_dict()
                row = {"index": i, "id": d.id, **why}
                if body.documents:
                    row["document"] = d.to_dict()
                out.append(row)
            return out

        results = await run_in_threadpool(judge_all)
        kept = sum(r["kept"] for r in results)
        return _json({"results": results, "kept": kept, "dropped": len(results) - kept, "errors": errors,
                      "warnings": warnings})

    @app.get("/geocode", response_model=GeocodeOut, responses=_ERRORS, summary="Places called a name, best first")
    async def geocode(q: str = Query(min_length=1, max_length=200, description="a place name"),
                      limit: int = Query(5, ge=1, le=100),
                      country: str | None = Query(None, max_length=200, description="ISO2 codes, comma-separated"),
                      feature_class: str | None = Query(None, pattern=r"^[AHLPRSTUVahlprstuv,]{1,20}$",
                                                        description="GeoNames feature classes, e.g. P or A,P")) -> Any:
        from .gazetteer.geocoder import Gazetteer

        gz = Gazetteer(geoparser.gazetteer)
        query = clean(q)[0]
        ranked = await run_in_threadpool(gz.candidates, query, country_codes=country, feature_class=feature_class,
                                         limit=limit)
        return _json({"query": query, "results": [{**r.place.to_dict(), "score": round(r.score, 4),
                                                   "matched": r.matched} for r in ranked]})

    @app.get("/health", response_model=HealthOut, summary="Whether the model and gazetteer are loaded")
    async def health() -> Any:
        meta = {}
        if engine.ready:
            meta = {str(k): str(v) for k, v in geoparser.gazetteer.meta().items()}
        return {"status": "ok" if engine.ready else "loading", "version": __version__, "model": geoparser.model,
                "gazetteer": meta, "pending": engine.pending}

    return app


# --------------------------------------------------------------------------- CLI

def _cmd_serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn
    except ImportError:
        print("geomap: serve needs the 'serve' extra: pip install 'geomap[serve]'", file=sys.stderr)
        return 2
    from .pipeline import Geoparser

    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"geomap: warning: listening on {args.host}, reachable from other machines", file=sys.stderr)
    app = create_app(Geoparser(gazetteer=args.gazetteer), max_body=int(args.max_body_mb * 1024 * 1024),
                     timeout=args.timeout, cors_origins=tuple(args.cors or ()))
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level,
                limit_concurrency=args.limit_concurrency, timeout_keep_alive=5)
    return 0


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``geomap serve``."""
    p = subparsers.add_parser("serve", help="serve parse/map/filter/geocode over HTTP (FastAPI)")
    p.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--max-body-mb", type=float, default=DEFAULT_MAX_BODY / 1024 / 1024,
                   help="largest request body in MiB (default: %(default)s); larger ones get 413")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                   help="seconds a request may wait for its parse (default: %(default)s); then 504")
    p.add_argument("--cors", action="append", metavar="ORIGIN", help="allow this browser origin (repeatable); off by default")
    p.add_argument("--limit-concurrency", type=int, default=256,
                   help="connections served at once; beyond, 503 (default: %(default)s)")
    p.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    p.set_defaults(func=_cmd_serve)
    return p
