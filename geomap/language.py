"""A cheap test for text in another language than the model's (English).

English news has one word in six or more among a few dozen function words ("the", "of",
"said"); German, French, Spanish, Dutch or Russian news has almost none of them. Texts
too short to tell are not judged.
"""

from __future__ import annotations

import re

__all__ = ["ENGLISH_MARKERS", "looks_foreign", "LanguageTally", "LanguageWarning"]

#: English function words rare in other languages' running text.
ENGLISH_MARKERS = frozenset(
    "the of and to that is was with for by from this are were has have which said it its be been their they he "
    "she not but or".split())
#: Fewer words than this: too short to judge.
MIN_WORDS = 12
#: Below this share of marker words a text looks like another language (English news: .16 and up).
MIN_SHARE = 0.04
_WORD = re.compile(r"[^\W\d_]+")
#: A character of a ``_WORD`` outside ASCII: where there is none, ``_WORD``'s words are runs of ASCII letters.
_OTHER_LETTER = re.compile(r"[^\W\d_\x00-\x7f]")
#: Every byte but a-z to a space: with ``bytes.split``, the words ``[a-z]+`` finds, without a regex.
_ASCII_LETTERS_ONLY = bytes(c if 97 <= c <= 122 else 32 for c in range(256))
_ENGLISH_MARKERS_B = frozenset(w.encode("ascii") for w in ENGLISH_MARKERS)


class LanguageWarning(UserWarning):
    """Documents that look like another language than the model's."""


def looks_foreign(text: str) -> bool:
    """Whether ``text`` (of at least ``MIN_WORDS`` words) looks like another language than English."""
    head = text[:20_000]
    if _OTHER_LETTER.search(head) is None:
        # the same words, found faster: letters are ASCII here, and lower case keeps them where they are
        # (any other character, one "?" once encoded, and every byte but a-z part words)
        words: "list[str] | list[bytes]" = head.lower().encode("ascii", "replace").translate(_ASCII_LETTERS_ONLY).split()
        markers = _ENGLISH_MARKERS_B
    else:
        words = [w.lower() for w in _WORD.findall(head)]
        markers = ENGLISH_MARKERS
    if len(words) < MIN_WORDS:
        return False
    return sum(map(markers.__contains__, words)) / len(words) < MIN_SHARE  # True counts 1


class LanguageTally:
    """Counts the documents of a run that look foreign; :meth:`message` says so once."""

    def __init__(self) -> None:
        self.documents = 0
        self.foreign = 0

    def add(self, text: str) -> None:
        self.documents += 1
        self.foreign += looks_foreign(text)

    def message(self, model: str = "English") -> str | None:
        """The run's one warning, or None when every document looked English."""
        if not self.foreign:
            return None
        return (f"geomap's model is {model}; {self.foreign} of {self.documents} document(s) look like another "
                "language, and their places may be missed (bring a pipeline for that language with "
                "Geoparser(nlp=...) or --model)")
