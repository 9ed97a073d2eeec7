"""What the places of parsed documents say: each document's focus, and whether it is about a region."""

from __future__ import annotations

from .focus import Focus, FocusItem, focus
from .judge import Explanation, Judge, Kept, Match, explain, filter, within

__all__ = ["focus", "Focus", "FocusItem", "filter", "explain", "within", "Judge", "Explanation", "Match", "Kept"]
