"""Run every benchmark, each in a process of its own, and print one summary table.

Each ``benchmarks/*.py`` (but this file and ``_*.py``) runs as ``python benchmarks/X.py
[--quick]``; its output is shown as it comes, its result and SKIP lines (the format of
``_bench.Result.line``) are read back and gathered into one table: benchmark, name, ours,
peer, speedup (= peer / ours, recomputed from the two times), target, result. Exits 1 when
any target is missed, a benchmark fails (non-zero exit, no result lines, a line that breaks
the convention) or runs past ``--timeout``; 0 otherwise (skips included).

    python benchmarks/run.py [--quick] [--only flyby,shapes] [--timeout 1800]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from _bench import ROOT, Result, Skip, format_seconds, format_speedup, parse_line

HERE = Path(__file__).resolve().parent


def benchmarks() -> list[Path]:
    """The benchmark scripts, by name."""
    return sorted(
        path
        for path in HERE.glob("*.py")
        if not path.name.startswith("_") and path.name != "run.py"
    )


@dataclass(frozen=True)
class Row:
    """One line of the summary. ``status``: pass, FAIL, skip, error, or - (no target)."""

    benchmark: str
    name: str
    status: str
    ours_s: float | None = None
    peer_s: float | None = None
    speedup: float | None = None
    target: str = ""
    detail: str = ""


def parse_output(benchmark: str, lines: Iterable[str], returncode: int = 0) -> list[Row]:
    """The rows of one benchmark's output (its stdout lines) and exit status."""
    rows = []
    for line in lines:
        try:
            item = parse_line(line)
        except ValueError as exc:
            rows.append(Row(benchmark, line.split(": ours ")[0], "error", detail=str(exc)))
            continue
        if isinstance(item, Skip):
            rows.append(Row(benchmark, item.name, "skip", detail=item.reason))
        elif isinstance(item, Result):
            status = {None: "-", True: "pass", False: "FAIL"}[item.passed]
            rows.append(
                Row(
                    benchmark,
                    item.name,
                    status,
                    item.ours_s,
                    item.peer_s,
                    item.speedup,
                    str(item.target or ""),
                )
            )
    failed = any(row.status == "FAIL" for row in rows)
    if returncode != 0 and not (returncode == 1 and failed):
        rows.append(Row(benchmark, "(the benchmark)", "error", detail=f"exit status {returncode}"))
    elif returncode == 0 and failed:
        rows.append(
            Row(benchmark, "(the benchmark)", "error", detail="missed a target but exited 0")
        )
    if not rows:
        rows.append(Row(benchmark, "(the benchmark)", "error", detail="printed no result lines"))
    return rows


def run_one(path: Path, quick: bool, timeout_s: float) -> list[Row]:
    """Run one benchmark, echoing its stdout; its rows (stderr shown only when it fails)."""
    command = [sys.executable, str(path)] + (["--quick"] if quick else [])
    lines: list[str] = []
    with tempfile.TemporaryFile("w+") as errors:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=errors, text=True, bufsize=1
        )
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            process.kill()

        timer = threading.Timer(timeout_s, kill)
        timer.start()
        try:
            for line in process.stdout:
                print(f"  {path.stem}| {line}", end="", flush=True)
                lines.append(line)
            returncode = process.wait()
        finally:
            timer.cancel()
        rows = parse_output(path.stem, lines, returncode)
        if killed.is_set():
            rows = [r for r in rows if r.name != "(the benchmark)"]
            rows.append(
                Row(path.stem, "(the benchmark)", "error", detail=f"ran over {timeout_s:g} s")
            )
        if any(r.status == "error" for r in rows):
            errors.seek(0)
            tail = errors.read().splitlines()[-15:]
            print("\n".join(f"  {path.stem}! {line}" for line in tail), file=sys.stderr)
    return rows


def _cell(value: float | None, kind: str) -> str:
    if value is None:
        return ""
    return format_seconds(value) if kind == "s" else format_speedup(value)


def table(rows: list[Row]) -> str:
    """The summary as aligned text, with the skip and error reasons below it."""
    header = ("benchmark", "name", "ours s", "peer s", "speedup", "target", "result")
    body = [
        (
            r.benchmark,
            r.name,
            _cell(r.ours_s, "s"),
            _cell(r.peer_s, "s"),
            _cell(r.speedup, "x"),
            r.target,
            r.status,
        )
        for r in rows
    ]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    right = {2, 3, 4}

    def format_line(cells) -> str:
        return "  ".join(
            cell.rjust(w) if i in right else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(cells, widths))
        ).rstrip()

    out = [format_line(header), format_line(["-" * w for w in widths])]
    out += [format_line(line) for line in body]
    notes = [f"  {r.status} {r.benchmark} / {r.name}: {r.detail}" for r in rows if r.detail]
    if notes:
        out += ["", *notes]
    counts = {s: sum(r.status == s for r in rows) for s in ("pass", "FAIL", "skip", "error", "-")}
    out += [
        "",
        f"{counts['pass']} passed, {counts['FAIL']} failed, {counts['skip']} skipped, "
        f"{counts['error']} errors, {counts['-']} without a target; speedup = peer / ours "
        "(> 1: we are faster)",
    ]
    return "\n".join(out)


def exit_status(rows: list[Row]) -> int:
    return int(any(row.status in ("FAIL", "error") for row in rows))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="pass --quick to every benchmark")
    ap.add_argument("--only", default="", help="comma-separated benchmark names (flyby,shapes)")
    ap.add_argument("--timeout", type=float, default=1800.0, help="seconds per benchmark")
    args = ap.parse_args()
    chosen = benchmarks()
    if args.only:
        wanted = {name.strip().removesuffix(".py") for name in args.only.split(",")}
        unknown = wanted - {path.stem for path in chosen}
        if unknown:
            ap.error(f"no such benchmark: {', '.join(sorted(unknown))}")
        chosen = [path for path in chosen if path.stem in wanted]
    rows: list[Row] = []
    for path in chosen:
        print(f"== {path.name}{' --quick' if args.quick else ''}", flush=True)
        start = time.perf_counter()
        rows += run_one(path, args.quick, args.timeout)
        print(f"== {path.name}: {time.perf_counter() - start:.0f} s", flush=True)
    print()
    print(table(rows))
    return exit_status(rows)


if __name__ == "__main__":
    sys.exit(main())
