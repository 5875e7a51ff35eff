"""``orbitviz targets [NAME]``: the small bodies orbitviz knows offline, and how to name them.

Without a name: the embedded close approachers (with their default windows), the named
minor planets (names.toml) and the offline catalogs with their sizes. With one: where its
elements come from, and its next close approaches to the Earth (a screening of it alone),
the windows to give ``orbitviz flyby``.
"""

from __future__ import annotations

import argparse
import contextlib

from ..cli_types import examples


def add_parser(sub) -> None:
    p = sub.add_parser(
        "targets",
        help="small bodies known offline (names, catalogs) and their next approaches",
        description="Without a name: the small bodies orbitviz knows offline (embedded close "
        "approachers, named minor planets, catalogs). With one: where its elements come from "
        "and its next close approaches (a screening of it alone), the windows to give "
        "orbitviz flyby.",
        epilog=examples("orbitviz targets", "orbitviz targets Bennu"),
    )
    p.add_argument(
        "name",
        nargs="?",
        metavar="NAME",
        help='a name or designation ("Florence", "2016 FY12", "2016FY12", "101955")',
    )
    p.add_argument("--body", default="EARTH", help="the body of the approaches (default EARTH)")
    p.set_defaults(func=cmd_targets)


def cmd_targets(args: argparse.Namespace) -> int:
    print(describe(args.name, args.body) if args.name else listing())
    return 0


def listing() -> str:
    """Every target known offline, grouped by where its elements come from."""
    from .. import data
    from .._text import table
    from ..smallbodies import famous_bodies, read_neodys
    from ..smallbodies.names import numbered_names

    lines = ["Embedded close approachers (elements and a default window inside orbitviz):"]
    rows = [
        [
            b.elements.designation,
            b.elements.name or "",
            f"{b.window.start_utc[:10]} .. {b.window.stop_utc[:10]}" if b.window else "-",
        ]
        for b in famous_bodies().values()
    ]
    lines += ["  " + line for line in table(rows, ["designation", "name", "window"]).splitlines()]
    try:
        neodys = read_neodys()
    except Exception as exc:  # noqa: BLE001 -- the listing says what is missing
        neodys = None
        lines += ["", f"NEODyS catalog: unavailable ({exc})"]
    named = numbered_names()
    rows = [
        [number, name, "yes" if neodys is not None and neodys.find(number) is not None else "no"]
        for number, name in named.items()
    ]
    lines += ["", "Named minor planets (names.toml; elements from the NEODyS catalog):"]
    lines += ["  " + line for line in table(rows, ["number", "name", "in NEODyS"]).splitlines()]
    lines += ["", "Offline catalogs:"]
    if neodys is not None:
        lines.append(f"  {neodys.source}: {len(neodys):,} near-Earth objects (by designation)")
    for name in ("mpc_comets.db",):
        with contextlib.suppress(Exception):  # optional: listed when at hand
            lines.append(f"  {name}: {data.fetch(name)}")
    lines += [
        "",
        "Name a target by its name (Florence), number (3122) or designation, spaced or packed",
        '("2016 FY12", "2016FY12"); `orbitviz targets NAME` shows its next close approaches.',
        "Other objects: --sbdb-file FILE (a saved JPL SBDB answer), --catalog FILE, --online.",
    ]
    return "\n".join(lines)


def describe(name: str, body: str = "EARTH") -> str:
    """One target: its elements' source and epoch, and its next close approaches."""
    import datetime as dt

    from ..reports.screening import screening_rows
    from ..screening.api import next_approaches
    from ..smallbodies import resolve_target
    from ..smallbodies.names import display_designation
    from ..spice import KernelSet, et_to_utc, spk_coverage
    from ..units import DAY_S

    elements, window = resolve_target(name)
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    with KernelSet("default"):
        end = max(float(c.intervals[:, 1].max()) for c in spk_coverage(body)) - 30 * 86400.0
        last = str(et_to_utc(end, precision=0))[:10]
        epoch = str(et_to_utc(elements.epoch_et, precision=0))[:10]
        found = next_approaches(elements, body, today, last, "0.2au")
        if len(found):
            t = float(found.iloc[0]["et"])
            around = [str(et_to_utc(t + k * 3 * DAY_S, precision=0))[:10] for k in (-1, 1)]
    lines = [
        f"{elements.name or display_designation(elements.designation)} "
        f"(designation {display_designation(elements.designation)})",
        f"  elements: {elements.source}, epoch {epoch}",
    ]
    if window:
        lines.append(f"  default window: {window.start_utc} .. {window.stop_utc} UTC")
    if len(found):
        lines += [
            f"  close approaches to {body.title()} within 0.2 au, {today} .. {last} (N-body):",
            *("    " + line for line in screening_rows(found).splitlines()),
            f'  e.g. orbitviz flyby "{name}" --start {around[0]} --stop {around[1]}',
        ]
    else:
        lines.append(
            f"  no approach to {body.title()} within 0.2 au from {today} to {last} (the "
            "ephemeris' end): give orbitviz flyby a window with --start and --stop (UTC)"
        )
    return "\n".join(lines)
