"""Scene recipes: the one path from options to a :class:`~orbitviz.scene.Scene` that every
front end (the desktop window, ``orbitviz render``, the notebook widget) takes.

>>> import orbitviz.recipes as recipes
>>> sorted(recipes.RECIPES)
['flyby', 'philae', 'shape', 'transit']
>>> scene = recipes.build_scene("67p-4k.obj")
>>> scene.layers.names
['shape']

Modules: :mod:`.options` (every option declared once), :mod:`.registry` (the recipes),
:mod:`.sampling` (the one place scenes ask SPICE), :mod:`.philae`, :mod:`.flyby`,
:mod:`.shape`, :mod:`.transit` (the scenes), :mod:`.prepared` (a scene ready to show;
opening files), :mod:`.arguments` (the command-line scene words), :mod:`.cameras` (the camera
words), :mod:`.keyframes` (camera keyframe files).
"""

from .._lazy import lazy_getattr

_LAZY = {
    "flyby_scene": "orbitviz.recipes.flyby",
    "philae_scene": "orbitviz.recipes.philae",
    "shape_scene": "orbitviz.recipes.shape",
    "transit_scene": "orbitviz.recipes.transit",
    "camera_from_spec": "orbitviz.recipes.cameras",
    "camera_words": "orbitviz.recipes.cameras",
    "read_keyframes": "orbitviz.recipes.keyframes",
    "PreparedScene": "orbitviz.recipes.prepared",
    "open_file": "orbitviz.recipes.prepared",
    "prepare": "orbitviz.recipes.prepared",
    **dict.fromkeys(
        ["RECIPES", "Recipe", "SceneRecipe", "as_recipe", "build_scene", "file_kind", "recipe"],
        "orbitviz.recipes.registry",
    ),
}

__getattr__ = lazy_getattr(__name__, _LAZY, globals())

__all__ = sorted(_LAZY)  # noqa: PLE0605
