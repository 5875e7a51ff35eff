"""``orbitviz transit``: the command line over :func:`orbitviz.transits`.

    orbitviz transit FILE... [--star KIC|NAME] [--teff K --radius RSUN --logg DEX --mass MSUN]
        [--format table|json|csv|md] [--plot OUT.png|.pdf|.svg] [--period-min D --period-max D]

Register with ``add_parser(subparsers)`` (sets ``func`` to :func:`cmd_transit`).
"""

from __future__ import annotations

import argparse
import sys
import time

from ..cli_types import count, examples, number
from ..errors import TransitError
from ..parallel import add_cluster_options, use_tls_files
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
        epilog=examples(
            "orbitviz transit kplr011442793-*_llc.fits --star Kepler-90 --plot k90.png"
        ),
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
    many = p.add_argument_group(
        "many stars",
        "a folder, or files of several stars: each star's analysis is one task (on Dask, as "
        "orbitviz screen), the candidates of all in one table",
    )
    many.add_argument(
        "-o",
        "--output",
        metavar="TABLE",
        help="write the table of every star's candidates (.parquet, .csv, .json); an "
        "interrupted run resumes from <TABLE>.parts/",
    )
    many.add_argument(
        "--scheduler",
        default="local",
        help="local (default: processes on this machine), synchronous, tcp://HOST:PORT (no "
        "authentication: a trusted network only) or tls://HOST:PORT (with --tls-*)",
    )
    many.add_argument("--workers", type=count(1, 512), help="local worker processes")
    add_cluster_options(p)
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
    from pathlib import Path

    from .._files import check_output
    from ..analysis import transits
    from ..exoplanets.batch import group_by_star, light_curve_files
    from ..reports.figures import FIGURE_SUFFIXES

    files = light_curve_files(args.files)
    if any(Path(f).is_dir() for f in args.files) or len(group_by_star(files)) > 1:
        return _many(args, files)
    if args.output is not None:
        raise TransitError(
            "--output writes the table of many stars; for one star use --format csv (or json) "
            "and redirect it, or give a folder of several stars"
        )
    if args.plot is not None:  # a name we cannot write fails before the work
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
    if args.plot is not None:
        print(f"plot written to {report.plot(args.plot)}", file=sys.stderr)
    return 0


def _many(args: argparse.Namespace, files) -> int:
    from ..exoplanets.batch import transits_many

    use_tls_files(args)
    if args.plot is not None:
        raise TransitError(
            "--plot draws one star's light curve; these files are of several stars: plot one "
            "star at a time (orbitviz transit ITS_FILES --plot OUT.png)"
        )
    options = {k: v for k, v in values(args, TRANSIT_OPTIONS).items() if k != "files"}
    options = {k: v for k, v in options.items() if v is not None}
    table = transits_many(
        files,
        out=args.output,
        scheduler=args.scheduler,
        workers=args.workers,
        progress=not args.no_progress,
        **options,
    )
    a = table.attrs
    summary = (
        f"{a['stars']} star(s): {a['with_candidates']} with transit candidates, "
        f"{int(table['n_candidates'].gt(0).sum())} candidate(s) in all"
        + (f", {a['errors']} star(s) could not be analysed (see 'error')" if a["errors"] else "")
        + (f"; {a['resumed']} resumed from an earlier run" if a["resumed"] else "")
    )
    if args.format == "json":
        print(table.to_json(orient="records", indent=1))
    elif args.format == "csv":
        print(table.to_csv(index=False, float_format="%.6g").rstrip("\n"))
    else:
        from .._text import table as text_table

        shown = [
            "star",
            "candidate",
            "known_as",
            "period_d",
            "depth_ppm",
            "rp_earth",
            "snr",
            "p_planet",
            "error",
        ]
        rows = [[_cell(v) for v in row] for row in table[shown].itertuples(index=False)]
        print(summary + "\n")
        print(text_table(rows, shown))
    if args.output is not None:
        print(f"table written to {args.output}", file=sys.stderr)
    return 0


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "-"
    if isinstance(value, float):
        return f"{value:,.4g}"
    return str(value)
