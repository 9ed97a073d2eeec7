"""Bytes to text: UTF-8 (with or without BOM), UTF-16 (BOM-marked, or sniffed), binary refused."""

from __future__ import annotations

import codecs
import contextlib
import threading
from typing import Iterator

__all__ = ["decode_bytes", "decode_text", "DecodeError", "utf16_encoding", "counting_replacements", "REPLACE"]


class DecodeError(ValueError):
    """Bytes that are not text we can read."""


def utf16_encoding(head: bytes) -> str | None:
    """The UTF-16 codec for text starting with ``head``: by its BOM, or (without one) by the NUL
    bytes of ASCII characters (``{\\x00"\\x00``); ``None`` when it is not UTF-16."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(head) >= 4 and head[1] == 0 and head[3] == 0 and head[0] and head[2]:
        return "utf-16-le"
    if len(head) >= 4 and head[0] == 0 and head[2] == 0 and head[1] and head[3]:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes) -> tuple[str, list[str]]:
    """``(text, notes)`` from UTF-8 (with or without BOM) or UTF-16.

    Invalid UTF-8 is decoded with U+FFFD replacement characters and a note saying how many
    bytes were replaced (for a warning). Binary data (NUL bytes in the first 8 KiB) and
    invalid UTF-16 raise :class:`DecodeError`.
    """
    utf16 = utf16_encoding(data[:4])
    if utf16 is not None:
        try:
            return data.decode(utf16), []
        except UnicodeDecodeError as e:
            raise DecodeError(f"invalid UTF-16 at byte {e.start}") from None
    if b"\x00" in data[:8192]:
        raise DecodeError("binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as e:
        first = f"byte 0x{data[e.start]:02x} at offset {e.start}"
    with counting_replacements() as bad:
        text = data.decode("utf-8-sig", errors=REPLACE)
    return text, [f"not valid UTF-8 ({first}): {bad[0]} invalid byte sequence(s) replaced with U+FFFD"]


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM) or UTF-16; refuse binary data and invalid UTF-8.

    The strict form, for callers that want an error; :func:`decode_bytes` replaces and says so.
    """
    text, notes = decode_bytes(data)
    if notes:
        raise DecodeError(notes[0].split(":")[0])
    return text


#: A codec error handler that replaces like ``"replace"`` and counts (per thread), inside
#: :func:`counting_replacements`.
REPLACE = "geomap.count-replace"
_COUNT = threading.local()


def _count_replace(e: UnicodeError) -> tuple[str, int]:
    counter = getattr(_COUNT, "value", None)
    if counter is not None:
        counter[0] += 1
    return "\ufffd", e.end  # type: ignore[attr-defined]


codecs.register_error(REPLACE, _count_replace)


@contextlib.contextmanager
def counting_replacements() -> Iterator[list[int]]:
    """Count the replacements made with ``errors=REPLACE`` in this block: ``counter[0]``."""
    prev = getattr(_COUNT, "value", None)
    _COUNT.value = counter = [0]
    try:
        yield counter
    finally:
        _COUNT.value = prev
