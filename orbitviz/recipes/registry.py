"""Recipes: the named ways to build a scene, each with its options declared once.

A :class:`Recipe` (``philae``, ``flyby``, ``shape``, ``transit``: :data:`RECIPES`, a plain
mapping from names to recipes) takes its options as keywords and gives a :class:`SceneRecipe`: a title and a
``build()`` that returns the :class:`~orbitviz.scene.Scene` (and may call SPICE: a viewer runs
it on its worker). The desktop window, the video renderer and
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

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
    """A named way to build a scene: its ``options``, ``build(**options)`` that makes the
    scene, and ``title(options)`` that names it."""

    name: str
    help: str
    options: Sequence[Option]
    build: Callable[..., Scene] = field(repr=False)
    title: Callable[[Mapping[str, Any]], str] = field(repr=False)

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
        return SceneRecipe(self.title(chosen), partial(self.build, **chosen), self.name, chosen)


# The recipes' modules load when a scene is built, not when the command line lists the recipes
# (orbitviz._lazy.DEFERRING): each build function imports its own.


def build_philae(*, shape: str) -> Scene:
    """Philae's bounces on 67P: :func:`orbitviz.recipes.philae.philae_scene`."""
    from .philae import philae_scene

    return philae_scene(shape)


def build_flyby(**options: Any) -> Scene:
    """:func:`orbitviz.flyby` with the flyby options, then its scene
    (:func:`orbitviz.recipes.flyby.flyby_scene`)."""
    from ..analysis import flyby
    from .flyby import flyby_scene

    return flyby_scene(flyby(**options))


def build_shape(*, file: str | Path) -> Scene:
    """A shape model file or name: :func:`orbitviz.recipes.shape.shape_scene`."""
    from .shape import shape_scene

    return shape_scene(file)


def build_transit(*, files, **star: Any) -> Scene:
    """The transit analysis of the light curves ``files`` (search, fit, vetting:
    :func:`orbitviz.exoplanets.analysis.analyze`, with the star's options), then its scene
    (:func:`orbitviz.recipes.transit.transit_scene`)."""
    from ..exoplanets.analysis import analyze
    from .transit import transit_scene

    return transit_scene(analyze(files, **star))


def flyby_title(options: Mapping[str, Any]) -> str:
    return f"{options['target']} past {options['body'].title()}"


def transit_title(options: Mapping[str, Any]) -> str:
    return f"transits of {options['star'] or ', '.join(map(str, options['files']))}"


RECIPES: dict[str, Recipe] = {
    recipe.name: recipe
    for recipe in (
        Recipe(
            "philae",
            "Philae's bounces on 67P, lit by the Sun",
            PHILAE_OPTIONS,
            build_philae,
            lambda options: f"Philae on 67P ({options['shape']})",
        ),
        Recipe(
            "flyby",
            "a small body passing a planet (as orbitviz flyby)",
            FLYBY_OPTIONS,
            build_flyby,
            flyby_title,
        ),
        Recipe(
            "shape",
            "a shape model file: OBJ, PLY or DSK",
            SHAPE_OPTIONS,
            build_shape,
            lambda options: str(options["file"]),
        ),
        Recipe(
            "transit",
            "a planetary system found in light curves, in 3D beside its light curve",
            TRANSIT_OPTIONS,
            build_transit,
            transit_title,
        ),
    )
}
"""The recipes by name: the window, ``orbitviz view | render`` and the notebook offer these."""


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

        options = {"target": what.result.target, "body": what.result.body}
        return SceneRecipe(flyby_title(options), partial(flyby_scene, what), "flyby", options)
    if isinstance(what, Scene) or callable(what):
        return SceneRecipe.of(what)
    raise OrbitvizError(
        f"cannot show a {type(what).__name__}: give a recipe name "
        f"({', '.join(repr(n) for n in RECIPES)}), a shape file, a Scene or a flyby report"
    )


def build_scene(what, **options) -> Scene:
    """The scene of ``what``, built now: a recipe name with its ``options``
    (``build_scene("flyby", target="2021 WP")``), a shape file, or anything else
    :func:`as_recipe` takes (a flyby report from :func:`orbitviz.flyby`: its own scene, no
    second analysis)."""
    return as_recipe(what, **options).build()
