"""``orbitviz lander philae [--shape ... --format ... --plot PNG]``: a lander's touchdowns and
hops on its shape model."""

from __future__ import annotations

import argparse
import sys

from .._files import check_output
from .._status import Status
from .._text import table as _table
from ..cli_types import examples


def add_parser(sub) -> None:
    p = sub.add_parser(
        "lander",
        help="a lander's touchdowns and hops on its shape model",
        description="Sample a lander's path from its SPICE kernels, measure its altitude above "
        "the shape model, and find its contacts from the data alone: each touchdown (UTC, "
        "latitude, longitude, residual) and each hop (duration, apex, ground distance).",
        epilog=examples(
            "orbitviz lander philae", "orbitviz lander philae --format json --plot philae.png"
        ),
    )
    p.add_argument("lander", choices=["philae"], help="the lander (philae: Rosetta's, 2014)")
    p.add_argument(
        "--shape",
        default="67p-spc.ply",
        help="shape name or file (default 67p-spc.ply, the OSIRIS SPC model)",
    )
    p.add_argument(
        "--format", choices=["table", "json"], default="table", help="output (default table)"
    )
    p.add_argument("--plot", metavar="PNG", help="write altitude vs time with the contacts")
    p.set_defaults(func=cmd_lander)


def cmd_lander(args: argparse.Namespace) -> int:
    import json

    from ..shapes.lander import philae_path

    if args.plot is not None:
        check_output(args.plot, what="the plot", suffixes=(".png",))
    with Status(f"sampling Philae's path and its altitude above {args.shape}"):
        path = philae_path(args.shape)
    if args.format == "json":
        print(json.dumps(path.to_dict(), indent=2))
        if args.plot is not None:
            from ..reports.lander import plot_lander

            print(f"plot written to {plot_lander(path, args.plot)}", file=sys.stderr)
        return 0
    print(f"{path.lander} on {path.body} (frame {path.frame}, shape {args.shape})\n")
    rows = [
        [
            t.utc,
            t.kind,
            f"{t.lat_deg:+.2f}",
            f"{t.lon_deg:.2f}",
            f"{t.altitude_m:+.1f}",
            "-" if t.delta_v_ms is None else f"{t.delta_v_ms * 100:.1f}",
        ]
        for t in path.touchdowns
    ]
    print(
        _table(
            rows,
            [
                "touchdown (UTC)",
                "kind",
                "lat (deg)",
                "lon (deg)",
                "altitude residual (m)",
                "delta-v (cm/s)",
            ],
        )
    )
    print()
    rows = [
        [
            h.start_utc,
            h.end_utc,
            f"{h.duration_s / 60:.1f}",
            f"{h.apex_m:.1f}",
            f"{h.ground_distance_m:.1f}",
        ]
        for h in path.hops
    ]
    print(
        _table(
            rows, ["hop start (UTC)", "hop end (UTC)", "minutes", "apex (m)", "ground distance (m)"]
        )
    )
    for warning in path.warnings:
        print(f"\nwarning: {warning}")
    if args.plot is not None:
        from ..reports.lander import plot_lander

        print(f"plot written to {plot_lander(path, args.plot)}", file=sys.stderr)
    return 0
