"""``orbitviz screen``: the command line over :func:`orbitviz.screening.screen`.

    orbitviz screen --catalog neodys --body earth --start 2029-01-01 --stop 2030-01-01 \
        --threshold 0.05au [--refine nbody|none] [--scheduler local|processes|synchronous|tcp://H:P] \
        [--workers 2] [-o out.parquet|out.csv|out.json]

Register with ``add_parser(subparsers)`` (sets ``func`` to :func:`cmd_screen`).
"""

from __future__ import annotations

import argparse

from orbitviz.cli_types import count, examples
from orbitviz.errors import ScreeningError
from orbitviz.parallel import add_cluster_options, use_tls_files


def threshold(text: str) -> str:
    """An argparse type: a threshold with a unit (0.05au, 1ld, 20000km) or 'soi'."""
    from orbitviz.screening.params import parse_threshold

    try:
        parse_threshold(text)
    except ScreeningError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def add_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "screen",
        help="close approaches of a whole catalog to a body (local or Dask cluster)",
        description="Every close approach of a catalog's objects to a body in a time window, "
        "found by a two-body screen and refined by the N-body engine, sorted by distance.",
        epilog=examples(
            "orbitviz screen --start 2029-01-01 --stop 2030-01-01 --threshold 0.01au "
            "-o approaches.parquet --plot approaches.png"
        ),
    )
    p.add_argument(
        "--catalog",
        default="neodys",
        help="'neodys' (offline NEODyS snapshot, default) or a .csv/.parquet/.sqlite file",
    )
    p.add_argument("--body", default="EARTH", help="body to screen against (default EARTH)")
    p.add_argument("--start", required=True, help="window start (UTC)")
    p.add_argument("--stop", required=True, help="window stop (UTC)")
    p.add_argument(
        "--threshold",
        type=threshold,
        default="0.05au",
        help="0.05au | 1ld | 20000km | soi (default 0.05au)",
    )
    p.add_argument(
        "--refine",
        choices=["nbody", "none"],
        default="nbody",
        help="nbody (default): every approach recomputed by the N-body engine; none: the "
        "two-body screen alone (faster, not the answer: it warns)",
    )
    p.add_argument(
        "--nbody-max",
        type=count(0),
        default=None,
        help="recompute only this many of the closest rows with --refine nbody (default: all)",
    )
    p.add_argument(
        "--scheduler",
        default="local",
        help="local | processes (local Dask processes, default) | synchronous | tcp://HOST:PORT "
        "(no authentication: a trusted network only) | tls://HOST:PORT (with --tls-*)",
    )
    p.add_argument(
        "--workers",
        type=count(1, 1024),
        default=None,
        help="local worker processes (default: CPU count)",
    )
    p.add_argument(
        "--chunk-size", type=count(1), default=1000, help="objects per task (default 1000)"
    )
    p.add_argument("--allow-hyperbolic", action="store_true", help="keep e > 1 rows of the catalog")
    p.add_argument(
        "-o",
        "--output",
        default=None,
        help="write the table (.parquet, .csv, .json); parts in OUTPUT.parts/ allow resuming",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--top", type=count(0), default=20, help="rows to print (default 20)")
    p.add_argument("--plot", metavar="PNG", help="write distance vs date of every approach")
    add_cluster_options(p)
    p.set_defaults(func=cmd_screen)
    return p


def cmd_screen(args: argparse.Namespace) -> int:
    from orbitviz._files import check_output
    from orbitviz.screening import screen

    if args.plot is not None:  # before the screening, not after
        check_output(args.plot, what="the plot", suffixes=(".png",))
    use_tls_files(args)
    table = screen(
        args.catalog,
        args.body.upper(),
        args.start,
        args.stop,
        args.threshold,
        refine=args.refine,
        scheduler=args.scheduler,
        workers=args.workers,
        out=args.output,
        chunk_size=args.chunk_size,
        nbody_max=args.nbody_max,
        allow_hyperbolic=args.allow_hyperbolic,
        progress=not args.no_progress,
    )
    attrs = table.attrs
    print(
        f"{len(table)} close approaches to {attrs['body']} within {attrs['threshold']} "
        f"({attrs['threshold_km']:,.0f} km) from {args.start} to {args.stop}; "
        f"{attrs['objects']} objects from {attrs['catalog']}"
        + (f", {attrs['bad_rows']} bad rows skipped" if attrs["bad_rows"] else "")
        + (
            f", {attrs['chunks_resumed']} of {attrs['chunks']} chunks resumed"
            if attrs["chunks_resumed"]
            else ""
        )
    )
    for warning in attrs.get("warnings", ()):
        print(f"  WARNING: {warning}")
    if len(table):
        from orbitviz.reports.screening import screening_rows
        from orbitviz.smallbodies.names import display_designation

        impacts = table["impact"].astype(bool) if "impact" in table else None
        if impacts is not None and impacts.any():
            for des, text in table.loc[impacts, ["designation", "impact"]].itertuples(index=False):
                print(f"  {display_designation(des)}: {text}")
        print(screening_rows(table.head(args.top)))
    if args.output is not None:
        print(f"written: {args.output}")
    if args.plot is not None:
        from orbitviz.reports.screening import plot_approaches

        print(f"plot written to {plot_approaches(table, args.plot)}")
    return 0
