"""Readers and writers under their former name: see :mod:`geomap.ingest`, the one reading and writing path."""

from __future__ import annotations

from .ingest import (MAX_FILE_BYTES, MAX_LINE_BYTES, MAX_TEXT_CHARS, DecodeError, InputError, Record, atomic_writer,
                     count_inputs, decode_bytes, decode_text, read_inputs, write_jsonl)

#: :func:`read_inputs` reads Parquet too.
stream_inputs = read_inputs

__all__ = ["Record", "InputError", "read_inputs", "stream_inputs", "count_inputs", "decode_text", "decode_bytes",
           "DecodeError", "atomic_writer", "write_jsonl", "MAX_TEXT_CHARS", "MAX_FILE_BYTES", "MAX_LINE_BYTES"]
