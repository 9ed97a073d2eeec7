"""Files, folders, stdin and Python values to :class:`Record` or :class:`InputError`: the one
way every input becomes a :class:`~geomap.model.Document`.

Every document goes through :meth:`Reader.document`: HTML to text, :func:`~geomap.ingest.clean.clean`,
the length limit, duplicate ids. The other fields of a record become ``Document.meta`` through
:func:`~geomap.ingest.clean.json_safe`. Warnings (an :class:`InputError` with ``level="warning"``)
come *before* the record they are about.
"""

from __future__ import annotations

import io
import os
import warnings
from pathlib import Path
from typing import IO, Any, Iterator, Mapping, Sequence

from ..model import Document
from .clean import NestingError, clean, json_safe
from .decode import DecodeError, decode_bytes
from .formats import byte_lines, csv_rows, parquet_rows, parse_json_record
from .article import NO_ARTICLE, article_text
from .html import looks_html
from .records import DUPLICATE_ID, InputError, Record, warning
from .sources import (CSV_SUFFIXES, JSONL_SUFFIXES, PARQUET_SUFFIXES, Prefixed, expand, kind_of, open_input,
                      read_limited, unreadable)

__all__ = ["Reader", "read_inputs", "count_inputs", "as_document", "InputWarning", "MAX_TEXT_CHARS", "MAX_FILE_BYTES"]

#: The longest document, in characters (``geomap.pipeline.MAX_CHARS``, spaCy's ``max_length``).
MAX_TEXT_CHARS = 2_000_000
#: The largest text or HTML file read whole; larger ones are refused after reading this much.
MAX_FILE_BYTES = 16 * 1024 * 1024

_OFFSETS_NOTE = "meta.source_offsets maps text offsets to the original"
_HTML_NOTE = f"HTML page: the document is its article's text; {_OFFSETS_NOTE}"


class InputWarning(UserWarning):
    """A Python API input was read, but not exactly as given (control characters replaced...)."""


class Reader:
    """One reading run: tracks ids across files to warn about duplicates. ``text_column`` and
    ``id_column`` name the text and id fields of JSONL, CSV and Parquet records."""

    def __init__(self, *, text_column: str = "text", id_column: str = "id") -> None:
        self.seen: dict[str, str] = {}
        self.text_column = text_column
        self.id_column = id_column

    # -- one document: HTML, cleaning, limits, duplicate ids

    def document(self, text: str, rid: str | None, meta: dict[str, Any], source: str, line: int | None,
                 notes: Sequence[str] = (), *, html: bool = False) -> Iterator[Record | InputError]:
        """The record of one document, after its warnings; or the error that replaces it.

        ``meta`` must already be JSON-safe (:func:`~geomap.ingest.clean.json_safe`)."""
        if html:
            try:
                article = article_text(text)
            except Exception as e:  # noqa: BLE001 - html.parser is lenient, but never crash a batch
                yield InputError(source, f"cannot extract text from HTML ({type(e).__name__}: {e})", line, rid)
                return
            text = article.page.text
            meta = {**meta, "format": "html", "source_offsets": article.page.runs}
            if article.page.title and "title" not in meta:
                meta["title"] = article.page.title
            if article.date and "date" not in meta:
                meta["date"] = article.date
            notes = [*notes, _HTML_NOTE if article.found else f"{NO_ARTICLE}; {_OFFSETS_NOTE}"]
        text, cleaned = clean(text)  # control characters become spaces: judge emptiness after
        if not text.strip():
            yield InputError(source, ("empty text" if not text else "text holds only whitespace")
                             + (" (after HTML extraction)" if html else ""), line, rid)
            return
        if len(text) > MAX_TEXT_CHARS:
            yield InputError(source, f"document of {len(text):,} characters is over the limit of "
                                     f"{MAX_TEXT_CHARS:,} (geomap.ingest.MAX_TEXT_CHARS); split it into parts", line, rid)
            return
        for note in [*notes, *cleaned]:
            yield warning(source, note, line, rid)
        where = f"{source}:{line}" if line is not None else source
        first = self.seen.get(rid) if rid is not None else None
        if first is not None:
            yield warning(source, f"{DUPLICATE_ID}{rid!r} (first at {first}); both kept", line, rid)
        elif rid is not None:
            self.seen[rid] = where
        yield Record(Document(text=text, id=rid, meta=meta), source, line)

    def mapping(self, obj: Mapping[str, Any], source: str, line: int | None, default_id: str,
                notes: Sequence[str] = (), *, text_field: str | None = None) -> Iterator[Record | InputError]:
        """A record given as fields (a JSON line, a Parquet row, an API mapping): the text (``text``
        or the reader's text column), an optional id (``id`` or the id column; a string or a
        number) and any others, which become ``meta``."""
        text_field = text_field or self.text_column
        id_field = self.id_column
        rid_value = obj.get(id_field)
        if rid_value is not None and not isinstance(rid_value, (str, int, float)):
            yield InputError(source, f"{id_field!r} must be a string or a number, not {_kind_name(rid_value)}", line)
            return
        rid = None if rid_value is None else clean(str(rid_value))[0]
        text = obj.get(text_field)
        if not isinstance(text, str):
            yield InputError(source, f"no {text_field!r} string in the record", line, rid)
            return
        try:
            meta, more = json_safe({k: v for k, v in obj.items() if k not in (text_field, id_field)})
        except NestingError as e:
            yield InputError(source, f"its fields are {e}", line, rid)
            return
        html = str(meta.get("format", "")).lower() == "html"
        yield from self.document(text, rid if rid is not None else default_id, meta, source, line,
                                 [*notes, *more], html=html)

    # -- files

    def paths(self, paths: Sequence[str]) -> Iterator[Record | InputError]:
        """Every record of ``paths`` (files, folders of them, ``-`` for stdin)."""
        for source in expand(paths):
            if isinstance(source, InputError):
                yield source
            else:
                yield from self.file(source)

    def file(self, source: str) -> Iterator[Record | InputError]:
        kind = kind_of(source)
        if kind == "parquet":
            yield from self.parquet(source)
            return
        if kind in ("jsonl", "csv") or source == "-":
            try:
                f = open_input(source)
            except OSError as e:
                yield unreadable(source, e)
                return
            with f:
                if kind == "csv":
                    yield from self.csv(source, f)
                    return
                if kind == "jsonl":
                    yield from self.jsonl(source, f)
                    return
                head = f.read(4096)
                if head.lstrip()[:1] == b"{" or head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{":
                    yield from self.jsonl(source, Prefixed(head, f))  # JSONL on stdin: many records
                    return
                try:
                    rest = f.read(MAX_FILE_BYTES + 1 - len(head))
                except OSError as e:
                    yield unreadable(source, e)
                    return
                data = head + rest
                if len(data) > MAX_FILE_BYTES:
                    yield InputError(source, f"stdin holds over {MAX_FILE_BYTES:,} bytes, the limit "
                                             "(geomap.ingest.MAX_FILE_BYTES); split the text, or give JSONL")
                    return
            yield from self.text(source, data)
            return
        try:
            data = read_limited(source, MAX_FILE_BYTES)
        except OSError as e:
            yield unreadable(source, e)
            return
        yield from self.text(source, data)

    def text(self, source: str, data: bytes) -> Iterator[Record | InputError]:
        """One text or HTML file's bytes (a JSONL text sniffed by its first line is read as JSONL)."""
        try:
            text, notes = decode_bytes(data)
        except DecodeError as e:
            yield InputError(source, str(e))
            return
        del data
        if source == "-" and text.lstrip()[:1] == "{":  # JSONL in another encoding than UTF-8
            yield from self.jsonl(source, io.BytesIO(text.encode("utf-8", errors="surrogatepass")))
            return
        kind = kind_of(source)
        if kind == "text" and looks_html(text[:4096]):
            kind = "html"
        if not text.strip():
            yield InputError(source, "empty file" if not text else "file holds only whitespace")
            return
        name = "stdin" if source == "-" else Path(source).name
        yield from self.document(text, name, {"source": source}, source, None, notes, html=kind == "html")

    def jsonl(self, source: str, f: IO[bytes]) -> Iterator[Record | InputError]:
        name = "stdin" if source == "-" else Path(source).name
        for item in byte_lines(source, f, binary="lines"):
            if isinstance(item, InputError):
                yield item
                continue
            n, raw = item
            if not raw.strip():
                continue
            parsed = parse_json_record(raw)
            if isinstance(parsed, str):
                yield InputError(source, parsed, n)
                continue
            obj, notes = parsed
            yield from self.mapping(obj, source, n, f"{name}:{n}", notes)

    def csv(self, source: str, f: IO[bytes]) -> Iterator[Record | InputError]:
        delimiter = "\t" if source.lower().endswith(".tsv") else ","
        name = Path(source).name
        header: list[str] | None = None
        col = idcol = 0
        text_field, id_field = self.text_column, self.id_column
        for item in csv_rows(source, f, delimiter):
            if isinstance(item, InputError):
                yield item
                continue
            line, row, replaced = item
            if header is None:
                header = [h.strip() for h in row]
                if text_field not in header:
                    yield InputError(source, f"no {text_field!r} column in the CSV header (use --text-column)", 1)
                    return
                col, idcol = header.index(text_field), (header.index(id_field) if id_field in header else -1)
                continue
            rid = row[idcol] if idcol >= 0 and row[idcol] != "" else None
            notes = [f"not valid UTF-8: {replaced} invalid byte sequence(s) replaced with U+FFFD"] if replaced else []
            meta = {k: v for k, v in zip(header, row) if k not in (text_field, id_field) and k}
            yield from self.document(row[col], clean(rid)[0] if rid is not None else f"{name}:{line}", meta, source,
                                     line, notes, html=str(meta.get("format", "")).lower() == "html")
        if header is None:
            yield InputError(source, "empty CSV file")

    def parquet(self, source: str) -> Iterator[Record | InputError]:
        name = Path(source).name
        rows = parquet_rows(source)
        schema = next(rows, None)
        if isinstance(schema, InputError):
            yield schema
            return
        if schema is None or self.text_column not in schema.names:
            yield InputError(source, f"no {self.text_column!r} column in the Parquet schema (use --text-column)")
            return
        for item in rows:
            if isinstance(item, InputError):
                yield item
                continue
            row, obj = item
            yield from self.mapping(obj, source, row, f"{name}:{row}")


def _kind_name(value: Any) -> str:
    return {dict: "an object", list: "a list", bool: "a boolean"}.get(type(value), type(value).__name__)


def read_inputs(paths: Sequence[str], *, text_column: str = "text",
                id_column: str = "id") -> Iterator[Record | InputError]:
    """Records from text, HTML, JSONL, CSV and Parquet files and folders of them (recursive, sorted).

    ``-`` reads stdin (JSONL when it starts with ``{``, HTML when it starts like a page, else
    one text). JSONL lines, CSV rows and Parquet rows hold ``text``, an optional ``id`` and
    any other fields, which land in ``Document.meta`` (``"format": "html"`` marks an HTML
    text); ``text_column`` and ``id_column`` name other text and id fields. Every format is
    read a record at a time (a text or HTML file is one record), so memory does not grow with
    the input. Warnings come before the record they are about. Of an HTML page only its article
    is kept (:func:`~geomap.ingest.article.article_text`).
    """
    return Reader(text_column=text_column, id_column=id_column).paths(paths)


def count_inputs(paths: Sequence[str], *, limit_bytes: int = 2 << 30) -> int | None:
    """How many records ``paths`` hold, when that is cheap to know (a progress bar's ETA), else None.

    JSONL: non-blank lines (up to ``limit_bytes`` read in all); Parquet: its footer; a text or
    HTML file: one. CSV (quoted newlines) and stdin are unknown.
    """
    total = 0
    budget = limit_bytes
    for source in expand(paths):
        if isinstance(source, InputError):
            total += 1
            continue
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


# --------------------------------------------------------------------------- Python values

def as_document(item: Any, *, id: str | None = None, meta: Mapping[str, Any] | None = None) -> Document:
    """A :class:`Document` from a Python API value: a text, a mapping with a ``text`` key (``id``
    and the other keys kept), or a Document.

    The text is cleaned as every input is (control characters become spaces, lone surrogates
    U+FFFD, offsets kept), with an :class:`InputWarning` saying so; ``meta`` is made fit for
    JSON (:func:`~geomap.ingest.clean.json_safe`). Raises ``TypeError`` for anything that is
    not a text (bytes: decode them first) and ``ValueError`` for a text over
    :data:`MAX_TEXT_CHARS` or fields nested too deeply.
    """
    convert_meta = True
    if isinstance(item, Document):
        if not isinstance(item.text, str):
            raise TypeError(f"Document.text must be a str, not {type(item.text).__name__}")
        doc, convert_meta = item, bool(meta)
        if id is not None:
            doc.id = id
        if meta:
            doc.meta.update(meta)
    elif isinstance(item, str):
        doc = Document(text=item, id=id, meta=dict(meta or {}))
    elif isinstance(item, Mapping):
        text = item.get("text")
        if not isinstance(text, str):
            raise ValueError(f"the mapping has no 'text' string (keys: {', '.join(map(str, list(item)[:8]))})")
        rid = item.get("id") if id is None else id
        fields = {k: v for k, v in item.items() if k not in ("text", "id")}
        doc = Document(text=text, id=None if rid is None else str(rid), meta={**fields, **(meta or {})})
    elif isinstance(item, (bytes, bytearray, memoryview)):
        raise TypeError(f"geomap parses text (str), not {type(item).__name__}: decode it first, "
                        "e.g. data.decode('utf-8') or geomap.ingest.decode_bytes(data)")
    elif item is None:
        raise TypeError("geomap parses text (str), not None")
    else:
        raise TypeError(f"geomap parses text (str), a mapping with a 'text' key or a Document, "
                        f"not {type(item).__name__}")
    if len(doc.text) > MAX_TEXT_CHARS:
        raise ValueError(f"text of {len(doc.text):,} characters is over the limit of {MAX_TEXT_CHARS:,} "
                         "(geomap.ingest.MAX_TEXT_CHARS); split it into parts")
    doc.text, notes = clean(doc.text)
    if doc.id is not None:
        doc.id = clean(doc.id if isinstance(doc.id, str) else str(doc.id))[0]
    if convert_meta and doc.meta:
        try:
            doc.meta, more = json_safe(doc.meta)
        except NestingError as e:
            raise ValueError(f"meta is {e}") from None
        notes += more
    if notes:
        where = f"document {doc.id!r}" if doc.id is not None else "text"
        warnings.warn(f"{where}: {'; '.join(notes)}", InputWarning, stacklevel=3)
    return doc
