"""Recipes: the named ways to build a scene, each with its options declared once.

A :class:`Recipe` (``philae``, ``flyby``, ``shape``, ``transit``) takes its options as keywords and gives a
:class:`SceneRecipe`: a title and a ``build()`` that returns the :class:`~orbitviz.scene.Scene`
(and may call SPICE: a viewer runs it on its worker). The desktop window, the video renderer and
the notebook widget all build their scenes through here.

>>> spec = recipe("philae", shape="67p-4k.obj")
>>> spec.title, spec.options
('Philae on 67P (67p-4k.obj)', {'shape': '67p-4k.obj'})
>>> recipe("eros.obj").options          # any other word is a shape file
{'file': 'eros.obj'}
>>> recipe("flyby", target="2021 WP", methd="nbody")
Traceback (most recent call last):
...
orbitviz.errors.OrbitvizError: recipe 'flyby' has no option 'methd'; its options: target, body, start, stop, method, sbdb_file, catalog, online, round_to_sigma, kernels, uncertainty, clones, seed
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import OrbitvizError
from .options import FLYBY_OPTIONS, PHILAE_OPTIONS, SHAPE_OPTIONS, TRANSIT_OPTIONS, Option

if TYPE_CHECKING:
    from ..scene import Scene

SHAPE_SUFFIXES = (".obj", ".ply", ".bds", ".dsk")
KERNEL_SUFFIXES = (".bsp", ".tm", ".mk", ".bc", ".tpc", ".tf", ".tls", ".bpc", ".tsc")


@dataclass(frozen=True)
class SceneRecipe:
    """A scene to build: ``title`` and ``build()`` (which may call SPICE: run it on the worker).
    ``name`` and ``options`` say which recipe and options made it (empty for a custom one)."""

    title: str
    build: Callable[[], Scene] = field(repr=False)
    name: str = "custom"
    options: dict = field(default_factory=dict)

    @classmethod
    def of(cls, scene: Scene | Callable[[], Scene], title: str | None = None) -> SceneRecipe:
        """A custom recipe: a ready scene, or a function that builds one."""
        build = scene if callable(scene) else (lambda: scene)
        return cls(title or getattr(scene, "title", "") or "scene", build)


@dataclass(frozen=True)
class Recipe:
    """A named way to build a scene: its options and the functions that use them."""

    name: str
    help: str
    options: Sequence[Option]
    module: str  # the module whose ``build(**options)`` makes the scene (imported when used)
    titler: Callable[..., str] = field(repr=False)

    def build(self, **options) -> Scene:
        return importlib.import_module(self.module).build(**options)

    def __call__(self, **options) -> SceneRecipe:
        names = [o.name for o in self.options]
        unknown = [k for k in options if k not in names]
        if unknown:
            raise OrbitvizError(
                f"recipe {self.name!r} has no option {unknown[0]!r}; its options: "
                f"{', '.join(names)}"
            )
        missing = [o.name for o in self.options if o.positional and options.get(o.name) is None]
        if missing:
            raise OrbitvizError(
                f"recipe {self.name!r} needs {missing[0]!r}: say which, e.g. "
                f"recipe({self.name!r}, {missing[0]}=...)"
            )
        chosen = {o.name: options.get(o.name, o.default) for o in self.options}
        chosen = {k: tuple(v) if isinstance(v, list) else v for k, v in chosen.items()}
        return SceneRecipe(self.titler(**chosen), lambda: self.build(**chosen), self.name, chosen)


RECIPES = {
    "philae": Recipe(
        "philae",
        "Philae's bounces on 67P, lit by the Sun",
        PHILAE_OPTIONS,
        "orbitviz.recipes.philae",
        lambda *, shape: f"Philae on 67P ({shape})",
    ),
    "flyby": Recipe(
        "flyby",
        "a small body passing a planet (as orbitviz flyby)",
        FLYBY_OPTIONS,
        "orbitviz.recipes.flyby",
        lambda *, target, body, **_: f"{target} past {body.title()}",
    ),
    "shape": Recipe(
        "shape",
        "a shape model file: OBJ, PLY or DSK",
        SHAPE_OPTIONS,
        "orbitviz.recipes.shape",
        lambda *, file: str(file),
    ),
    "transit": Recipe(
        "transit",
        "a planetary system found in light curves, in 3D beside its light curve",
        TRANSIT_OPTIONS,
        "orbitviz.recipes.transit",
        lambda *, files, star=None, **_: f"transits of {star or ', '.join(map(str, files))}",
    ),
}


def file_kind(path: str | Path) -> str:
    """``"shape"`` or ``"kernel"`` for a file to open (DSK files are shapes)."""
    suffix = Path(path).suffix.lower()
    if suffix in SHAPE_SUFFIXES:
        return "shape"
    if suffix in KERNEL_SUFFIXES:
        return "kernel"
    raise OrbitvizError(
        f"cannot open {path}: unknown file type {suffix or '(no suffix)'!r}; "
        "open a shape model (OBJ, PLY, DSK) or a SPICE kernel / meta-kernel "
        "(BSP, BC, TPC, TF, TM)"
    )


def recipe(what: str, **options) -> SceneRecipe:
    """The scene recipe ``what`` (``"philae"``, ``"flyby"``, ``"shape"``, ``"transit"``) with
    ``options``; any other word is a shape file or shape name (``recipe("eros.obj")``)."""
    if what in RECIPES:
        return RECIPES[what](**options)
    return RECIPES["shape"](file=what, **options)


def as_recipe(what, **options) -> SceneRecipe:
    """What a front end was asked to show, as a :class:`SceneRecipe`: a recipe word with its
    ``options`` (:func:`recipe`), a shape file, a :class:`SceneRecipe`, a
    :class:`~orbitviz.scene.Scene` (or a function building one), or a flyby report from
    :func:`orbitviz.flyby` (its own scene, no second analysis).

    >>> as_recipe("67p-4k.obj").title
    '67p-4k.obj'
    >>> as_recipe(3.5)
    Traceback (most recent call last):
    ...
    orbitviz.errors.OrbitvizError: cannot show a float: give a recipe name ('philae', 'flyby', 'shape', 'transit'), a shape file, a Scene or a flyby report
    """
    from ..reports import FlybyReport
    from ..scene import Scene

    if isinstance(what, str | Path):
        return recipe(str(what), **options)
    if options:
        raise OrbitvizError(
            f"options {', '.join(sorted(options))} go with a recipe name, not with a "
            f"{type(what).__name__}: build the scene with them first"
        )
    if isinstance(what, SceneRecipe):
        return what
    if isinstance(what, FlybyReport):
        from .flyby import flyby_scene

        result = what.result
        title = f"{result.target} past {result.body.title()}"
        return SceneRecipe(title, lambda: flyby_scene(what), "flyby", {"target": result.target})
    if isinstance(what, Scene) or callable(what):
        return SceneRecipe.of(what)
    raise OrbitvizError(
        f"cannot show a {type(what).__name__}: give a recipe name "
        f"({', '.join(repr(n) for n in RECIPES)}), a shape file, a Scene or a flyby report"
    )


def build_scene(what: str, **options) -> Scene:
    """The scene of :func:`recipe` ``(what, **options)``, built now."""
    return recipe(what, **options).build()
