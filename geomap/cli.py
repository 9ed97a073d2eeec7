"""``geomap extract | map | filter | gazetteer | evaluate | serve`` — the command line over one Geoparser."""

from __future__ import annotations

import argparse
import collections
import gc
import itertools
import os
import sys
import time
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence

from . import __version__
from .cli_support import (HelpFormatter, Parser, add_column_arguments, add_command, add_global_options,
                          duplicates_line, is_quiet, missing_file, output_format, refuse_terminal, say)
from .ingest import InputError, Record, check_output, dumps, open_output, write_jsonl
from .language import LanguageTally
from .model import Document

__all__ = ["main"]


class _Run:
    """Inputs → Documents through :mod:`geomap.batch`, reporting every unreadable record on stderr
    (and in --errors), with a progress bar and a summary line."""

    def __init__(self, args: argparse.Namespace) -> None:
        from .batch import Stats

        self.args = args
        check_output(getattr(args, "output", None))  # before any work: a folder given as -o fails now
        check_output(getattr(args, "errors", None), flag="--errors")
        from .gazetteer.store import get_store

        get_store(args.gazetteer)  # a path that is not a store is refused now, before any output is begun
        model = getattr(args, "model", None)
        if model and not getattr(args, "fast", False):
            from spacy.util import is_package

            if not is_package(model) and not Path(model).is_dir():
                raise ValueError(f"--model {model}: no spaCy pipeline of that name is installed "
                                 f"(pip install it, or give the folder of a saved pipeline)")
        self.errors: list[InputError] = []
        self.keep_errors = True  # False when the errors go to a resumable side file
        self.stats = Stats()
        self.language = LanguageTally()  # one warning per run, whatever the workers
        self.duplicates: list[str] = []  # ids seen twice, said in one line by finish()
        self.progress: Any = None
        self.start = time.perf_counter()

    @property
    def count(self) -> int:
        return self.stats.documents

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def error(self, err: InputError) -> None:
        if self.keep_errors:
            self.errors.append(err)
        if err.level == "warning" and is_quiet(self.args):
            return  # still in --errors
        if err.is_duplicate_id:
            self.duplicates.append(str(err.id))  # counted in one line at the end
            return
        msg = f"geomap: {err}"
        if self.progress is not None and self.progress.bar is not None:
            self.progress.bar.write(msg, file=sys.stderr)
        else:
            print(msg, file=sys.stderr)

    def outcomes(self, skip: int = 0) -> Iterator[tuple[Any, InputError | None]]:
        """Each input item's outcome in input order, with its error report line (or None)."""
        from .batch import Progress, iter_outcomes
        from .ingest import count_inputs, read_inputs
        from .pipeline import DEFAULT_MODEL

        a = self.args
        model = getattr(a, "model", None) or DEFAULT_MODEL
        engine = getattr(a, "engine", "local")
        workers = getattr(a, "workers", None)
        if workers is None:
            workers = 2 if engine == "dask" else 1
        show = not is_quiet(a) and sys.stderr.isatty()
        total = count_inputs(a.inputs) if show else None
        items: Iterator[Any] = read_inputs(a.inputs, text_column=a.text_column, id_column=a.id_column)
        if skip:
            items = itertools.islice(items, skip, None)
        self.progress = Progress(total, enabled=show, stats=self.stats,
                                 initial=self.stats.documents + self.stats.errors)

        def parse(todo: Iterator[Any]) -> Iterator[Any]:
            return iter_outcomes(todo, workers=workers, engine=engine, scheduler=getattr(a, "scheduler", None),
                                 batch_size=getattr(a, "batch_size", None) or 128, gazetteer=a.gazetteer,
                                 model=model, explain=getattr(a, "explain", False),
                                 mode="fast" if getattr(a, "fast", False) else "full")

        try:
            stored = getattr(a, "stored", None)  # geomap map: "keep" or "reparse" extracted records
            for o in (_keep_extracted(items, parse, reparse=stored == "reparse") if stored else parse(items)):
                if o.doc is not None and getattr(a, "min_score", 0.0):
                    o.doc.unplace_below(a.min_score)  # before the count: the summary counts what is written
                self.progress.update(o)
                if o.doc is not None and model == DEFAULT_MODEL:  # (the fast mode's cues are English too)
                    self.language.add(o.doc.text)
                err = None
                if isinstance(o.error, InputError):
                    err = o.error
                elif o.error is not None:
                    rec = o.item if isinstance(o.item, Record) else None
                    err = InputError(rec.source if rec else "?", f"could not be parsed: {o.error}",
                                     rec.line if rec else None, rec.doc.id if rec else None)
                if err is not None:
                    self.error(err)
                yield o, err
        finally:
            self.progress.close()

    def documents(self) -> Iterator[Document]:
        for o, _ in self.outcomes():
            if o.doc is not None:
                yield o.doc

    def finish(self, *, write_errors: bool = True) -> int:
        if write_errors and self.args.errors:
            with open_output(self.args.errors) as f:
                write_jsonl((e.to_dict() for e in self.errors), f)
        foreign = self.language.message()
        if foreign:
            say(self.args, f"warning: {foreign}")
        if self.duplicates:
            say(self.args, f"warning: {duplicates_line(self.duplicates)}")
        say(self.args, self.stats.summary(self.elapsed))
        if self.stats.errors:
            return 1 if self.count else 2
        return 0


def _keep_extracted(items: Iterator[Any], parse: Any, *, reparse: bool = False) -> Iterator[Any]:
    """Outcomes in input order: a ``geomap extract`` record becomes its Document as stored (edits
    kept, no parsing), or with ``reparse`` is parsed again with its own meta; everything else
    goes through ``parse``."""
    from .batch import Outcome
    from .extracted import is_extracted, stored_document

    queue: collections.deque[Any] = collections.deque()  # stored outcomes, and None for each item parsed

    def to_parse() -> Iterator[Any]:
        for item in items:
            if reparse and isinstance(item, Record) and is_extracted(item.doc):
                meta = item.doc.meta.get("meta")
                item.doc.meta = dict(meta) if isinstance(meta, dict) else {}
            elif isinstance(item, Record) and is_extracted(item.doc):
                try:
                    queue.append(Outcome(item, stored_document(item.doc)))
                except ValueError as e:
                    queue.append(Outcome(item, None, InputError(item.source, str(e), item.line, item.doc.id)))
                continue
            queue.append(None)
            yield item

    for o in parse(to_parse()):
        while queue[0] is not None:
            yield queue.popleft()
        queue.popleft()
        yield o
    yield from queue


def _cmd_extract(args: argparse.Namespace) -> int:
    from .batch import ResumableJSONL, fingerprint, input_state
    from .ingest.writers import is_regular_target

    fmt = output_format(args.output, args.format, EXTRACT_FORMATS, "jsonl")
    if fmt == "parquet":
        refuse_terminal(args.output, "Parquet")
    run = _Run(args)
    if fmt != "jsonl":
        if args.resume or args.restart:
            raise ValueError(f"--resume and --restart work with JSONL output, not {fmt}")
        if fmt == "geojson":
            from .export import write_geojson

            write_geojson(run.documents(), args.output or "-")
        else:
            from .tables import write_table

            write_table(run.documents(), args.output, fmt)
        return run.finish()
    if args.output in (None, "-") or not is_regular_target(args.output):
        if args.resume or args.restart:
            raise ValueError("--resume and --restart need -o FILE, a regular file")
        with open_output(args.output) as out:  # stdout, a pipe or a device: written as it comes
            flushed = 0.0
            for o, _ in _worker_guard(run.outcomes(), None):
                if o.doc is not None:
                    out.write(dumps(o.doc.to_dict()) + "\n")
                    now = time.perf_counter()
                    if now - flushed > 0.2:  # a pipe reader sees documents as they come, not per 8 KB block
                        out.flush()
                        flushed = now
            out.flush()
        return run.finish()
    if args.resume and "-" in args.inputs:
        raise ValueError("--resume cannot check what stdin held; give the input as files")
    columns = {} if (args.text_column, args.id_column) == ("text", "id") else \
        {"text_column": args.text_column, "id_column": args.id_column}
    fp = fingerprint(args.inputs, explain=bool(args.explain), model=args.model, min_score=args.min_score, **columns,
                     gazetteer=None if args.gazetteer is None else str(Path(args.gazetteer).resolve()),
                     **({"mode": "fast"} if args.fast else {}))  # a full run's fingerprint stays what it was
    sink = ResumableJSONL(args.output, fp, resume=args.resume, restart=args.restart, inputs=input_state(args.inputs))
    if sink.complete:
        say(args, f"{args.output} is complete; nothing to resume")
        return 0
    run.stats = sink.stats
    run.keep_errors = False
    if sink.resumed:
        say(args, f"resuming {args.output} after {sink.skip:,} input item(s)")
    consumed, since = sink.skip, 0
    every = args.batch_size or 128
    try:
        for o, err in _worker_guard(run.outcomes(skip=sink.skip), sink.part):
            consumed += 1
            if o.doc is not None:
                sink.write(o.doc)
            if err is not None:
                sink.write_error(err)
            since += 1
            if since >= every:
                sink.commit(consumed, run.elapsed)
                since = 0
        sink.finish(args.errors, run.elapsed)
    except KeyboardInterrupt:
        print(f"geomap: interrupted; `--resume` continues from {sink.part}", file=sys.stderr)
        raise
    finally:
        sink.close()
    return run.finish(write_errors=False)


#: ``extract --format`` choices and the ``-o`` suffixes that imply them.
EXTRACT_FORMATS = {"jsonl": (".jsonl", ".ndjson", ".json"), "csv": (".csv",), "parquet": (".parquet", ".pq"),
                   "geojson": (".geojson",)}


class WorkerDied(RuntimeError):
    """A worker process of a batch run died."""


def _worker_guard(outcomes: Iterator[Any], part: Path | None) -> Iterator[Any]:
    """``outcomes``, with a dead worker process (killed, out of memory) said in one line."""
    try:
        yield from outcomes
    except Exception as e:
        # (imported only then: a run in this process never starts a pool, and pays no import for it)
        from concurrent.futures.process import BrokenProcessPool

        if not isinstance(e, BrokenProcessPool):
            raise
        hint = (f"rerun with --resume to continue from {part}" if part is not None
                else "rerun, with fewer --workers if memory is short")
        raise WorkerDied(f"a worker process died (killed, or out of memory?); {hint}") from None


def _batch_arguments(p: argparse.ArgumentParser, *, resume: bool = False) -> None:
    from .batch import DEFAULT_BATCH_SIZE, ENGINES

    g = p.add_argument_group("batch runs")
    g.add_argument("--workers", type=int, metavar="N",
                   help="processes (or Dask LocalCluster workers) to parse with (default: 1; 2 with --engine dask)")
    g.add_argument("--engine", choices=ENGINES, default="local",
                   help="local: this machine's processes (default); dask: a distributed cluster")
    g.add_argument("--scheduler", metavar="URL",
                   help="with --engine dask: an existing scheduler, e.g. tcp://host:8786 (default: a LocalCluster)")
    g.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, metavar="N",
                   help=f"documents per task{' and per checkpoint' if resume else ''} (default {DEFAULT_BATCH_SIZE})")
    if resume:
        r = g.add_mutually_exclusive_group()
        r.add_argument("--resume", action="store_true",
                       help="continue an interrupted run from -o FILE's partial output (FILE.part); "
                            "refused when the inputs changed")
        r.add_argument("--restart", action="store_true",
                       help="discard an interrupted run's partial output (FILE.part) and start over")


def add_fast_argument(p: argparse.ArgumentParser) -> None:
    """``--fast``: recognise places without a neural model (:mod:`geomap.fast_extract`)."""
    p.add_argument("--fast", action="store_true",
                   help="no neural model: gazetteer matches kept by a learned filter, then the same resolver "
                        "(many times faster, somewhat less accurate)")


def _cmd_map(args: argparse.Namespace) -> int:
    from .export import SnapshotUnavailable
    from .render import MAP_FORMATS, Map, map_options, snapshot_options

    args.stored = "reparse" if args.reparse else "keep"
    fmt = output_format(args.output, args.format, MAP_FORMATS, "html")
    if fmt != "geojson":  # text, fine on a terminal
        refuse_terminal(args.output, f"an {fmt.upper()} map" if fmt == "html" else f"a {fmt.upper()} map")
    run = _Run(args)
    run.stats.demonyms = args.demonyms
    m = Map(**map_options(args))
    for doc in run.documents():
        m.add(doc)
    run.stats.places = len(m.content().markers)  # the summary's count is the map's list (a marker per entry)
    if run.count == 0:
        run.finish()
        print("geomap: no document to map", file=sys.stderr)
        return 2
    try:
        if args.output in (None, "-"):
            sys.stdout.buffer.write(m.to_bytes(fmt, **snapshot_options(args)))
        else:
            m.save(args.output, format=fmt, **snapshot_options(args))
            say(args, f"wrote {args.output} ({run.count} document(s))")
    except SnapshotUnavailable as e:
        print(f"geomap: {e}", file=sys.stderr)
        return 2
    return run.finish()


_COMMANDS = ("extract", "map", "gazetteer", "evaluate", "filter", "serve")


def _command(argv: Sequence[str]) -> str | None:
    """The subcommand named in ``argv``, when it is a known one (else None: build every subparser)."""
    skip = False
    for tok in argv:
        if skip:
            skip = False
        elif tok == "--gazetteer":
            skip = True
        elif not tok.startswith("-"):
            return tok if tok in _COMMANDS else None
    return None


def _parser(only: str | None = None) -> argparse.ArgumentParser:
    """The ``geomap`` parser; with ``only``, just that subcommand's (its imports are not paid by the others)."""

    def want(name: str) -> bool:
        return only is None or only == name

    ap = Parser(prog="geomap", description="Find places in news text, geocode them offline, map them.",
                epilog="examples:\n  geomap extract article.txt -o places.jsonl\n"
                       "  geomap map articles.jsonl -o map.html\n  geomap extract --help",
                formatter_class=HelpFormatter)
    ap.add_argument("--version", action="version", version=f"geomap {__version__}")
    add_global_options(ap, top=True)
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def inputs(p: argparse.ArgumentParser) -> None:
        from .pipeline import DEFAULT_MODEL

        p.add_argument("inputs", nargs="+", metavar="INPUT",
                       help="text, HTML, JSONL, CSV or Parquet files, folders of them, or - for stdin")
        p.add_argument("-o", "--output", metavar="FILE",
                       help="output file, or - for stdout (default: stdout; its suffix picks the format)")
        p.add_argument("--errors", metavar="FILE",
                       help="write unreadable records to this JSONL error report (default: none)")
        p.add_argument("--min-score", type=float, default=0.0, metavar="P",
                       help="keep a mention's place only when it is right with probability at least P (0-1; default 0)")
        p.add_argument("--model", default=DEFAULT_MODEL, metavar="NAME",
                       help=f"the spaCy pipeline to read the text with, any installed one with NER (default {DEFAULT_MODEL})")
        add_column_arguments(p)
        add_fast_argument(p)

    if want("extract"):
        ex = add_command(sub, "extract", help="write each document's mentions and places (JSONL, CSV, Parquet, GeoJSON)",
                         description="Find the place mentions in every input document and resolve them against "
                                     "the gazetteer; write one JSON line per document, or one row per mention.",
                         examples=["geomap extract article.txt -o places.jsonl",
                                   "geomap extract feed.csv --text-column body -o mentions.csv",
                                   "cat article.txt | geomap extract -"])
        inputs(ex)
        ex.add_argument("--explain", action="store_true", help="keep each mention's ranked candidates and their features")
        ex.add_argument("--format", choices=list(EXTRACT_FORMATS),
                        help="jsonl: one document per line; csv, parquet: one row per mention "
                             "(geomap.to_dataframe's columns); geojson: one feature per place. "
                             "Default: from -o's suffix, else jsonl")
        _batch_arguments(ex, resume=True)
        ex.set_defaults(func=_cmd_extract)

    if want("map"):
        mp = add_command(sub, "map", help="write one self-contained map of the places (HTML, GeoJSON, PNG, PDF)",
                         description="Parse the inputs (or read `geomap extract` output) and draw every resolved "
                                     "place on one map; -o's suffix picks HTML, GeoJSON, PNG or PDF.",
                         examples=["geomap map article.txt -o map.html",
                                   "geomap map places.jsonl --tiles none --heat -o map.html",
                                   "geomap map places.jsonl -o map.png --size 1200x800"])
        inputs(mp)
        from .render import add_map_arguments

        add_map_arguments(mp)
        mp.add_argument("--reparse", action="store_true",
                        help="parse the text of `geomap extract` records again instead of drawing their stored "
                             "mentions (edits to them are then lost)")
        _batch_arguments(mp)
        mp.set_defaults(func=_cmd_map)

    if want("gazetteer"):
        from .gazetteer.cli import add_parser as add_gazetteer

        add_gazetteer(sub)

    if want("evaluate"):
        from .evaluate import add_parser as add_evaluate

        add_evaluate(sub)
    if want("filter"):
        from .filter_cli import add_parser as add_filter

        add_filter(sub)
    if want("serve"):
        from .serve import add_parser as add_serve

        add_serve(sub)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``geomap`` command. Every failure is one line on stderr, never a
    traceback (set ``GEOMAP_DEBUG=1`` to see one)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = _parser(_command(argv)).parse_args(argv)
    _QUIET[0] = is_quiet(args)
    reserve_heap()
    with warnings.catch_warnings(), _fewer_collections():
        warnings.showwarning = _show_warning
        try:
            return int(args.func(args))
        except KeyboardInterrupt:
            print("geomap: interrupted", file=sys.stderr)
            return 130
        except BrokenPipeError:
            return 0
        except Exception as e:  # noqa: BLE001 - one line, not a traceback
            if os.environ.get("GEOMAP_DEBUG"):
                raise
            print(f"geomap: error: {_message(e)}", file=sys.stderr)
            return 2


#: The collector's first-generation threshold during a command (Python's default is 700): a run
#: makes many short-lived containers and few cycles, and each collection walked the young ones
#: again (5% of ``extract --fast``'s time at the default, under 1% at this one).
GC_THRESHOLD = 10_000


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Collect garbage cycles less often from the command on, and never look again, while it
    runs, at what was loaded before it (modules, the parser): ``gc.freeze``, undone afterwards.
    The thresholds stay raised: restoring Python's own at the end set off a full collection of
    everything the run had cached (~0.05 s) right before the process ends."""
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, 50, 50)
    try:
        yield
    finally:
        gc.unfreeze()


#: Memory the C heap keeps in reserve when it grows or shrinks during a command (glibc's
#: ``M_TOP_PAD``; its default is 128 KiB). spaCy's model allocates and frees arrays of several
#: megabytes for each batch; with the default the heap was grown and given back around every
#: batch, and the kernel cleared the same pages again each time: on 300 news articles ~200,000
#: page faults and 1.5-4 s of system time against ~80,000 and under 1 s with this reserve, the
#: same peak memory (untouched reserve is address space, not memory).
HEAP_TOP_PAD = 256 << 20


def reserve_heap() -> None:
    """Give the C heap :data:`HEAP_TOP_PAD` of reserve, where the C library is glibc (Linux);
    elsewhere nothing changes. Pool workers are forked from this process and keep it."""
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError, TypeError):  # no C library by that name, or no mallopt (macOS, Windows)
        return
    mallopt(-2, HEAP_TOP_PAD)  # M_TOP_PAD in glibc's malloc.h


def _message(e: BaseException) -> str:
    """One line saying what went wrong."""
    import errno
    import sqlite3
    import zipfile

    if isinstance(e, OSError) and e.errno == errno.ENOSPC:
        return f"no space left on the device{f' writing {e.filename}' if e.filename else ''}"
    if isinstance(e, sqlite3.OperationalError) and "full" in str(e):
        return f"no space left on the device ({e})"
    if isinstance(e, FileNotFoundError) and e.filename:
        return missing_file(e.filename)
    if isinstance(e, OSError) and e.filename and e.strerror:
        return f"{e.filename}: {e.strerror}"
    if isinstance(e, zipfile.BadZipFile):
        return f"not a readable zip file ({e})"
    text = " ".join(str(e).split()) or type(e).__name__
    if isinstance(e, (OSError, ValueError, WorkerDied)):
        return text
    return f"{type(e).__name__}: {text}"


def _show_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                  file: Any = None, line: str | None = None) -> None:
    if not _QUIET[0]:
        print(f"geomap: warning: {message}", file=sys.stderr)


_QUIET = [False]  # -q of the running command: its warnings are not printed


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
