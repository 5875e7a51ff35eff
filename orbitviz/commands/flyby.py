"""``orbitviz flyby TARGET [--method ... --format ... --plot PNG --bplane PNG]``: the flyby
report (its options are the flyby recipe's, :mod:`orbitviz.recipes.options`)."""

from __future__ import annotations

import argparse
import sys

from .._files import check_output
from ..recipes.options import FLYBY_OPTIONS, add_options, values

FIGURE_SUFFIXES = (".png", ".pdf", ".svg")  # as orbitviz.reports.figures writes them


def add_parser(sub) -> None:
    p = sub.add_parser(
        "flyby",
        help="SOI entry/exit, closest approach and orbit change of a small body passing a planet",
    )
    add_options(p, FLYBY_OPTIONS)
    p.add_argument("--format", choices=["table", "json", "csv", "markdown"], default="table")
    p.add_argument("--plot", metavar="FILE", help="write distance vs time to this PNG, PDF or SVG")
    p.add_argument(
        "--bplane",
        metavar="FILE",
        help="write the b-plane (body, capture disc, 1/2/3-sigma ellipses, clones) to this "
        "PNG, PDF or SVG",
    )
    p.set_defaults(func=cmd_flyby)


def cmd_flyby(args: argparse.Namespace) -> int:
    from ..analysis import flyby

    if args.plot:  # before the analysis, not after the report printed
        check_output(args.plot, what="the plot", suffixes=FIGURE_SUFFIXES)
    if args.bplane:
        check_output(args.bplane, what="the b-plane picture", suffixes=FIGURE_SUFFIXES)
    report = flyby(**values(args, FLYBY_OPTIONS))
    text = {
        "table": report.to_table,
        "json": report.to_json,
        "csv": report.to_csv,
        "markdown": report.to_markdown,
    }[args.format]()
    print(text.rstrip("\n"))
    if args.plot:
        path = report.plot(args.plot)
        print(f"plot written to {path}", file=sys.stderr)
    if args.bplane:
        path = report.plot_bplane(args.bplane)
        print(f"b-plane picture written to {path}", file=sys.stderr)
    return 0
