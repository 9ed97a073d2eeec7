"""A worker process that parses the texts sent over a pipe: the service's lane for large requests.

``python -m geomap.parse_worker SPEC`` loads the Geoparser that :func:`geomap.batch.worker_spec`
describes, then reads requests from stdin and writes results to stdout, each a length-prefixed
pickle: ``(texts, batch_size)`` in, :func:`geomap.batch.parse_texts`' list out. It is started as a
plain subprocess (not through :mod:`multiprocessing`), so it never imports the parent's
``__main__``, and it can be killed at any moment: :class:`ParseWorker` does so when a parse
outlives its deadline.
"""

from __future__ import annotations

import json
import os
import pickle
import select
import struct
import subprocess
import sys
import time
from typing import Any, BinaryIO

__all__ = ["ParseWorker", "main"]

_LENGTH = struct.Struct("!Q")


def _write(f: BinaryIO, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    f.write(_LENGTH.pack(len(data)) + data)
    f.flush()


def _read(f: BinaryIO) -> Any:
    head = f.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        raise EOFError
    (n,) = _LENGTH.unpack(head)
    return pickle.loads(f.read(n))  # noqa: S301 - our own parent, over our own pipe


class ParseWorker:
    """One worker process; :meth:`parse` sends texts and waits for their results until a deadline."""

    def __init__(self, spec: tuple) -> None:
        self.spec = spec
        self.proc = subprocess.Popen([sys.executable, "-m", "geomap.parse_worker", json.dumps(list(spec))],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True)

    def parse(self, texts: list[str], batch_size: int, deadline: float) -> list[Any]:
        """:func:`geomap.batch.parse_texts` of ``texts`` in the worker. Raises ``TimeoutError`` at
        ``deadline`` (``time.monotonic()``) and ``EOFError`` when the worker died."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        _write(self.proc.stdin, (texts, batch_size))
        fd = self.proc.stdout.fileno()
        head = self._read_exact(fd, _LENGTH.size, deadline)
        (n,) = _LENGTH.unpack(head)
        return pickle.loads(self._read_exact(fd, n, deadline))  # noqa: S301 - our own child

    @staticmethod
    def _read_exact(fd: int, n: int, deadline: float) -> bytes:
        chunks, got = [], 0
        while got < n:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError("the worker did not answer in time")
            chunk = os.read(fd, min(n - got, 1 << 20))
            if not chunk:
                raise EOFError("the worker process died")
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        """Stop the worker now (whatever it is doing)."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout):
            if f is not None:
                f.close()


def main(argv: list[str] | None = None) -> int:
    """The worker's loop (see the module docstring)."""
    from .batch import init_worker, parse_texts

    argv = sys.argv[1:] if argv is None else argv
    spec = tuple(json.loads(argv[0]))
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed goes to stderr, never into the results
    init_worker(spec)
    inp = sys.stdin.buffer
    while True:
        try:
            texts, batch_size = _read(inp)
        except EOFError:
            return 0
        _write(out, parse_texts(texts, spec, batch_size))


if __name__ == "__main__":  # pragma: no cover - run as a subprocess
    sys.exit(main())
