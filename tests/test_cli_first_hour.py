"""The first hour at the command line: ``--version``, a description for every command and help
for every option (read from ``build_parser()``, the one source the docs' command pages are
generated from too), a status line while a command works for seconds, and ``orbitviz time``
loading nothing heavy."""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import time

import pytest

from orbitviz import __version__
from orbitviz._status import Status
from orbitviz.cli import build_parser, main


def _commands(parser: argparse.ArgumentParser, path=("orbitviz",)):
    """(path, parser, help line) of every command and sub-command under ``parser``."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, sub in action._name_parser_map.items():
                yield (*path, name), sub, helps.get(name)
                yield from _commands(sub, (*path, name))


COMMANDS = list(_commands(build_parser()))


def test_every_command_is_walked():
    names = {" ".join(path) for path, _, _ in COMMANDS}
    assert {"orbitviz flyby", "orbitviz kernels fetch", "orbitviz view philae"} <= names
    assert len(names) > 20


@pytest.mark.parametrize(
    "path, parser, help_line", COMMANDS, ids=[" ".join(path) for path, _, _ in COMMANDS]
)
def test_every_command_has_a_help_line_and_a_description(path, parser, help_line):
    """``orbitviz --help`` lists it with a line, ``orbitviz COMMAND --help`` opens with a
    sentence that says what it does."""
    assert help_line, f"{' '.join(path)}: no help line in its parent's --help"
    assert parser.description and len(parser.description) > 20, (
        f"{' '.join(path)} --help: no description"
    )


def _options(parser: argparse.ArgumentParser, path=("orbitviz",)):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action._name_parser_map.items():
                yield from _options(sub, (*path, name))
        elif not isinstance(action, argparse._HelpAction):
            yield " ".join(path), "/".join(action.option_strings) or action.dest, action


OPTIONS = list(_options(build_parser()))


@pytest.mark.parametrize(
    "command, name, action", OPTIONS, ids=[f"{command} {name}" for command, name, _ in OPTIONS]
)
def test_every_option_and_argument_has_help(command, name, action):
    assert action.help and action.help != argparse.SUPPRESS, f"{command} {name}: no help text"


def test_the_checks_see_a_missing_help(monkeypatch):
    """The two checks above fail on a command without a description or an option without
    help (what they guard, shown failing)."""
    parser = argparse.ArgumentParser(prog="orbitviz")
    sub = parser.add_subparsers()
    bare = sub.add_parser("bare", help="a line")
    bare.add_argument("--format", choices=["a", "b"])
    ((_, found, _),) = _commands(parser)
    assert not found.description
    assert [a.help for _, _, a in _options(parser)] == [None]


def test_version(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    first, second = capsys.readouterr().out.splitlines()
    assert first == f"orbitviz {__version__}"
    assert second.startswith("Python ") and "numpy " in second and "spiceypy " in second


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_status_line_spins_on_a_terminal_and_is_erased():
    out = Terminal()
    with Status("integrating", stream=out, delay_s=0.0, interval_s=0.01) as status:
        time.sleep(0.1)
        status("the uncertainty", 0.5)
        time.sleep(0.05)
    text = out.getvalue()
    assert "| integrating ... 0 s" in text and "the uncertainty (50%)" in text
    frames = [part.split(" ")[0] for part in text.split("\r") if part.strip()]
    assert len(set(frames)) > 1, "the spinner does not turn"
    assert text.endswith("\r") and text.split("\r")[-2].strip() == ""  # erased at the end


def test_the_status_line_stays_silent_off_a_terminal_and_for_quick_work():
    pipe = io.StringIO()
    with Status("integrating", stream=pipe, delay_s=0.0):
        time.sleep(0.05)
    assert pipe.getvalue() == ""
    out = Terminal()
    with Status("integrating", stream=out, delay_s=5.0):
        pass
    assert out.getvalue() == ""


def test_flyby_says_what_it_does_on_a_terminal(capsys, monkeypatch):
    """orbitviz flyby works for seconds: on a terminal stderr shows each step, then nothing
    is left of it, and stdout holds the report alone."""
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    monkeypatch.setattr("orbitviz._status.DELAY_S", 0.0)
    assert main(["flyby", "2021 WP", "--method", "conic", "--uncertainty", "none"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("2021 WP passes Earth")
    assert "reading the elements of 2021 WP" in err and "conic: 2021 WP past Earth" in err
    assert err.endswith("\r") and err.split("\r")[-2].strip() == ""


def test_flyby_is_silent_on_stderr_in_a_pipe(capsys, monkeypatch):
    monkeypatch.setattr("orbitviz._status.DELAY_S", 0.0)
    assert main(["flyby", "2021 WP", "--method", "conic", "--uncertainty", "none"]) == 0
    assert capsys.readouterr().err == ""


HEAVY = ("numba", "pandas", "matplotlib", "scipy", "astropy", "astroquery", "vispy", "PyQt5")


def test_orbitviz_time_loads_nothing_heavy():
    """``orbitviz time`` answers in well under a second (0.5 s here, most of it Python and
    numpy starting): it must not load the N-body engine, pandas or the front ends."""
    code = (
        "import sys; from orbitviz.cli import main; main(['time', '2021-11-19T03:33']); "
        f"print([m for m in {HEAVY!r} if m in sys.modules])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.splitlines()[0] == "UTC  2021-11-19T03:33:00.000000"
    assert done.stdout.splitlines()[-1] == "[]", done.stdout
