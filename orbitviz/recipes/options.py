"""The options of every scene recipe and of the flyby report, declared once.

Each :class:`Option` knows its Python keyword, its command-line flag, its default and its help.
``orbitviz flyby``, ``orbitviz view`` and ``orbitviz render`` add their options from here, and
:func:`orbitviz.recipes.registry` takes the same names as keywords, so a name, a default or a
choice cannot differ between the commands.

>>> import argparse
>>> parser = argparse.ArgumentParser(prog="orbitviz flyby")
>>> add_options(parser, FLYBY_OPTIONS)
>>> args = parser.parse_args(["2021 WP", "--method", "nbody", "--kernels", "a.bsp", "b.bsp"])
>>> values(args, FLYBY_OPTIONS)["kernels"], values(args, FLYBY_OPTIONS)["body"]
(('a.bsp', 'b.bsp'), 'EARTH')
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..cli_types import count, number
from ..dynamics.methods import DEFAULT_CLONES, DEFAULT_METHOD, METHODS, UNCERTAINTY_CHOICES


@dataclass(frozen=True)
class Option:
    """One option: ``name`` is the Python keyword (``sbdb_file``); the flag is derived from it
    (``--sbdb-file``) unless ``positional``. ``many`` takes any number of values (a tuple in
    Python), ``switch`` is a flag without a value."""

    name: str
    help: str
    default: object = None
    positional: bool = False
    choices: tuple[str, ...] | None = None
    many: bool = False
    switch: bool = False
    metavar: str | None = None
    type: Callable[[str], object] | None = None

    @property
    def flag(self) -> str:
        return self.name if self.positional else "--" + self.name.replace("_", "-")

    def add_to(self, parser: argparse.ArgumentParser) -> None:
        kwargs: dict = {"help": self.help}
        if self.switch:
            kwargs["action"] = "store_true"
        else:
            for key in ("choices", "metavar", "type"):
                if getattr(self, key) is not None:
                    kwargs[key] = getattr(self, key)
            if self.many:
                kwargs["nargs"] = "+" if self.positional else "*"
        if self.positional:
            parser.add_argument(self.name, **kwargs)
            return
        default = list(self.default or ()) if self.many else self.default  # type: ignore[call-overload]  # many: a tuple
        if self.default not in (None, False, ()):
            kwargs["help"] = f"{self.help} (default {self.default})"
        parser.add_argument(self.flag, dest=self.name, default=default, **kwargs)


def add_options(parser: argparse.ArgumentParser, options: Sequence[Option]) -> None:
    """Add each of ``options`` to ``parser``."""
    for option in options:
        option.add_to(parser)


def values(args: argparse.Namespace, options: Sequence[Option]) -> dict:
    """The keyword arguments ``options`` name, read from parsed ``args`` (lists as tuples)."""
    out = {}
    for option in options:
        value = getattr(args, option.name)
        out[option.name] = tuple(value) if option.many else value
    return out


FLYBY_OPTIONS = (
    Option("target", 'the small body: "2021 WP", "Apophis", "99942", ...', positional=True),
    Option("body", "the body passed: Earth, or any body with ephemeris and GM (MARS)", "EARTH"),
    Option("start", "search window start, UTC (default: the target's known window)"),
    Option("stop", "search window stop, UTC"),
    Option(
        "method",
        "conic (the body ignored), patched (patched conics) or nbody (integrated through "
        "the planets and the Moon)",
        DEFAULT_METHOD,
        choices=METHODS,
    ),
    Option("sbdb_file", "a saved JPL SBDB API answer (JSON) with the elements", metavar="JSON"),
    Option("catalog", "a catalog file (NEODyS sqlite, CSV, Parquet) to take the elements from"),
    Option("online", "ask JPL SBDB live (answers are cached)", False, switch=True),
    Option(
        "round_to_sigma",
        "round each element at its sigma's first significant digit (as the notebooks do)",
        False,
        switch=True,
    ),
    Option("kernels", "extra kernels or meta-kernels to load", (), many=True, metavar="KERNEL"),
    Option(
        "uncertainty",
        "orbit uncertainty at the closest approach: auto (linear mapping when the elements carry "
        "a covariance or sigmas, Monte Carlo too where linear is doubtful), linear, mc (Monte "
        "Carlo clones beside the linear mapping) or none",
        "auto",
        choices=UNCERTAINTY_CHOICES,
    ),
    Option(
        "clones",
        f"Monte Carlo clones, 2 to 100,000, with --uncertainty mc or auto (default "
        f"{DEFAULT_CLONES})",
        type=count(2, 100_000),
        metavar="N",
    ),
    Option("seed", "seed of the Monte Carlo clones (same seed, same clones)", 0, type=count(0)),
)

PHILAE_OPTIONS = (
    Option(
        "shape",
        "the 67P shape model: a name (67p-4k.obj is lighter) or a file",
        "67p-spc.ply",
    ),
)

CAMERA_OPTION = Option(
    "camera",
    "the view: a preset of the scene (flyby: sun, north, follow, earth; philae: touchdown1 "
    "... touchdown4; transit: observer, top, system, one per planet), turntable, follow, home, "
    "or a keyframe file PATH.toml (default: the scene's home view; for videos the scene's own "
    "video camera, else a turntable around it)",
    metavar="CAMERA",
)
"""``orbitviz view`` and ``orbitviz render`` take it (the scene's words are checked once the
scene is built: :func:`orbitviz.recipes.cameras.camera_from_spec`)."""

SHAPE_OPTIONS = (
    Option("file", "an OBJ, PLY or DSK file, or a known shape name (67p-4k.obj)", positional=True),
)

TRANSIT_OPTIONS = (
    Option(
        "files",
        "light curves of one star: Kepler/K2/TESS FITS files (quarters, sectors) or CSV/TSV/"
        "Parquet tables",
        positional=True,
        many=True,
        metavar="FILE",
    ),
    Option(
        "star",
        "the star in the KOI table, for its Teff, radius and log g: KIC 11442793, Kepler-90",
        metavar="NAME",
    ),
    Option(
        "teff",
        "the star's effective temperature, K",
        type=number(2300, 50_000, unit="K"),
        metavar="K",
    ),
    Option(
        "radius",
        "the star's radius, solar radii",
        type=number(0.08, 200, unit="solar radii"),
        metavar="RSUN",
    ),
    Option(
        "logg",
        "the star's surface gravity, log10(g / (cm/s^2))",
        type=number(0.5, 6.0, unit="dex"),
        metavar="DEX",
    ),
    Option(
        "mass",
        "the star's mass, solar masses",
        type=number(0.07, 150, unit="solar masses"),
        metavar="MSUN",
    ),
    Option(
        "time_format",
        "what a table's 'time' column counts: bjd (BJD_TDB), bkjd (Kepler, BJD - 2454833) "
        "or btjd (TESS, BJD - 2457000)",
        choices=("bjd", "bkjd", "btjd"),
    ),
)
"""The transit analysis's options: ``orbitviz transit``, ``orbitviz view transit`` and
``orbitviz render transit`` take them, and :func:`orbitviz.transits` the same keywords."""
