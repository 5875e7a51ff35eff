"""Argument types of the command line: each refuses a bad value at the edge, naming its range.

argparse calls a ``type=`` function with the option's text; an
:class:`argparse.ArgumentTypeError` becomes ``orbitviz: error: argument --fps: ...`` (see
:class:`Parser`) and exit status 2, before any work is done.

>>> fps = number(low=0, high=240, low_open=True, unit="frames per second")
>>> fps("24")
24.0
>>> fps("nan")
Traceback (most recent call last):
...
argparse.ArgumentTypeError: 'nan' is not a finite number (frames per second in (0, 240])
>>> count(low=1)("-3")
Traceback (most recent call last):
...
argparse.ArgumentTypeError: -3 is out of range: must be >= 1
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable
from typing import NoReturn

from .arguments import MAX_SIDE_PX, MIN_SIDE_PX


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help layout, except that lines indented by two spaces (the example commands
    of an epilog, see :func:`examples`) are kept as written instead of re-wrapped."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        out: list[str] = []
        paragraph: list[str] = []

        def flush() -> None:
            if paragraph:
                out.append(
                    super(HelpFormatter, self)._fill_text(" ".join(paragraph), width, indent)
                )
                paragraph.clear()

        for line in text.splitlines():
            if line.startswith("  ") and line.strip():
                flush()
                out.append(indent + line)
            elif not line.strip():
                flush()
                out.append("")
            else:
                paragraph.append(line.strip())
        flush()
        return "\n".join(out)


def examples(*commands: str) -> str:
    """An epilog of example command lines: ``orbitviz COMMAND --help`` ends with them, the
    command's page in the docs shows them, and the docs' tests run them."""
    return "examples:\n" + "\n".join(f"  {command}" for command in commands)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line, ``orbitviz: error: ...``, exit status 2
    (as every other user error of the command line), with where to read the usage; its help
    keeps the example lines of an epilog (:class:`HelpFormatter`)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        print(f"orbitviz: error: {message} (see {self.prog} --help)", file=sys.stderr)
        sys.exit(2)


def _g(value: float) -> str:
    return str(value) if isinstance(value, int) else f"{value:g}"


def _range_text(low, high, low_open: bool, high_open: bool) -> str:
    if low is not None and high is not None:
        return f"in {'(' if low_open else '['}{_g(low)}, {_g(high)}{')' if high_open else ']'}"
    if low is not None:
        return f"{'>' if low_open else '>='} {_g(low)}"
    if high is not None:
        return f"{'<' if high_open else '<='} {_g(high)}"
    return "finite"


def number(
    low: float | None = None,
    high: float | None = None,
    *,
    low_open: bool = False,
    high_open: bool = False,
    unit: str = "",
) -> Callable[[str], float]:
    """A type for a finite float in a range (``low_open``: ``low`` itself is refused)."""
    where = _range_text(low, high, low_open, high_open)
    about = f" ({unit} {where})" if unit else f" ({where})"

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number{about}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{text!r} is not a finite number{about}")
        if (low is not None and (value < low or (low_open and value == low))) or (
            high is not None and (value > high or (high_open and value == high))
        ):
            raise argparse.ArgumentTypeError(f"{text} is out of range: must be {where}")
        return value

    parse.__name__ = "number"  # argparse names the type in "invalid <name> value" messages
    return parse


def count(low: int = 0, high: int | None = None) -> Callable[[str], int]:
    """A type for a whole number ``>= low`` (and ``<= high``)."""
    where = _range_text(low, high, False, False)

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a whole number (must be {where})"
            ) from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"{value} is out of range: must be {where}")
        return value

    parse.__name__ = "count"
    return parse


def size(text: str) -> tuple[int, int]:
    """``"1280x720"`` -> ``(1280, 720)``: the one image-size parser of every command."""
    try:
        w, h = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"size {text!r}: write WIDTHxHEIGHT, e.g. 1280x720"
        ) from None
    if not (MIN_SIDE_PX <= w <= MAX_SIDE_PX and MIN_SIDE_PX <= h <= MAX_SIDE_PX):
        raise argparse.ArgumentTypeError(
            f"size {text!r}: each side must be {MIN_SIDE_PX}..{MAX_SIDE_PX} pixels"
        )
    return w, h
