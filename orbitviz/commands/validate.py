"""``orbitviz validate cad CAD.json --catalog ELEMENTS.csv [--max-dist 0.05au --sample N ...]``:
orbitviz's close approaches beside JPL's (:mod:`orbitviz.validate`)."""

from __future__ import annotations

import argparse
import sys

from .._files import check_output
from ..cli_types import examples
from ..errors import ScreeningError


def distance_au(text: str) -> float:
    """An argparse type: a distance with a unit (0.05au, 1ld, 20000km), in au."""
    from ..screening.params import parse_threshold
    from ..units import AU_KM

    try:
        km, _ = parse_threshold(text)
    except ScreeningError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if km is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a distance: give one with a unit (0.05au, 1ld, 20000km)"
        )
    return km / AU_KM


def add_parser(sub) -> None:
    validate = sub.add_parser(
        "validate",
        help="compare orbitviz's answers with JPL's",
        description="Check orbitviz against JPL: recompute JPL's answers from the same orbit "
        "solutions and print how far apart they are.",
        epilog=examples(
            "orbitviz validate cad cad_api_2020_all.json --catalog sbdb_query_neos_2020.csv "
            "--max-dist 0.05au --plot v.png"
        ),
    )
    vsub = validate.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = vsub.add_parser(
        "cad",
        help="close approaches recomputed from the same orbit solutions as a saved CAD answer",
        description="Recompute the close approaches of a saved JPL close-approach (CAD API) "
        "answer from the same orbit solutions (an SBDB query CSV), and print how far orbitviz's "
        "distances and times are from JPL's and which rows could not be compared.",
    )
    p.add_argument("cad", metavar="CAD_ANSWER.json", help="a saved answer of JPL's CAD API")
    p.add_argument(
        "--catalog",
        required=True,
        metavar="ELEMENTS.csv",
        help="SBDB query CSV (or another catalog) holding the same orbit solutions",
    )
    p.add_argument("--body", default="EARTH", help="the body approached (default EARTH)")
    p.add_argument(
        "--max-dist",
        type=distance_au,
        default=None,
        help="only approaches closer than this (0.05au, 1ld, 20000km)",
    )
    p.add_argument("--sample", type=int, default=None, help="a random sample of N rows")
    p.add_argument("--seed", type=int, default=0, help="seed of --sample (default 0)")
    p.add_argument(
        "--method",
        choices=["nbody", "two-body"],
        default="nbody",
        help="orbitviz's propagation (default nbody; two-body for comparison)",
    )
    p.add_argument("--plot", metavar="PNG", help="histograms of |d dist|/dist and |dt|")
    p.add_argument(
        "--format", choices=["table", "json"], default="table", help="output (default table)"
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.set_defaults(func=cmd_validate_cad)


def cmd_validate_cad(args: argparse.Namespace) -> int:
    from ..validate import validate_cad

    if args.plot is not None:  # before the comparison, not after it
        check_output(args.plot, what="the plot", suffixes=(".png",))
    result = validate_cad(
        args.cad,
        args.catalog,
        args.body.upper(),
        max_dist_au=args.max_dist,
        sample=args.sample,
        seed=args.seed,
        method=args.method,
        progress=not args.no_progress,
    )
    print(result.to_json() if args.format == "json" else result.to_table())
    if args.plot is not None:
        print(f"plot written to {result.plot(args.plot)}", file=sys.stderr)
    return 0
