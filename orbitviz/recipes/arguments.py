"""The scene words of the command line, the same for ``orbitviz view`` and ``orbitviz render``:
``philae [--shape ...]``, ``flyby TARGET [flyby options]``, ``transit FILE... [--star ...]``
or ``FILE``, with each recipe's options added from its declaration (:mod:`.options`).

>>> import argparse
>>> parser = argparse.ArgumentParser(prog="orbitviz view")
>>> from orbitviz.cli_types import size
>>> add_scene_parsers(parser, lambda p: p.add_argument("--size", type=size))
>>> recipe_from_args(parser.parse_args(["flyby", "Apophis", "--body", "MOON"])).options["body"]
'MOON'
>>> recipe_from_args(parser.parse_args(["eros.obj", "--size", "640x480"])).title
'eros.obj'
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from ..errors import OrbitvizError
from .options import add_options, values
from .registry import RECIPES, SceneRecipe, file_kind

__all__ = ["add_scene_parsers", "recipe_from_args"]


class _SceneOrFile(argparse._SubParsersAction):
    """The scene words, where any other word is a FILE (``orbitviz view eros.obj``)."""

    class _AnyWord(dict):
        def __contains__(self, key) -> bool:  # argparse checks choices before calling us
            return True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = self._AnyWord()  # the real names stay in self._name_parser_map

    def __call__(self, parser, namespace, values, option_string=None):
        if values[0] not in self._name_parser_map:
            values = ["file", *values]
        super().__call__(parser, namespace, values, option_string)


def add_scene_parsers(
    parser: argparse.ArgumentParser, add_common: Callable[[argparse.ArgumentParser], None]
) -> None:
    """Give ``parser`` the scene words (one sub-parser per recipe, with the recipe's options),
    each also taking the command's own options from ``add_common``."""
    sub = parser.add_subparsers(
        dest="scene", required=True, metavar="{philae,flyby,transit,FILE}", action=_SceneOrFile
    )
    for recipe in RECIPES.values():
        word = "file" if recipe.name == "shape" else recipe.name
        help_text = recipe.help
        if word == "file":
            help_text += " (the word 'file' is optional: orbitviz view eros.obj)"
        p = sub.add_parser(word, help=help_text, description=help_text)
        add_options(p, recipe.options)
        add_common(p)
        p.set_defaults(recipe=recipe.name)


def recipe_from_args(args: argparse.Namespace) -> SceneRecipe:
    """The scene recipe that parsed ``args`` name (a kernel file is refused with advice)."""
    recipe = RECIPES[args.recipe]
    options = values(args, recipe.options)
    if recipe.name == "shape" and file_kind(options["file"]) != "shape":
        raise OrbitvizError(
            f"{options['file']}: a kernel is not a scene by itself; open it from the viewer "
            "(File > Open) over a scene, e.g. orbitviz view philae"
        )
    return recipe(**options)
