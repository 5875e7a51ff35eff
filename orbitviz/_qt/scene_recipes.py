"""How the window gets its scenes: recipes (built on the worker, SPICE up front), the UTC
labels of the clock computed ahead of time, and what a dropped or opened file means.

No Qt here: everything runs on the one worker thread (or before the window opens).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from orbitviz.scene import MeshLayer, Scene

SHAPE_SUFFIXES = (".obj", ".ply", ".bds", ".dsk")
KERNEL_SUFFIXES = (".bsp", ".tm", ".mk", ".bc", ".tpc", ".tf", ".tls", ".bpc", ".tsc")
OPEN_FILTER = (
    "Shapes and kernels (*.obj *.ply *.bds *.dsk *.bsp *.tm *.mk *.bc *.tpc *.tf *.bpc);;"
    "Shape models (*.obj *.ply *.bds *.dsk);;SPICE kernels (*.bsp *.tm *.mk *.bc *.tpc "
    "*.tf *.bpc);;All files (*)"
)


@dataclass(frozen=True)
class SceneRecipe:
    """A named way to build a scene (``build()`` may call SPICE: run it on the worker)."""

    title: str
    build: Callable[[], Scene]


def philae_recipe(shape: str = "67p-spc.ply") -> SceneRecipe:
    from orbitviz.scene.philae_scene import philae_scene

    return SceneRecipe(f"Philae on 67P ({shape})", lambda: philae_scene(shape))


def shape_recipe(path: str | Path) -> SceneRecipe:
    from orbitviz.scene import shape_scene

    return SceneRecipe(str(path), lambda: shape_scene(path))


def flyby_recipe(
    target: str,
    body: str = "EARTH",
    start=None,
    stop=None,
    *,
    method: str = "patched",
    sbdb_file=None,
    catalog=None,
    online: bool = False,
    kernels: tuple = (),
) -> SceneRecipe:
    def build() -> Scene:
        from orbitviz import spice
        from orbitviz.analysis import flyby
        from orbitviz.scene.flyby_scene import flyby_scene

        report = flyby(
            target,
            body,
            start,
            stop,
            method=method,
            sbdb_file=sbdb_file,
            catalog=catalog,
            online=online,
            kernels=tuple(kernels),
        )
        with spice.KernelSet("default", *kernels):
            scene = flyby_scene(report.result)
        scene.spice = replace(scene.spice, kernels=("default", *kernels))
        return scene

    return SceneRecipe(f"{target} past {body.title()}", build)


def utc_labeller(start_et: float, stop_et: float, knots: int = 257) -> Callable[[float], str]:
    """``f(et) -> "YYYY-MM-DD HH:MM:SS UTC"`` for times in the span, from UTC computed by SPICE
    at ``knots`` times up front and interpolated (exact between leap seconds): drawing never
    calls SPICE. A span of zero length gives an empty label."""
    if stop_et <= start_et:
        return lambda et: ""
    from orbitviz import spice

    knot_et = np.linspace(start_et, stop_et, knots)
    knot_ms = spice.et_to_datetime64(knot_et).astype(np.int64).astype(np.float64)

    def label(et: float) -> str:
        ms = np.interp(float(et), knot_et, knot_ms)
        stamp = str(np.datetime64(round(ms / 1000.0), "s"))  # rounded, as SPICE's et2utc
        return f"{stamp.replace('T', ' ')} UTC"

    return label


@dataclass
class PreparedScene:
    """A scene ready to show: its recipe, the UTC labeller and its shape's pick index warm."""

    scene: Scene
    recipe: SceneRecipe
    utc: Callable[[float], str] = field(repr=False)
    added_tracks: tuple[str, ...] = ()  # layers added for the bodies of opened SPKs

    @property
    def mesh_layer(self) -> MeshLayer | None:
        return next((layer for layer in self.scene.layers if isinstance(layer, MeshLayer)), None)


def prepare(recipe: SceneRecipe) -> PreparedScene:
    """Build the scene and everything the window needs from SPICE or heavy numpy, up front
    (on the worker thread, or before the window opens)."""
    scene = recipe.build()
    prepared = PreparedScene(scene, recipe, utc_labeller(scene.clock.start_et, scene.clock.stop_et))
    if prepared.mesh_layer is not None:  # build the ray-casting index now, not on first hover
        from orbitviz.shapes.surface import ray_intersect

        ray_intersect(prepared.mesh_layer.mesh, [0.0, 0.0, 0.0], [1.0, 0.0, 0.0])
    for layer in scene.layers:  # drawing order, clusters and the decimated copy: not on the
        if isinstance(layer, MeshLayer):  # GUI thread (2 M faces: ~7 s, the first drag froze)
            layer.prepare_drawing()
    return prepared


def file_kind(path: str | Path) -> str:
    """``"shape"`` or ``"kernel"`` for a file to open (DSK files are shapes)."""
    suffix = Path(path).suffix.lower()
    if suffix in SHAPE_SUFFIXES:
        return "shape"
    if suffix in KERNEL_SUFFIXES:
        return "kernel"
    from orbitviz.errors import OrbitvizError

    raise OrbitvizError(
        f"cannot open {path}: unknown file type {suffix or '(no suffix)'!r}; "
        "open a shape model (OBJ, PLY, DSK) or a SPICE kernel / meta-kernel "
        "(BSP, BC, TPC, TF, TM)"
    )


def open_file(path: str | Path, current: SceneRecipe, session: list) -> PreparedScene:
    """What opening ``path`` shows: a shape replaces the scene; a kernel (or meta-kernel) is
    loaded for the rest of the session (appended to ``session``, a list of loaded KernelSets)
    and the current scene is rebuilt with it -- e.g. a 67P attitude CK gives Philae's scene
    its true lighting -- with a track for each body of the session's SPKs that has data in
    the scene's time span. On any error nothing stays loaded and the error propagates."""
    if file_kind(path) == "shape":
        return prepare(shape_recipe(path))
    from orbitviz import spice
    from orbitviz.scene.kernel_tracks import spk_tracks

    kernels = spice.KernelSet(Path(path)).load()
    try:
        prepared = prepare(current)
        added = []
        spks = [f.path for loaded in (*session, kernels) for f in loaded.files if f.kind == "SPK"]
        for spk in spks:
            for layer in spk_tracks(prepared.scene, spk):
                prepared.scene.add(layer)
                added.append(layer.name)
    except Exception:
        kernels.unload()
        raise
    session.append(kernels)
    return replace(prepared, added_tracks=tuple(added))
