"""Where records come from: paths and folders expanded to files (every skipped entry said),
file kinds by suffix, and reads that never exceed their limit."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO, Iterator, Sequence

from .records import InputError

__all__ = ["expand", "kind_of", "read_limited", "open_input", "Prefixed", "TooLarge", "unreadable",
           "TEXT_SUFFIXES", "HTML_SUFFIXES", "JSONL_SUFFIXES", "CSV_SUFFIXES", "PARQUET_SUFFIXES", "ALL_SUFFIXES"]

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
CSV_SUFFIXES = frozenset({".csv", ".tsv"})
PARQUET_SUFFIXES = frozenset({".parquet", ".pq"})
ALL_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | CSV_SUFFIXES | PARQUET_SUFFIXES


class TooLarge(OSError):
    """An input over its size limit."""


def kind_of(source: str) -> str:
    """``jsonl``, ``csv``, ``parquet``, ``html`` or ``text`` by the file's suffix (stdin: ``text``)."""
    suffix = Path(source).suffix.lower() if source != "-" else ""
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    if suffix in HTML_SUFFIXES:
        return "html"
    return "text"


def expand(paths: Sequence[str], suffixes: frozenset[str] = ALL_SUFFIXES) -> Iterator[str | InputError]:
    """Each path as it is, and each folder as the files in it with one of ``suffixes``
    (recursive, sorted, symbolic links to folders followed once).

    Nothing is skipped silently: an unreadable folder, a broken symbolic link or a special
    file (FIFO, device, socket) with one of the suffixes comes out as an :class:`InputError`.
    """
    for p in paths:
        if p != "-" and os.path.isdir(p):
            yield from _folder(Path(p), suffixes)
        else:
            yield p


def _folder(root: Path, suffixes: frozenset[str]) -> Iterator[str | InputError]:
    found: list[tuple[str, InputError | None]] = []
    seen: set[tuple[int, int]] = set()
    todo = [root]
    while todo:
        folder = todo.pop()
        try:
            st = folder.stat()
            if (st.st_dev, st.st_ino) in seen:
                continue  # a link back to a folder already walked
            seen.add((st.st_dev, st.st_ino))
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as e:
            found.append((str(folder), InputError(str(folder), f"unreadable folder ({e.strerror or e})")))
            continue
        for entry in entries:
            path = entry.path
            try:
                if entry.is_dir():
                    todo.append(Path(path))
                    continue
                if Path(path).suffix.lower() not in suffixes:
                    continue
                if entry.is_file():
                    found.append((path, None))
                elif entry.is_symlink() and not os.path.exists(path):
                    found.append((path, InputError(path, "broken symbolic link")))
                else:
                    found.append((path, InputError(path, "not a regular file (a FIFO, device or socket)")))
            except OSError as e:
                found.append((path, InputError(path, e.strerror or str(e))))
    found.sort(key=lambda f: f[0])
    for path, problem in found:
        yield problem if problem is not None else path


def unreadable(source: str, e: OSError) -> InputError:
    """The one-line error for a file that cannot be opened or read."""
    if isinstance(e, FileNotFoundError):
        return InputError(source, "no such file")
    if isinstance(e, IsADirectoryError):
        return InputError(source, "is a directory")
    if isinstance(e, TooLarge):
        return InputError(source, str(e))
    return InputError(source, e.strerror or str(e))


def open_input(source: str) -> IO[bytes]:
    """The file (or stdin for ``-``) opened for reading bytes; folders raise IsADirectoryError."""
    if source == "-":
        return _Unclosed(sys.stdin.buffer)  # type: ignore[return-value]
    if os.path.isdir(source):
        raise IsADirectoryError(source)
    return open(source, "rb", buffering=1 << 20)


class _Unclosed:
    """A stream whose ``close`` leaves the underlying one (stdin) open."""

    def __init__(self, f: IO[bytes]) -> None:
        self._f = f

    def __getattr__(self, name: str) -> object:
        return getattr(self._f, name)

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._f)

    def __enter__(self) -> "_Unclosed":
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def close(self) -> None:
        pass


def read_limited(source: str, limit: int, what: str = "geomap.ingest.MAX_FILE_BYTES") -> bytes:
    """The whole file (or stdin), refused with :class:`TooLarge` past ``limit`` bytes.

    The limit is enforced on the bytes read, never on what ``stat`` says: a device such as
    ``/dev/zero`` or a growing file stops at ``limit + 1`` bytes.
    """
    with open_input(source) as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        where = "stdin" if source == "-" else "file"
        raise TooLarge(f"{where} holds over {limit:,} bytes, the limit ({what}); split it into parts")
    return data


class Prefixed:
    """A byte stream of some bytes already read from ``f``, then the rest of ``f``."""

    def __init__(self, head: bytes, f: IO[bytes]) -> None:
        self.head, self.f = head, f

    def read(self, n: int = -1) -> bytes:
        if not self.head:
            return self.f.read(n)
        if 0 <= n < len(self.head):
            out, self.head = self.head[:n], self.head[n:]
            return out
        out, self.head = self.head, b""
        return out + (self.f.read(n - len(out)) if n >= 0 else self.f.read())

    def readline(self, limit: int = -1) -> bytes:
        if not self.head:
            return self.f.readline(limit)
        i = self.head.find(b"\n")
        if i >= 0 and (limit < 0 or i < limit):
            out, self.head = self.head[:i + 1], self.head[i + 1:]
            return out
        if 0 <= limit <= len(self.head):
            out, self.head = self.head[:limit], self.head[limit:]
            return out
        out, self.head = self.head, b""
        return out + self.f.readline(-1 if limit < 0 else limit - len(out))
