"""The ``orbitviz`` command line: thin over the library.

    orbitviz kernels list | fetch NAME... | verify | info FILE
    orbitviz flyby TARGET [--method ... --format ... --plot PNG]
    orbitviz targets [NAME]
    orbitviz shape info FILE
    orbitviz lander philae [--plot PNG]
    orbitviz view philae | flyby TARGET | transit FILE... | FILE [--screenshot PNG --time UTC ...]
    orbitviz render philae | flyby TARGET | transit FILE... | FILE -o OUT [--camera ... ...]
    orbitviz screen --start UTC --stop UTC [--threshold 0.05au ...]
    orbitviz validate cad CAD.json --catalog ELEMENTS.csv [--max-dist 0.05au --sample N ...]
    orbitviz transit FILE... [--star KIC|NAME --format ... --plot PNG|PDF|SVG]
    orbitviz vetting [--retrain]
    orbitviz time UTC|ET

Each command is a module of :mod:`orbitviz.commands` with ``add_parser(subparsers)``, listed
once in :data:`COMMANDS`. ``view`` and ``render`` take the same scene words and options
(:mod:`orbitviz.recipes`), and ``flyby`` the same flyby options.

A user error prints one line (``orbitviz: error: ...``) and exits 2; ``--debug`` shows the
traceback instead.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import platform
import sys
import warnings
from collections.abc import Sequence
from importlib import metadata
from typing import NoReturn

from . import __version__
from ._files import Terminated, removing_temporaries_on_signals, write_failure
from .cli_types import Parser
from .commands import (
    flyby,
    kernels,
    lander,
    render,
    screen,
    shape,
    targets,
    time,
    transit,
    validate,
    vetting,
    view,
)
from .errors import OrbitvizError

VERSION_OF = ("numpy", "spiceypy", "numba", "vispy", "PyQt5")
"""What ``orbitviz --version`` names beside orbitviz and Python: what a bug report needs."""

COMMANDS = (
    kernels,
    flyby,
    targets,
    shape,
    lander,
    view,
    render,
    screen,
    validate,
    transit,
    vetting,
    time,
)
"""The command modules, in the order ``orbitviz --help`` lists them."""


def version_text() -> str:
    """``orbitviz 0.1.0`` and, on a second line, Python and the libraries orbitviz runs on
    (read from their metadata: nothing is imported)."""
    found = []
    for name in VERSION_OF:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return f"orbitviz {__version__}\nPython {platform.python_version()}, {', '.join(found)}"


class _Version(argparse.Action):
    """``--version``: print :func:`version_text` and exit 0."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        print(version_text())
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="orbitviz",
        description="SPICE-driven flyby reports, shape models, lander paths, exoplanet transits, "
        "viewer and videos.",
        epilog="Each command has its own help: orbitviz COMMAND --help. Documentation: "
        "docs/ (python docs/build.py builds it).",
    )
    parser.add_argument(
        "--version", action=_Version, help="print the version of orbitviz and of what it runs on"
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def _quiet_stdout() -> None:
    """After a broken pipe (``orbitviz ... | head -1``): send what is left of stdout nowhere,
    so that the interpreter's final flush does not complain either."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout without a descriptor (a test's capture)
        pass


def _one_line_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings at the command line: one line each, like the errors (no file:line noise)."""
    print(f"orbitviz: warning: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        # SIGTERM/SIGHUP unwind like Ctrl-C: half-written outputs are removed. Not for the
        # window: Qt's event loop runs no Python signal handler until some Python code runs,
        # so `view` would ignore SIGTERM; its default (end the process) is right there.
        signals = (
            contextlib.nullcontext()
            if args.command == "view"
            else removing_temporaries_on_signals()
        )
        with signals, warnings.catch_warnings():
            warnings.showwarning = _one_line_warning
            code = args.func(args)
            sys.stdout.flush()  # a full disk behind stdout is said here, not at exit
            return code
    except OrbitvizError as exc:
        if args.debug:
            raise
        print(f"orbitviz: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (| head): nothing left to say
        _quiet_stdout()
        return 141  # 128 + SIGPIPE, as a shell reports a process killed by it
    except Terminated as exc:
        # objects the signal caught half-built (a VisPy transform, say) complain from their
        # __del__ as the process ends: that noise is not for the user, who asked it to stop
        sys.unraisablehook = lambda unraisable: None
        print(f"orbitviz: {exc}; partial outputs removed", file=sys.stderr)
        return 128 + exc.signum
    except KeyboardInterrupt:
        print("orbitviz: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:  # a write that failed under everything else: stdout on a full disk
        failure = write_failure(exc.filename or "standard output", exc)
        if failure is None or args.debug:
            raise
        _quiet_stdout()  # what is left of stdout goes nowhere, not into a second traceback
        print(f"orbitviz: error: {failure}", file=sys.stderr)
        return 2


def run() -> NoReturn:
    """The ``orbitviz`` program (and ``python -m orbitviz``): :func:`main`, then the process
    ends once the output is flushed and the exit handlers have run, without tearing the
    interpreter down module by module (0.2-0.3 s of CPU after a flyby report, for numba's,
    pandas' and LLVM's objects, which the operating system frees at once). Everything a
    command writes is closed by the command itself (atomic writes, Dask clusters, videos).

    Ctrl-C before the command runs (while the arguments are read) is the same one line and
    130; this module imports nothing heavy (0.03 s), so that the window where Ctrl-C still
    gives Python's traceback is the interpreter's own start-up."""
    try:
        code = main()
    except KeyboardInterrupt:
        print("orbitviz: interrupted", file=sys.stderr)
        code = 130
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader that went away (| head)
            stream.flush()
    atexit._run_exitfuncs()  # logging, multiprocessing, ... as at a normal exit
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
