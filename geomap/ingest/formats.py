"""The record formats, read a record at a time: lines of a text file (UTF-8 or UTF-16), JSON
records, CSV rows, Parquet rows. Each reader yields what it read or an :class:`InputError`
naming the line and the problem; none of them raises on bad data.

Used by :mod:`geomap.ingest.reader` (documents) and by ``geomap filter`` (which writes the
records it keeps back as they came).
"""

from __future__ import annotations

import codecs
import collections
import csv
import json
import sys
from typing import IO, Any, Iterator

from .decode import REPLACE, counting_replacements, utf16_encoding
from .records import InputError
from .sources import Prefixed

__all__ = ["byte_lines", "parse_json_record", "csv_rows", "parquet_rows", "MAX_LINE_BYTES", "CSV_FIELD_LIMIT"]

#: The longest line of a JSONL or CSV file; longer lines are reported and skipped without being held in memory.
MAX_LINE_BYTES = 16 * 1024 * 1024
#: The longest CSV field, in characters (the longest document, plus one to tell it apart).
CSV_FIELD_LIMIT = 2_000_001


def byte_lines(source: str, f: IO[bytes], limit: int = MAX_LINE_BYTES, *,
               binary: str = "refuse") -> Iterator[tuple[int, bytes] | InputError]:
    """``(line number, bytes)`` of each line, ends kept, as UTF-8 (a UTF-16 file is decoded and
    re-encoded; a UTF-8 BOM is dropped). A line over ``limit`` bytes is an :class:`InputError`
    and skipped a block at a time; invalid UTF-16 ends the file with one, and so does a NUL
    byte in the first 8 KiB (a binary file) unless ``binary="lines"`` (JSONL: each line is
    judged on its own)."""
    head = f.read(8192)
    if not head:
        return
    utf16 = utf16_encoding(head[:4])
    if utf16 is not None:
        yield from _utf16_lines(source, f, head, utf16, limit)
        return
    if binary == "refuse" and b"\x00" in head:
        yield InputError(source, "binary file (contains NUL bytes), not text")
        return
    reader = Prefixed(head[3:] if head.startswith(codecs.BOM_UTF8) else head, f)
    n = 0
    while True:
        raw = reader.readline(limit + 1)
        if not raw:
            return
        n += 1
        if len(raw) > limit and not raw.endswith(b"\n"):
            size = len(raw)
            while raw and not raw.endswith(b"\n"):  # skip the rest of the line, a block at a time
                raw = reader.readline(1 << 20)
                size += len(raw)
            yield InputError(source, f"line of {size:,} bytes is over the limit of {limit:,} "
                                     "(geomap.ingest.MAX_LINE_BYTES)", n)
            continue
        yield n, raw


def _utf16_lines(source: str, f: IO[bytes], head: bytes, encoding: str,
                 limit: int) -> Iterator[tuple[int, bytes] | InputError]:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    pending, n, skipping, skipped = "", 0, False, 0
    block = head
    while True:
        final = not block
        try:
            pending += decoder.decode(block, final=final)
        except UnicodeDecodeError as e:
            yield InputError(source, f"invalid UTF-16 ({e.reason}); the rest of the file is not read", n + 1)
            return
        *lines, pending = pending.split("\n")
        for text in lines:
            n += 1
            if skipping:
                skipping = False
                yield InputError(source, f"line of {(skipped + len(text)) * 2:,} bytes is over the limit of "
                                         f"{limit:,} (geomap.ingest.MAX_LINE_BYTES)", n)
                continue
            yield n, (text + "\n").encode("utf-8")
        if len(pending) * 2 > limit:
            skipping, skipped, pending = True, skipped + len(pending), ""
        if final:
            if pending or skipping:
                n += 1
                if skipping:
                    yield InputError(source, f"line of {skipped * 2:,} bytes is over the limit of {limit:,} "
                                             "(geomap.ingest.MAX_LINE_BYTES)", n)
                else:
                    yield n, pending.encode("utf-8")
            return
        block = f.read(1 << 20)


def parse_json_record(raw: bytes) -> tuple[dict[str, Any], list[str]] | str:
    """One JSON line as ``(object, notes)``, or the reason it cannot be read.

    Invalid UTF-8 is replaced (and noted); ``NaN`` and ``Infinity`` become ``None`` (and are
    noted); a line that is not JSON, holds a number over Python's digit limit, nests too
    deeply or is not an object gives a one-line reason.
    """
    notes: list[str] = []
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        with counting_replacements() as bad:
            line = raw.decode("utf-8", errors=REPLACE)
        notes.append(f"not valid UTF-8 (byte 0x{raw[e.start]:02x} at column {e.start + 1}): "
                     f"{bad[0]} invalid byte sequence(s) replaced with U+FFFD")
    nonfinite: list[str] = []

    def constant(name: str) -> None:
        nonfinite.append(name)
        return None

    try:
        obj = json.loads(line, parse_constant=constant)
    except json.JSONDecodeError as e:
        return f"invalid JSON ({e.msg} at column {e.colno})"
    except RecursionError:
        return "invalid JSON (nested too deeply)"
    except ValueError as e:  # an integer over sys.get_int_max_str_digits() digits
        if "digits" in str(e):
            return f"invalid JSON (a number of over {sys.get_int_max_str_digits():,} digits)"
        return f"invalid JSON ({e})"
    if not isinstance(obj, dict):
        return f"expected a JSON object, got {type(obj).__name__}"
    if nonfinite:
        notes.append(f"{len(nonfinite)} NaN or Infinity value(s) written as null")
    return obj, notes


def csv_rows(source: str, f: IO[bytes], delimiter: str = ",", limit: int = MAX_LINE_BYTES,
             id_column: str = "id") -> Iterator[tuple[int, list[str], int] | InputError]:
    """``(line, fields, replaced)`` of the header and of each record of a CSV file (``replaced``:
    invalid UTF-8 sequences replaced with U+FFFD), or an :class:`InputError` per record that
    cannot be read (with the record's ``id_column`` value when it could be read). Blank lines
    are skipped.

    A record is read strictly: a quote that is never closed does not swallow the rest of the
    file. When a record over several lines is malformed (an unclosed quote, a quote in the
    wrong place, the wrong number of fields), it is reported at its first line and reading
    goes on from the line after it.
    """
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)
    lines = _Lines(source, byte_lines(source, f, limit))
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    width: int | None = None
    idcol = -1
    while True:
        lines.begin()
        try:
            row = next(reader)
            error = None
        except StopIteration:
            if lines.problem is not None:  # binary file, invalid UTF-16
                yield lines.problem
            break
        except csv.Error as e:
            row, error = None, str(e)
        taken = lines.taken
        if lines.problem is not None:
            yield lines.problem
            return
        if not taken:
            break
        start, end, many = taken[0][0], taken[-1][0], len(taken) > 1
        if row is not None and width is not None and (not row or (len(row) == 1 and not row[0].strip() and width > 1)):
            continue  # a blank line
        if row is not None and (width is None or len(row) == width):
            if width is None:
                width = len(row)
                idcol = [h.strip() for h in row].index(id_column) if id_column in [h.strip() for h in row] else -1
            yield start, row, lines.replaced
            continue
        rid = row[idcol] if row is not None and 0 <= idcol < len(row) and row[idcol] != "" else None
        unclosed = row is None and "unexpected end of data" in (error or "")
        if row is not None:
            error = f"{len(row)} fields, expected {width}"
        if unclosed:
            reason = "unclosed quote: the quoted field opened on this line runs to the end of the file"
        elif many:
            reason = f"unreadable CSV record ({error}; it runs to line {end}: an unclosed quote?)"
        elif row is not None:
            reason = f"{error} (odd quoting?)"
        else:
            reason = f"unreadable CSV record ({error})"
        if many:
            reason += f"; read on from line {start + 1}"
            lines.push_back(taken[1:])
        if row is None or many:
            reader = csv.reader(lines, delimiter=delimiter, strict=True)
        yield InputError(source, reason if width is not None else f"unreadable CSV header ({reason})", start, rid)
        if width is None:
            return


class _Lines:
    """The physical lines of a CSV file as ``csv.reader`` wants them, with the lines of the
    record being read kept (to push them back and read again after a malformed record)."""

    def __init__(self, source: str, lines: Iterator[tuple[int, bytes] | InputError]) -> None:
        self.source, self.lines = source, lines
        self.back: collections.deque[tuple[int, str, int]] = collections.deque()
        self.taken: list[tuple[int, str, int]] = []
        self.exhausted = False
        self.problem: InputError | None = None
        self.replaced = 0

    def begin(self) -> None:
        self.taken, self.replaced = [], 0

    def push_back(self, items: list[tuple[int, str, int]]) -> None:
        self.back.extendleft(reversed(items))

    def __iter__(self) -> "_Lines":
        return self

    def __next__(self) -> str:
        if self.back:
            item = self.back.popleft()
        else:
            while True:
                nxt = next(self.lines, None)
                if nxt is None:
                    self.exhausted = True
                    raise StopIteration
                if isinstance(nxt, InputError):
                    if nxt.line is None or "UTF-16" in nxt.reason:
                        self.problem = nxt
                        raise StopIteration
                    raise csv.Error(nxt.reason)  # a line over the limit: this record is unreadable
                n, raw = nxt
                with counting_replacements() as bad:
                    text = raw.decode("utf-8", errors=REPLACE)
                item = (n, text, bad[0])
                break
        self.taken.append(item)
        self.replaced += item[2]
        return item[1]


def parquet_rows(source: str, batch_size: int = 1024) -> Iterator[Any]:
    """The Arrow schema of a Parquet file first, then ``(row number, dict)`` per row; or one
    :class:`InputError` when the file cannot be read (an error mid-file ends it with one)."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        yield InputError(source, "reading Parquet needs pyarrow (pip install pyarrow)")
        return
    try:
        pf = pq.ParquetFile(source)
    except FileNotFoundError:
        yield InputError(source, "no such file")
        return
    except Exception as e:  # noqa: BLE001 - pyarrow raises many kinds
        yield InputError(source, f"cannot read Parquet: {e}")
        return
    yield pf.schema_arrow
    row = 0
    try:
        for batch in pf.iter_batches(batch_size=batch_size):
            for obj in batch.to_pylist():
                row += 1
                yield row, obj
    except Exception as e:  # noqa: BLE001 - a corrupt row group
        yield InputError(source, f"cannot read Parquet after row {row:,}: {e}", row + 1)
