"""``geomap serve``: the Geoparser over HTTP (FastAPI + uvicorn, the ``serve`` extra).

Endpoints
---------
Every POST endpoint takes the same articles: one text as ``{"text": …, "id"?, "meta"?,
"format"?: "text"|"html"}``, or several as ``{"articles": [ {…}, … ]}``, beside its own options;
or a ``text/plain`` body, which is the text, with the other fields as query parameters.

``POST /parse``
    one text → one Document (the JSON schema of ``geomap extract``); articles →
    ``{"documents", "errors", "warnings"}``.
``POST /map``
    ``{"text" | "articles", "title"?, "tiles"?, …}`` → a self-contained HTML map.
``POST /filter``
    ``{"text" | "articles", "within"?: "country:UA", "near"?: "Kursk:100km", "area"?, …}`` → per
    article: kept or not, why (``within``/``near`` as the CLI's ``--within``/``--near``; the old
    ``region`` is still read as ``within``).
``GET /geocode?q=Kursk&limit=5&country=RU&feature_class=P``
    → the gazetteer's ranked places for a name.
``GET /health``
    → ``{"status": "ok", …}`` once the model and gazetteer are loaded.
``GET /openapi.json`` (and ``/docs``)
    → the OpenAPI document.

Behaviour
---------
* The spaCy model and the gazetteer load once, at start-up (or on the first request when the
  app runs without its lifespan). Requests of up to :data:`SMALL_CHARS` characters are parsed
  by one worker thread, gathered into batches for ``nlp.pipe`` (up to ``batch_size`` documents
  and :data:`BATCH_CHARS` characters), so the model is never used from two threads at once.
  Larger requests are parsed one at a time in a worker process of their own, started on first
  use and replaced when a parse outlives its request's ``timeout``: one heavy client can
  neither starve the others nor keep the server busy after its requests have timed out.
* Articles are read by :mod:`geomap.ingest`, as the command line reads them (HTML extraction,
  cleaning, limits), in a thread pool: the event loop only moves bytes.
* Bounds: a body over ``max_body`` bytes gets **413** (checked on ``Content-Length`` before
  reading, and while reading chunked bodies); a request holding more than ``max_chars``
  characters of text (an HTML page counts by its visible text) **413**; a body not received
  within ``body_timeout`` seconds **408**; headers not received within ``header_timeout``
  seconds close the connection (``geomap serve``); a malformed body **422**; a request waiting longer than ``timeout`` seconds for its parse
  **504**; more than ``max_pending`` documents queued **503** with ``Retry-After``.
* An article that cannot be read (empty, too long, fields nested too deeply) or parsed is
  reported in ``errors`` (batch) or as **422** (single text); the server goes on serving.
* Offsets index ``Document.text``: for ``"format": "html"`` that is the page's visible text,
  and ``meta.source_offsets`` maps back to the page (see :mod:`geomap.ingest.html`).
* Lone surrogates and control characters are replaced (length kept) and said in ``warnings``
  (header ``X-Geomap-Warning`` for a single text); NaN and Infinity in ``meta`` become null.
* CORS is off unless ``cors_origins`` is given; the CLI listens on 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import dataclasses
import functools
import json
import math
import socket
import sys
import threading
import time
import typing
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, create_model

from .analysis.judge import Match
from .ingest import MAX_TEXT_CHARS, InputError, NestingError, Reader, clean, dumps, json_safe
from .model import Document, Place, Sentence

if TYPE_CHECKING:  # pragma: no cover
    from fastapi import FastAPI

    from .pipeline import Geoparser

__all__ = ["create_app", "make_server", "run_server", "add_parser", "DEFAULT_MAX_BODY", "DEFAULT_MAX_CHARS", "DEFAULT_TIMEOUT",
           "DEFAULT_HEADER_TIMEOUT", "DEFAULT_BODY_TIMEOUT", "MAX_ARTICLES", "SMALL_CHARS", "BATCH_CHARS"]

#: Default request body limit (bytes).
DEFAULT_MAX_BODY = 8 * 1024 * 1024
#: Default limit on the characters of text in one request (the articles' texts together):
#: about 2 s of the parsing worker's time.
DEFAULT_MAX_CHARS = 100_000
#: Default time a request may wait for its parse (seconds).
DEFAULT_TIMEOUT = 30.0
#: Default time a client has to send a request's headers, and then its body (seconds).
DEFAULT_HEADER_TIMEOUT = 10.0
DEFAULT_BODY_TIMEOUT = 30.0
#: Most articles in one request.
MAX_ARTICLES = 1000
#: Most documents queued for parsing at once (beyond: 503).
DEFAULT_MAX_PENDING = 4096
#: Requests with at most this many characters are batched together; larger ones are parsed alone.
SMALL_CHARS = 20_000
#: Most characters in one batch of small requests.
BATCH_CHARS = 50_000


# --------------------------------------------------------------------------- schema

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ArticleIn(_Strict):
    """One article to parse."""

    text: str = Field(description=f"the article text (or HTML page, with format=html); at most {MAX_TEXT_CHARS:,} "
                                  "characters, and the request's texts together at most the server's max_chars")
    id: str | None = None
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


class MapOptions(_Strict):
    """How ``/map`` draws: the options of ``geomap map``."""

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
    approximate_below: float = Field(0.5, ge=0.0, le=1.0, description=(
        "mentions right with probability below this are drawn as approximate (dashed rings, listed apart)"))


class MapTextIn(ArticleIn, MapOptions):
    """One text to map."""


class MapArticlesIn(ArticlesIn, MapOptions):
    """Several articles to map together."""


_SPECS = str | list[str] | None


class FilterOptions(_Strict):
    """Which region ``/filter`` judges by, and how: the options of ``geomap filter``."""

    within: _SPECS = Field(None, examples=["country:UA", "admin1:RU-KRS|bbox:30,44,40,52"],
                           description="as the CLI's --within: country:CC, admin1:CC-XX, bbox:W,S,E,N, "
                                       "near:PLACE:KM, wkt:…; '|' or a list for a union")
    near: _SPECS = Field(None, examples=["Kursk:100km"],
                         description="as the CLI's --near: PLACE:KM, a radius around a place (or a list)")
    region: str | None = Field(None, min_length=1, max_length=100_000, deprecated=True,
                               description="the old name of 'within'")
    area: Literal["majority", "intersects", "within"] = "majority"
    demonyms: bool = False
    min_mentions: int = Field(1, ge=1, le=10_000)
    focus: bool = False
    exclude: bool = False
    documents: bool = Field(False, description="include each parsed document in the result")

    def specs(self) -> list[str]:
        """The region specs asked for (within, near, and the deprecated region), to be joined."""
        def listed(v: str | list[str] | None) -> list[str]:
            return [] if v is None else [v] if isinstance(v, str) else list(v)

        region = self.__dict__.get("region")  # (the attribute would warn that the field is deprecated)
        return ([*listed(self.within), *listed(region)]
                + [f"near:{n.strip()}" for n in listed(self.near)])


class FilterTextIn(ArticleIn, FilterOptions):
    """One text to judge."""


class FilterArticlesIn(ArticlesIn, FilterOptions):
    """Several articles to judge."""


def _articles(body: ArticleIn | ArticlesIn) -> list[ArticleIn]:
    """The request's articles: ``articles``, or the one ``text``."""
    return body.articles if isinstance(body, ArticlesIn) else [body]


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
    gazetteer: dict[str, Any] = Field(description="the store's build: schema_version, built_at, sources "
                                                   "(name, licence), counts (places, by feature class...), attribution")
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
    chars: int = 0
    deadline: float = math.inf  # time.monotonic() after which nobody waits for the result


class _Engine:
    """Two lanes. Small requests are parsed in this process by one worker thread, gathered into
    batches. Large ones are parsed one at a time in a worker process of their own (spawned on
    first use), which is killed and replaced when a parse outlives its request's timeout: a large
    request, however long it takes, neither holds up the small ones nor competes with them for
    the interpreter lock, and its work ends when its caller stops waiting. (A Geoparser that
    cannot be rebuilt in another process, with a pipeline, ranker, aliases or switches of its
    own, parses every request in the small lane.)"""

    def __init__(self, geoparser: "Geoparser", *, batch_size: int = 32, max_pending: int = DEFAULT_MAX_PENDING,
                 small_chars: int = SMALL_CHARS, batch_chars: int = BATCH_CHARS) -> None:
        self.geoparser = geoparser
        self.batch_size = batch_size
        self.max_pending = max_pending
        self.small_chars, self.batch_chars = small_chars, batch_chars
        self.pending = 0
        self.ready = False
        self._queues: dict[str, collections.deque[_Job]] = {"small": collections.deque(), "large": collections.deque()}
        self._cv = threading.Condition()
        self._stopping = False
        self._lock = threading.Lock()
        self._threads: dict[str, threading.Thread] = {}
        self._pool: Any = None  # the large lane's process (a ParseWorker)
        self._spec: Any = None

    def start(self) -> None:
        with self._lock:
            with self._cv:
                self._stopping = False
            for lane in ("small", "large"):
                t = self._threads.get(lane)
                if t is None or not t.is_alive():
                    t = self._threads[lane] = threading.Thread(target=self._run, args=(lane,),
                                                               name=f"geomap-parse-{lane}", daemon=True)
                    t.start()

    def stop(self) -> None:
        with self._lock:
            with self._cv:
                self._stopping = True
                self._cv.notify_all()
            self._threads.clear()
            self._kill_pool()

    def _kill_pool(self) -> None:
        worker, self._pool = self._pool, None
        if worker is not None:
            worker.kill()

    def _large_pool(self) -> Any:
        """The large lane's worker process (:class:`~geomap.parse_worker.ParseWorker`)."""
        g = self.geoparser
        if self._pool is None or not self._pool.alive():
            from .batch import worker_spec
            from .parse_worker import ParseWorker

            self._kill_pool()
            self._spec = worker_spec(g)
            self._pool = ParseWorker(self._spec)
        return self._pool

    def _parse_large(self, job: _Job) -> list[Document | Exception]:
        """One large job, in the worker process until its deadline (then the process is killed)."""
        from .batch import ParseError

        worker = self._large_pool()
        try:
            results = worker.parse([d.text for d in job.docs], self.batch_size, job.deadline)
        except TimeoutError:
            self._kill_pool()  # nobody waits for it any more: stop the work
            return [TimeoutError("parsing took longer than the time limit")] * len(job.docs)
        except (EOFError, OSError) as e:
            self._kill_pool()
            return [RuntimeError(f"the parsing process died ({e})")] * len(job.docs)
        out: list[Document | Exception] = []
        for d, r in zip(job.docs, results):
            if isinstance(r, str):
                out.append(ParseError(r))
            else:
                d.sentences, d.mentions = r
                out.append(d)
        return out

    def load(self) -> None:
        """Load the model and gazetteer and parse one text (the large lane starts on first use)."""
        g = self.geoparser
        g.nlp, g.gazetteer  # noqa: B018 - load once
        self._parse(g, [Document(text="Warm-up: rain fell in Paris, France.")])
        self.ready = True

    def lane(self, chars: int) -> str:
        """Where a request of ``chars`` characters is parsed: the large lane only when the
        Geoparser can be rebuilt in a worker process (``Geoparser.portable``)."""
        return "large" if chars > self.small_chars and getattr(self.geoparser, "portable", False) else "small"

    async def parse(self, docs: list[Document], timeout: float) -> list[Document | Exception]:
        from fastapi import HTTPException

        self.start()
        with self._lock:
            if self.pending + len(docs) > self.max_pending:
                raise HTTPException(503, "too many documents queued; retry later", headers={"Retry-After": "5"})
            self.pending += len(docs)
        loop = asyncio.get_running_loop()
        job = _Job(docs, loop, loop.create_future(), chars=sum(len(d.text) for d in docs),
                   deadline=time.monotonic() + timeout)
        with self._cv:
            self._queues[self.lane(job.chars)].append(job)
            self._cv.notify_all()
        try:
            return await asyncio.wait_for(asyncio.shield(job.future), timeout)
        except asyncio.TimeoutError:
            job.cancelled = True
            raise HTTPException(504, f"parsing took longer than {timeout:g} s") from None

    def _next(self, lane: str) -> list[_Job] | None:
        """The lane's next jobs to parse together (None: stop): one large job, or a batch of
        small ones (up to ``batch_size`` documents and ``batch_chars`` characters)."""
        queue = self._queues[lane]
        with self._cv:
            while not queue:
                if self._stopping:
                    return None
                self._cv.wait()
            if lane == "large":
                return [queue.popleft()]
            jobs, n, chars = [], 0, 0
            while queue and n < self.batch_size and chars < self.batch_chars:
                job = queue.popleft()
                jobs.append(job)
                n, chars = n + len(job.docs), chars + job.chars
            return jobs

    def _run(self, lane: str) -> None:
        while True:
            jobs = self._next(lane)
            if jobs is None:
                return
            live = [j for j in jobs if not j.cancelled and not j.future.done()]
            try:
                if lane == "large":
                    results = self._parse_large(live[0]) if live else []
                else:
                    results = self._parse(self.geoparser, [d for j in live for d in j.docs]) if live else []
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

    def _parse(self, parser: Any, docs: list[Document]) -> list[Document | Exception]:
        if not docs:
            return []
        failed: dict[int, Exception] = {}
        done: dict[int, Document] = {}
        try:
            for d in parser.parse_many(docs, batch_size=self.batch_size,
                                       on_error=lambda d, e: failed.__setitem__(id(d), e)):
                done[id(d)] = d
        except Exception as exc:  # noqa: BLE001 - a batch-level failure: isolate the culprit
            if len(docs) == 1:
                return [exc]
            return [r for d in docs for r in self._parse(parser, [d])]
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

@dataclass
class _Read:
    """The articles of a request as read by :mod:`geomap.ingest`."""

    docs: list[tuple[int, Document]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)


def _read_articles(articles: list[ArticleIn]) -> _Read:
    """Each article through the one reading path (HTML, cleaning, limits), or its error."""
    reader, out = Reader(), _Read()
    for i, a in enumerate(articles):
        rid = clean(a.id)[0] if a.id is not None else None
        try:
            meta, notes = json_safe(a.meta)
        except NestingError as e:
            out.errors.append({"index": i, "id": rid, "reason": f"meta is {e}"})
            continue
        for item in reader.document(a.text, rid, meta, f"articles[{i}]", None, notes, html=a.format == "html"):
            if isinstance(item, InputError):
                (out.warnings if item.is_warning else out.errors).append({"index": i, "id": rid, "reason": item.reason})
            else:
                out.docs.append((i, item.doc))
    return out


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Any:
    from fastapi.responses import Response

    body = dumps(data, separators=(",", ":")).encode("utf-8")
    return Response(body, status_code=status, media_type="application/json", headers=headers)


class _BodyGuard:
    """ASGI middleware: the whole body read before the app runs, within ``max_body`` bytes
    (**413**, by header or while reading) and ``timeout`` seconds (**408**)."""

    def __init__(self, app: Any, max_body: int, timeout: float = DEFAULT_BODY_TIMEOUT) -> None:
        self.app, self.max_body, self.timeout = app, max_body, timeout

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
        chunks: list[bytes] = []
        seen = 0
        try:
            async with asyncio.timeout(self.timeout):
                while True:
                    msg = await receive()
                    if msg["type"] != "http.request":
                        return  # the client went away
                    chunk = msg.get("body", b"")
                    seen += len(chunk)
                    if seen > limit:
                        await _send_json(send, 413, {"detail": f"request body is over the limit of {limit:,} bytes"})
                        return
                    chunks.append(chunk)
                    if not msg.get("more_body", False):
                        break
        except TimeoutError:
            await _send_json(send, 408, {"detail": f"the request body did not arrive within {self.timeout:g} s"})
            return
        body = b"".join(chunks)
        headers = scope.get("headers", ())
        kind = next((v for k, v in headers if k == b"content-type"), b"").split(b";")[0].strip().lower()
        if scope.get("method") == "POST" and kind == b"text/plain":
            try:
                body = _plain_to_json(body, scope.get("query_string", b""))
            except UnicodeDecodeError:
                await _send_json(send, 400, {"detail": "the text/plain body is not UTF-8"})
                return
            kept = [(k, v) for k, v in headers if k not in (b"content-type", b"content-length")]
            scope = {**scope, "headers": [*kept, (b"content-type", b"application/json"),
                                          (b"content-length", str(len(body)).encode())]}
        sent = False

        async def replay() -> dict:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _send_json(send: Any, status: int, data: Any) -> None:
    body = dumps(data).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


_ERRORS = {
    400: {"model": ErrorOut, "description": "the body is not JSON text (e.g. not UTF-8)"},
    408: {"model": ErrorOut, "description": "the request body did not arrive in time"},
    413: {"model": ErrorOut, "description": "request body, or its characters of text, over the limit"},
    422: {"model": ErrorOut, "description": "malformed request"},
    503: {"model": ErrorOut, "description": "overloaded: too many documents queued"},
    504: {"model": ErrorOut, "description": "parsing took longer than the time limit"},
}

_STORY = "Shelling hit Donetsk overnight, officials in Kyiv said; talks went on in Brussels."
_PAGE = ("<!DOCTYPE html><html><head><title>Storm</title></head><body><nav>Home</nav>"
         "<article><p>Snow fell in Oslo and Bergen.</p></article></body></html>")
_TWO = [{"text": _STORY, "id": "ua-1", "meta": {"source": "wire"}}, {"text": "Rain in Lisbon.", "id": "pt-1"}]

#: Request examples of the OpenAPI document (and /docs), by endpoint.
PARSE_EXAMPLES = {"one text": {"text": _STORY, "id": "ua-1"},
                  "an HTML page": {"text": _PAGE, "format": "html"},
                  "several articles": {"articles": _TWO}}
MAP_EXAMPLES = {"one text": {"text": _STORY, "title": "Today's places"},
                "several articles": {"articles": _TWO, "heat": True, "color_by": "country"}}
FILTER_EXAMPLES = {"within a country": {"articles": _TWO, "within": "country:UA"},
                   "near a place": {"text": _STORY, "near": "Kursk:300km", "documents": True},
                   "a union": {"articles": _TWO, "within": ["country:UA", "country:PT"], "focus": True}}


def _request_body(path: str, examples: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A POST body's OpenAPI additions (merged into FastAPI's): the JSON examples, and the
    ``text/plain`` alternative (the text itself, the other fields as query parameters)."""
    query = {"/parse": "", "/map": "?title=Today", "/filter": "?within=country:UA"}[path]
    return {"requestBody": {"content": {
        "application/json": {"examples": {name: {"summary": name, "value": value} for name, value in examples.items()}},
        "text/plain": {
        "schema": {"type": "string", "description": "one text; the other fields (id, within, title…) as query "
                                                    f"parameters, e.g. POST {path}{query}"},
        "example": _STORY}}}}


def _plain_to_json(body: bytes, query: bytes) -> bytes:
    """A ``text/plain`` body as the JSON one it stands for: ``{"text": body, **query parameters}``
    (a parameter given twice becomes a list). Raises ``UnicodeDecodeError`` for a body not in UTF-8."""
    from urllib.parse import parse_qsl

    fields: dict[str, Any] = {}
    for k, v in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
        fields[k] = [*fields[k], v] if isinstance(fields.get(k), list) else [fields[k], v] if k in fields else v
    return dumps({**fields, "text": body.decode("utf-8")}).encode("utf-8")


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
               max_chars: int = DEFAULT_MAX_CHARS, timeout: float = DEFAULT_TIMEOUT,
               body_timeout: float = DEFAULT_BODY_TIMEOUT, cors_origins: tuple[str, ...] | list[str] = (),
               batch_size: int = 32, max_pending: int = DEFAULT_MAX_PENDING) -> "FastAPI":
    """The FastAPI app over ``geoparser`` (default: a new :class:`~geomap.pipeline.Geoparser`).

    See the module docstring for the limits; the header timeout belongs to the server
    (:func:`run_server`)."""
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
    app.add_middleware(_BodyGuard, max_body=max_body, timeout=body_timeout)

    async def parse_articles(articles: list[ArticleIn]) -> tuple[list[tuple[int, Document]], list[dict], list[dict]]:
        def over(chars: int) -> HTTPException:
            return HTTPException(413, f"the request holds {chars:,} characters of text, over the limit of "
                                      f"{max_chars:,}; send fewer or shorter articles per request")

        chars = sum(len(a.text) for a in articles if a.format == "text")  # HTML counts by its visible text
        if chars > max_chars:
            raise over(chars)
        read = await run_in_threadpool(_read_articles, articles)  # HTML extraction off the event loop
        chars = sum(len(d.text) for _, d in read.docs)
        if chars > max_chars:
            raise over(chars)
        results = await engine.parse([d for _, d in read.docs], timeout) if read.docs else []
        if any(isinstance(r, TimeoutError) for r in results):  # the lane gave up at the same deadline
            raise HTTPException(504, f"parsing took longer than {timeout:g} s")
        ok, errors = [], list(read.errors)
        for (i, d), r in zip(read.docs, results):
            if isinstance(r, Document):
                ok.append((i, r))
            else:
                errors.append({"index": i, "id": d.id, "reason": f"could not be parsed: {type(r).__name__}: {r}"})
        errors.sort(key=lambda e: e["index"])
        return ok, errors, read.warnings

    @app.post("/parse", response_model=Union[DocumentOut, BatchOut], responses=_ERRORS,
              summary="Parse one text, or a batch of articles", openapi_extra=_request_body("/parse", PARSE_EXAMPLES))
    async def parse(body: Union[ArticleIn, ArticlesIn]) -> Any:
        """``{"text": …}`` (or a ``text/plain`` body) → its Document; ``{"articles": [...]}`` →
        ``{"documents", "errors", "warnings"}``."""
        if isinstance(body, ArticleIn):
            ok, errors, warnings = await parse_articles([body])
            if errors:
                raise HTTPException(422, errors[0]["reason"])
            note = "; ".join(w["reason"] for w in warnings).encode("ascii", "backslashreplace").decode("ascii")
            headers = {"X-Geomap-Warning": note} if warnings else None
            return await run_in_threadpool(_json, ok[0][1].to_dict(), 200, headers)
        ok, errors, warnings = await parse_articles(body.articles)
        return await run_in_threadpool(lambda: _json({"documents": [d.to_dict() for _, d in ok], "errors": errors,
                                                      "warnings": warnings}))

    json_errors = {code: {"description": r["description"], "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/ErrorOut"}}}} for code, r in _ERRORS.items()}

    @app.post("/map", response_class=HTMLResponse,
              responses={**json_errors, 200: {"content": {"text/html": {"schema": {"type": "string"}}},
                                              "description": "the map page"}},
              summary="An HTML map of the places in one text or many articles",
              openapi_extra=_request_body("/map", MAP_EXAMPLES))
    async def map_(body: Union[MapTextIn, MapArticlesIn]) -> Any:
        from .render import Map

        ok, errors, warnings = await parse_articles(_articles(body))
        opts = body.model_dump(include=set(MapOptions.model_fields))
        opts["tiles"] = None if opts["tiles"] == "none" else opts["tiles"]
        m = Map([d for _, d in ok], **opts)
        try:
            page = await asyncio.wait_for(run_in_threadpool(m.to_html), timeout)
        except asyncio.TimeoutError:
            raise HTTPException(504, f"rendering took longer than {timeout:g} s") from None
        headers = {"X-Geomap-Errors": str(len(errors))}
        return HTMLResponse(page, headers=headers)

    @app.post("/filter", response_model=FilterOut, responses=_ERRORS,
              summary="Which articles have places in a region, and why",
              openapi_extra=_request_body("/filter", FILTER_EXAMPLES))
    async def filter_(body: Union[FilterTextIn, FilterArticlesIn]) -> Any:
        from .analysis import Judge

        specs = body.specs()
        if not specs:
            raise HTTPException(422, "no region: give within (country:UA…) or near (PLACE:KM)")
        try:
            region = await run_in_threadpool(_region, "|".join(s.strip() for s in specs))
        except Exception as e:  # noqa: BLE001 - any bad spec is the client's
            raise HTTPException(422, f"bad region: {e}") from None
        judge = Judge(region, area=body.area, demonyms=body.demonyms, min_mentions=body.min_mentions,
                       focus=body.focus, exclude=body.exclude, store=geoparser.gazetteer)
        ok, errors, warnings = await parse_articles(_articles(body))

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
        return await run_in_threadpool(_json, {"results": results, "kept": kept, "dropped": len(results) - kept,
                                               "errors": errors, "warnings": warnings})

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
        meta = await run_in_threadpool(geoparser.gazetteer.info) if engine.ready else {}
        return {"status": "ok" if engine.ready else "loading", "version": __version__, "model": geoparser.model,
                "gazetteer": meta, "pending": engine.pending}

    return app


# --------------------------------------------------------------------------- CLI

def _header_timeout_protocol(header_timeout: float) -> type:
    """uvicorn's h11 protocol, closing a connection whose request headers have not all arrived
    ``header_timeout`` seconds after it opened (or after its previous response): a client that
    sends headers slowly cannot hold a connection slot for long."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class HeaderTimeoutH11Protocol(H11Protocol):
        _header_timer: asyncio.TimerHandle | None = None

        def _arm(self) -> None:
            self._disarm()
            self._header_timer = self.loop.call_later(header_timeout, self._headers_late)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _headers_late(self) -> None:
            self._header_timer = None
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                self.transport.close()

        def connection_made(self, transport: Any) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def handle_events(self) -> None:
            super().handle_events()
            if self.conn.their_state is not h11.IDLE:
                self._disarm()  # the headers are in

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
                self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

    return HeaderTimeoutH11Protocol


def make_server(app: Any, *, host: str = "127.0.0.1", port: int = 8000,
                header_timeout: float = DEFAULT_HEADER_TIMEOUT, limit_concurrency: int = 256,
                log_level: str = "info") -> Any:
    """A ``uvicorn.Server`` for ``app`` whose connections time out while sending headers."""
    import uvicorn

    config = uvicorn.Config(app, host=host, port=port, log_level=log_level, limit_concurrency=limit_concurrency,
                            timeout_keep_alive=5, http=_header_timeout_protocol(header_timeout))
    return uvicorn.Server(config)


def run_server(app: Any, *, sock: socket.socket | None = None, **kw: Any) -> None:
    """Serve ``app`` (on ``sock`` when given) until interrupted; keywords are :func:`make_server`'s."""
    make_server(app, **kw).run(sockets=[sock] if sock is not None else None)


def _cmd_serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn  # noqa: F401
    except ImportError:
        print("geomap: serve needs the 'serve' extra: pip install 'geomap[serve]'", file=sys.stderr)
        return 2
    from .cli_support import is_quiet, say
    from .pipeline import Geoparser

    if args.host not in ("127.0.0.1", "localhost", "::1"):
        say(args, f"warning: listening on {args.host}, reachable from other machines")
    app = create_app(Geoparser(gazetteer=args.gazetteer), max_body=int(args.max_body_mb * 1024 * 1024),
                     max_chars=args.max_chars, timeout=args.timeout, body_timeout=args.body_timeout,
                     cors_origins=tuple(args.cors or ()))
    run_server(app, host=args.host, port=args.port, header_timeout=args.header_timeout,
               limit_concurrency=args.limit_concurrency, log_level="error" if is_quiet(args) else args.log_level)
    return 0


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``geomap serve``."""
    from .cli_support import add_command

    p = add_command(subparsers, "serve", help="serve parse/map/filter/geocode over HTTP (FastAPI)",
                    description="Serve the geoparser over HTTP: POST /parse, /map and /filter, GET /geocode and "
                                "/health; the OpenAPI document is at /docs.",
                    examples=["geomap serve --port 8000",
                              "curl -H 'Content-Type: text/plain' --data 'Floods hit Porto Alegre.' "
                              "localhost:8000/parse"])
    p.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=8000, help="TCP port to listen on (default: 8000)")
    p.add_argument("--max-body-mb", type=float, default=DEFAULT_MAX_BODY / 1024 / 1024,
                   help="largest request body in MiB (default: %(default)s); larger ones get 413")
    p.add_argument("--max-chars", type=int, default=DEFAULT_MAX_CHARS,
                   help="most characters of text in one request, all its articles together (default: %(default)s); "
                        "more get 413")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                   help="seconds a request may wait for its parse (default: %(default)s); then 504")
    p.add_argument("--header-timeout", type=float, default=DEFAULT_HEADER_TIMEOUT,
                   help="seconds a client has to send a request's headers (default: %(default)s); then the "
                        "connection is closed")
    p.add_argument("--body-timeout", type=float, default=DEFAULT_BODY_TIMEOUT,
                   help="seconds a client has to send a request's body (default: %(default)s); then 408")
    p.add_argument("--cors", action="append", metavar="ORIGIN",
                   help="allow this browser origin (repeatable; default: none)")
    p.add_argument("--limit-concurrency", type=int, default=256,
                   help="connections served at once; beyond, 503 (default: %(default)s)")
    p.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"],
                   help="the server's log level (default: info; error with -q)")
    p.set_defaults(func=_cmd_serve)
    return p
