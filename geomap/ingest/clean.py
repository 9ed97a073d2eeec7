"""The one cleaning every input goes through: text that keeps its offsets, JSON-safe values.

* :func:`clean` is length-preserving: control characters become spaces and lone surrogates
  U+FFFD, so no offset into ``Document.text`` ever moves.
* :func:`json_safe` turns a record's other fields (``Document.meta``) into values strict JSON
  can hold: NaN and Infinity become ``null`` (and say so), dates and times ISO 8601 strings,
  decimals strings (exact), binary base64 strings, durations seconds; lone surrogates in
  strings U+FFFD. It works without recursion and refuses values nested deeper than
  :data:`MAX_DEPTH`, so no input can exhaust the stack.
"""

from __future__ import annotations

import base64
import datetime as _dt
import decimal
import math
import re
from typing import Any, Mapping

__all__ = ["clean", "json_safe", "leaf_value", "NestingError", "MAX_DEPTH"]

#: The deepest nesting of lists and objects accepted in a record's fields.
MAX_DEPTH = 100

# C0/C1 controls other than tab, newline, carriage return, form feed and vertical tab; DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class NestingError(ValueError):
    """A value nested deeper than :data:`MAX_DEPTH`."""


def clean(text: str) -> tuple[str, list[str]]:
    """``(text, notes)``: control characters become spaces, lone surrogates U+FFFD.

    The length (and so every offset) is unchanged. ``notes`` says what was replaced, for a
    warning; it is empty when the text was already clean. Lone surrogates come from JSON
    escapes like ``"\\ud800"``; they cannot be written as UTF-8, so they would otherwise
    break the output.

    >>> clean("Paris\\x00\\x07 is in France.")
    ('Paris   is in France.', ['2 control character(s) replaced with spaces'])
    """
    notes = []
    if _SURROGATE.search(text):
        n = len(_SURROGATE.findall(text))
        text = _SURROGATE.sub("\ufffd", text)
        notes.append(f"{n} lone surrogate(s) replaced with U+FFFD")
    if _CONTROL.search(text):
        n = len(_CONTROL.findall(text))
        text = _CONTROL.sub(" ", text)
        notes.append(f"{n} control character(s) replaced with spaces")
    return text, notes


def _string(s: str) -> str:
    return _SURROGATE.sub("\ufffd", s) if _SURROGATE.search(s) else s


def leaf_value(value: Any) -> Any:
    """A JSON-ready form of one non-container value (``json.dumps``'s ``default`` uses it too).

    NaN and Infinity are returned unchanged here; :func:`json_safe` turns them into ``None``.
    """
    if isinstance(value, str):
        return _string(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, _dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return str(value) if value.is_finite() else None
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    item = getattr(value, "item", None)  # NumPy scalars
    if callable(item):
        try:
            return leaf_value(item())
        except (TypeError, ValueError):
            pass
    return _string(str(value))


def json_safe(value: Any, *, max_depth: int = MAX_DEPTH) -> tuple[Any, list[str]]:
    """``(value, notes)``: ``value`` made fit for strict JSON (see the module docstring).

    ``notes`` says what changed that a reader would not expect (NaN or Infinity written as
    null, lone surrogates replaced), for a warning. Raises :class:`NestingError` for values
    nested deeper than ``max_depth``.

    >>> json_safe({"n": float("nan"), "when": __import__("datetime").date(2024, 5, 1)})
    ({'n': None, 'when': '2024-05-01'}, ['1 NaN or Infinity value(s) written as null'])
    """
    nonfinite = surrogates = 0
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, Any, int]] = [(value, root, 0, 0)]
    while stack:
        v, parent, key, depth = stack.pop()
        if isinstance(v, Mapping) or isinstance(v, (list, tuple, set, frozenset)):
            if depth >= max_depth:
                raise NestingError(f"nested deeper than {max_depth} levels")
            if isinstance(v, Mapping):
                out: Any = {}
                for k, x in v.items():
                    k2 = k if isinstance(k, str) else str(leaf_value(k))
                    if _SURROGATE.search(k2):
                        surrogates += 1
                        k2 = _string(k2)
                    out[k2] = None
                    stack.append((x, out, k2, depth + 1))
            else:
                items = list(v)
                out = [None] * len(items)
                stack.extend((x, out, i, depth + 1) for i, x in enumerate(items))
        elif isinstance(v, str):
            if _SURROGATE.search(v):
                surrogates += 1
                v = _string(v)
            out = v
        else:
            out = leaf_value(v)
            if isinstance(out, float) and not math.isfinite(out):
                nonfinite += 1
                out = None
            elif isinstance(v, decimal.Decimal) and out is None:
                nonfinite += 1
        parent[key] = out
    notes = []
    if nonfinite:
        notes.append(f"{nonfinite} NaN or Infinity value(s) written as null")
    if surrogates:
        notes.append(f"lone surrogates replaced with U+FFFD in {surrogates} field value(s)")
    return root[0], notes
