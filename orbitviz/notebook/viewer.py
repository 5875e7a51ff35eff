"""The notebook viewer: the 3D view (:class:`~.view.SceneView`) with its controls, one
ipywidgets box, and a picture of it for saved notebooks.

A saved notebook opened without a kernel (GitHub, nbviewer, a static export) cannot show a
widget; the viewer's output therefore also carries a PNG of the view as it was first shown,
and :meth:`Viewer.snapshot` gives a PNG of the view as it is now, an ordinary image output.
"""

from __future__ import annotations

import base64
import io

import ipywidgets as w
from IPython.display import Image

from orbitviz.recipes import PreparedScene, as_recipe, prepare
from orbitviz.recipes.prepared import Progress, no_progress
from orbitviz.units import TimeLike

from .controls import CameraControls, EventControls, LayerToggles, PathControls, TimeControls
from .view import SceneView


def png_bytes(rgb) -> bytes:
    """An RGB (h, w, 3) uint8 image as PNG bytes."""
    from PIL import Image as PILImage

    out = io.BytesIO()
    PILImage.fromarray(rgb).save(out, format="PNG", compress_level=1)
    return out.getvalue()


class Viewer(w.VBox):
    """The view of ``prepared`` with play / time slider / speed / UTC, a checkbox per layer,
    the camera mode and reset; ``size`` (w, h) of the view in CSS pixels."""

    def __init__(self, prepared: PreparedScene, *, size=(960, 540)):
        self.prepared = prepared
        self.scene = prepared.scene
        self.view = SceneView(prepared, size=size)
        self.time = TimeControls(self.scene.clock, prepared.utc)
        self.layers = LayerToggles(self.scene)
        self.camera = CameraControls(self.view.cameras)
        self.events = EventControls(prepared)
        self.path = PathControls(self.view.canvas)
        self.time.slider.observe(lambda change: self.view.moving(), "value")  # Play: LOD
        rows = [self.view, self.time, self.events, self.layers, self.camera, self.path]
        mesh = prepared.mesh_layer
        if mesh is not None and mesh.lighting_approximate and mesh.lighting_note:
            rows.insert(0, w.HTML(f"<small>{mesh.lighting_note}</small>"))
        super().__init__(rows)

    def snapshot(self) -> Image:
        """The view as it is now, as a PNG image output (kept in the saved notebook): the
        full-resolution still frame (the mesh at the detail its size on screen needs, not the
        moving view's decimated copy; labels laid out for this view), even right after a drag
        or a wheel step, before the view has settled."""
        return Image(data=png_bytes(self.view.frame()), format="png")

    def frame(self):
        """The view as it is now: an RGB (h, w, 3) uint8 array, top row first."""
        return self.view.frame()

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        if isinstance(data, dict):  # a picture for readers of the saved notebook
            data["image/png"] = base64.b64encode(png_bytes(self.view.frame())).decode("ascii")
        return bundle

    def close(self) -> None:
        for name in ("time", "events", "layers", "camera", "view"):  # a half-built one too
            part = getattr(self, name, None)
            if part is not None:
                part.close()
        super().close()


def viewer(
    what,
    *,
    size=(960, 540),
    time: TimeLike | None = None,
    progress: Progress = no_progress,
    **options,
) -> Viewer:
    """A notebook viewer of ``what`` (see :func:`orbitviz.recipes.as_recipe`: a recipe name
    with its options, a shape file, a Scene, a flyby report), the clock at ``time``
    (:data:`~orbitviz.units.TimeLike`); ``progress`` hears of each step of building the scene
    (:func:`orbitviz.recipes.prepare`)."""
    return Viewer(prepare(as_recipe(what, **options), progress, time=time), size=size)
