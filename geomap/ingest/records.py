"""What the readers give: a :class:`Record` (one input document and where it came from) or an
:class:`InputError` (a record that could not be read, or was read with a caveat, and why)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import Document

__all__ = ["Record", "InputError", "warning", "DUPLICATE_ID"]


@dataclass(slots=True)
class Record:
    """One input document and where it came from."""

    doc: Document
    source: str
    line: int | None = None


@dataclass(slots=True)
class InputError:
    """One input record that could not be read (``level="error"``), or was read with a caveat
    (``level="warning"``: its document still comes out), and why."""

    source: str
    reason: str
    line: int | None = None
    id: str | None = None
    level: str = "error"

    @property
    def is_warning(self) -> bool:
        return self.level == "warning"

    @property
    def is_duplicate_id(self) -> bool:
        """A warning that the record's id was seen before."""
        return self.is_warning and self.reason.startswith(DUPLICATE_ID)

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: warning: {self.reason}" if self.is_warning else f"{where}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "line": self.line, "id": self.id, "level": self.level, "reason": self.reason}


#: The reason of a duplicate-id warning starts so (a run counts them in one line).
DUPLICATE_ID = "duplicate id "


def warning(source: str, reason: str, line: int | None = None, rid: str | None = None) -> InputError:
    """An :class:`InputError` at ``level="warning"``."""
    return InputError(source, reason, line, rid, "warning")
