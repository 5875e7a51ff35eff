"""What every benchmark shares: the timer, the result line, targets and skips.

One convention: a benchmark prints one line per comparison,

    NAME: ours X s, peer Y s, speedup Z
    NAME: ours X s, peer Y s, speedup Z (target speedup >= T: pass)
    NAME: ours X s, peer Y s, speedup Z (target ours <= G s: FAIL)

with **speedup = peer / ours** (> 1: we are faster), the peer being the naive or peer approach
measured in the same run on the same input (cold against cold, cached against cached). A
benchmark that cannot run here (no X server, no OpenGL) prints ``SKIP NAME: reason`` and exits
0; one that misses a target exits 1. Every other line it prints starts with ``#``.
``benchmarks/run.py`` runs them all and reads these lines back with :func:`parse_line`.

Importing this module also puts the repository root first on ``sys.path`` (so the worktree's
``orbitviz`` is the one measured) and points ``ORBITVIZ_DATA_MIRROR`` at ``../shared/data``
when it is unset.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
_SHARED_DATA = ROOT.parent / "shared" / "data"
if "ORBITVIZ_DATA_MIRROR" not in os.environ and _SHARED_DATA.is_dir():
    os.environ["ORBITVIZ_DATA_MIRROR"] = str(_SHARED_DATA)


def parser(doc: str | None) -> argparse.ArgumentParser:
    """An argument parser with ``--quick`` (a smaller run for development), described by the
    first line of the benchmark's docstring."""
    ap = argparse.ArgumentParser(description=(doc or "").strip().splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a smaller, faster run")
    return ap


@dataclass(frozen=True)
class Timing:
    """Seconds per call over interleaved rounds: the median and the fastest and slowest
    round (a shared machine's noise, in plain sight)."""

    median: float
    low: float
    high: float
    rounds: int

    def __float__(self) -> float:
        return self.median

    def span(self) -> str:
        """``0.0081-0.0112 s``: the fastest and slowest round."""
        return f"{format_seconds(self.low)}-{format_seconds(self.high)} s"


def timings(
    contenders: dict[str, Callable[[], object]],
    repeat: int = 5,
    *,
    warmup: int = 1,
    number: int = 1,
    clock: Callable[[], float] | None = None,
) -> dict[str, Timing]:
    """:class:`Timing` of each contender over ``repeat`` interleaved rounds.

    ``contenders`` maps names to functions of no arguments. Each round times ``number``
    calls of every contender, taking turns and swapping who goes first every round (ours,
    peer, peer, ours, ...), so that a slow spell of a shared machine hits all of them alike.
    ``warmup`` untimed calls of each come first (imports, uploads, JIT); pass 0 when the
    first call is the thing measured. ``clock``: ``time.perf_counter`` (wall) or
    ``time.process_time`` (CPU of this process and its threads); default: wall.
    """
    clock = clock or time.perf_counter
    for function in contenders.values():
        for _ in range(warmup):
            function()
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    order = list(contenders.items())
    for round_ in range(repeat):
        for name, function in order if round_ % 2 == 0 else order[::-1]:
            start = clock()
            for _ in range(number):
                function()
            samples[name].append((clock() - start) / number)
    return {
        name: Timing(statistics.median(times), min(times), max(times), len(times))
        for name, times in samples.items()
    }


def measure(
    contenders: dict[str, Callable[[], object]] | Callable[[], object],
    repeat: int = 5,
    *,
    warmup: int = 1,
    number: int = 1,
) -> dict[str, float] | float:
    """Median seconds per call over ``repeat`` interleaved rounds (:func:`timings`, medians
    only; ``contenders`` may be one function, and then one float comes back)."""
    if callable(contenders):
        return measure({"": contenders}, repeat, warmup=warmup, number=number)[""]
    found = timings(contenders, repeat, warmup=warmup, number=number)
    return {name: t.median for name, t in found.items()}


def checkout(ref: str, folder: Path) -> Path:
    """The tree of commit ``ref`` of this repository, exported (``git archive``) into
    ``folder / ref``: an earlier orbitviz to measure against (run with ``PYTHONPATH`` on it)."""
    out = folder / ref
    out.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref], capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(out)], input=archive.stdout, check=True)
    return out


def spread_note(found: dict[str, Timing], names: dict[str, str] | None = None) -> str:
    """``medians of 7 interleaved rounds; ours 0.0081-0.0112 s, peer 0.020-0.025 s``."""
    names = names or {}
    rounds = max(t.rounds for t in found.values())
    parts = [f"{names.get(k, k)} {t.span()}" for k, t in found.items()]
    return f"medians of {rounds} interleaved rounds; " + ", ".join(parts)


@dataclass(frozen=True)
class Target:
    """What a result must reach: ``speedup >= min_speedup`` and/or ``ours <= max_ours_s``
    (an absolute goal: seconds per frame for a frame rate, seconds for a whole job)."""

    min_speedup: float | None = None
    max_ours_s: float | None = None

    def met(self, speedup: float, ours_s: float) -> bool:
        if self.min_speedup is not None and not speedup >= self.min_speedup:
            return False
        return self.max_ours_s is None or ours_s <= self.max_ours_s

    def __str__(self) -> str:
        parts = []
        if self.min_speedup is not None:
            parts.append(f"speedup >= {self.min_speedup:g}")
        if self.max_ours_s is not None:
            parts.append(f"ours <= {self.max_ours_s:g} s")
        return " and ".join(parts)

    @classmethod
    def parse(cls, text: str) -> Target:
        """The inverse of ``str``: ``"speedup >= 5"``, ``"ours <= 0.2 s"`` or both."""
        min_speedup = max_ours_s = None
        for part in text.split(" and "):
            if m := re.fullmatch(rf"speedup >= ({_NUMBER})", part.strip()):
                min_speedup = float(m[1])
            elif m := re.fullmatch(rf"ours <= ({_NUMBER}) s", part.strip()):
                max_ours_s = float(m[1])
            else:
                raise ValueError(f"not a target: {part!r}")
        return cls(min_speedup, max_ours_s)


@dataclass(frozen=True)
class Result:
    """One comparison: our seconds, the peer's seconds, and what we must reach.

    ``target`` is a :class:`Target`, a number (shorthand for ``speedup >= number``) or None
    (reported only). ``note`` is printed after the line (``# ...``) and never parsed.
    """

    name: str
    ours_s: float
    peer_s: float
    target: Target | float | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.target, int | float):
            object.__setattr__(self, "target", Target(min_speedup=float(self.target)))
        if ": ours " in self.name or "\n" in self.name:
            raise ValueError(f"a result name cannot hold ': ours ' or a newline: {self.name!r}")

    @property
    def speedup(self) -> float:
        """peer / ours: above 1 we are faster."""
        return self.peer_s / self.ours_s if self.ours_s > 0 else math.inf

    @property
    def passed(self) -> bool | None:
        """None without a target; else whether it was met."""
        return None if self.target is None else self.target.met(self.speedup, self.ours_s)

    def line(self) -> str:
        ours, peer = format_seconds(self.ours_s), format_seconds(self.peer_s)
        text = f"{self.name}: ours {ours} s, peer {peer} s, speedup {format_speedup(self.speedup)}"
        if self.target is not None:
            text += f" (target {self.target}: {'pass' if self.passed else 'FAIL'})"
        return text + (f"  # {self.note}" if self.note else "")


def format_seconds(value: float) -> str:
    return f"{value:.4g}"


def format_speedup(value: float) -> str:
    """Enough digits that a value just under a target never prints as the target itself."""
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.2f}"
    return f"{value:.3f}" if value >= 0.1 else f"{value:.3g}"


_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|inf|nan"
RESULT_LINE = re.compile(
    rf"^(?P<name>.+?): ours (?P<ours>{_NUMBER}) s, peer (?P<peer>{_NUMBER}) s, "
    rf"speedup (?P<speedup>{_NUMBER})"
    r"(?: \(target (?P<target>.+?): (?P<verdict>pass|FAIL)\))?"
    r"(?:\s+#.*)?$"
)
SKIP_LINE = re.compile(r"^SKIP (?P<name>.+?): (?P<reason>.*)$")


@dataclass(frozen=True)
class Skip:
    name: str
    reason: str


def parse_line(line: str) -> Result | Skip | None:
    """A printed result line back into a :class:`Result` (its speedup recomputed as peer / ours,
    its pass/fail from its own numbers, not from the printed verdict), a ``SKIP`` line into a
    :class:`Skip`, anything else None. A printed speedup that is not peer / ours is an error:
    a benchmark that broke the convention must not slip into the table."""
    line = line.rstrip("\n")
    if m := SKIP_LINE.match(line):
        return Skip(m["name"], m["reason"])
    m = RESULT_LINE.match(line)
    if m is None:
        return None
    target = Target.parse(m["target"]) if m["target"] else None
    result = Result(m["name"], float(m["ours"]), float(m["peer"]), target)
    printed = float(m["speedup"])
    no_peer = math.isnan(printed) and math.isnan(result.speedup)  # an optional peer not installed
    if not no_peer and not math.isclose(printed, result.speedup, rel_tol=0.02, abs_tol=0.006):
        raise ValueError(
            f"printed speedup {printed:g} is not peer / ours = {result.speedup:.3g}: {line!r}"
        )
    return result


def report(result: Result) -> Result:
    """Print the result's line (flushed, so run.py sees it at once) and hand it back."""
    print(result.line(), flush=True)
    return result


def load_note() -> str:
    """``load 1.52 1.80 1.21 on 2 CPUs``: the machine's 1, 5 and 15 minute load averages, to
    print beside timings taken on a shared machine."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def info(text: str) -> None:
    """A line for people, not for run.py."""
    print(f"# {text}", flush=True)


def skip(name: str, reason: str) -> NoReturn:
    """Say why the benchmark cannot run here, and end it with exit status 0."""
    print(f"SKIP {name}: {reason}", flush=True)
    raise SystemExit(0)


def exit_status(results: Iterable[Result]) -> int:
    """1 when any target was missed, else 0."""
    return int(any(r.passed is False for r in results))


def gl_backend_or_skip(name: str):
    """The headless OpenGL backend (EGL surfaceless, OSMesa or Xvfb, as
    :func:`orbitviz.render.select_backend` picks it), or a SKIP saying why there is none."""
    os.environ.setdefault("EGL_PLATFORM", "surfaceless")
    from orbitviz.render import NoGLBackend, select_backend

    try:
        return select_backend()
    except NoGLBackend as exc:
        tried = " ".join(str(exc).split())
        skip(name, f"no OpenGL context can be made here ({tried[:300]})")
