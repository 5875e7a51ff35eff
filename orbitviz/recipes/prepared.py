"""A scene ready to show, and what opening a file means: shared by every interactive front end
(the desktop window, the notebook widget). Everything here runs on the one worker thread, or
before the view opens: SPICE and the heavy numpy work happen here, never while painting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import OrbitvizError
from ..scene import MeshLayer, Scene
from ..shapes.surface import ray_intersect
from ..units import TimeLike
from . import sampling
from .registry import SceneRecipe, file_kind, recipe


@dataclass
class PreparedScene:
    """A scene ready to show: its recipe, the UTC labeller and its shape's pick index warm."""

    scene: Scene
    recipe: SceneRecipe
    utc: Callable[[float], str] = field(repr=False)
    added_tracks: tuple[str, ...] = ()  # layers added for the bodies of opened SPKs
    et_of: Callable[[str], float] | None = field(default=None, repr=False)  # a typed UTC

    def set_utc(self, text: str) -> float:
        """Move the clock to a typed UTC time (a date field); returns its et. A text that is
        no time, or a time outside the scene, raises an OrbitvizError saying so."""
        if self.et_of is None:
            raise OrbitvizError("this scene has no time to go to")
        et = self.et_of(text)
        self.scene.clock.et = et
        return et

    @property
    def mesh_layer(self) -> MeshLayer | None:
        return next((layer for layer in self.scene.layers if isinstance(layer, MeshLayer)), None)


Progress = Callable[[str, float], None]
"""``progress(what, fraction_done)``: told before each step of :func:`prepare`."""

PREPARE_STEPS = (  # what the user is told, and the share of the time (2 M faces, measured)
    ("building the scene", 0.0),
    ("indexing the surface for picking", 0.15),
    ("ordering the faces for drawing", 0.45),
    ("decimating a copy for smooth motion", 0.75),
)


def no_progress(what: str, fraction: float) -> None:
    pass


def prepare(
    scene_recipe: SceneRecipe,
    progress: Progress = no_progress,
    *,
    time: TimeLike | None = None,
    time_option: str = "time",
) -> PreparedScene:
    """Build the scene and everything a view needs from SPICE or heavy numpy, up front;
    ``progress`` hears of each step (seconds each for millions of faces). With ``time``
    (:data:`~orbitviz.units.TimeLike`) the clock starts there (a time outside the scene's data is a
    :class:`~orbitviz.errors.CoverageError` naming ``time_option``)."""
    steps = iter(PREPARE_STEPS)
    progress(*next(steps))
    scene = scene_recipe.build()
    if time is not None:
        sampling.set_time(scene.clock, time, time_option)
    utc = sampling.utc_labeller(scene.clock.start_et, scene.clock.stop_et)
    et_of = sampling.utc_parser(scene.clock.start_et, scene.clock.stop_et)
    prepared = PreparedScene(scene, scene_recipe, utc, et_of=et_of)
    mesh = prepared.mesh_layer
    if mesh is not None:  # build the ray-casting index now, not on first hover
        progress(*next(steps))
        ray_intersect(mesh.mesh, [0.0, 0.0, 0.0], [1.0, 0.0, 0.0])
        # drawing order, clusters and the decimated copy: not on the GUI thread (2 M faces:
        # ~7 s, the first drag froze)
        progress(*next(steps))
        _ = mesh.drawn
        progress(*next(steps))
    for layer in scene.layers:
        if isinstance(layer, MeshLayer):
            layer.prepare_drawing()
    progress("ready", 1.0)
    return prepared


def open_file(
    path: str | Path, current: SceneRecipe, session: list, progress: Progress = no_progress
) -> PreparedScene:
    """What opening ``path`` shows: a shape replaces the scene; a kernel (or meta-kernel) is
    loaded for the rest of the session (appended to ``session``, a list of loaded KernelSets)
    and the current scene is rebuilt with it -- e.g. a 67P attitude CK gives Philae's scene
    its true lighting -- with a track for each body of the session's SPKs that has data in
    the scene's time span. On any error nothing stays loaded and the error propagates.
    ``progress``: as for :func:`prepare`."""
    if file_kind(path) == "shape":
        return prepare(recipe("shape", file=path), progress)
    kernels = sampling.kernels(Path(path)).load()
    try:
        prepared = prepare(current, progress)
        added = []
        spks = [f.path for loaded in (*session, kernels) for f in loaded.files if f.kind == "SPK"]
        for spk in spks:
            for layer in sampling.spk_tracks(prepared.scene, spk):
                prepared.scene.add(layer)
                added.append(layer.name)
    except Exception:
        kernels.unload()
        raise
    session.append(kernels)
    return replace(prepared, added_tracks=tuple(added))
