"""``geomap filter``: keep the articles about a region; write them unchanged, in their input format.

Inputs are read by :mod:`geomap.ingest` (the same files, lines, CSV rows and Parquet rows as every
other command), then judged by :class:`geomap.analysis.Judge`. Records already parsed by
``geomap extract`` (with ``mentions``) are judged without parsing them again, on a fast path
that decodes only the mentions (msgspec).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from .analysis.judge import Explanation, Judge, extracted_document
from .cli_support import add_column_arguments, is_quiet, output_format, say
from .ingest import (MAX_FILE_BYTES, DecodeError, InputError, check_output, clean, decode_bytes, dumps, open_output,
                     write_jsonl)
from .ingest.formats import byte_lines, csv_rows, parquet_rows, parse_json_record
from .ingest.sources import (CSV_SUFFIXES, JSONL_SUFFIXES, PARQUET_SUFFIXES, TEXT_SUFFIXES, expand, kind_of,
                             open_input, read_limited, unreadable)
from .model import Document, Mention, Place

__all__ = ["add_parser", "FilterRun", "EXPLAIN_FIELD", "OUTPUT_SUFFIXES"]

#: The output suffixes of each format filter writes (the inputs' own).
OUTPUT_SUFFIXES = {"jsonl": (*JSONL_SUFFIXES, ".json"), "csv": tuple(CSV_SUFFIXES), "parquet": tuple(PARQUET_SUFFIXES)}

#: The field (JSONL, CSV, Parquet) or side file (text folders) with ``--explain``.
EXPLAIN_FIELD = "_geomap"


def _kind(path: str) -> str:
    """The format ``geomap filter`` reads ``path`` as: text for folders and text files, JSONL for
    stdin and any other suffix (``.json`` included)."""
    if path == "-":
        return "jsonl"
    if os.path.isdir(path):
        return "text"
    kind = kind_of(path)
    return kind if kind in ("csv", "parquet", "text") else "jsonl"


@dataclass(slots=True)
class _Item:
    """One input record: its raw form (written back unchanged), where it came from, its document."""

    raw: Any
    source: str
    line: int | None
    doc: Document | None = None  # set when already parsed (``geomap extract`` output)
    pending: Document | None = None  # set when it must be parsed
    fast: Any = None  # a msgspec record of an extracted line (the hot path), else None


class FilterRun:
    """One ``geomap filter`` run: read every input, judge each record, write the kept ones as they came."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.errors: list[InputError] = []
        self.total = self.kept = self.dropped = 0
        self.places: dict[int, Place] = {}
        self.text_column = args.text_column
        self.id_column = getattr(args, "id_column", "id")

    # -- errors

    def error(self, err: InputError) -> None:
        self.errors.append(err)
        if err.level != "warning" or not is_quiet(self.args):
            print(f"geomap: {err}", file=sys.stderr)

    def document(self, text: str, rid: str | None, source: str, line: int | None) -> Document:
        """The document to parse for a record's text, cleaned as every input is (warnings said)."""
        text, notes = clean(text)
        rid = None if rid is None else clean(rid)[0]
        for note in notes:
            self.error(InputError(source, note, line, rid, level="warning"))
        return Document(text=text, id=rid)

    # -- readers: each yields _Item or InputError, one per input record

    def _from_obj(self, obj: Any, raw: Any, source: str, line: int | None) -> _Item | InputError:
        if not isinstance(obj, dict):
            return InputError(source, f"expected a JSON object, got {type(obj).__name__}", line)
        rid = obj.get(self.id_column)
        rid = None if rid is None else clean(str(rid))[0]
        if isinstance(obj.get("mentions"), list):
            try:
                return _Item(raw, source, line, doc=extracted_document(obj, self.places))
            except (KeyError, TypeError, ValueError) as e:
                return InputError(source, f"malformed geomap record ({type(e).__name__}: {e})", line, rid)
        text = obj.get(self.text_column)
        if not isinstance(text, str):
            return InputError(source, f"no {self.text_column!r} string in the record", line, rid)
        return _Item(raw, source, line, pending=self.document(text, rid, source, line))

    def read_jsonl(self, source: str) -> Iterator[_Item | InputError]:
        try:
            f = open_input(source)
        except OSError as e:
            yield unreadable(source, e)
            return
        fast = _fast_decoder(self.text_column, self.id_column)
        with f:
            for item in byte_lines(source, f, binary="lines"):
                if isinstance(item, InputError):
                    yield item
                    continue
                n, raw = item
                if raw[:1] in b" \t\r\n" and not raw.strip():  # (most lines start with "{": no copy)
                    continue
                if fast is not None:
                    it = self._from_fast(fast, raw, source, n)
                    if it is not None:
                        yield it
                        continue
                warnings, it = self._from_raw(raw, source, n)
                yield from warnings
                yield it

    def _from_raw(self, raw: bytes, source: str, line: int) -> tuple[list[InputError], _Item | InputError]:
        """The general path: any JSON line, with the error worded for the user; and the warnings
        that go before it. A record with NaN or Infinity is written back with null instead."""
        parsed = parse_json_record(raw)
        if isinstance(parsed, str):
            return [], InputError(source, parsed, line)
        obj, notes = parsed
        if any("NaN" in n for n in notes):
            raw = (dumps(obj) + "\n").encode("utf-8")
        return [InputError(source, n, line, level="warning") for n in notes], self._from_obj(obj, raw, source, line)

    def _from_fast(self, decoders: tuple[Any, Any, Any], raw: bytes, source: str, line: int) -> _Item | None:
        """The hot path, in two steps. msgspec first reads the mentions with only their place
        ids (the *lite* decoder of :func:`_fast_decoder`); :meth:`_judge_one` reads the whole
        places only when one was not seen before. Records without mentions are read whole here.

        Returns ``None`` to let the general path read (and word the error for) anything unusual.
        """
        lite, _, full = decoders
        try:
            rec = lite.decode(raw)
        except _msgspec.MsgspecError:
            return None
        if rec.mentions is not None:
            if bytes(memoryview(rec.text)[:1]) != b'"':
                return None  # text missing or not a string: let the general path say so
            return _Item(raw, source, line, fast=rec)
        try:
            rec = full.decode(raw)
        except _msgspec.MsgspecError:
            return None
        text = getattr(rec, self.text_column)
        if not isinstance(text, str):
            return None
        rid = getattr(rec, self.id_column)
        return _Item(raw, source, line, pending=self.document(text, None if rid is None else str(rid), source, line))

    def to_place(self, p: Any) -> Place:
        """A (shared) :class:`Place` for a msgspec place record."""
        place = self.places.get(p.geonameid)
        if place is None:
            place = self.places[p.geonameid] = Place(*_msgspec.structs.astuple(p))
        return place

    def fast_document(self, rec: Any) -> Document:
        to_place = self.to_place
        mentions = [Mention(m.text, m.start, m.end, m.sentence, m.kind, None if m.place is None else to_place(m.place),
                            m.score) for m in rec.mentions]
        return Document(rec.text, None if rec.id is None else str(rec.id), mentions=mentions)

    def read_csv(self, source: str) -> Iterator[_Item | InputError]:
        delim = "\t" if source.lower().endswith(".tsv") else ","
        try:
            f = open_input(source)
        except OSError as e:
            yield unreadable(source, e)
            return
        header: list[str] | None = None
        with f:
            for item in csv_rows(source, f, delim):
                if isinstance(item, InputError):
                    yield item
                    continue
                line, row, replaced = item
                if header is None:
                    header = row
                    names = [h.strip() for h in header]  # " text" names the text column, as for extract
                    if self.text_column not in names:
                        yield InputError(source, f"no {self.text_column!r} column (use --text-column)", 1)
                        return
                    if self.csv_header is None:
                        self.csv_header, self.csv_delim = header, delim
                    elif names != [h.strip() for h in self.csv_header]:
                        yield InputError(source, "its columns differ from the first CSV input's", 1)
                        return
                    col = names.index(self.text_column)
                    idcol = names.index(self.id_column) if self.id_column in names else None
                    continue
                if replaced:  # invalid UTF-8 was replaced: the article is kept, and said so
                    yield InputError(source, f"not valid UTF-8: {replaced} invalid byte sequence(s) replaced "
                                             "with U+FFFD", line, level="warning")
                rid = row[idcol] if idcol is not None else None
                yield _Item(row, source, line, pending=self.document(row[col], rid, source, line))
        if header is None:
            yield InputError(source, "empty CSV file")

    def read_parquet(self, source: str) -> Iterator[_Item | InputError]:
        rows = parquet_rows(source, batch_size=4096)
        schema = next(rows, None)
        if isinstance(schema, InputError) or schema is None:
            yield schema or InputError(source, "empty Parquet file")
            return
        if self.parquet_schema is None:
            self.parquet_schema = schema
        elif not schema.equals(self.parquet_schema):
            yield InputError(source, "its schema differs from the first Parquet input's")
            return
        if self.text_column not in schema.names and "mentions" not in schema.names:
            yield InputError(source, f"no {self.text_column!r} column (use --text-column)")
            return
        for item in rows:
            if isinstance(item, InputError):
                yield item
                continue
            row, rec = item
            yield self._from_obj(rec, rec, source, row)

    def read_text(self, source: str) -> Iterator[_Item | InputError]:
        if source != "-" and not os.path.exists(source):
            yield InputError(source, "no such file")
            return
        root = Path(source)
        for f in expand([source], TEXT_SUFFIXES):
            if isinstance(f, InputError):
                yield f
                continue
            try:
                text, notes = decode_bytes(read_limited(f, MAX_FILE_BYTES))
            except OSError as e:
                yield unreadable(f, e)
                continue
            except DecodeError as e:
                yield InputError(f, str(e))
                continue
            for note in notes:  # invalid UTF-8 was replaced: the article is kept, and said so
                yield InputError(f, note, level="warning")
            rel = Path(f).relative_to(root) if root.is_dir() else Path(Path(f).name)
            yield _Item((Path(f), rel), f, None, pending=self.document(text, str(rel), f, None))

    # -- the run

    def items(self, kind: str) -> Iterator[_Item]:
        reader = {"jsonl": self.read_jsonl, "csv": self.read_csv, "parquet": self.read_parquet,
                  "text": self.read_text}[kind]
        for source in self.args.inputs:
            for it in reader(source):
                if isinstance(it, InputError):
                    self.error(it)
                    if it.level == "warning":
                        continue  # its record follows and is counted then
                self.total += 1
                if not isinstance(it, InputError):
                    yield it

    def judged(self, kind: str, judge: Judge) -> Iterator[tuple[_Item, Explanation]]:
        """Each record with its verdict, in input order. Raw texts are parsed in chunks of 512;
        records already parsed are judged as they come unless a chunk is waiting before them."""
        chunk: list[_Item] = []
        one = self._judge_one
        for it in self.items(kind):
            if it.pending is None and not chunk:
                why = one(it, judge)
                if why is not None:
                    yield why
                continue
            chunk.append(it)
            if len(chunk) >= 512:
                yield from self._judge_chunk(chunk, judge)
                chunk = []
        yield from self._judge_chunk(chunk, judge)

    def _judge_chunk(self, chunk: list[_Item], judge: Judge) -> Iterator[tuple[_Item, Explanation]]:
        pending = [it for it in chunk if it.pending is not None]
        if pending:
            by_doc = {id(it.pending): it for it in pending}

            def on_error(doc: Document, exc: Exception) -> None:
                it = by_doc[id(doc)]
                self.error(InputError(it.source, f"could not be parsed: {exc}", it.line, doc.id))

            for doc in self.parser().parse_many([it.pending for it in pending], on_error=on_error):
                by_doc[id(doc)].doc = doc
        for it in chunk:
            why = self._judge_one(it, judge)
            if why is not None:
                yield why

    def _judge_one(self, it: _Item, judge: Judge) -> tuple[_Item, Explanation] | None:
        """The verdict on one record, or ``None`` when it turned out malformed (reported) or
        could not be parsed (reported by ``on_error``)."""
        rec = it.fast
        if rec is None:
            return None if it.doc is None else (it, judge(it.doc))
        if not judge.focus:
            hits = judge.scan(rec.mentions)
            if hits is None:  # a place not located yet: locate it, reading its record if new
                if not self._locate_new(it, rec, judge):
                    return self._judge_again(it, judge)
                hits = judge.scan(rec.mentions)
            return it, judge.judge_hits(hits)
        try:
            whole = _FAST[self.text_column, self.id_column][2].decode(it.raw)
        except _msgspec.MsgspecError:  # a field of the wrong type: the general path words it
            return self._judge_again(it, judge)
        return it, judge(self.fast_document(whole))

    def _locate_new(self, it: _Item, rec: Any, judge: Judge) -> bool:
        """Locate the places of ``rec`` the judge has not seen, reading their whole records when
        this run has not seen them either. False when those records are malformed."""
        places = self.places
        if not all(m.place is None or m.place.geonameid in places for m in rec.mentions):
            try:
                whole = _FAST[self.text_column, self.id_column][1].decode(it.raw)
            except _msgspec.MsgspecError:  # a place field of the wrong type
                return False
            for m in whole.mentions:
                if m.place is not None:
                    self.to_place(m.place)
        for m in rec.mentions:
            if m.place is not None:
                judge.where(places[m.place.geonameid])
        return True

    def _judge_again(self, it: _Item, judge: Judge) -> tuple[_Item, Explanation] | None:
        """Judge a record by the general path, which words the error of a malformed one."""
        warnings, again = self._from_raw(it.raw, it.source, it.line or 0)
        for w in warnings:
            self.error(w)
        if isinstance(again, InputError):
            self.error(again)
            return None
        return self._judge_one(again, judge)

    def parser(self) -> Any:
        if getattr(self, "_parser", None) is None:
            from .pipeline import Geoparser

            self._parser = Geoparser(gazetteer=getattr(self.args, "gazetteer", None),
                                     mode="fast" if getattr(self.args, "fast", False) else "full")
        return self._parser

    def run(self) -> int:
        args = self.args
        kinds = {_kind(p) for p in args.inputs}
        if len(kinds) != 1:
            raise ValueError(f"inputs mix formats ({', '.join(sorted(kinds))}); filter one format at a time")
        kind = kinds.pop()
        specs = list(args.within or [])
        if args.bbox:
            specs += [f"bbox:{b}" for b in args.bbox]
        if args.near:
            specs += [f"near:{n}" for n in args.near]
        if not specs:
            raise ValueError("no region: give --within, --bbox or --near")
        if kind != "text":  # written in the inputs' format: a suffix naming another is refused
            output_format(args.output, kind, OUTPUT_SUFFIXES, kind, given_by="the inputs' format")
        check_output(args.output, folder=kind == "text")  # before any work
        check_output(args.errors, flag="--errors")
        store = None
        if args.focus:
            from .gazetteer.store import get_store

            store = get_store(getattr(args, "gazetteer", None))
        judge = Judge([_region_arg(s) for s in specs], area=args.area, demonyms=args.demonyms,
                       min_mentions=args.min_mentions, focus=args.focus, exclude=args.exclude, store=store,
                       min_score=args.min_score)
        self.csv_header: list[str] | None = None
        self.csv_delim = ","
        self.parquet_schema: Any = None
        write = {"jsonl": self.write_jsonl, "csv": self.write_csv, "parquet": self.write_parquet,
                 "text": self.write_text}[kind]
        write(self.judged(kind, judge))
        return self.finish()

    def _count(self, why: Explanation) -> bool:
        if why.kept:
            self.kept += 1
        else:
            self.dropped += 1
        return why.kept

    # -- writers: every kept record as it came in

    def write_jsonl(self, judged: Iterable[tuple[_Item, Explanation]]) -> None:
        with open_output(self.args.output, "wb") as f:
            for it, why in judged:
                if not self._count(why):
                    continue
                raw: bytes = it.raw
                if raw[-1:] == b"\n" and raw[-2:] != b"\r\n" and not self.args.explain:
                    f.write(raw)  # the line as it came (the common case: no copy)
                    continue
                raw = raw.rstrip(b"\r\n")
                if self.args.explain:
                    body = raw.rstrip()
                    sep = b"" if body[:-1].rstrip().endswith(b"{") else b", "  # {} has no field yet
                    extra = dumps(why.to_dict()).encode()
                    raw = body[:-1].rstrip() + sep + b'"' + EXPLAIN_FIELD.encode() + b'": ' + extra + b"}"
                f.write(raw + b"\n")

    def write_csv(self, judged: Iterable[tuple[_Item, Explanation]]) -> None:
        with open_output(self.args.output) as f:
            w = None
            for it, why in judged:
                if w is None:
                    w = csv.writer(f, delimiter=self.csv_delim, lineterminator="\n")
                    w.writerow(self.csv_header + ([EXPLAIN_FIELD] if self.args.explain else []))
                if not self._count(why):
                    continue
                w.writerow(it.raw + ([dumps(why.to_dict())] if self.args.explain else []))
            if w is None and self.csv_header is not None:
                csv.writer(f, delimiter=self.csv_delim, lineterminator="\n").writerow(
                    self.csv_header + ([EXPLAIN_FIELD] if self.args.explain else []))

    def write_parquet(self, judged: Iterable[tuple[_Item, Explanation]]) -> None:
        pq = _pyarrow()
        import pyarrow as pa

        if self.args.output in (None, "-"):
            raise ValueError("Parquet output needs -o FILE")
        with open_output(self.args.output, "wb") as f:
            writer = None
            rows: list[dict[str, Any]] = []

            def flush() -> None:
                nonlocal writer
                schema = self.parquet_schema
                if schema is None:
                    return
                if self.args.explain:
                    schema = schema.append(pa.field(EXPLAIN_FIELD, pa.string()))
                if writer is None:
                    writer = pq.ParquetWriter(f, schema)
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                rows.clear()

            for it, why in judged:
                if self._count(why):
                    row = dict(it.raw)
                    if self.args.explain:
                        row[EXPLAIN_FIELD] = dumps(why.to_dict())
                    rows.append(row)
                    if len(rows) >= 4096:
                        flush()
            flush()
            if writer is not None:
                writer.close()

    def write_text(self, judged: Iterable[tuple[_Item, Explanation]]) -> None:
        out = self.args.output
        side: list[dict[str, Any]] = []
        if out in (None, "-"):
            for it, why in judged:
                if self._count(why):
                    line = str(it.raw[0])
                    if self.args.explain:
                        line += "\t" + dumps(why.to_dict())
                    print(line)
            return
        dest = Path(out)
        dest.mkdir(parents=True, exist_ok=True)
        for it, why in judged:
            if self._count(why):
                src, rel = it.raw
                target = dest / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                with open_output(target, "wb") as out_f:  # never a half-copied article
                    out_f.write(Path(src).read_bytes())
                side.append({"file": str(rel), EXPLAIN_FIELD: why.to_dict()})
        if self.args.explain:
            with open_output(dest / f"{EXPLAIN_FIELD}.jsonl") as f:
                write_jsonl(side, f)

    def finish(self) -> int:
        if self.args.errors:
            with open_output(self.args.errors) as f:
                write_jsonl((e.to_dict() for e in self.errors), f)
        errors = [e for e in self.errors if e.level != "warning"]
        warnings = len(self.errors) - len(errors)
        say(self.args, f"filter: {self.total} input, {self.kept} kept, {self.dropped} dropped, "
                       f"{len(errors)} error(s)" + (f", {warnings} warning(s)" if warnings else ""))
        if errors:
            return 1 if self.kept + self.dropped else 2
        return 0


try:
    import msgspec as _msgspec
except ImportError:  # pragma: no cover - depends on the environment
    _msgspec = None

_FAST: dict[tuple[str, str], Any] = {}

if _msgspec is not None:

    class _P(_msgspec.Struct, gc=False):
        geonameid: int
        name: str
        lat: float
        lon: float
        feature_class: str = ""
        feature_code: str = ""
        country_code: str | None = None
        admin1: str | None = None
        population: int = 0

    class _PId(_msgspec.Struct, gc=False):
        geonameid: int

    class _MLite(_msgspec.Struct, gc=False):
        """A mention with only its place's id (the hot path's first read)."""

        text: str
        start: int
        end: int
        sentence: int = 0
        kind: str = "toponym"
        place: _PId | None = None
        score: float = 1.0

    class _M(_MLite, gc=False):
        """A mention with its whole place."""

        place: _P | None = None


def _fast_decoder(text_column: str, id_column: str = "id") -> tuple[Any, Any, Any] | None:
    """Three msgspec decoders for a JSONL line, from cheapest to fullest:

    - *lite* reads each mention's text, offsets, kind and only the id of its place (the
      article's text is checked to be a string, not decoded);
    - *mentions* reads the mentions with their places (the text still undecoded);
    - *full* reads ``text`` (or the text column), ``id`` (or the id column) and the mentions with
      their places.

    Every other field is skipped without building Python objects, though still checked
    to be well-formed JSON. ``None`` when msgspec is not installed.
    """
    if _msgspec is None:
        return None
    decs = _FAST.get((text_column, id_column))
    if decs is None:
        ms = _msgspec
        fields: list[tuple[str, Any, Any]] = [("text", Any, None), ("id", Any, None),
                                              ("mentions", list[_M] | None, None)]
        for column in dict.fromkeys((text_column, id_column)):
            if column not in ("text", "id", "mentions"):
                fields.append((column, Any, None))
        lite = ms.defstruct("_Lite", [("text", ms.Raw, ms.Raw()), ("mentions", list[_MLite] | None, None)],
                            gc=False)
        mentions = ms.defstruct("_Mentions", [("text", ms.Raw, ms.Raw()), ("mentions", list[_M] | None, None)],
                                gc=False)
        decs = _FAST[text_column, id_column] = tuple(ms.json.Decoder(t) for t in
                                          (lite, mentions, ms.defstruct("_Record", fields, gc=False)))
    return decs


def _pyarrow() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise ValueError("reading Parquet needs pyarrow: pip install pyarrow") from None
    return pq


def _region_arg(spec: str) -> Any:
    from .regions import Region, RegionError

    try:
        return Region.parse(spec)
    except RegionError as e:
        raise ValueError(f"--within/--bbox/--near: {e}") from None


def _cmd_filter(args: argparse.Namespace) -> int:
    return FilterRun(args).run()


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``geomap filter`` to the ``geomap`` command's subparsers.

    Examples
    --------
    >>> ap = argparse.ArgumentParser(prog="geomap")
    >>> p = add_parser(ap.add_subparsers(dest="command"))
    >>> ap.parse_args(["filter", "a.jsonl", "--within", "country:UA"]).within
    ['country:UA']
    """
    from .cli_support import add_command

    p = add_command(
        subparsers, "filter",
        help="keep the articles about a region (JSONL, CSV, Parquet or text folders, written unchanged)",
        description="Keep the articles with places in a region; write them unchanged, in their input format. "
                    "Regions given several times (or --bbox/--near) are joined.",
        examples=["geomap filter articles.jsonl --within country:UA -o ukraine.jsonl",
                  'geomap filter feed.csv --text-column body --near "Kursk:100km" -o near-kursk.csv',
                  "geomap filter articles/ --within region.geojson --focus -o kept/"])
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="JSONL (raw or from `geomap extract`), CSV/TSV, Parquet, text files or folders, - for stdin")
    p.add_argument("--within", action="append", metavar="SPEC",
                   help="country:UA, admin1:UA-14, bbox:W,S,E,N, near:PLACE:100km, or a GeoJSON/WKT file "
                        "(default: none; one of --within, --bbox, --near is needed)")
    p.add_argument("--bbox", action="append", metavar="W,S,E,N", help="a longitude/latitude box (default: none)")
    p.add_argument("--near", action="append", metavar="PLACE:KM",
                   help='a radius around a place, e.g. "Kursk:100km" (default: none)')
    p.add_argument("--exclude", action="store_true", help="keep the articles that do NOT match")
    p.add_argument("--min-mentions", type=int, default=1, metavar="N",
                   help="keep an article only with at least N mentions in the region (default 1)")
    p.add_argument("--focus", action="store_true", help="judge the article's focus places, not every mention")
    p.add_argument("--min-score", type=float, default=0.0, metavar="P",
                   help="count only mentions whose place is right with probability at least P (0-1; default 0)")
    p.add_argument("--demonyms", action="store_true", help="let demonyms (Ukrainian → Ukraine) count")
    p.add_argument("--area", choices=["majority", "intersects", "within"], default="majority",
                   help="when a country/admin-1 mention is in a region: most of its area (default), any, all")
    p.add_argument("--explain", action="store_true",
                   help=f"add a {EXPLAIN_FIELD!r} field saying why (a side file {EXPLAIN_FIELD}.jsonl for folders)")
    add_column_arguments(p)
    p.add_argument("-o", "--output", metavar="FILE", help="output file (a folder for text inputs; default stdout)")
    p.add_argument("--errors", metavar="FILE",
                   help="write unreadable records to this JSONL error report (default: none)")
    from .cli import add_fast_argument

    add_fast_argument(p)
    p.set_defaults(func=_cmd_filter)
    return p

