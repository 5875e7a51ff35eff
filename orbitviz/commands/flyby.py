"""``orbitviz flyby TARGET [--method ... --format ... --plot PNG --bplane PNG]``: the flyby
report (its options are the flyby recipe's, :mod:`orbitviz.recipes.options`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .._files import check_output
from .._status import Status
from ..cli_types import examples
from ..errors import OutputError
from ..recipes.options import FLYBY_OPTIONS, add_options, values

FIGURE_SUFFIXES = (".png", ".pdf", ".svg")  # as orbitviz.reports.figures writes them


def add_parser(sub) -> None:
    p = sub.add_parser(
        "flyby",
        help="SOI entry/exit, closest approach and orbit change of a small body passing a planet",
        description="When a small body enters and leaves a planet's sphere of influence, how "
        "close and how fast it passes, how sure that is (the orbit's uncertainty at the "
        "encounter, the b-plane), an impact if there is one, and its heliocentric orbit before "
        "and after; N-body by default, with what patched conics would say beside it.",
        epilog=examples(
            'orbitviz flyby "2021 WP"',
            'orbitviz flyby "2021 WP" --method patched --round-to-sigma',
            "orbitviz flyby Apophis --format json --plot apophis.pdf",
        ),
    )
    add_options(p, FLYBY_OPTIONS)
    p.add_argument(
        "--format",
        choices=["table", "json", "csv", "markdown"],
        default="table",
        help="the report's format (default table)",
    )
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

    if args.plot is not None:  # before the analysis, not after the report printed
        check_output(args.plot, what="the plot", suffixes=FIGURE_SUFFIXES)
    if args.bplane is not None:
        check_output(args.bplane, what="the b-plane picture", suffixes=FIGURE_SUFFIXES)
        if args.plot is not None and Path(args.plot).resolve() == Path(args.bplane).resolve():
            raise OutputError(
                f"--plot and --bplane both name {args.bplane}: one would overwrite the other; "
                "give two file names",
                path=args.bplane,
                reason="same file",
            )
    with Status(f"flyby of {args.target}") as status:  # seconds: say what is going on
        report = flyby(**values(args, FLYBY_OPTIONS), progress=status)
    text = {
        "table": report.to_table,
        "json": report.to_json,
        "csv": report.to_csv,
        "markdown": report.to_markdown,
    }[args.format]()
    print(text.rstrip("\n"))
    if args.plot is not None:
        path = report.plot(args.plot)
        print(f"plot written to {path}", file=sys.stderr)
    if args.bplane is not None:
        path = report.plot_bplane(args.bplane)
        print(f"b-plane picture written to {path}", file=sys.stderr)
    return 0
