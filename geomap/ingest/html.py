"""HTML pages to article text, with a map back to the page's offsets.

:func:`html_to_text` extracts the visible text of an HTML page (``Document.text`` is that
text) and keeps a compact map back to the original: a list of ``[text_offset,
original_offset]`` runs, stored by the readers in ``Document.meta["source_offsets"]``.
:func:`to_original` turns a text offset into an offset into the decoded original page, so
``original[to_original(runs, m.start):to_original(runs, m.end - 1) + 1] == m.text`` for a
mention whose characters are not written as entities (``&amp;``) in the page.
"""

from __future__ import annotations

import bisect
import html as _html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

__all__ = ["html_to_text", "HTMLText", "to_original", "looks_html"]

_HTML_START = re.compile(r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.I | re.S)


def looks_html(text: str) -> bool:
    """Whether a text is an HTML page (starts with ``<!DOCTYPE html`` or ``<html``)."""
    return bool(_HTML_START.match(text[:4096]))


@dataclass(slots=True)
class HTMLText:
    """The visible text of a page, its title, and runs mapping text offsets to the original."""

    text: str
    runs: list[list[int]] = field(default_factory=list)
    title: str | None = None

    def to_original(self, offset: int) -> int:
        return to_original(self.runs, offset)


def to_original(runs: list[list[int]] | list[tuple[int, int]], offset: int) -> int:
    """The offset in the original page of the character at ``offset`` in the extracted text."""
    if not runs:
        return offset
    i = bisect.bisect_right(runs, offset, key=lambda r: r[0]) - 1
    if i < 0:
        return runs[0][1]
    t, o = runs[i]
    return o + (offset - t)


_BLOCK = frozenset(
    "address article aside blockquote br caption dd div dl dt figcaption figure footer form h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section summary table tbody td th thead tr ul".split())
_SKIP = frozenset("script style noscript template svg math".split())
_WS = re.compile(r"\s+|\S+")


class _Extractor(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.parts: list[str] = []
        self.runs: list[list[int]] = []
        self.length = 0
        self.skip = 0
        self.in_title = False
        self.in_head = False
        self.title: list[str] = []
        self.line_starts = [0]
        self.line_starts.extend(m.end() for m in re.finditer("\n", source))

    def _pos(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _emit(self, s: str, orig: int) -> None:
        if not s:
            return
        runs = self.runs
        if not runs or runs[-1][1] + (self.length - runs[-1][0]) != orig:
            runs.append([self.length, orig])
        self.parts.append(s)
        self.length += len(s)

    def _ends_with_space(self) -> bool:
        return not self.parts or self.parts[-1][-1:].isspace()

    def _break(self, orig: int) -> None:
        if not self.parts:
            return
        last = self.parts[-1]
        if last.endswith("\n\n"):
            return
        self._emit("\n" if last.endswith("\n") else "\n\n", orig)

    def handle_starttag(self, tag: str, attrs: list) -> None:  # type: ignore[override]
        if tag in _SKIP:
            self.skip += 1
        elif tag == "title":
            self.in_title = True
        elif tag == "head":
            self.in_head = True
        elif tag == "body":
            self.in_head = False
        if tag in _BLOCK and not self.skip:
            self._break(self._pos())

    def handle_startendtag(self, tag: str, attrs: list) -> None:  # type: ignore[override]
        if tag in _BLOCK and not self.skip:
            self._break(self._pos())

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag == "title":
            self.in_title = False
        elif tag == "head":
            self.in_head = False
        if tag in _BLOCK and not self.skip:
            self._break(self._pos())

    def _text(self, data: str, orig: int, *, raw: bool) -> None:
        if self.in_title:
            self.title.append(data)
        if self.skip or self.in_title or self.in_head:
            return
        if not raw:  # an entity: one unit, mapped to the '&'
            if data.isspace():
                if not self._ends_with_space():
                    self._emit(" ", orig)
            else:
                self._emit(data, orig)
            return
        for m in _WS.finditer(data):
            tok = m.group()
            if tok[0].isspace():
                if not self._ends_with_space():
                    self._emit(" ", orig + m.start())
            else:
                self._emit(tok, orig + m.start())

    def handle_data(self, data: str) -> None:
        self._text(data, self._pos(), raw=True)

    def handle_entityref(self, name: str) -> None:
        pos = self._pos()
        value = _html.unescape(f"&{name};")
        if value == f"&{name};":  # not an entity ("&A"): the page's own characters, as they stand
            end = pos + 1 + len(name)
            end += self.source[end : end + 1] == ";"
            self._text(self.source[pos:end], pos, raw=True)
        else:
            self._text(value, pos, raw=False)

    def handle_charref(self, name: str) -> None:
        self._text(_html.unescape(f"&#{name};"), self._pos(), raw=False)


def html_to_text(source: str) -> HTMLText:
    """The visible text of an HTML page, with the map back to ``source`` offsets.

    Uses the standard library's lenient :mod:`html.parser`: scripts, styles and the head
    are dropped, block elements become blank lines, runs of whitespace one space.
    """
    p = _Extractor(source)
    p.feed(source)
    p.close()
    text = "".join(p.parts)
    # trailing whitespace carries no information; trimming keeps runs valid (they only index into text)
    stripped = text.rstrip()
    runs = [r for r in p.runs if r[0] < len(stripped)] if len(stripped) != len(text) else p.runs
    title = " ".join("".join(p.title).split()) or None
    return HTMLText(stripped, runs, title)
