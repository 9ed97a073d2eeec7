"""The conventions every ``geomap`` subcommand shares: help with a description, an example and
each option's default; global options before or after the subcommand; ``-q``; one-line
errors with "did you mean"; output formats that follow ``-o``; no binary or HTML on a terminal.

Subcommands are added with :func:`add_command`, which gives them all of this.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Mapping, NoReturn, Sequence

__all__ = ["Parser", "HelpFormatter", "add_command", "add_global_options", "add_column_arguments", "is_quiet", "say",
           "suggest", "output_format", "refuse_terminal", "missing_file", "duplicates_line"]


def suggest(word: str, choices: Sequence[str], *, cutoff: float = 0.6) -> str | None:
    """The choice closest to ``word`` (rapidfuzz's Damerau-Levenshtein: a swapped pair of letters
    is one edit), when it is close enough to be a typo of it."""
    from rapidfuzz import process
    from rapidfuzz.distance import DamerauLevenshtein

    best = process.extractOne(word.lower(), list(choices), scorer=DamerauLevenshtein.normalized_similarity,
                              processor=str.lower, score_cutoff=cutoff)
    return None if best is None else str(best[0])


class HelpFormatter(argparse.HelpFormatter):
    """Wraps the description, keeps the examples' lines as written, and shows every option's
    default (unless its help says it)."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("examples:"):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if (action.option_strings and "default" not in text.lower()
                and action.default not in (None, False, argparse.SUPPRESS)):
            text += " (default: %(default)s)"
        return text


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line (with "did you mean" for a mistyped choice)."""

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        choices = action.choices
        if choices is None or value in choices:
            return
        names = [str(c) for c in choices]
        close = suggest(str(value), names) if isinstance(value, str) else None
        hint = f"; did you mean {close!r}?" if close else f" (choose from {', '.join(names)})"
        what = "command" if isinstance(action, argparse._SubParsersAction) else f"choice for {_name(action)}"
        raise argparse.ArgumentError(None, f"unknown {what} {value!r}{hint}")

    def error(self, message: str) -> NoReturn:
        prefix = "unrecognized arguments: "
        if message.startswith(prefix):  # argparse gives the top parser the leftovers of every subcommand
            unknown = message[len(prefix):].split()
            close = [c for c in (suggest(u.split("=")[0], sorted(_options(self))) for u in unknown
                                 if u.startswith("--")) if c]
            message = f"unknown option(s) {' '.join(unknown)}" + (f"; did you mean {', '.join(close)}?" if close else "")
        self.exit(2, f"geomap: error: {message} (see `{self.prog} --help`)\n")


def _options(parser: argparse.ArgumentParser) -> set[str]:
    """The long option strings of ``parser`` and of all its subcommands."""
    found = {o for o in parser._option_string_actions if o.startswith("--")}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found |= _options(sub)
    return found


def _name(action: argparse.Action) -> str:
    return "/".join(action.option_strings) or str(action.metavar or action.dest)


def add_global_options(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    """``--gazetteer`` and ``-q``: on the top parser with their defaults, and on every subcommand
    without one (``SUPPRESS``), so that they may come before or after the subcommand."""
    unset: dict[str, Any] = {} if top else {"default": argparse.SUPPRESS}
    g = parser.add_argument_group("global options (before or after the subcommand)")
    g.add_argument("--gazetteer", metavar="PATH", **unset,
                   help="gazetteer store (default: built from the bundled GeoNames data)")
    g.add_argument("-q", "--quiet", action="store_true", **unset,
                   help="print nothing but errors: no progress bar, summary, warnings or 'wrote' lines")


def add_command(subparsers: Any, name: str, *, help: str, description: str,
                examples: Sequence[str]) -> argparse.ArgumentParser:
    """A subcommand's parser, with its description, its examples and the global options."""
    epilog = "examples:\n" + "\n".join(f"  {e}" for e in examples)
    p = subparsers.add_parser(name, help=help, description=description, epilog=epilog,
                              formatter_class=HelpFormatter)
    add_global_options(p)
    return p


def add_column_arguments(parser: argparse.ArgumentParser) -> None:
    """``--text-column`` and ``--id-column``, for every command that reads CSV, Parquet or JSONL records."""
    parser.add_argument("--text-column", default="text", metavar="NAME",
                        help="the field (JSONL) or column (CSV, Parquet) holding the text (default: text)")
    parser.add_argument("--id-column", default="id", metavar="NAME",
                        help="the field or column holding the record's id (default: id)")


def is_quiet(args: argparse.Namespace) -> bool:
    """Whether ``-q`` was given."""
    return bool(getattr(args, "quiet", False))


def say(args: argparse.Namespace, message: str) -> None:
    """``geomap: message`` on stderr, unless ``-q``."""
    if not is_quiet(args):
        print(f"geomap: {message}", file=sys.stderr)


def duplicates_line(ids: Sequence[str], *, show: int = 5) -> str:
    """The one line that says how many records had an id seen before: "3 duplicate ids: a, b, c"."""
    more = "…" if len(ids) > show else ""
    return f"{len(ids):,} duplicate id{'s' if len(ids) != 1 else ''}: {', '.join(ids[:show])}{more} (all records kept)"


def missing_file(path: str | Path) -> str:
    """The one wording of a missing input file."""
    return f"{path}: no such file"


def output_format(output: str | None, explicit: str | None, formats: Mapping[str, Sequence[str]],
                  default: str, *, given_by: str = "--format") -> str:
    """The format to write ``-o output`` in: ``explicit`` (``--format``, or what ``given_by``
    names), else the one its suffix names, else ``default`` (stdout or no suffix). A suffix that
    names another format than ``explicit``, or none of ``formats`` with no ``explicit``, is
    refused (``ValueError``)."""
    suffix = Path(output).suffix.lower() if output not in (None, "-") else ""
    implied = next((f for f, sfx in formats.items() if suffix in sfx), None) if suffix else None
    if explicit and implied and explicit != implied:
        raise ValueError(f"-o {output} names {implied} output, but {given_by} is {explicit}")
    if suffix and not implied and not explicit:
        known = ", ".join(s for sfx in formats.values() for s in sfx)
        raise ValueError(f"-o {output}: unknown output suffix {suffix!r} (use {known}, or say --format)")
    return explicit or implied or default


def refuse_terminal(output: str | None, what: str) -> None:
    """Refuse (``ValueError``) to write ``what`` (HTML, PNG…) to a terminal: stdout with no ``-o``
    while stdout is a TTY. ``-o -`` says the user means it."""
    if output is None and sys.stdout.isatty():
        raise ValueError(f"will not write {what} to the terminal; give -o FILE (or -o - to insist)")
