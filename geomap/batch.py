"""Streaming over many documents: processes, progress, resumable output, Dask.

The same :class:`~geomap.pipeline.Geoparser` as everywhere else, fed in chunks, in constant memory:

* **Order.** Inputs are cut into chunks (the first ones small, so the first document comes
  out fast, then ``batch_size`` documents or :data:`CHUNK_CHARS` characters); chunks go to an
  engine and come back in input order, so :func:`run_batch` yields documents in the order
  they came in, whatever the engine.
* **Bounded.** At most a few chunks per worker are in flight; the reader is pulled only as
  results are consumed, so memory does not grow with the input.
* **Engines.** ``workers=1``: in this process. ``workers=N``: a pool of N processes
  (``concurrent.futures``); each loads the spaCy model and opens the gazetteer once (a
  per-process cache) when it starts. The gazetteer is a read-only SQLite file: every process
  maps the same file, shared by the OS page cache, not copied. Workers get texts and send back
  sentences and mentions only. ``engine="dask"``: the chunks become partitions of a
  ``dask.bag`` computed on a ``distributed`` cluster (a ``LocalCluster`` of ``workers``
  processes, one thread each, when no ``scheduler`` address is given); each Dask worker
  process loads the model once, through the same cache. All engines run the same function on
  the same chunks: their outputs are identical.
* **Errors.** An unreadable record (an :class:`~geomap.ingest.InputError`) keeps its place in the
  stream; a document the pipeline fails on becomes a :class:`ParseError` in its place (when
  spaCy fails on a whole batch, its documents are retried one at a time to find the bad one).
  Every input record comes out exactly once, as a document or as an error.
* **Caching.** Each process keeps a per-run cache of gazetteer lookups keyed by the surface
  string and the lookup's context (:class:`~geomap.pipeline.LookupCache`), in front of the
  store's own cache.

Resumable output (``geomap extract -o OUT``)
--------------------------------------------
:class:`ResumableJSONL` writes ``OUT.part`` (the JSON lines so far), ``OUT.part.errors`` (the
error report so far) and ``OUT.part.json`` (the checkpoint: how many input items were
consumed, the byte length of both files at that point, the counters, and a fingerprint of the
inputs and options). Every ``batch_size`` records, the new lines are appended, flushed and
``fsync``-ed, and only then is the checkpoint replaced (written to a temporary file, fsync-ed,
``os.replace``-d): a checkpoint never counts bytes that are not on disk. ``--resume`` reads
the checkpoint, truncates both files to its byte lengths (dropping whatever a killed run
wrote after it, a partial last line included), skips the consumed input items (still read,
never parsed) and goes on appending. At the end, ``OUT.part`` is renamed to ``OUT`` (an
atomic ``os.replace``) and the side files are removed; until then, ``OUT`` itself is never
half-written. The output of an interrupted and resumed run is byte-identical to that of one
uninterrupted run; the worker count and engine may differ between the two runs.
"""

from __future__ import annotations

import collections
import hashlib
import itertools
import json
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Callable, ClassVar, Iterable, Iterator, Sequence

from .ingest import InputError, Record, as_document, dumps
from .ingest.sources import expand
from .model import Document
from .pipeline import DEFAULT_MODEL, Geoparser

__all__ = ["run_batch", "iter_outcomes", "Outcome", "ParseError", "Stats", "Progress", "ResumableJSONL",
           "fingerprint", "input_state", "parse_texts", "worker_spec", "init_worker", "DEFAULT_BATCH_SIZE", "ENGINES"]

#: Documents per chunk (one task for a worker; one checkpoint for --resume).
DEFAULT_BATCH_SIZE = 128
#: The first chunks are smaller (1, 2, 4…) so that the first document comes out fast.
FIRST_CHUNK = 1
#: ...and hold at most about this many characters (long articles: smaller chunks, balanced workers).
CHUNK_CHARS = 60_000
ENGINES = ("local", "dask")


class ParseError(Exception):
    """The pipeline failed on a document; the message is the original error's."""


@dataclass(slots=True)
class Outcome:
    """What became of one input item: a parsed document, or an error (or a warning) in its place."""

    item: Any
    doc: Document | None = None
    error: Exception | InputError | None = None

    @property
    def is_warning(self) -> bool:
        return isinstance(self.error, InputError) and self.error.is_warning


# --------------------------------------------------------------------------- worker side

_Spec = tuple  # (gazetteer path or None, model, explain, cache, mode)
_PARSERS: dict[tuple, Geoparser] = {}
_PARSERS_LOCK = threading.Lock()
_Result = Any  # (sentences, mentions) or an error message


def _parser(spec: _Spec) -> Geoparser:
    """One loaded Geoparser per process and spec: the model and the store are opened once."""
    with _PARSERS_LOCK:
        parser = _PARSERS.get(spec)
        if parser is None:
            gazetteer, model, explain, cache, mode = spec
            parser = Geoparser(gazetteer=gazetteer, model=model, explain=explain, cache=cache, mode=mode)
            if mode != "fast":
                parser.nlp  # noqa: B018 - load now
            parser.gazetteer  # noqa: B018
            _PARSERS[spec] = parser
        return parser


def _message(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def _parse_docs(parser: Geoparser, docs: list[Document], batch_size: int) -> list[str | None]:
    """Parse ``docs`` in place; an error message for each one that failed, else None."""
    failed: dict[int, str] = {}

    def on_error(doc: Document, exc: Exception) -> None:
        failed[id(doc)] = _message(exc)

    # (the run that reads the documents tells of their language, once: no check here)
    try:
        for _ in parser.parse_many(docs, batch_size=batch_size, on_error=on_error, language_check=False):
            pass
    except Exception:  # noqa: BLE001 - spaCy failed on a batch: find the bad document(s) one by one
        failed.clear()
        for doc in docs:
            try:
                for _ in parser.parse_many([doc], batch_size=1, on_error=on_error, language_check=False):
                    pass
            except Exception as exc:  # noqa: BLE001
                failed[id(doc)] = _message(exc)
    return [failed.get(id(d)) for d in docs]


def parse_texts(texts: list[str], spec: _Spec, batch_size: int) -> list[_Result]:
    """The task run by worker processes (pool, Dask, the service's large lane): texts in,
    ``(sentences, mentions)`` or an error message out, one per text. ``spec`` is
    :func:`worker_spec`'s; each process loads its Geoparser once per spec."""
    docs = [Document(text=t) for t in texts]
    errors = _parse_docs(_parser(spec), docs, batch_size)
    return [(d.sentences, d.mentions) if e is None else e for d, e in zip(docs, errors)]


def _work_partition(chunks: list[list[str]], spec: _Spec, batch_size: int) -> list[list[_Result]]:
    return [parse_texts(texts, spec, batch_size) for texts in chunks]


def worker_spec(geoparser: Geoparser) -> _Spec:
    """What a worker process needs to build the same Geoparser (a picklable key)."""
    return (str(Path(geoparser.gazetteer.path).resolve()), geoparser.model, bool(geoparser.explain),
            bool(geoparser.cache), geoparser.mode)


def init_worker(spec: _Spec) -> None:
    """Prepare a worker process: Ctrl-C is the parent's, and the Geoparser is loaded now."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    _parser(spec)


# --------------------------------------------------------------------------- chunks and engines


class _Chunk:
    __slots__ = ("slots", "docs")

    def __init__(self) -> None:
        self.slots: list[Outcome] = []
        self.docs: list[Document] = []


def _chunks(items: Iterable[Any], batch_size: int) -> Iterator[_Chunk]:
    size = min(FIRST_CHUNK, batch_size)
    chunk = _Chunk()
    chars = 0
    for item in items:
        if isinstance(item, InputError):
            chunk.slots.append(Outcome(item, None, item))
            continue
        try:
            doc = item.doc if isinstance(item, Record) else as_document(item)
        except (TypeError, ValueError) as exc:
            chunk.slots.append(Outcome(item, None, ParseError(_message(exc))))
            continue
        chunk.slots.append(Outcome(item, doc))
        chunk.docs.append(doc)
        chars += len(doc.text)
        if len(chunk.docs) >= size or chars >= CHUNK_CHARS:
            yield chunk
            chunk, chars = _Chunk(), 0
            size = min(size * 2, batch_size)
    if chunk.slots:
        yield chunk


def _merge(chunk: _Chunk, results: list[_Result] | None) -> Iterator[Outcome]:
    it = iter(results) if results is not None else None
    for slot in chunk.slots:
        if slot.doc is not None and it is not None:
            r = next(it)
            if isinstance(r, str):
                slot.error, slot.doc = ParseError(r), None
            else:
                slot.doc.sentences, slot.doc.mentions = r
        yield slot


class _Done:
    """A finished 'future' for work done in this process."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def result(self) -> Any:
        return self.value


class _Local:
    """In this process: chunks parsed in place, one at a time."""

    window = 0
    group = 1

    def __init__(self, spec: _Spec, batch_size: int, geoparser: Geoparser | None = None) -> None:
        self.parser = geoparser or _parser(spec)
        self.batch_size = batch_size

    def submit(self, chunks: list[_Chunk]) -> list[Any]:
        out = []
        for c in chunks:
            errors = _parse_docs(self.parser, c.docs, self.batch_size)
            out.append(_Done([(d.sentences, d.mentions) if e is None else e for d, e in zip(c.docs, errors)]))
        return out

    def close(self) -> None:
        pass


class _Pool:
    """N processes, each with its own loaded Geoparser; a few chunks per worker in flight."""

    group = 1

    def __init__(self, spec: _Spec, batch_size: int, workers: int) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        method = "fork" if "fork" in multiprocessing.get_all_start_methods() and sys.platform != "darwin" else "spawn"
        self.executor = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method),
                                            initializer=init_worker, initargs=(spec,))
        self.spec, self.batch_size = spec, batch_size
        self.window = 2 * workers

    def submit(self, chunks: list[_Chunk]) -> list[Any]:
        return [self.executor.submit(parse_texts, [d.text for d in c.docs], self.spec, self.batch_size) for c in chunks]

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


class _Dask:
    """Partitions of a ``dask.bag`` on a ``distributed`` cluster (a LocalCluster when no scheduler)."""

    def __init__(self, spec: _Spec, batch_size: int, workers: int, scheduler: Any) -> None:
        import logging

        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ValueError("--engine dask needs dask[distributed]: pip install 'geomap[dask]'") from None

        self.cluster = None
        if scheduler is None:
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                        dashboard_address=None, silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
            self.own_client = True
        elif isinstance(scheduler, str):
            self.client = Client(scheduler)
            self.own_client = True
        else:  # a distributed.Client already connected
            self.client, self.own_client = scheduler, False
        nthreads = sum(self.client.nthreads().values()) or workers
        self.group = max(2, nthreads)  # chunks per bag (one partition each)
        self.window = 2 * self.group
        self.spec, self.batch_size = spec, batch_size

    def submit(self, chunks: list[_Chunk]) -> list[Any]:
        import dask.bag as db

        texts = [[d.text for d in c.docs] for c in chunks]
        bag = db.from_sequence(texts, npartitions=len(texts)).map_partitions(_work_partition, self.spec, self.batch_size)
        futures = self.client.compute(bag.to_delayed())
        return [_First(f) for f in futures]

    def close(self) -> None:
        if self.own_client:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()


class _First:
    """A partition's future: its one chunk's results."""

    __slots__ = ("future",)

    def __init__(self, future: Any) -> None:
        self.future = future

    def result(self) -> Any:
        (results,) = self.future.result()
        return results


def iter_outcomes(
    items: Iterable[Any],
    *,
    workers: int = 1,
    engine: str = "local",
    scheduler: Any = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    gazetteer: str | Path | None = None,
    model: str = DEFAULT_MODEL,
    explain: bool = False,
    cache: bool = True,
    geoparser: Geoparser | None = None,
    mode: str = "full",
) -> Iterator[Outcome]:
    """One :class:`Outcome` per input item, in input order.

    ``items`` are texts, mappings with a ``text`` key, Documents, :class:`~geomap.ingest.Record`
    or :class:`~geomap.ingest.InputError` (from :func:`geomap.ingest.read_inputs`; errors pass
    through in their place). See :func:`run_batch` for the other parameters.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    if workers < 1:
        raise ValueError("workers must be at least 1")
    if batch_size < 1:
        raise ValueError("batch size must be at least 1")
    if geoparser is not None:
        gazetteer, model, explain, cache, mode = (geoparser.gazetteer.path, geoparser.model, geoparser.explain,
                                                  geoparser.cache, geoparser.mode)
    gz = None if gazetteer is None else str(Path(gazetteer).resolve())
    spec: _Spec = (gz, model, bool(explain), bool(cache), mode)
    chunks = _chunks(items, batch_size)
    first = next(chunks, None)  # read before starting workers: nothing to do, nothing started
    if first is None:
        return
    chunks = itertools.chain([first], chunks)
    if engine == "dask":
        runner: Any = _Dask(spec, batch_size, workers, scheduler)
    elif workers > 1:
        runner = _Pool(spec, batch_size, workers)
    else:
        runner = _Local(spec, batch_size, geoparser)
    pending: collections.deque = collections.deque()
    try:
        group: list[_Chunk] = []

        def send() -> None:
            todo = [c for c in group if c.docs]
            futures = iter(runner.submit(todo)) if todo else iter(())
            pending.extend((c, next(futures) if c.docs else None) for c in group)
            group.clear()

        for chunk in chunks:
            group.append(chunk)
            if len(group) >= runner.group:
                send()
            while len(pending) > runner.window:
                c, fut = pending.popleft()
                yield from _merge(c, None if fut is None else fut.result())
        if group:
            send()
        while pending:
            c, fut = pending.popleft()
            yield from _merge(c, None if fut is None else fut.result())
    finally:
        runner.close()


def run_batch(
    records: Iterable[Any],
    *,
    workers: int = 1,
    engine: str = "local",
    scheduler: Any = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool | None | "Progress" = False,
    on_error: Callable[[Any, Exception | InputError], None] | None = None,
    gazetteer: str | Path | None = None,
    model: str = DEFAULT_MODEL,
    explain: bool = False,
    cache: bool = True,
    geoparser: Geoparser | None = None,
) -> Iterator[Document]:
    """Parse a stream of documents in constant memory; yield Documents in input order.

    Parameters
    ----------
    records:
        Texts, mappings with a ``text`` key (``id`` and the rest kept), Documents, or the
        output of :func:`geomap.ingest.read_inputs` (Records and InputErrors).
    workers:
        Processes (``engine="local"``) or LocalCluster workers (``engine="dask"``, no scheduler).
    engine:
        ``"local"`` (this process, or a process pool) or ``"dask"`` (a ``distributed`` cluster).
    scheduler:
        For ``engine="dask"``: a scheduler address (``"tcp://host:8786"``) or a connected
        ``distributed.Client``; ``None`` starts a LocalCluster for the run.
    batch_size:
        Documents per chunk (one task).
    progress:
        ``True`` for a progress bar on stderr (quiet when stderr is not a terminal, ``None``:
        only when it is), or a :class:`Progress`.
    on_error:
        Called with ``(item, error)`` for every item that gives no document (unreadable
        records, documents the pipeline fails on); without it, the first error is raised.
        Warnings (an :class:`~geomap.ingest.InputError` with ``level="warning"``) go to it too.
    gazetteer, model, explain, cache, geoparser:
        What to parse with (as for :class:`~geomap.pipeline.Geoparser`, or that Geoparser's settings;
        in this process, ``geoparser`` itself is used).

    Examples
    --------
    >>> from geomap.batch import run_batch
    >>> docs = run_batch(({"id": i, "text": t} for i, t in enumerate(texts)), workers=2)  # doctest: +SKIP
    """
    bar = progress if isinstance(progress, Progress) else (Progress(enabled=progress) if progress is not False else None)
    try:
        for o in iter_outcomes(records, workers=workers, engine=engine, scheduler=scheduler, batch_size=batch_size,
                               gazetteer=gazetteer, model=model, explain=explain, cache=cache, geoparser=geoparser):
            if bar is not None:
                bar.update(o)
            if o.error is not None:
                if on_error is None:
                    if o.is_warning:
                        continue
                    raise o.error if isinstance(o.error, Exception) else ValueError(str(o.error))
                on_error(o.item, o.error)
            if o.doc is not None:
                yield o.doc
    finally:
        if bar is not None:
            bar.close()


# --------------------------------------------------------------------------- progress


@dataclass(slots=True)
class Stats:
    """Counters of a run (additive, so that a resumed run can carry them on)."""

    documents: int = 0
    mentions: int = 0
    #: distinct places of the run, counted as a map of it lists them (Document.places: places
    #: named only by demonyms or inside organisation names left out, unless ``demonyms``)
    places: int = 0
    errors: int = 0
    warnings: int = 0
    words: int = 0
    seconds: float = 0.0  # time spent in earlier (interrupted) runs
    demonyms: bool = False
    seen: set[int] = field(default_factory=set)  # the places counted (not saved: a resumed run may count one again)

    SAVED: ClassVar[tuple[str, ...]] = ("documents", "mentions", "places", "errors", "warnings", "words", "seconds")

    def add(self, o: Outcome) -> None:
        if o.doc is not None:
            self.documents += 1
            self.mentions += len(o.doc.mentions)
            seen = self.seen
            for g in o.doc.places(demonyms=self.demonyms):
                if g.place.geonameid not in seen:
                    seen.add(g.place.geonameid)
                    self.places += 1
            self.words += len(o.doc.text.split())
        elif o.is_warning:
            self.warnings += 1
        elif o.error is not None:
            self.errors += 1

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.SAVED}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Stats":
        return cls(**{k: d[k] for k in cls.SAVED if k in d})

    def summary(self, seconds: float) -> str:
        total = self.seconds + seconds  # a resumed run: its documents took every session's time
        rate = f" ({self.documents / total:,.1f} docs/s, {self.words / total:,.0f} words/s)" if total > 0 else ""
        warn = f", {self.warnings:,} warning(s)" if self.warnings else ""
        return (f"{self.documents:,} documents, {self.mentions:,} mentions, {self.places:,} places, "
                f"{self.errors:,} error(s){warn} in {total:,.1f} s{rate}")


class Progress:
    """A tqdm bar on stderr (documents/s, words/s, ETA when ``total`` is known) and the run's :class:`Stats`.

    ``enabled=None`` shows it only when ``file`` is a terminal.
    """

    def __init__(self, total: int | None = None, *, enabled: bool | None = None, file: IO[str] | None = None,
                 stats: Stats | None = None, initial: int = 0) -> None:
        self.file = file or sys.stderr
        self.stats = stats or Stats()
        self.start = time.perf_counter()
        self._words0 = self.stats.words
        if enabled is None:
            enabled = hasattr(self.file, "isatty") and self.file.isatty()
        self.bar = None
        if enabled:
            from tqdm import tqdm

            tqdm.monitor_interval = 0  # no monitor thread (workers fork)
            self.bar = tqdm(total=total, initial=initial, unit="doc", file=self.file, dynamic_ncols=True,
                            mininterval=0.5, smoothing=0.05, leave=False)
        self._last = 0.0

    def update(self, o: Outcome) -> None:
        self.stats.add(o)
        if self.bar is None or o.is_warning:
            return
        self.bar.update(1)
        now = time.perf_counter()
        if now - self._last > 0.5:
            self._last = now
            wps = (self.stats.words - self._words0) / max(now - self.start, 1e-9)
            self.bar.set_postfix_str(f"{wps:,.0f} words/s, {self.stats.mentions:,} mentions, "
                                     f"{self.stats.errors:,} errors", refresh=False)

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


# --------------------------------------------------------------------------- resumable output


def fingerprint(inputs: Sequence[str], **options: Any) -> str:
    """What must not change between a run and its resumption: the input paths and the options
    that shape the output (what the inputs hold is :func:`input_state`'s)."""
    from . import __version__

    norm = ["-" if p == "-" else str(Path(p).resolve()) for p in inputs]
    blob = json.dumps({"inputs": norm, "options": options, "geomap": __version__}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


#: How much of the head and of the tail of each input file :func:`input_state` hashes.
STATE_BYTES = 4096


def input_state(inputs: Sequence[str]) -> list[dict[str, Any]]:
    """Each input file (folders expanded) with its size, mtime and a hash of its head and tail:
    what ``--resume`` checks before it skips the items an earlier run consumed."""
    out: list[dict[str, Any]] = []
    for source in expand(inputs):
        if isinstance(source, InputError):
            out.append({"path": source.source, "problem": source.reason})
            continue
        if source == "-":
            out.append({"path": "-"})
            continue
        try:
            st = os.stat(source)
            h = hashlib.sha256()
            with open(source, "rb") as f:
                h.update(f.read(STATE_BYTES))
                if st.st_size > 2 * STATE_BYTES:
                    f.seek(st.st_size - STATE_BYTES)
                h.update(f.read(STATE_BYTES))
        except OSError as e:
            out.append({"path": str(Path(source).resolve()), "problem": e.strerror or str(e)})
            continue
        out.append({"path": str(Path(source).resolve()), "size": st.st_size, "mtime_ns": st.st_mtime_ns,
                    "hash": h.hexdigest()[:32]})
    return out


def _input_change(before: list[dict[str, Any]], now: list[dict[str, Any]]) -> str | None:
    """How the inputs changed since ``before`` (one phrase), or None."""
    old = {e["path"]: e for e in before}
    new = {e["path"]: e for e in now}
    for path, e in new.items():
        o = old.get(path)
        if o is None:
            return f"{path} is new"
        if o.get("size") != e.get("size"):
            return f"{path} changed size ({o.get('size')} -> {e.get('size')} bytes)"
        if o.get("hash") != e.get("hash"):
            return f"{path} changed content"
        if o.get("mtime_ns") != e.get("mtime_ns"):
            return f"{path} was modified"
        if o.get("problem") != e.get("problem"):
            return f"{path}: {e.get('problem') or 'now readable'}"
    gone = [p for p in old if p not in new]
    if gone:
        return f"{gone[0]} is gone"
    if list(old) != list(new):
        return "the inputs are in another order"
    return None


class ResumableJSONL:
    """Append-only JSON lines with a checkpoint per chunk; see the module docstring.

    ``skip`` is how many input items an earlier run already consumed (0 for a fresh run);
    ``stats`` carries on its counters; ``complete`` is True when ``resume`` finds ``path``
    finished and nothing to resume. ``inputs`` is :func:`input_state` of the inputs: a
    resumption whose inputs changed is refused. An interrupted run's partial output is never
    started over unless ``restart``.
    """

    def __init__(self, path: str | Path, fp: str, *, resume: bool = False, restart: bool = False,
                 inputs: list[dict[str, Any]] | None = None) -> None:
        self.path = Path(path)
        self.part = self.path.with_name(self.path.name + ".part")
        self.err_path = self.path.with_name(self.path.name + ".part.errors")
        self.state_path = self.path.with_name(self.path.name + ".part.json")
        self.fp = fp
        self.inputs = inputs
        self.skip = 0
        self.stats = Stats()
        self.complete = False
        self.resumed = False
        state = None if restart else self._state()
        if state is not None and not int(state.get("consumed") or 0):
            state = None  # interrupted before its first checkpoint: nothing to keep
        if state is not None and not resume:
            raise ValueError(f"{self.part} holds an interrupted run ({int(state.get('consumed', 0)):,} input item(s) "
                             "done): add --resume to continue it, or --restart to start over")
        if state is not None:
            if state.get("fingerprint") != fp:
                raise ValueError(f"{self.part} was written from other inputs or options; "
                                 "rerun them, or run with --restart to start over")
            if inputs is not None and "inputs" in state:
                change = _input_change(state["inputs"], inputs)
                if change:
                    raise ValueError(f"the input changed since {self.part} was written: {change}; "
                                     "run with --restart to start over")
            self.skip = int(state["consumed"])
            self.stats = Stats.from_dict(state["stats"])
            self._truncate(self.part, int(state["bytes"]))
            self._truncate(self.err_path, int(state["error_bytes"]))
            self.resumed = True
        elif resume and self.path.exists() and not self.part.exists():
            self.complete = True
            return
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            for p in (self.part, self.err_path):
                open(p, "wb").close()
            self._save(0)
        self.out = open(self.part, "ab")
        self.err = open(self.err_path, "ab")
        self.consumed = self.skip
        self._lines: list[bytes] = []
        self._errors: list[bytes] = []

    def _state(self) -> dict[str, Any] | None:
        try:
            state = json.loads(self.state_path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return None
        if not isinstance(state, dict) or not self.part.exists() or not self.err_path.exists():
            return None
        return state

    @staticmethod
    def _truncate(path: Path, size: int) -> None:
        with open(path, "r+b") as f:
            if os.fstat(f.fileno()).st_size < size:
                raise ValueError(f"{path} is shorter than its checkpoint says; run with --restart to start over")
            f.truncate(size)
            f.flush()
            os.fsync(f.fileno())

    def _save(self, consumed: int, out_bytes: int = 0, err_bytes: int = 0, seconds: float = 0.0) -> None:
        stats = self.stats.to_dict()
        stats["seconds"] += seconds  # this session's time so far, on top of the earlier sessions'
        state = {"fingerprint": self.fp, "consumed": consumed, "bytes": out_bytes, "error_bytes": err_bytes,
                 "stats": stats, "saved": time.time(), "inputs": self.inputs}
        tmp = self.state_path.with_name(self.state_path.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(state, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.state_path)

    def write(self, doc: Document) -> None:
        self._lines.append((dumps(doc.to_dict()) + "\n").encode("utf-8"))

    def write_error(self, err: InputError) -> None:
        self._errors.append((dumps(err.to_dict()) + "\n").encode("utf-8"))

    def commit(self, consumed: int, seconds: float = 0.0) -> None:
        """Make everything written so far durable, then record that ``consumed`` items are done."""
        for f, buf in ((self.out, self._lines), (self.err, self._errors)):
            if buf:
                f.write(b"".join(buf))
                buf.clear()
            f.flush()
            os.fsync(f.fileno())
        self.consumed = consumed
        self._save(consumed, self.out.tell(), self.err.tell(), seconds)

    def finish(self, errors_to: str | Path | None, seconds: float = 0.0) -> None:
        """Rename the output into place; copy the error report to ``errors_to``; remove the side files."""
        from .ingest import open_output

        self.commit(self.consumed, seconds)
        self.out.close()
        self.err.close()
        if errors_to:
            with open_output(errors_to, "wb") as f, open(self.err_path, "rb") as src:
                while block := src.read(1 << 20):
                    f.write(block)
        os.chmod(self.part, 0o666 & ~_umask())
        os.replace(self.part, self.path)
        for p in (self.err_path, self.state_path):
            try:
                os.unlink(p)
            except FileNotFoundError:
                pass

    def close(self) -> None:
        """Leave the partial output for a later ``--resume`` (after an interruption)."""
        for f in (getattr(self, "out", None), getattr(self, "err", None)):
            if f is not None and not f.closed:
                f.close()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
