"""Readers and writers: text, HTML, JSONL and CSV files, folders; the error report; atomic output.

Every input record comes out of :func:`read_inputs` either as a :class:`Record` or as an
:class:`InputError` naming the file, the line and the problem; nothing is dropped silently, so
*input records = documents out + errors* always holds.

Warnings
--------
Some inputs are read, but not exactly as given. They come out as an :class:`InputError` with
``level="warning"`` *before* their :class:`Record`: the document is still produced, and the
warning goes to the error report (``--errors``) so that it says so. Warnings are given for

* invalid UTF-8 (decoded with U+FFFD replacement characters, and the count said),
* lone surrogates (``"\\ud800"`` in JSON) and control characters (replaced, length kept),
* HTML pages (the visible text is the document; ``meta["source_offsets"]`` maps back),
* duplicate ids (both records are kept).

Errors (no document): missing and unreadable files, binary files (NUL bytes), invalid
UTF-16, empty or whitespace-only texts, malformed JSON lines, non-object JSON lines, records
with no text field, CSV rows with the wrong number of fields, and anything over the limits.

Limits
------
A document may hold at most :data:`MAX_TEXT_CHARS` characters (the spaCy pipeline's
``max_length``); a text or HTML file over :data:`MAX_FILE_BYTES`, or a JSONL line over
:data:`MAX_LINE_BYTES`, is refused without being read into memory. Longer documents are
refused, not split: split them at paragraph boundaries before parsing. JSONL and CSV files are
read a record at a time, so a large file of many records needs no more memory than one record.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io as _io
import json
import os
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO, Iterable, Iterator, Sequence

from .model import Document
from .text import clean, html_to_text, looks_html

__all__ = ["Record", "InputError", "read_inputs", "decode_text", "decode_bytes", "atomic_writer", "write_jsonl",
           "MAX_TEXT_CHARS", "MAX_FILE_BYTES", "MAX_LINE_BYTES"]

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
CSV_SUFFIXES = {".csv", ".tsv"}

#: The longest document, in characters (``geomap.pipeline.MAX_CHARS``, spaCy's ``max_length``).
MAX_TEXT_CHARS = 2_000_000
#: The largest text or HTML file read whole; larger ones are refused unread.
MAX_FILE_BYTES = 16 * 1024 * 1024
#: The longest JSONL line; longer lines are reported and skipped without being held in memory.
MAX_LINE_BYTES = 16 * 1024 * 1024


@dataclass(slots=True)
class Record:
    """One input document and where it came from."""

    doc: Document
    source: str
    line: int | None = None


@dataclass(slots=True)
class InputError:
    """One input record that could not be read (``level="error"``), or was read with a caveat
    (``level="warning"``: its document still comes out), and why."""

    source: str
    reason: str
    line: int | None = None
    id: str | None = None
    level: str = "error"

    @property
    def is_warning(self) -> bool:
        return self.level == "warning"

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: warning: {self.reason}" if self.is_warning else f"{where}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "line": self.line, "id": self.id, "level": self.level, "reason": self.reason}


def _warning(source: str, reason: str, line: int | None = None, rid: str | None = None) -> InputError:
    return InputError(source, reason, line, rid, "warning")


class DecodeError(ValueError):
    """Bytes that are not text we can read."""


def decode_bytes(data: bytes) -> tuple[str, list[str]]:
    """``(text, notes)`` from UTF-8 (with or without BOM) or BOM-marked UTF-16.

    Invalid UTF-8 is decoded with U+FFFD replacement characters and a note saying how many
    bytes were replaced (for a warning). Binary data (NUL bytes in the first 8 KiB) and
    invalid UTF-16 raise :class:`DecodeError`.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError as e:
            raise DecodeError(f"invalid UTF-16 at byte {e.start}") from None
    if b"\x00" in data[:8192]:
        raise DecodeError("binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as e:
        first = f"byte 0x{data[e.start]:02x} at offset {e.start}"
    with _counting() as bad:
        text = data.decode("utf-8-sig", errors=_REPLACE)
    return text, [f"not valid UTF-8 ({first}): {bad[0]} invalid byte sequence(s) replaced with U+FFFD"]


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM) or BOM-marked UTF-16; refuse binary data and invalid UTF-8.

    The strict form, for callers that want an error; :func:`decode_bytes` replaces and says so.
    """
    text, notes = decode_bytes(data)
    if notes:
        raise DecodeError(notes[0].split(":")[0])
    return text


# a codec error handler that replaces like "replace" and counts (per thread)
_REPLACE = "geomap.count-replace"
_COUNT = threading.local()


def _count_replace(e: UnicodeError) -> tuple[str, int]:
    counter = getattr(_COUNT, "value", None)
    if counter is not None:
        counter[0] += 1
    return "\ufffd", e.end  # type: ignore[attr-defined]


codecs.register_error(_REPLACE, _count_replace)


@contextlib.contextmanager
def _counting() -> Iterator[list[int]]:
    prev = getattr(_COUNT, "value", None)
    _COUNT.value = counter = [0]
    try:
        yield counter
    finally:
        _COUNT.value = prev


def _kind(source: str, head: str = "") -> str:
    suffix = Path(source).suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in HTML_SUFFIXES:
        return "html"
    if source == "-" and head.lstrip().startswith("{"):
        return "jsonl"
    if looks_html(head):
        return "html"
    return "text"


class _Reader:
    """One :func:`read_inputs` call: tracks ids across files to warn about duplicates."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    # -- one document: limits, cleaning, HTML, duplicate ids

    def document(self, text: str, rid: str, meta: dict[str, Any], source: str, line: int | None,
                 notes: Sequence[str] = (), *, html: bool = False) -> Iterator[Record | InputError]:
        where_id = rid
        if html:
            try:
                extracted = html_to_text(text)
            except Exception as e:  # noqa: BLE001 - html.parser is lenient, but never crash a batch
                yield InputError(source, f"cannot extract text from HTML ({type(e).__name__}: {e})", line, where_id)
                return
            text = extracted.text
            meta = {**meta, "format": "html", "source_offsets": extracted.runs}
            if extracted.title and "title" not in meta:
                meta["title"] = extracted.title
            notes = [*notes, "HTML page: the document is its visible text; "
                             "meta.source_offsets maps text offsets to the original"]
        text, cleaned = clean(text)  # control characters become spaces: judge emptiness after
        if not text.strip():
            yield InputError(source, ("empty text" if not text else "text holds only whitespace")
                             + (" (after HTML extraction)" if html else ""), line, where_id)
            return
        if len(text) > MAX_TEXT_CHARS:
            yield InputError(source, f"document of {len(text):,} characters is over the limit of "
                                     f"{MAX_TEXT_CHARS:,} (geomap.io.MAX_TEXT_CHARS); split it into parts",
                             line, where_id)
            return
        where = f"{source}:{line}" if line is not None else source
        for note in [*notes, *cleaned]:
            yield _warning(source, note, line, where_id)
        first = self.seen.get(rid)
        if first is not None:
            yield _warning(source, f"duplicate id {rid!r} (first at {first}); both kept", line, rid)
        else:
            self.seen[rid] = where
        yield Record(Document(text=text, id=rid, meta=meta), source, line)

    # -- files

    def file(self, source: str) -> Iterator[Record | InputError]:
        kind = _kind(source)
        if source != "-" and kind in ("jsonl", "csv"):
            try:
                f = open(source, "rb")
            except OSError as e:
                yield _unreadable(source, e)
                return
            with f:
                yield from (self.jsonl(source, f) if kind == "jsonl" else self.csv(source, f))
            return
        try:
            data = _read_limited(source)
        except OSError as e:
            yield _unreadable(source, e)
            return
        if source == "-" and data.lstrip()[:1] == b"{":
            yield from self.jsonl(source, _BytesLines(data))
            return
        try:
            text, notes = decode_bytes(data)
        except DecodeError as e:
            yield InputError(source, str(e))
            return
        del data
        kind = _kind(source, text[:4096])
        if kind == "jsonl":
            yield from self.jsonl(source, _BytesLines(text.encode("utf-8")))
            return
        if not text.strip():
            yield InputError(source, "empty file" if not text else "file holds only whitespace")
            return
        name = "stdin" if source == "-" else Path(source).name
        yield from self.document(text, name, {"source": source}, source, None, notes, html=kind == "html")

    def jsonl(self, source: str, f: Any) -> Iterator[Record | InputError]:
        name = Path(source).name
        n = 0
        while True:
            raw = f.readline(MAX_LINE_BYTES + 1)
            if not raw:
                break
            n += 1
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                size = len(raw)
                while raw and not raw.endswith(b"\n"):  # skip the rest of the line, a chunk at a time
                    raw = f.readline(1 << 20)
                    size += len(raw)
                yield InputError(source, f"line of {size:,} bytes is over the limit of {MAX_LINE_BYTES:,} "
                                         "(geomap.io.MAX_LINE_BYTES)", n)
                continue
            if not raw.strip():
                continue
            if n == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
            yield from self._jsonl_line(source, name, raw, n)

    def _jsonl_line(self, source: str, name: str, raw: bytes, n: int) -> Iterator[Record | InputError]:
        notes: list[str] = []
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            with _counting() as bad:
                line = raw.decode("utf-8", errors=_REPLACE)
            notes.append(f"not valid UTF-8 (byte 0x{raw[e.start]:02x} at column {e.start + 1}): "
                         f"{bad[0]} invalid byte sequence(s) replaced with U+FFFD")
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            yield InputError(source, f"invalid JSON ({e.msg} at column {e.colno})", n)
            return
        except RecursionError:
            yield InputError(source, "invalid JSON (nested too deeply)", n)
            return
        if not isinstance(obj, dict):
            yield InputError(source, f"expected a JSON object, got {type(obj).__name__}", n)
            return
        rid = obj.get("id")
        rid = None if rid is None else _scrub(str(rid))
        text_value = obj.get("text")
        if not isinstance(text_value, str):
            yield InputError(source, "no 'text' string in the record", n, rid)
            return
        meta = {k: v for k, v in obj.items() if k not in ("text", "id")}
        if "\\ud" in line or "\\uD" in line:  # lone surrogates in meta cannot be written as UTF-8
            meta = _scrub(meta)
        html = str(meta.get("format", "")).lower() == "html"
        yield from self.document(text_value, rid if rid is not None else f"{name}:{n}", meta, source, n, notes,
                                 html=html)

    def csv(self, source: str, f: BinaryIO) -> Iterator[Record | InputError]:
        head = f.read(8192)
        f.seek(0)
        if not head:
            yield InputError(source, "empty file")
            return
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            encoding = "utf-16"
        elif b"\x00" in head:
            yield InputError(source, "binary file (contains NUL bytes), not text")
            return
        else:
            encoding = "utf-8-sig"
        delim = "\t" if source.lower().endswith(".tsv") else ","
        name = Path(source).name
        if csv.field_size_limit() < MAX_TEXT_CHARS + 1:
            csv.field_size_limit(MAX_TEXT_CHARS + 1)
        lines: Iterable[str]
        if encoding == "utf-16":
            lines = _io.TextIOWrapper(f, encoding="utf-16", newline="")
        else:
            lines = _utf8_lines(f)
        reader = csv.reader(lines, delimiter=delim)
        header: list[str] | None = None
        end = 0
        while True:
            start = end + 1
            with _counting() as bad:
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error as e:
                    end = reader.line_num
                    if header is None:
                        yield InputError(source, f"unreadable CSV header ({e})", start)
                        return
                    yield InputError(source, f"unreadable CSV record ({e})", start)
                    continue
                except UnicodeDecodeError as e:  # invalid UTF-16 (replacement covers UTF-8)
                    yield InputError(source, f"cannot decode ({e.reason})", start)
                    return
            end = reader.line_num
            if header is None:
                header = [h.strip() for h in row]
                if "text" not in header:
                    yield InputError(source, "no 'text' column in the CSV header", 1)
                    return
                col, idcol = header.index("text"), (header.index("id") if "id" in header else None)
                continue
            if not row or (len(row) == 1 and not row[0].strip() and len(header) > 1):
                continue  # blank line
            rid = row[idcol] if idcol is not None and idcol < len(row) and row[idcol] != "" else None
            if len(row) != len(header):
                yield InputError(source, f"{len(row)} fields, expected {len(header)} (odd quoting?)", start, rid)
                continue
            notes = [f"not valid UTF-8: {bad[0]} invalid byte sequence(s) replaced with U+FFFD"] if bad[0] else []
            meta = {k: v for k, v in zip(header, row) if k not in ("text", "id") and k}
            yield from self.document(row[col], rid if rid is not None else f"{name}:{start}", meta, source, start,
                                     notes, html=str(meta.get("format", "")).lower() == "html")
        if header is None:
            yield InputError(source, "empty CSV file")


def _utf8_lines(f: BinaryIO) -> Iterator[str]:
    """Lines of a UTF-8 file (split at ``\\n`` only, ends kept, as the csv module wants), each
    decoded on its own so replaced bytes are counted for the record being read."""
    first = True
    for raw in f:
        if first:
            first = False
            if raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
        yield raw.decode("utf-8", errors=_REPLACE)


class _BytesLines:
    """``readline`` over bytes already in memory (stdin)."""

    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def readline(self, limit: int = -1) -> bytes:
        end = self.data.find(b"\n", self.pos)
        end = len(self.data) if end < 0 else end + 1
        if limit >= 0:
            end = min(end, self.pos + limit)
        line, self.pos = self.data[self.pos:end], end
        return line


class _TooLarge(OSError):
    pass


def _unreadable(source: str, e: OSError) -> InputError:
    """The one-line error for a file that cannot be opened or read."""
    if isinstance(e, FileNotFoundError):
        return InputError(source, "no such file")
    if isinstance(e, IsADirectoryError):
        return InputError(source, "is a directory")
    if isinstance(e, _TooLarge):
        return InputError(source, str(e))
    return InputError(source, e.strerror or str(e))


def _read_limited(source: str) -> bytes:
    if source == "-":
        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES and not data.lstrip()[:1] == b"{":
            raise _TooLarge(f"stdin holds over {MAX_FILE_BYTES:,} bytes (geomap.io.MAX_FILE_BYTES); "
                            "split the text, or give JSONL")
        if len(data) > MAX_FILE_BYTES:
            data += sys.stdin.buffer.read()  # JSONL on stdin: many records
        return data
    path = Path(source)
    if path.is_dir():
        raise IsADirectoryError(source)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise _TooLarge(f"file of {size:,} bytes is over the limit of {MAX_FILE_BYTES:,} "
                        "(geomap.io.MAX_FILE_BYTES); split it into parts")
    return path.read_bytes()


def _scrub(value: Any) -> Any:
    """Lone surrogates replaced in every string of a JSON value."""
    if isinstance(value, str):
        return clean(value)[0] if any("\ud800" <= c <= "\udfff" for c in value) else value
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def _expand(paths: Sequence[str]) -> Iterator[str]:
    suffixes = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | CSV_SUFFIXES
    for p in paths:
        path = Path(p)
        if p != "-" and path.is_dir():
            files = sorted(f for f in path.rglob("*") if f.is_file() and f.suffix.lower() in suffixes)
            yield from (str(f) for f in files)
        else:
            yield p


def read_inputs(paths: Sequence[str]) -> Iterator[Record | InputError]:
    """Records from text, HTML, JSONL and CSV files and folders of them (recursive, sorted).

    ``-`` reads stdin (JSONL when it starts with ``{``, HTML when it starts like a page, else
    one text). JSONL lines and CSV rows hold ``text``, an optional ``id`` and any other fields,
    which land in ``Document.meta`` (``"format": "html"`` marks an HTML text). Warnings (see the
    module docstring) come before the record they are about.
    """
    reader = _Reader()
    for source in _expand(paths):
        yield from reader.file(source)


@contextlib.contextmanager
def atomic_writer(path: str | Path | None, mode: str = "w") -> Iterator[IO[Any]]:
    """Write to a temporary file beside ``path`` and rename it into place on success.

    ``None`` or ``"-"`` writes to stdout. An exception leaves any previous file untouched.
    """
    if path is None or str(path) == "-":
        yield sys.stdout if "b" not in mode else sys.stdout.buffer
        sys.stdout.flush()
        return
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, mode, encoding=None if "b" in mode else "utf-8") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual mode
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_jsonl(rows: Iterable[dict[str, Any]], f: IO[str]) -> int:
    """Write one JSON object per line; returns the number of lines."""
    n = 0
    for row in rows:
        f.write(json.dumps(row, ensure_ascii=False) + "\n")
        n += 1
    return n



# --------------------------------------------------------------------------- streaming (geomap.batch)
# Appended for batch runs (geomap.batch): read_inputs plus Parquet, and a cheap record count for
# progress bars. JSONL and CSV already stream in read_inputs; Parquet is read batch by batch.

PARQUET_SUFFIXES = {".parquet", ".pq"}


def _parquet_records(reader: _Reader, source: str) -> Iterator[Record | InputError]:
    try:
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(source)
    except ImportError:
        yield InputError(source, "reading Parquet needs pyarrow (pip install pyarrow)")
        return
    except FileNotFoundError:
        yield InputError(source, "no such file")
        return
    except Exception as e:  # noqa: BLE001 - pyarrow raises many kinds
        yield InputError(source, f"cannot read Parquet: {e}")
        return
    if "text" not in pf.schema_arrow.names:
        yield InputError(source, "no 'text' column in the Parquet schema")
        return
    name = Path(source).name
    row = 0
    for batch in pf.iter_batches(batch_size=1024):
        for obj in batch.to_pylist():
            row += 1
            rid = obj.get("id")
            rid = None if rid is None else str(rid)
            text = obj.get("text")
            if not isinstance(text, str):
                yield InputError(source, "no 'text' string in the record", row, rid)
                continue
            meta = {k: v for k, v in obj.items() if k not in ("text", "id")}
            yield from reader.document(text, rid if rid is not None else f"{name}:{row}", meta, source, row)


def _stream_sources(paths: Sequence[str]) -> Iterator[str]:
    suffixes = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | CSV_SUFFIXES | PARQUET_SUFFIXES
    for p in paths:
        path = Path(p)
        if p != "-" and path.is_dir():
            yield from sorted(str(f) for f in path.rglob("*") if f.is_file() and f.suffix.lower() in suffixes)
        else:
            yield p


def stream_inputs(paths: Sequence[str]) -> Iterator[Record | InputError]:
    """:func:`read_inputs`, and Parquet files (a ``text`` column, ``id``, the rest into ``meta``).

    Every format is read a record at a time (a text or HTML file is one record), so memory
    does not grow with the input. Folders are walked recursively in sorted order.
    """
    reader = _Reader()
    for source in _stream_sources(paths):
        if source != "-" and Path(source).suffix.lower() in PARQUET_SUFFIXES:
            yield from _parquet_records(reader, source)
        else:
            yield from reader.file(source)


def count_inputs(paths: Sequence[str], *, limit_bytes: int = 2 << 30) -> int | None:
    """How many records ``paths`` hold, when that is cheap to know (a progress bar's ETA), else None.

    JSONL: non-blank lines (up to ``limit_bytes`` read in all); Parquet: its footer; a text or
    HTML file: one. CSV (quoted newlines) and stdin are unknown.
    """
    total = 0
    budget = limit_bytes
    for source in _stream_sources(paths):
        suffix = Path(source).suffix.lower()
        if source == "-" or suffix in CSV_SUFFIXES:
            return None
        try:
            if suffix in JSONL_SUFFIXES:
                budget -= os.path.getsize(source)
                if budget < 0:
                    return None
                with open(source, "rb") as f:
                    total += sum(1 for line in f if line.strip())
            elif suffix in PARQUET_SUFFIXES:
                import pyarrow.parquet as pq

                total += pq.ParquetFile(source).metadata.num_rows
            else:
                total += 1
        except Exception:  # noqa: BLE001 - the reader reports the problem; the count is an estimate
            total += 1
    return total
