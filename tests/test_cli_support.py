"""The CLI's shared conventions: every subcommand's help, global options anywhere, -q, one-line
errors with suggestions, output formats that follow -o, nothing binary on a terminal."""

from __future__ import annotations

import argparse
import re

import pytest

from geomap.cli import _parser, main
from geomap.cli_support import output_format, refuse_terminal, suggest


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """(path, parser) of every subcommand, nested ones (gazetteer lookup…) included."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*path, name), sub
                yield from _commands(sub, (*path, name))


COMMANDS = dict(_commands(_parser()))


def test_the_walk_sees_every_subcommand():
    assert {("extract",), ("map",), ("filter",), ("serve",), ("evaluate",), ("gazetteer",),
            ("gazetteer", "lookup"), ("gazetteer", "build"), ("gazetteer", "add"), ("gazetteer", "info")} \
        <= set(COMMANDS)


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=" ".join)
def test_every_subcommand_has_a_description_an_example_and_help_with_defaults(path):
    sub = COMMANDS[path]
    text = sub.format_help()
    assert sub.description and len(sub.description) > 20, path
    assert re.search(rf"^examples:\n  geomap .*{path[-1]}", text, re.M), text
    for action in sub._actions:
        if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
            continue
        name = "/".join(action.option_strings) or action.dest
        assert action.help and action.help.strip(), f"{' '.join(path)} {name} has no help"
        if action.option_strings and action.nargs != 0 and not action.required:  # says its default
            formatter = sub._get_formatter()
            shown = formatter._expand_help(action) if action.help else ""
            assert "default" in shown.lower(), f"{' '.join(path)} {name}: no default in {shown!r}"


@pytest.mark.parametrize("argv", [["--gazetteer", "G", "-q", "gazetteer", "info"],
                                  ["gazetteer", "info", "--gazetteer", "G", "-q"],
                                  ["gazetteer", "--gazetteer", "G", "info", "--quiet"],
                                  ["-q", "extract", "a.txt", "--gazetteer", "G"]])
def test_global_options_before_or_after_the_subcommand(argv):
    args = _parser().parse_args(argv)
    assert args.gazetteer == "G" and args.quiet is True


def test_global_options_default_when_not_given():
    args = _parser().parse_args(["extract", "a.txt"])
    assert args.gazetteer is None and args.quiet is False


def test_typos_of_subcommands_and_choices_get_did_you_mean(capsys):
    with pytest.raises(SystemExit):
        main(["extrct", "a.txt"])
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "did you mean 'extract'" in err and err.startswith("geomap: error:")
    with pytest.raises(SystemExit):
        main(["gazetteer", "lokup", "Paris"])
    assert "did you mean 'lookup'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["extract", "a.txt", "--format", "cvs"])
    assert "did you mean 'csv'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["filter", "a.jsonl", "--withn", "country:UA"])
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown option(s) --withn country:UA; did you mean --within?" in err
    assert suggest("zzzzzz", ["extract", "map"]) is None


FORMATS = {"html": (".html",), "png": (".png",)}


def test_output_format_follows_the_suffix_or_is_refused():
    assert output_format("m.png", None, FORMATS, "html") == "png"
    assert output_format(None, None, FORMATS, "html") == "html"
    assert output_format("-", "png", FORMATS, "html") == "png"
    assert output_format("m", None, FORMATS, "html") == "html"
    assert output_format("m.out", "png", FORMATS, "html") == "png"  # said outright: written as asked
    with pytest.raises(ValueError, match="m.svg: unknown output suffix '.svg'"):
        output_format("m.svg", None, FORMATS, "html")
    with pytest.raises(ValueError, match="names png output, but --format is html"):
        output_format("m.png", "html", FORMATS, "html")


def test_terminal_output_is_refused_unless_dash_o_dash(monkeypatch):
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    with pytest.raises(ValueError, match="will not write an HTML map to the terminal; give -o FILE"):
        refuse_terminal(None, "an HTML map")
    refuse_terminal("-", "an HTML map")
    refuse_terminal("m.html", "an HTML map")
    monkeypatch.setattr("sys.stdout.isatty", lambda: False)
    refuse_terminal(None, "an HTML map")  # a pipe or a file: fine
