"""Common first names and surnames (the 1990 US Census lists of the ``names`` package): what the
recognisers know of people's names without a model."""

from __future__ import annotations

from functools import cache

__all__ = ["person_names"]


@cache
def person_names() -> tuple[frozenset[str], frozenset[str]]:
    """Common first names and surnames, in lower case: the 1990 US Census lists the ``names``
    package ships (5,163 first names, 88,799 surnames)."""
    from importlib.resources import files

    def read(name: str) -> frozenset[str]:
        # (each line: the name, its share in %, the cumulative share, its rank)
        return frozenset(files("names").joinpath(name).read_text(encoding="ascii").lower().split()[::4])

    return read("dist.male.first") | read("dist.female.first"), read("dist.all.last")
