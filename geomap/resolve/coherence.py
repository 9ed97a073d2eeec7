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

from typing import TYPE_CHECKING, Iterable, Sequence

from ..gazetteer.names import normalize

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Place

__all__ = ["StateCoherence", "COHERENCE_CAP", "divisions"]

#: The most a candidate's coherence counts: past two names' worth, more adds nothing.
COHERENCE_CAP = 2.0

#: A (country, first-level division) pair.
Division = tuple[str, str]


def _division_of(p: "Place") -> "Division | None":
    """The (country, first-level division) a town or lower division lies in; None for others."""
    if not p.admin1 or not p.country_code or p.feature_class not in ("P", "A"):
        return None
    code = p.feature_code
    if code.startswith("PCL") or code in ("ADM1", "ADM1H"):
        return None
    return (p.country_code, p.admin1)


def divisions(places: "Iterable[Place]") -> "tuple[Division | None, ...]":
    """The state each of ``places`` counts for (None: a state, a country, or a place of no state)."""
    return tuple(_division_of(p) for p in places)


class StateCoherence:
    """For each state, how much the article's names other than a given one point to it."""

    __slots__ = ("_total", "_own")

    def __init__(self, names: "Iterable[tuple[str, Iterable[Division | None]]]") -> None:
        """``names``: each mention's name and the :func:`divisions` of its candidates (a name met
        twice counts once)."""
        states_of: dict[str, set[Division]] = {}
        for name, keys in names:
            states_of.setdefault(normalize(name), set()).update(keys)
        self._total: dict[Division, float] = {}
        self._own: dict[tuple[Division, str], float] = {}
        for name, states in states_of.items():
            states.discard(None)  # type: ignore[arg-type]
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
        return self.of_divisions([_division_of(place)], name)[0]

    def of_divisions(self, keys: "Sequence[Division | None]", name: str) -> list[float]:
        """:meth:`of` each candidate of ``name`` whose :func:`divisions` are ``keys``."""
        own = normalize(name)
        total_of, own_of = self._total.get, self._own.get
        out = []
        for key in keys:
            total = total_of(key, 0.0) if key is not None else 0.0
            out.append(min(COHERENCE_CAP, total - own_of((key, own), 0.0)) if total else 0.0)
        return out
