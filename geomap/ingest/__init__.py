"""The one reading path, and the one writing path.

Reading: files, folders, stdin, JSONL, CSV, Parquet, HTML and Python values become
:class:`Record` or :class:`InputError` (:func:`read_inputs`, :func:`as_document`); every text
goes through the same cleaning (:func:`clean`), every record's other fields through
:func:`json_safe`. Nothing is dropped silently: *input records = documents out + errors*.

Writing: strict JSON (:func:`dumps`), outputs checked before any work (:func:`check_output`),
regular files written atomically and devices or pipes straight through (:func:`open_output`).

Warnings
--------
Some inputs are read, but not exactly as given. They come out as an :class:`InputError` with
``level="warning"`` *before* their :class:`Record`: the document is still produced, and the
warning goes to the error report (``--errors``). Warnings are given for invalid UTF-8 (replaced
with U+FFFD), lone surrogates and control characters (replaced, length kept), NaN and Infinity
(written as null), HTML pages (the article's text, found by trafilatura, is the document, or
all the visible text when no article is found; ``meta["source_offsets"]`` maps back) and
duplicate ids (both records are kept).

Errors (no document): missing and unreadable files and folders, broken symbolic links, binary
files, invalid UTF-16, empty or whitespace-only texts, malformed JSON lines (numbers over
Python's digit limit included), non-object JSON lines, fields nested deeper than
:data:`MAX_DEPTH`, records with no text field, malformed CSV records (an unclosed quote is
reported at its line, and reading goes on from the next line), and anything over the limits.

Limits
------
A document may hold at most :data:`MAX_TEXT_CHARS` characters (the spaCy pipeline's
``max_length``); a text or HTML file over :data:`MAX_FILE_BYTES`, or a JSONL or CSV line over
:data:`MAX_LINE_BYTES`, is refused after reading no more than that. Longer documents are
refused, not split: split them at paragraph boundaries before parsing. JSONL, CSV and Parquet
files are read a record at a time.
"""

from __future__ import annotations

from .clean import MAX_DEPTH, NestingError, clean, json_safe
from .decode import DecodeError, decode_bytes, decode_text
from .formats import MAX_LINE_BYTES
from .article import Article, article_text
from .html import HTMLText, html_to_text, looks_html, to_original
from .reader import MAX_FILE_BYTES, MAX_TEXT_CHARS, InputWarning, Reader, as_document, count_inputs, read_inputs
from .records import InputError, Record
from .writers import NonFiniteWarning, OutputError, atomic_writer, check_output, dumps, open_output, write_jsonl

__all__ = [
    "Record", "InputError", "Reader", "read_inputs", "count_inputs", "as_document", "InputWarning",
    "clean", "json_safe", "NestingError", "html_to_text", "HTMLText", "to_original", "looks_html",
    "article_text", "Article",
    "decode_bytes", "decode_text", "DecodeError",
    "dumps", "write_jsonl", "check_output", "open_output", "atomic_writer", "OutputError", "NonFiniteWarning",
    "MAX_TEXT_CHARS", "MAX_FILE_BYTES", "MAX_LINE_BYTES", "MAX_DEPTH",
]
