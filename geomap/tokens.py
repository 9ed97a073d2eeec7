"""A spaCy ``Doc``'s tokens as plain lists and arrays, read in one pass: the recognition rules
(:mod:`geomap.extract`) look at many tokens, and a spaCy ``Token`` object per look costs more
than the rule's own work."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from spacy.tokens import Doc

__all__ = ["TokenFlags", "Tokens", "title_case"]


@dataclass(slots=True)
class TokenFlags:
    """Flags of a document's tokens, as boolean arrays (for tests of every token at once)."""

    alpha: "np.ndarray"
    stop: "np.ndarray"
    upper: "np.ndarray"
    capital: "np.ndarray"  # opens with a capital letter


class Tokens:
    """The tokens of ``doc``, whose text is ``text``: offsets, flags (as lists for one token's, as
    :class:`TokenFlags` for all) and sentence numbers. A token's text is sliced from ``text``
    when asked for (most never are)."""

    __slots__ = ("text", "starts", "ends", "alpha", "upper", "capital", "flags", "sentence", "lower_hashes")

    def __init__(self, doc: "Doc", text: str) -> None:
        import numpy as np
        from spacy.attrs import IDX, IS_ALPHA, IS_STOP, IS_UPPER, LENGTH, LOWER, SENT_START

        arr = doc.to_array([IDX, LENGTH, IS_ALPHA, IS_STOP, IS_UPPER, SENT_START, LOWER])
        self.text = text
        idx = arr[:, 0]
        self.starts: list[int] = idx.tolist()
        self.ends: list[int] = (idx + arr[:, 1]).tolist()
        self.lower_hashes = arr[:, 6]  # spaCy's hashes of the lower-case texts
        # whether each token opens with a capital letter, read from its first character's code: A-Z, or
        # ``str.isupper`` for the few beyond ASCII
        first = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)[idx]
        capital = first - 65 < 26
        for k in np.flatnonzero(first > 127).tolist():
            capital[k] = chr(first[k]).isupper()
        self.flags = TokenFlags(alpha=arr[:, 2] == 1, stop=arr[:, 3] == 1, upper=arr[:, 4] == 1, capital=capital)
        self.alpha: list[bool] = self.flags.alpha.tolist()
        self.upper: list[bool] = self.flags.upper.tolist()
        self.capital: list[bool] = capital.tolist()
        # each token's sentence, numbered from 0 (the first token opens one whatever spaCy says)
        opens = arr[:, 5] == 1
        opens[:1] = True
        self.sentence = np.cumsum(opens) - 1

    def __len__(self) -> int:
        return len(self.starts)

    def word(self, k: int) -> str:
        """Token ``k``'s text (spaCy's ``Token.text``)."""
        return self.text[self.starts[k] : self.ends[k]]

    def lower(self, k: int) -> str:
        """Token ``k``'s text in lower case (spaCy's ``Token.lower_``)."""
        return self.text[self.starts[k] : self.ends[k]].lower()

    def prev_word(self, i: int) -> str:
        """The lower-case text of the token before token ``i`` ("" at the start)."""
        return self.lower(i - 1) if i > 0 else ""


def title_case(sentence: "np.ndarray", alpha: "np.ndarray", stop: "np.ndarray", capital: "np.ndarray") -> "np.ndarray":
    """For each sentence (``sentence``: each token's sentence number, one token or more; the other
    arrays, its flags), whether it is written in title case, as headlines are: at least four
    words, seven in ten of them capitalised, a capitalised stop word past the first ("Three Men
    After Chase In Houston"). There, a capital says nothing about a name."""
    import numpy as np

    def per_sentence(flags: "np.ndarray") -> "np.ndarray":
        return np.bincount(sentence, weights=flags, minlength=int(sentence[-1]) + 1)

    words = per_sentence(alpha)
    before = np.cumsum(words) - words  # the words of the sentences before each one
    first = alpha & (np.cumsum(alpha) == before[sentence] + 1)  # each sentence's first word
    later = per_sentence(alpha & stop & capital & ~first)  # capitalised stop words past the first word
    return (words >= 4) & (per_sentence(alpha & capital) >= 0.7 * words) & (later > 0)
