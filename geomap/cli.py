"""``geomap map | extract | gazetteer`` — the command line over the same Geoparser."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Iterator, Sequence

from . import __version__
from .io import InputError, Record, atomic_writer, read_inputs, write_jsonl
from .model import Document

__all__ = ["main"]


class _Run:
    """Inputs → Documents, reporting every unreadable record on stderr (and in --errors)."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.errors: list[InputError] = []
        self.count = 0

    def error(self, err: InputError) -> None:
        self.errors.append(err)
        print(f"geomap: {err}", file=sys.stderr)

    def records(self) -> Iterator[Document]:
        for item in read_inputs(self.args.inputs):
            if isinstance(item, InputError):
                self.error(item)
            else:
                self._source[id(item.doc)] = item
                yield item.doc

    def documents(self) -> Iterator[Document]:
        from .pipeline import Geoparser

        self._source: dict[int, Record] = {}
        parser = Geoparser(gazetteer=self.args.gazetteer, explain=getattr(self.args, "explain", False))

        def failed(doc: Document, exc: Exception) -> None:
            rec = self._source.get(id(doc))
            self.error(InputError(rec.source if rec else "?", f"could not be parsed: {exc}", rec.line if rec else None, doc.id))

        for doc in parser.parse_many(self.records(), on_error=failed):
            self._source.pop(id(doc), None)
            self.count += 1
            yield doc

    def finish(self) -> int:
        if self.args.errors:
            with atomic_writer(self.args.errors) as f:
                write_jsonl((e.to_dict() for e in self.errors), f)
        if self.errors:
            print(f"geomap: {self.count} document(s) done, {len(self.errors)} input error(s)", file=sys.stderr)
            return 1 if self.count else 2
        return 0


def _cmd_extract(args: argparse.Namespace) -> int:
    run = _Run(args)
    with atomic_writer(args.output) as f:
        write_jsonl((d.to_dict() for d in run.documents()), f)
    return run.finish()


def _cmd_map(args: argparse.Namespace) -> int:
    from .export import SnapshotUnavailable
    from .render import Map, format_for, map_options

    run = _Run(args)
    fmt = format_for(args.output, args.format)
    m = Map(**map_options(args))
    for doc in run.documents():
        m.add(doc)
    if run.count == 0:
        run.finish()
        print("geomap: no document to map", file=sys.stderr)
        return 2
    try:
        if args.output in (None, "-"):
            sys.stdout.buffer.write(m.to_bytes(fmt))
        else:
            m.save(args.output, format=fmt)
            print(f"geomap: wrote {args.output} ({run.count} document(s))", file=sys.stderr)
    except SnapshotUnavailable as e:
        print(f"geomap: {e}", file=sys.stderr)
        return 2
    return run.finish()


def _cmd_gazetteer(args: argparse.Namespace) -> int:
    from .gazetteer.build import build_default, default_path
    from .gazetteer.store import GazetteerStore

    path = Path(args.gazetteer) if args.gazetteer else default_path()
    if args.action == "build":
        t = time.perf_counter()
        stats = build_default(path, force=args.force, progress=sys.stderr.isatty())
        print(json.dumps({"path": str(path), "seconds": round(time.perf_counter() - t, 1), **stats}, default=str))
        return 0
    store = GazetteerStore(path)
    if args.action == "info":
        print(json.dumps({"path": str(store.path), **store.meta()}, indent=2, default=str))
        return 0
    if not args.name:
        print("geomap: gazetteer lookup needs a NAME", file=sys.stderr)
        return 2
    for c in store.lookup(args.name)[: args.limit]:
        p = c.place
        print(f"{p.geonameid}\t{p.name}\t{p.feature_code}\t{p.country_code or ''}\t{p.admin1 or ''}\t"
              f"{p.population}\t{p.lat:.4f},{p.lon:.4f}\t{c.name_kind}")
    return 0


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="geomap", description="Find places in news text, geocode them offline, map them.")
    ap.add_argument("--version", action="version", version=f"geomap {__version__}")
    ap.add_argument("--gazetteer", metavar="PATH", help="gazetteer store (default: built from the bundled GeoNames data)")
    sub = ap.add_subparsers(dest="command", required=True)

    def inputs(p: argparse.ArgumentParser) -> None:
        p.add_argument("inputs", nargs="+", metavar="INPUT", help="text files, folders of them, JSONL files, or - for stdin")
        p.add_argument("-o", "--output", metavar="FILE", help="output file (default: stdout)")
        p.add_argument("--errors", metavar="FILE", help="write unreadable records to this JSONL error report")

    ex = sub.add_parser("extract", help="write one JSON line per document with its mentions and places")
    inputs(ex)
    ex.add_argument("--explain", action="store_true", help="keep each mention's ranked candidates and their features")
    ex.set_defaults(func=_cmd_extract)

    mp = sub.add_parser("map", help="write one self-contained HTML map of the places")
    inputs(mp)
    from .render import add_map_arguments

    add_map_arguments(mp)
    mp.set_defaults(func=_cmd_map)

    gz = sub.add_parser("gazetteer", help="build, inspect or query the gazetteer")
    gz.add_argument("action", choices=["build", "info", "lookup"])
    gz.add_argument("name", nargs="?", help="name to look up")
    gz.add_argument("--force", action="store_true", help="rebuild even when the store is current")
    gz.add_argument("--limit", type=int, default=20)
    gz.set_defaults(func=_cmd_gazetteer)

    from .evaluate import add_parser as add_evaluate
    from .filter import add_parser as add_filter

    add_evaluate(sub)
    add_filter(sub)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``geomap`` command."""
    args = _parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("geomap: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except (OSError, ValueError) as e:
        print(f"geomap: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
