"""``orbitviz transit``: the command line over :func:`orbitviz.transits`.

    orbitviz transit FILE... [--star KIC|NAME] [--teff K --radius RSUN --logg DEX --mass MSUN]
        [--format table|json|csv|md] [--plot OUT.png|.pdf|.svg] [--period-min D --period-max D]

Register with ``add_parser(subparsers)`` (sets ``func`` to :func:`cmd_transit`).
"""

from __future__ import annotations

import argparse
import sys
import time

from ..cli_types import number
from ..recipes.options import TRANSIT_OPTIONS, add_options, values

FORMATS = ("table", "json", "csv", "md")
DAYS = number(0.0, 10_000.0, low_open=True, unit="days")


def add_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "transit",
        help="find, fit and vet transiting planets in a star's light curves",
        description="Find the transits in one star's light curves (Kepler, K2, TESS FITS or "
        "tables), fit each candidate with a limb-darkened model, vet it, and print the report: "
        "period, mid-time, depth, duration, radius, orbit, temperature, SNR and the probability "
        "that it is a planet.",
    )
    add_options(p, TRANSIT_OPTIONS)
    p.add_argument("--format", choices=FORMATS, default="table", help="the report's format")
    p.add_argument(
        "--plot",
        metavar="OUT",
        help="the light curve, periodogram and folded transits (.png, .pdf or .svg)",
    )
    p.add_argument("--period-min", type=DAYS, metavar="D", help="shortest period searched")
    p.add_argument("--period-max", type=DAYS, metavar="D", help="longest period searched")
    p.add_argument(
        "--window",
        type=DAYS,
        metavar="D",
        help="detrending window, days (about 3x the longest transit; default 1.5)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress lines on stderr")
    p.set_defaults(func=cmd_transit)
    return p


def _progress(enabled: bool):
    if not enabled:
        return None
    start = time.perf_counter()

    def say(text: str) -> None:
        print(f"[{time.perf_counter() - start:6.1f} s] {text}", file=sys.stderr, flush=True)

    return say


def cmd_transit(args: argparse.Namespace) -> int:
    from .._files import check_output
    from ..analysis import transits
    from ..reports.figures import FIGURE_SUFFIXES

    if args.plot:  # a name we cannot write fails before the work
        check_output(args.plot, what="the plot", suffixes=FIGURE_SUFFIXES)
    options = {
        name: value
        for name, value in (
            ("period_min_d", args.period_min),
            ("period_max_d", args.period_max),
            ("window_d", args.window),
        )
        if value is not None
    }
    report = transits(
        **values(args, TRANSIT_OPTIONS), progress=_progress(not args.no_progress), **options
    )
    text = {
        "table": report.to_table,
        "json": report.to_json,
        "csv": report.to_csv,
        "md": report.to_markdown,
    }[args.format]()
    print(text.rstrip("\n"))
    if args.plot:
        print(f"plot written to {report.plot(args.plot)}", file=sys.stderr)
    return 0
