"""The one writing path: strict JSON, outputs checked before any work, atomic files.

* :func:`dumps` writes strict JSON: NaN and Infinity become ``null`` with a
  :class:`NonFiniteWarning`; dates, decimals and bytes are written as
  :func:`~geomap.ingest.clean.json_safe` says. Every JSONL, GeoJSON and error report goes
  through it.
* :func:`check_output` refuses an output that cannot be written (an existing folder given as a
  file, a file given as a folder) before the run starts.
* :func:`open_output` writes a regular file atomically (a temporary file beside it, renamed
  into place on success; a failure leaves the old file as it was), and a device, FIFO or
  socket (``/dev/null``, ``/dev/stdout``, a named pipe) straight through, never replacing it.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
import tempfile
import warnings
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

from .clean import json_safe, leaf_value

__all__ = ["dumps", "write_jsonl", "check_output", "open_output", "is_regular_target", "atomic_writer", "OutputError",
           "NonFiniteWarning"]


class OutputError(ValueError):
    """An output path that cannot be written as asked."""


class NonFiniteWarning(UserWarning):
    """NaN or Infinity in a value being written; written as ``null``."""


def dumps(value: Any, **kw: Any) -> str:
    """``json.dumps(value)`` as strict JSON (``ensure_ascii=False`` unless given).

    NaN and Infinity become ``null`` with a :class:`NonFiniteWarning`; non-JSON values
    (dates, decimals, bytes, NumPy scalars) are converted by :func:`~geomap.ingest.clean.leaf_value`.
    """
    kw.setdefault("ensure_ascii", False)
    try:
        return json.dumps(value, allow_nan=False, default=leaf_value, **kw)
    except ValueError as e:
        if "Out of range float" not in str(e):
            raise
    safe, notes = json_safe(value)
    warnings.warn("; ".join(notes) or "NaN or Infinity written as null", NonFiniteWarning, stacklevel=2)
    return json.dumps(safe, allow_nan=False, default=leaf_value, **kw)


def write_jsonl(rows: Iterable[Any], f: IO[str]) -> int:
    """Write one strict JSON value per line; returns the number of lines."""
    n = 0
    for row in rows:
        f.write(dumps(row) + "\n")
        n += 1
    return n


def _is_stream(path: str | os.PathLike[str] | None) -> bool:
    return path is None or str(path) == "-"


def check_output(path: str | os.PathLike[str] | None, *, folder: bool = False, flag: str = "-o") -> None:
    """Refuse an output that cannot be written, before any work is done.

    A file output (``folder=False``) may not be an existing folder, nor lie under a file; a
    folder output may not be an existing file. ``-`` and ``None`` (stdout) always pass.
    """
    if _is_stream(path):
        return
    p = Path(path)  # type: ignore[arg-type]
    if folder:
        if p.exists() and not p.is_dir():
            raise OutputError(f"{flag} {p}: not a folder")
    elif p.is_dir():
        raise OutputError(f"{flag} {p}: is a folder; give a file name")
    for parent in p.parents:
        if parent.exists():
            if not parent.is_dir():
                raise OutputError(f"{flag} {p}: {parent} is not a folder")
            break


def is_regular_target(path: str | os.PathLike[str]) -> bool:
    """Whether writing ``path`` means writing a regular file (it is one, or it does not exist yet)."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        return True


@contextlib.contextmanager
def open_output(path: str | os.PathLike[str] | None, mode: str = "w") -> Iterator[IO[Any]]:
    """An output opened for writing: see the module docstring.

    ``None`` or ``"-"`` writes to stdout. A regular file is written to a temporary file beside
    it and renamed into place on success; an exception leaves any previous file untouched.
    A device, FIFO or socket is opened and written as it is.
    """
    binary = "b" in mode
    if _is_stream(path):
        yield sys.stdout.buffer if binary else sys.stdout
        sys.stdout.flush()
        return
    check_output(path)
    target = Path(path)  # type: ignore[arg-type]
    if not is_regular_target(target):
        with open(target, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8"})) as f:
            yield f
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb" if binary else "w", encoding=None if binary else "utf-8") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual mode
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


#: The name the writers had before :func:`open_output` also wrote devices and pipes.
atomic_writer = open_output


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
