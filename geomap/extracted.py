"""Documents written by ``geomap extract``, read back as they are: their mentions, places and
sentences, with any edits made to the file in between ("this Springfield is the one in
Illinois": change the mention's ``place``).

A JSONL record is extracted output when it holds ``mentions`` and ``sentences`` lists beside
its ``text``; the readers put those in ``Document.meta``, and :func:`stored_document` makes
the Document again from them. ``geomap map`` uses it unless ``--reparse`` is given.
"""

from __future__ import annotations

from typing import Any

from .model import Document

__all__ = ["is_extracted", "stored_document"]

#: The keys of ``Document.to_dict()`` that readers keep in ``meta`` beside ``text`` and ``id``.
STORED_KEYS = ("sentences", "mentions", "places", "meta")


def is_extracted(doc: Document) -> bool:
    """Whether ``doc`` was read from a ``geomap extract`` record (its meta holds the parse)."""
    return isinstance(doc.meta.get("mentions"), list) and isinstance(doc.meta.get("sentences"), list)


def stored_document(doc: Document) -> Document:
    """The Document a ``geomap extract`` record describes (``doc`` as a reader made it, the parse
    in its ``meta``). Raises ValueError, naming the mention, when the record does not hold
    together: a mention whose offsets do not give its text, or a malformed place."""
    record: dict[str, Any] = {"id": doc.id, "text": doc.text,
                              **{k: doc.meta[k] for k in STORED_KEYS if k in doc.meta}}
    if not isinstance(record.get("meta"), dict):
        record["meta"] = {k: v for k, v in doc.meta.items() if k not in STORED_KEYS}
    try:
        out = Document.from_dict(record)
    except (KeyError, TypeError, ValueError) as e:
        raise ValueError(f"malformed geomap extract record ({type(e).__name__}: {e})") from None
    for i, m in enumerate(out.mentions):
        if not (0 <= m.start < m.end <= len(out.text)) or out.text[m.start:m.end] != m.text:
            raise ValueError(f"mention {i} ({m.text!r}) does not match the text at {m.start}-{m.end}; "
                             "fix its offsets, or map with --reparse")
    return out
