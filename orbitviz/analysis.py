"""The few-lines API for the questions users ask most.

>>> import orbitviz
>>> report = orbitviz.flyby("2021 WP", method="conic")
>>> report.summary["method_detail"]
"two-body heliocentric conic (body's gravity ignored)"
>>> report.summary["soi_entry_utc"], report.summary["soi_exit_utc"]
('2021-11-19T03:19:04.454Z', '2021-11-23T16:29:34.002Z')
"""

from __future__ import annotations

import datetime as dt
import inspect
import numbers
import os
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

from .arguments import whole
from .dynamics.flyby import analyze_flyby
from .dynamics.methods import DEFAULT_METHOD
from .dynamics.nbody import propagate_nbody
from .dynamics.uncertainty import DEFAULT_CLONES, for_report
from .errors import InvalidArgument, OrbitvizError
from .reports.flyby import FlybyReport
from .screening.api import next_approaches
from .smallbodies import resolve_target
from .spice import KernelSet, et_to_utc, spk_coverage, to_et
from .units import TimeLike


def _target_name(target: str | int | None) -> str | None:
    """A designation as text: ``99942`` (an int, as users type it) means ``"99942"``."""
    if target is None or isinstance(target, str):
        return target
    if isinstance(target, numbers.Integral) and not isinstance(target, bool):
        return str(int(target))
    raise OrbitvizError(
        f"flyby target {target!r} ({type(target).__name__}): give a name or number, e.g. "
        '"Apophis", 99942 or "2021 WP" (for your own elements, pass sbdb_file= or catalog=)'
    )


def flyby(
    target: str | int | None,
    body: str = "EARTH",
    start: TimeLike | None = None,
    stop: TimeLike | None = None,
    *,
    method: str | None = None,
    sbdb_file: str | os.PathLike | None = None,
    catalog: str | os.PathLike | None = None,
    online: bool = False,
    kernels: tuple[str | os.PathLike, ...] = (),
    nbody_options: dict | None = None,
    round_to_sigma: bool = False,
    compare: bool = True,
    uncertainty: str = "auto",
    clones: int | None = None,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> FlybyReport:
    """Flyby report of a small body past ``body`` (Earth by default).

    The target's elements come from ``sbdb_file`` (a saved JPL SBDB answer), the embedded table
    of famous close approachers, the NEODyS snapshot (or ``catalog``), or live SBDB when
    ``online``. ``start``/``stop`` (:data:`~orbitviz.units.TimeLike`) default to the target's known
    window.
    ``method`` is ``conic``, ``patched`` or ``nbody`` (default: ``dynamics.flyby.DEFAULT_METHOD``). ``round_to_sigma`` rounds
    each element at its uncertainty's first significant digit, as the notebooks do.
    ``uncertainty`` (``auto``, ``linear``, ``mc``, ``none``), ``clones`` and ``seed``: the orbit
    uncertainty at the closest approach (:mod:`orbitviz.dynamics.uncertainty`).
    ``progress(text)`` hears of each step (the command line's status line).
    """
    say = progress or (lambda text: None)
    name = _target_name(target)
    if sbdb_file is not None and catalog is not None:
        raise InvalidArgument(
            "sbdb_file and catalog both give the elements: give one (--sbdb-file or --catalog)"
        )
    if clones is not None:
        clones = whole("clones", clones, low=2, high=100_000)
    seed = whole("seed", seed, low=0)
    if clones is not None and uncertainty in ("none", "linear"):
        raise InvalidArgument(
            f"clones={clones} are Monte Carlo clones, but uncertainty={uncertainty!r} runs "
            "none: use --uncertainty mc (or auto), or leave --clones out"
        )
    _check_nbody_options(nbody_options)
    say(f"reading the elements of {name}" if name else "reading the elements")
    elements, window = resolve_target(
        name, sbdb_file=sbdb_file, catalog=Path(catalog) if catalog else None, online=online
    )
    if round_to_sigma:
        elements = elements.rounded_to_sigma()
    chosen = None
    if start is None or stop is None:
        if window is None:
            say(f"finding the next approach of {name} (a screening of it alone)")
            start, stop, chosen = _window_of_next_approach(elements, body, name, kernels)
        else:
            start = start if start is not None else window.start_utc
            stop = stop if stop is not None else window.stop_utc
    with KernelSet("default", *kernels):
        start_et, stop_et = _one_time("start", start), _one_time("stop", stop)
        if not stop_et > start_et:
            raise OrbitvizError(
                f"flyby search window {start} .. {stop}: stop is not after start "
                f"({(stop_et - start_et) / 86400:+.6g} days); give --start before --stop"
            )
        chosen_method = method or DEFAULT_METHOD
        say(f"{chosen_method}: {name or 'the target'} past {str(body).title()}, {start} .. {stop}")
        result = analyze_flyby(
            elements,
            body,
            start_et,
            stop_et,
            method=chosen_method,
            name=elements.name or elements.designation,
            nbody_options=nbody_options,
            compare=compare,
        )

        if uncertainty != "none":
            say("the orbit's uncertainty at the closest approach")
        unc = for_report(
            elements,
            body,
            result.closest.et,
            uncertainty,
            clones=DEFAULT_CLONES if clones is None else clones,
            seed=seed,
            nbody_options=nbody_options,
            at_edge=result.closest_at_window_edge,
        )
        report = FlybyReport.from_result(result, kernels, uncertainty=unc)
        if chosen:
            report.summary["notes"].insert(0, chosen)
        return report


def _one_time(name: str, value) -> float:
    et = to_et(value)
    if np.ndim(et) != 0:
        raise InvalidArgument(
            f"{name} = {value!r}: give one time, not {np.size(et)}", argument=name
        )
    return float(et)


def _check_nbody_options(options) -> None:
    """``nbody_options`` are keywords of :func:`~orbitviz.dynamics.nbody.propagate_nbody`."""
    if options is None:
        return
    allowed = set(inspect.signature(propagate_nbody).parameters) - {
        "initial",
        "start_et",
        "stop_et",
    }
    if not isinstance(options, Mapping) or not set(options) <= allowed:
        unknown = sorted(set(options) - allowed) if isinstance(options, Mapping) else options
        raise InvalidArgument(
            f"nbody_options: {unknown!r} are not options of the N-body engine; use a dict of "
            f"{', '.join(sorted(allowed))}",
            argument="nbody_options",
        )


NEXT_APPROACH_AU = 0.2
"""How close an approach must be to give a target without a window its window (au)."""
NEXT_WINDOW_D = 10.0


def _window_of_next_approach(elements, body, name, kernels) -> tuple[str, str, str]:
    """A search window (+-10 days) around the target's next close approach to ``body`` within
    0.2 au from today to the end of the ephemeris, found by a screening of that object alone;
    an error that says how to give a window when there is none."""
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    with KernelSet("default", *kernels):
        end = max(float(c.intervals[:, 1].max()) for c in spk_coverage(body)) - 30 * 86400.0
        last = str(et_to_utc(end, precision=0))[:10]
        found = next_approaches(elements, body, today, last, f"{NEXT_APPROACH_AU}au")
        if not len(found):
            raise OrbitvizError(
                f"no default search window for {name!r} and no approach to {str(body).title()} "
                f"within {NEXT_APPROACH_AU} au from {today} to {last} (a screen of it alone): "
                "give the window yourself, --start and --stop in UTC around the approach you "
                "want (e.g. --start 2029-04-10 --stop 2029-04-17), or a wider one to search"
            )
        first = found.iloc[0]
        start = str(et_to_utc(float(first["et"]) - NEXT_WINDOW_D * 86400.0, precision=0))
        stop = str(et_to_utc(float(first["et"]) + NEXT_WINDOW_D * 86400.0, precision=0))
    listed = "; ".join(
        f"{str(r.utc)[:16]} UTC at {r.dist_au:.4f} au" for r in found.head(5).itertuples()
    )
    note = (
        f"window: +-{NEXT_WINDOW_D:g} days around the next approach within {NEXT_APPROACH_AU} au "
        f"after {today}, found by a screen of this object alone ({listed}); give --start and "
        "--stop for another"
    )
    return start, stop, note


def transits(
    files,
    *,
    star: str | int | None = None,
    teff: float | None = None,
    radius: float | None = None,
    logg: float | None = None,
    mass: float | None = None,
    time_format: str | None = None,
    progress=None,
    **search_options,
):
    """The transit report of one star from its light curves: Kepler/K2/TESS FITS files
    (quarters, sectors) or CSV/TSV/Parquet tables, or a
    :class:`~orbitviz.exoplanets.lightcurve.LightCurve`.

    ``star`` (a KIC number or a name in the KOI table, e.g. ``"Kepler-90"``), ``teff`` (K),
    ``radius`` (R_sun), ``logg`` (cgs) and ``mass`` (M_sun) give the star's parameters (else the
    FITS header's, else guessed, and the report says so); ``time_format`` says what a table's
    ``time`` column counts (``bjd``, ``bkjd``, ``btjd``); ``search_options`` set
    :class:`~orbitviz.exoplanets.search.SearchSettings` (``period_min_d``, ``period_max_d``,
    ``window_d``, ``snr_min``, ...); ``progress(text)`` hears of each step.

    Returns a :class:`~orbitviz.reports.TransitReport` (``headline``, ``candidates``,
    ``to_table()``, ``to_json()``, ``to_csv()``, ``plot(path)``; ``orbitviz.show(report)``
    draws the system beside its light curve).
    """
    from .exoplanets.analysis import analyze  # the light-curve stack: transits only
    from .exoplanets.lightcurve import LightCurve
    from .exoplanets.search import SearchSettings
    from .reports.transits import TransitReport

    if isinstance(files, str | os.PathLike | LightCurve):
        files = files if isinstance(files, LightCurve) else [files]
    elif not (
        isinstance(files, list | tuple) and all(isinstance(f, str | os.PathLike) for f in files)
    ):
        raise OrbitvizError(
            f"transits(): files={files!r} ({type(files).__name__}): give a light-curve file's "
            "path, a list of paths, or a LightCurve"
        )
    try:
        settings = SearchSettings(**search_options) if search_options else None
    except TypeError as exc:
        raise OrbitvizError(
            f"transits(): {exc}; the search options are those of SearchSettings: "
            f"{', '.join(SearchSettings.__dataclass_fields__)}"
        ) from None
    result = analyze(
        files,
        star=star,
        teff=teff,
        radius=radius,
        logg=logg,
        mass=mass,
        time_format=time_format,
        settings=settings,
        progress=progress,
    )
    return TransitReport(result)
