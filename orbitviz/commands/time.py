"""``orbitviz time UTC|ET``: one time in UTC, TDB, ET and JD."""

from __future__ import annotations

import argparse

from ..cli_types import examples


def add_parser(sub) -> None:
    p = sub.add_parser(
        "time",
        help="convert UTC <-> ET (TDB seconds past J2000)",
        description="One time in UTC, TDB, ET (TDB seconds past J2000, SPICE's time) and "
        "Julian date, from a UTC time or an ET number.",
        epilog=examples("orbitviz time 2021-11-19T03:33", "orbitviz time 690564849.18"),
    )
    p.add_argument(
        "time",
        nargs="+",
        metavar="UTC|ET",
        help="a UTC time (2021-11-19T03:33, 2021-11-19 03:33:00, 2021 NOV 19) or ET seconds",
    )
    p.set_defaults(func=cmd_time)


def cmd_time(args: argparse.Namespace) -> int:
    import math

    from ..errors import TimeFormatError
    from ..spice import et_to_tdb, et_to_utc, to_et

    text = " ".join(args.time)
    try:
        number = float(text)
    except ValueError:
        et = float(to_et(text))
    else:
        if not math.isfinite(number):  # nan, inf, and 1e400 (which float() reads as inf)
            raise TimeFormatError(
                f"time {text!r} is not a finite number of ET seconds; give a UTC time "
                "(2021-12-01T00:00) or a finite ET"
            )
        et = number
    print(f"UTC  {et_to_utc(et, precision=6)}")
    print(f"TDB  {et_to_tdb(et, precision=6)}")
    print(f"ET   {et:.6f}  (TDB seconds past J2000)")
    print(f"JD   {et_to_utc(et, fmt='J', precision=8)} (UTC)")
    return 0
