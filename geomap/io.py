"""Readers and writers: text files, folders, JSONL; the error report; atomic output.

Every input record comes out of :func:`read_inputs` either as a :class:`Record` or as an
:class:`InputError` naming the file, the line and the problem; nothing is dropped silently.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Iterable, Iterator, Sequence

from .model import Document

__all__ = ["Record", "InputError", "read_inputs", "decode_text", "atomic_writer", "write_jsonl"]

TEXT_SUFFIXES = {".txt", ".text", ".md"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}


@dataclass(slots=True)
class Record:
    """One input document and where it came from."""

    doc: Document
    source: str
    line: int | None = None


@dataclass(slots=True)
class InputError:
    """One input record that could not be read, and why."""

    source: str
    reason: str
    line: int | None = None
    id: str | None = None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "line": self.line, "id": self.id, "reason": self.reason}


class DecodeError(ValueError):
    """Bytes that are not text we can read."""


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM) or BOM-marked UTF-16; refuse binary data."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise DecodeError(f"invalid UTF-16 at byte {e.start}") from None
    if b"\x00" in data[:8192]:
        raise DecodeError("binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise DecodeError(f"not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start})") from None


def _read_bytes(source: str) -> bytes:
    if source == "-":
        return sys.stdin.buffer.read()
    return Path(source).read_bytes()


def _looks_jsonl(source: str, text: str) -> bool:
    suffix = Path(source).suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return True
    return source == "-" and text.lstrip().startswith("{")


def _records_from_jsonl(source: str, text: str) -> Iterator[Record | InputError]:
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            yield InputError(source, f"invalid JSON ({e.msg} at column {e.colno})", n)
            continue
        if not isinstance(obj, dict):
            yield InputError(source, f"expected a JSON object, got {type(obj).__name__}", n)
            continue
        rid = obj.get("id")
        rid = None if rid is None else str(rid)
        text_value = obj.get("text")
        if not isinstance(text_value, str):
            yield InputError(source, "no 'text' string in the record", n, rid)
            continue
        meta = {k: v for k, v in obj.items() if k not in ("text", "id")}
        yield Record(Document(text=text_value, id=rid if rid is not None else f"{Path(source).name}:{n}", meta=meta), source, n)


def _records_from_file(source: str) -> Iterator[Record | InputError]:
    try:
        data = _read_bytes(source)
    except FileNotFoundError:
        yield InputError(source, "no such file")
        return
    except IsADirectoryError:
        yield InputError(source, "is a directory")
        return
    except OSError as e:
        yield InputError(source, e.strerror or str(e))
        return
    try:
        text = decode_text(data)
    except DecodeError as e:
        yield InputError(source, str(e))
        return
    if _looks_jsonl(source, text):
        yield from _records_from_jsonl(source, text)
        return
    if not text.strip():
        yield InputError(source, "empty file" if not text else "file holds only whitespace")
        return
    name = "stdin" if source == "-" else Path(source).name
    yield Record(Document(text=text, id=name, meta={"source": source}), source)


def _expand(paths: Sequence[str]) -> Iterator[str]:
    for p in paths:
        path = Path(p)
        if p != "-" and path.is_dir():
            files = sorted(
                f for f in path.rglob("*") if f.is_file() and f.suffix.lower() in TEXT_SUFFIXES | JSONL_SUFFIXES
            )
            yield from (str(f) for f in files)
        else:
            yield p


def read_inputs(paths: Sequence[str]) -> Iterator[Record | InputError]:
    """Records from text files, folders of them (recursive, sorted) and JSONL files.

    ``-`` reads stdin (JSONL when it starts with ``{``, else one text). JSONL lines hold
    ``text``, an optional ``id`` and any other fields, which land in ``Document.meta``.
    """
    for source in _expand(paths):
        yield from _records_from_file(source)


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
