"""Which first-level divisions the article's names could share.

A local story names its towns without their state: "Police in Springfield said the suspect
fled toward Chatham before he was caught near Decatur." Each name alone has namesakes in a
dozen states; together they point to the one state that has all three. For each state (a
country's first-level division), the article's other names that have a namesake town or
county in it each add ``1 / n``, where ``n`` is the number of states that name has namesakes
in: a name found in one state only ("Sangamon County") says the state outright, "Decatur"
(a dozen states) says little. A name is never evidence for itself, and a state's or a
country's own name counts here for nothing (the article's evidence reads those).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from ..gazetteer.names import normalize

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Candidate, Place

__all__ = ["StateCoherence", "COHERENCE_CAP"]

#: The most a candidate's coherence counts: past two names' worth, more adds nothing.
COHERENCE_CAP = 2.0


def _division_of(p: "Place") -> "tuple[str, str] | None":
    """The (country, first-level division) a town or lower division lies in; None for others."""
    if not p.admin1 or not p.country_code or p.feature_class not in ("P", "A"):
        return None
    code = p.feature_code
    if code.startswith("PCL") or code in ("ADM1", "ADM1H"):
        return None
    return (p.country_code, p.admin1)


class StateCoherence:
    """For each state, how much the article's names other than a given one point to it."""

    __slots__ = ("_total", "_own")

    def __init__(self, names: "Iterable[tuple[str, Iterable[Candidate]]]") -> None:
        """``names``: each mention's name and its candidates (a name met twice counts once)."""
        states_of: dict[str, set[tuple[str, str]]] = {}
        for name, cands in names:
            states = states_of.setdefault(normalize(name), set())
            for c in cands:
                key = _division_of(c.place)
                if key is not None:
                    states.add(key)
        self._total: dict[tuple[str, str], float] = {}
        self._own: dict[tuple[tuple[str, str], str], float] = {}
        for name, states in states_of.items():
            if not states:
                continue
            share = 1.0 / len(states)
            for key in states:
                self._total[key] = self._total.get(key, 0.0) + share
                self._own[(key, name)] = share

    def __bool__(self) -> bool:
        return bool(self._total)

    def of(self, place: "Place", name: str) -> float:
        """How much the article's names other than ``name`` point to ``place``'s state (0 to
        :data:`COHERENCE_CAP`)."""
        return self.of_all([place], name)[0]

    def of_all(self, places: "Iterable[Place]", name: str) -> list[float]:
        """:meth:`of` each of ``places`` (a name's candidates) for ``name``."""
        own = normalize(name)
        out = []
        for place in places:
            key = _division_of(place)
            total = self._total.get(key, 0.0) if key is not None else 0.0
            out.append(min(COHERENCE_CAP, total - self._own.get((key, own), 0.0)) if total else 0.0)
        return out
