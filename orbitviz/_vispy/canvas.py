"""A VisPy canvas showing a :class:`orbitviz.scene.Scene`: one adapter per layer, overlays,
a camera driven by :class:`CameraState`, offscreen rendering and world -> pixel projection.

The same class serves the desktop window (embed ``canvas.native``) and the video renderer
(``render()`` / ``render_into()``). Choose the VisPy app before creating one (see
``orbitviz.render.backend``).
"""

from __future__ import annotations

import numpy as np
from vispy import gloo
from vispy import scene as vscene

from orbitviz.arguments import names
from orbitviz.errors import RenderError
from orbitviz.scene import (
    CameraState,
    DirectionLayer,
    LabelLayer,
    Layer,
    LightCurveLayer,
    MarkerLayer,
    MeshLayer,
    RingLayer,
    Scene,
    SphereLayer,
    StarsLayer,
    TrajectoryLayer,
)
from orbitviz.scene.events import Event
from orbitviz.scene.layout import Box, dock_bottom, stack_corners
from orbitviz.scene.legend import legend_entries

from . import compat, resources
from .direction_adapter import DirectionAdapter
from .framebuffer import Framebuffer
from .label_adapter import LabelAdapter, ViewLabels
from .layer_adapter import MARKERS, LayerAdapter, PanelAdapter, sort_translucent
from .lightcurve_adapter import LightCurveAdapter
from .marker_adapter import MarkerAdapter
from .markers import MarkerBatch
from .mesh_adapter import MeshAdapter
from .overlays import AxesTriad, CornerText, Legend, ScaleBar, credit_line, margin_px
from .ring_adapter import RingAdapter
from .sphere_adapter import SphereAdapter
from .stars_adapter import StarsAdapter
from .text_batch import TextBatch
from .trajectory_adapter import TrajectoryAdapter

ADAPTERS: dict[type[Layer], type[LayerAdapter]] = {
    MeshLayer: MeshAdapter,
    TrajectoryLayer: TrajectoryAdapter,
    MarkerLayer: MarkerAdapter,
    SphereLayer: SphereAdapter,
    LabelLayer: LabelAdapter,
    DirectionLayer: DirectionAdapter,
    LightCurveLayer: LightCurveAdapter,
    RingLayer: RingAdapter,
    StarsLayer: StarsAdapter,
}
"""The adapter of each layer class (a subclass of one takes its adapter)."""
OVERLAYS = ("title", "time", "distance", "scale", "credit", "axes", "legend")


def check_overlays(overlays) -> tuple[str, ...]:
    """The names of ``overlays`` (one name or several: ``"time"`` is one overlay, not four
    letters), each one of :data:`OVERLAYS`; else a RenderError."""
    return names("overlays", overlays, OVERLAYS, error=RenderError)


DEPTH_RANGE = 100.0  # far/near = 10 * DEPTH_RANGE around the camera distance: 16-bit depth


def default_time_text(et: float) -> str:
    return f"ET {et:,.3f} s"


class SceneCanvas:
    """Draws ``scene`` into a VisPy canvas of ``size`` (w, h) pixels.

    ``overlays``: any of ``title, time, distance, scale, credit, axes, legend``. ``time_text(et)``
    formats the clock for the time overlay (the window passes a UTC formatter; videos set the
    text per frame with :meth:`set_time_text`).

    One layout for the whole view, redone before each frame that needs it: the overlays take
    their corners first (title top left, readouts top right, credits on one line bottom left
    with the axes above them, the scale bar bottom right), then the labels of every layer are
    placed around them (:class:`ViewLabels`); ``overlay_boxes`` and ``labels.shown`` say where.
    """

    _pass_transform = None  # scene -> canvas, while a layout pass runs

    def __init__(
        self,
        scene: Scene,
        *,
        size=(800, 600),
        bgcolor="black",
        show: bool = False,
        overlays=OVERLAYS,
        time_text=default_time_text,
        parent=None,
    ):
        overlays = check_overlays(overlays)
        self.scene = scene
        self.size = (int(size[0]), int(size[1]))
        self.overlays = overlays
        self.time_text = time_text
        self._pooled = not show and parent is None and resources.offscreen()
        if self._pooled:
            self.canvas, self.fonts = resources.checkout(self.size, bgcolor)
        else:
            self.canvas = resources.ClearingCanvas(
                size=self.size, show=show, bgcolor=bgcolor, keys=None, parent=parent
            )
            self.fonts = resources.new_fonts()
        self.view = self.canvas.central_widget.add_view()
        self.view.camera = vscene.TurntableCamera(fov=30.0, distance=1.0)
        self.view.camera.depth_value = DEPTH_RANGE
        self.adapters: dict[Layer, LayerAdapter] = {}  # by the layer itself, not its name
        self._build_overlays()  # before the adapters: screen-space ones draw among them
        self.markers = MarkerBatch(self.view.scene, order=MARKERS)
        for layer in scene.layers:
            self._add(layer)
        scene.layers.events.added.connect(self._on_added)
        scene.layers.events.removed.connect(self._on_removed)
        scene.clock.events.time.connect(self._on_clock)
        self._view_changed = True
        self._drawn_view: tuple = ()
        self._framed: tuple = ()
        self._framebuffers: dict[tuple[int, int], Framebuffer] = {}
        self._bound: Framebuffer | None = None
        self.coarse = False
        # the camera replaces the scene's transform object (a new mode, VisPy's transform cache):
        # follow the node's own event, emitted for a new transform and for a changed one
        self.view.scene.events.transform_change.connect(self._camera_changed)
        self.set_camera(scene.home_camera())
        self.canvas.events.resize.connect(self._on_resize)  # overlays are laid out in pixels
        if not self._pooled:  # drawn on screen by VisPy: follow the view before each frame
            self.canvas.events.draw.connect(self._before_draw, position="first")
        self._on_clock(Event("time", scene.clock, scene.clock.et))

    @property
    def native(self):
        """The toolkit widget (a QWidget under the Qt backend)."""
        return self.canvas.native

    # -- layers ----------------------------------------------------------------------------
    def _add(self, layer) -> None:
        adapter_type = next((ADAPTERS[c] for c in type(layer).__mro__ if c in ADAPTERS), None)
        if adapter_type is None:
            raise RenderError(f"no VisPy adapter for {type(layer).__name__} ({layer!r})")
        # a panel (the light curve) is drawn in canvas pixels among the overlays
        parent = self.overlay_root if issubclass(adapter_type, PanelAdapter) else self.view.scene
        adapter = adapter_type(layer, parent, self.scene.clock, self.fonts, self.markers)
        adapter.set_output_size(self.size)
        self.adapters[layer] = adapter
        layer.events.connect(self._on_layer_event)

    def _on_layer_event(self, event: Event) -> None:
        self._layout_dirty = True  # labels shown, hidden, renamed, recoloured...
        if event.type == "visible":
            self._view_changed = True  # the tracks that labels avoid changed

    def _on_added(self, event: Event) -> None:
        self._add(event.value)
        self._view_changed = True
        self.canvas.update()

    def _on_removed(self, event: Event) -> None:
        self.adapters.pop(event.value).close()
        event.value.events.disconnect(self._on_layer_event)
        self._view_changed = True
        self.canvas.update()

    def set_coarse(self, coarse: bool) -> None:
        """Level of detail: decimated meshes while the camera moves, full ones when still."""
        self.coarse = bool(coarse)
        for adapter in self.adapters.values():
            adapter.set_coarse(coarse)
        self.canvas.update()

    # -- overlays --------------------------------------------------------------------------
    def _build_overlays(self) -> None:
        root = self.overlay_root = vscene.Node(parent=self.canvas.scene)
        # every overlay's and label's text in one visual, drawn over the overlays' lines
        self.texts = TextBatch(parent=root, font_manager=self.fonts)
        self.texts.order = 1
        self._title = CornerText(self.texts, "top-left", 13.0)
        self._readouts = CornerText(self.texts, "top-right", 11.0)
        self._credit = CornerText(self.texts, "bottom-left", 8.0, color=(0.8, 0.8, 0.8, 1))
        self._scale_bar = ScaleBar(root, self.texts)
        self._axes = AxesTriad(root, self.texts)
        self._legend = Legend(root, self.texts)
        self.labels = ViewLabels(root, self.texts)
        self._title_lines = [self.scene.title] if "title" in self.overlays else []
        self.credit_lines = self.scene.credits + self.notes() if "credit" in self.overlays else []
        self._readout_lines: list[str] = []
        self._time_line = ""
        self.overlay_boxes: dict[str, Box] = {}
        self._layout_dirty = True

    def notes(self) -> list[str]:
        """What the layers say about themselves (e.g. approximate lighting), after the credits."""
        return [
            layer.lighting_note
            for layer in self.scene.layers
            if getattr(layer, "lighting_approximate", False) and layer.lighting_note
        ]

    @property
    def dpi(self) -> float:
        return float(self.canvas.dpi or 96.0)

    def _layout_overlays(self) -> None:
        """Stack the overlays into the corners (they are never ellipsized into each other:
        each row's texts share the width left by the block beside them)."""
        size, dpi = self.size, self.dpi
        w, _ = size
        margin = margin_px(size)
        usable = w - 3.0 * margin
        scale = self._scale_bar.block(size, dpi) if "scale" in self.overlays else (0.0, 0.0)
        axes = self._axes.block(size, dpi) if "axes" in self.overlays else (0.0, 0.0)
        readouts = self._readouts.fit(self._readout_lines, 0.5 * usable, size, dpi)
        title = self._title.fit(self._title_lines, usable - readouts[0], size, dpi)
        entries = legend_entries(self.scene) if "legend" in self.overlays else []
        legend = self._legend.block(entries, 0.4 * usable, size, dpi)
        panels = self._panels()
        credit_width = usable if panels else usable - scale[0]  # panels: the bar goes above
        credit = self._credit.fit([credit_line(self.credit_lines)], credit_width, size, dpi)
        blocks = {
            "top-left": [title, legend],
            "top-right": [readouts],
            "bottom-left": [credit, axes],
            "bottom-right": [scale],
        }
        frame = Box(0.0, 0.0, *size)
        boxes = stack_corners(frame, blocks, margin)
        docked = self._dock_panels(panels, frame, credit, margin)
        if docked:  # the panels sit on the credits' line; the axes and the bar above them
            above = Box(0.0, 0.0, float(w), docked[-1].y0)
            upper = stack_corners(above, {"bottom-left": [axes], "bottom-right": [scale]}, margin)
            boxes["bottom-left"][1] = upper["bottom-left"][0]
            boxes["bottom-right"] = upper["bottom-right"]
        named = {
            "title": boxes["top-left"][0],
            "legend": boxes["top-left"][1],
            "readouts": boxes["top-right"][0],
            "credit": boxes["bottom-left"][0],
            "axes": boxes["bottom-left"][1],
            "scale": boxes["bottom-right"][0],
        }
        sizes = {"title": title, "readouts": readouts, "credit": credit, "axes": axes}
        sizes["legend"] = legend
        sizes["scale"] = scale
        self.overlay_boxes = {k: box for k, box in named.items() if sizes[k][0] > 0}
        if credit[0] == 0.0 and axes[0] > 0 and not docked:  # no credits: axes in the corner
            self.overlay_boxes["axes"] = stack_corners(
                Box(0.0, 0.0, *size), {"bottom-left": [axes]}, margin
            )["bottom-left"][0]
        for adapter, box in zip(panels, docked):
            self.overlay_boxes[f"panel {adapter.layer.name}"] = box
            adapter.place(box, dpi)
        self._title.place(self.overlay_boxes.get("title"))
        self._legend.place(self.overlay_boxes.get("legend"))
        self._readouts.place(self.overlay_boxes.get("readouts"))
        self._credit.place(self.overlay_boxes.get("credit"))
        camera = self.camera_state()
        self._scale_bar.place(self.overlay_boxes.get("scale"), self.km_between, size)
        self._axes.place(self.overlay_boxes.get("axes"), camera)

    def _panels(self) -> list[PanelAdapter]:
        """The adapters of visible screen panels (the light curve), in scene order."""
        return [
            adapter
            for adapter in self.adapters.values()
            if isinstance(adapter, PanelAdapter) and adapter.layer.visible
        ]

    def _dock_panels(self, panels, frame: Box, credit, margin: float) -> list[Box]:
        """Boxes for ``panels`` at the bottom of ``frame``, above the line of credits
        (:func:`orbitviz.scene.layout.dock_bottom`); hidden panels are told so."""
        for adapter in self.adapters.values():
            if isinstance(adapter, PanelAdapter) and not adapter.layer.visible:
                adapter.place(None)
        if not panels:
            return []
        below = credit[1] + margin if credit[0] > 0 else 0.0
        heights = [adapter.panel_height(self.size) for adapter in panels]
        return dock_bottom(frame, heights, below_px=below, margin_px=margin)

    def time_at(self, x_px: float, y_px: float) -> float | None:
        """The scene time a panel shows at a canvas pixel (a click on the light curve moves
        the clock there), or None where no panel is."""
        for adapter in self._panels():
            et = adapter.time_at(x_px, y_px)
            if et is not None:
                return et
        return None

    def _layout(self) -> None:
        """Overlays first, then the labels around them."""
        self._pass_transform = self._scene_to_canvas()  # one projection for the whole pass
        try:
            self._layout_overlays()
            margin = 0.5 * margin_px(self.size)
            frame = Box(margin, margin, self.size[0] - margin, self.size[1] - margin)
            self.labels.update(self, list(self.overlay_boxes.values()), frame)
        finally:
            self._pass_transform = None

    def _scene_to_canvas(self):
        """Scene km -> canvas pixels (a chain VisPy builds anew each call: ~0.04 ms, and a
        map through it ~0.03 ms; a layout pass reuses one)."""
        if self._pass_transform is not None:
            return self._pass_transform
        return self.view.scene.node_transform(self.canvas.scene)

    def resize(self, size) -> None:
        """Change an offscreen canvas's size (a window's canvas follows its widget)."""
        resources.resize_offscreen(self.canvas, (int(size[0]), int(size[1])))

    def _on_resize(self, event) -> None:
        size = (int(event.size[0]), int(event.size[1]))
        if size == self.size:
            return
        self._unbind()
        self.size = size
        for adapter in self.adapters.values():
            adapter.set_output_size(size)
        self._update_readouts(self.scene.clock.et)
        self._camera_changed()

    def set_time_text(self, text: str) -> None:
        """Replace the time overlay's text (e.g. a UTC string computed ahead of time)."""
        self._time_line = text
        self._update_readouts(self.scene.clock.et)

    def _update_readouts(self, et: float) -> None:
        show_time = "time" in self.overlays and self.scene.clock.span_s > 0
        lines = [self._time_line] if show_time else []
        if "distance" in self.overlays:
            lines += [texts[0] for texts in self.scene.readout_texts(np.array([et]))]
        self._readout_lines = lines
        self._layout_dirty = True

    def _on_clock(self, event: Event) -> None:
        if self.time_text is not None:
            self._time_line = self.time_text(event.value)
        self._update_readouts(event.value)  # moving markers' labels move, too
        self.canvas.update()

    # -- camera ----------------------------------------------------------------------------
    def set_camera(self, state: CameraState) -> None:
        # VisPy's setters each recompute the transforms: set all, then update once
        compat.set_camera_pose(
            self.view.camera,
            center=tuple(float(c) for c in state.center_km),
            azimuth=float(state.azimuth_deg),
            elevation=float(state.elevation_deg),
            fov=float(state.fov_deg),
            distance=float(state.distance_km),
        )

    def camera_state(self) -> CameraState:
        camera = self.view.camera
        if hasattr(camera, "state"):  # orbitviz's arcball and fly cameras know their own
            return camera.state()
        return CameraState(
            tuple(float(c) for c in camera.center),
            float(camera.azimuth),
            float(camera.elevation),
            float(camera.distance),
            float(camera.fov),
        )

    @property
    def view_km(self) -> float:
        """The height (km) of the view at the camera's centre of interest."""
        camera = self.view.camera
        fov = float(camera.fov)
        if fov <= 0:  # orthographic: VisPy's scale_factor is the height shown
            return float(getattr(camera, "scale_factor", 0.0) or 0.0)
        return 2.0 * float(camera.distance) * np.tan(np.radians(fov) / 2.0)

    def _camera_changed(self, event=None) -> None:
        self._view_changed = True  # adapters and the layout follow it before the next frame

    # -- pixels ----------------------------------------------------------------------------
    def project(self, points_km) -> np.ndarray:
        """Pixel (x, y) of scene points (N, 3) km: x right, y down, origin top left; NaN for
        points behind the camera."""
        mapped = self._scene_to_canvas().map(np.asarray(points_km, dtype=np.float64).reshape(-1, 3))
        w = mapped[:, 3:4]
        xy = mapped[:, :2] / w
        xy[w[:, 0] <= 0] = np.nan
        return xy

    def _before_draw(self, event) -> None:
        self._follow_view()

    def view_signature(self) -> tuple:
        """What the picture's geometry depends on: the camera's class, its placement in the
        scene (eye and orientation), its field of view and zoom, and the output size. VisPy's
        cameras do not always say when they move (a drag or a wheel step can leave the scene's
        transform object and its events alone), so each frame compares this instead."""
        camera = self.view.camera
        return (
            type(camera),
            camera.transform.matrix.tobytes(),
            float(camera.fov),
            float(getattr(camera, "scale_factor", 0.0) or 0.0),
            self.size,
        )

    def _follow_view(self) -> None:
        """Let adapters follow a changed camera or size and lay the overlays and labels out
        again, once per frame, just before drawing: only then are VisPy's transforms up to
        date. Any camera change counts (a drag, the wheel, a preset, a reset, the follow
        camera, a video's camera path): the view is compared with the last frame's."""
        signature = self.view_signature()
        if signature != self._drawn_view:
            self._drawn_view = signature
            self._view_changed = True
        if self._view_changed:
            self._view_changed = False
            self._layout_dirty = True
            self.labels.view_changed()
            view_km = self.view_km
            for adapter in self.adapters.values():
                layer = adapter.layer
                if layer.min_view_km > 0:  # drawn only in views wide enough for it
                    adapter.node.visible = layer.visible and layer.in_view_range(view_km)
                adapter.on_view(self)
        # translucent surfaces back to front (the camera or the clock may have moved them)
        sort_translucent(self.adapters.values(), self.view.camera.transform.map([0.0, 0, 0])[:3])
        moment = (self._drawn_view, self.scene.clock.et)
        if moment != self._framed or self._layout_dirty:  # markers hidden behind bodies
            self._framed = moment
            for adapter in self.adapters.values():
                adapter.on_frame(self)
        if self._layout_dirty:
            self._layout_dirty = False
            self._layout()
        self.markers.upload()  # what the clock, the view and the layers changed, at once

    def centre_plane_points(self, xy_px) -> np.ndarray:
        """Scene points (N, 3) km seen at pixels ``xy_px`` (N, 2) on the plane through the
        camera's centre of interest that faces the camera (the plane the scale bar measures)."""
        transform = self._scene_to_canvas()
        centre = transform.map(self.centre_of_interest())
        depth = centre[2] / centre[3]
        xy = np.asarray(xy_px, dtype=np.float64).reshape(-1, 2)
        back = transform.imap(np.c_[xy, np.full(len(xy), depth), np.ones(len(xy))])
        return back[:, :3] / back[:, 3:4]

    def centre_of_interest(self) -> np.ndarray:
        """The scene point the camera looks at, ``distance`` ahead of it (a turntable's or an
        arcball's centre; for the fly camera, the point it looked at when it started)."""
        camera = self.view.camera
        if not isinstance(camera, vscene.FlyCamera):
            return np.asarray(camera.center, dtype=np.float64)
        transform = self._scene_to_canvas()
        w, h = self.size
        near, far = transform.imap([[w / 2, h / 2, -1.0, 1.0], [w / 2, h / 2, 1.0, 1.0]])
        ray = far[:3] / far[3] - near[:3] / near[3]
        eye = np.asarray(camera.center, dtype=np.float64)
        return eye + ray / np.linalg.norm(ray) * float(camera.distance)

    def km_between(self, a_px, b_px) -> float:
        """Scene km between two pixels, on the camera's centre plane (see
        :meth:`centre_plane_points`)."""
        a, b = self.centre_plane_points([a_px, b_px])
        return float(np.linalg.norm(b - a))

    def _bind(self, pixels: tuple[int, int]) -> Framebuffer:
        """Make a framebuffer of ``pixels`` (w, h) the drawing target, covering the whole
        canvas (smaller than the canvas: the same picture at a lower resolution).

        An offscreen canvas keeps it bound between frames: each bind and unbind makes VisPy
        recompute every visual's transforms, which costs ~20 ms a frame when the resolution
        differs from the canvas's."""
        bound = self._bound
        if bound is not None and bound.size == pixels:
            bound.fbo.activate()
            return bound
        self._unbind()
        framebuffer = self._framebuffers.get(pixels)
        if framebuffer is None:
            if len(self._framebuffers) >= 2:  # a window's size and its moving-camera size
                for old in self._framebuffers.values():
                    old.delete()
                self._framebuffers.clear()
            framebuffer = self._framebuffers[pixels] = Framebuffer(pixels)
        self.canvas.push_fbo(framebuffer.fbo, (0, 0), self.size)
        if pixels != self.size:  # VisPy maps canvas pixels 1:1 into the FBO: scale them
            self.canvas.transforms.configure(
                viewport=(0, 0, *pixels), fbo_size=pixels, fbo_rect=(0, 0, *self.size)
            )
        self._bound = framebuffer
        return framebuffer

    def _unbind(self) -> None:
        if self._bound is not None:
            self.canvas.set_current()
            self.canvas.pop_fbo()
            self._bound = None

    def render_into(self, out: np.ndarray, *, bgra: bool = False) -> np.ndarray:
        """Draw offscreen and read into ``out``, (h, w, 3) RGB or (h, w, 4) RGBA uint8, bottom
        row first. A smaller ``out`` than the canvas gets the whole picture at its own
        resolution (a moving view drawn at half size costs a quarter of the pixels)."""
        self.canvas.set_current()
        self._follow_view()
        framebuffer = self._bind(out.shape[1::-1])
        try:
            compat.draw_scene(self.canvas)
            return framebuffer.read_into(out, bgra=bgra)
        finally:
            if not self._pooled:  # a window's canvas draws on screen between these frames
                self._unbind()

    # -- a frame loop that overlaps the renderer and Python (videos) ------------------------
    def prepare_frame(self) -> None:
        """Lay out what the next frame shows (after the clock and the camera were set): the
        Python half of a frame. Its GL work waits in VisPy's queue until :meth:`draw_frame`,
        so it may run while the renderer still draws the previous frame."""
        self._follow_view()

    def draw_frame(self, pixels: tuple[int, int]) -> None:
        """Start drawing the prepared frame into an offscreen framebuffer of ``pixels`` (w, h)
        and return without waiting for it (a software renderer rasterises on its own threads
        meanwhile); :meth:`read_frame` waits and reads it. Offscreen (pooled) canvases only."""
        self.canvas.set_current()
        self._follow_view()  # a no-op when prepare_frame ran
        self._bind(pixels)
        compat.draw_scene(self.canvas)
        gloo.flush()

    def read_frame(self, out: np.ndarray) -> np.ndarray:
        """Wait for the frame :meth:`draw_frame` started and read it into ``out`` (as
        :meth:`render_into`)."""
        if self._bound is None:
            raise RenderError("read_frame: no frame drawn (call draw_frame first)")
        self.canvas.set_current()  # VisPy binds the window's framebuffer when made current:
        self._bound.fbo.activate()  # read the one drawn into
        return self._bound.read_into(out)

    def render(self) -> np.ndarray:
        """Draw offscreen: an RGB image (h, w, 3) uint8, top row first (a view into the RGBA
        pixels as read: no copy)."""
        w, h = self.size
        return self.render_into(np.empty((h, w, 4), np.uint8))[::-1, :, :3]

    def close(self) -> None:
        for layer in self.scene.layers:
            layer.events.disconnect(self._on_layer_event)
        for adapter in self.adapters.values():
            adapter.close()
        self.scene.layers.events.added.disconnect(self._on_added)
        self.scene.layers.events.removed.disconnect(self._on_removed)
        self.scene.clock.events.time.disconnect(self._on_clock)
        self.canvas.events.resize.disconnect(self._on_resize)
        if not self._pooled:
            self.canvas.events.draw.disconnect(self._before_draw)
        self._unbind()
        for framebuffer in self._framebuffers.values():
            framebuffer.delete()
        self._framebuffers.clear()
        if self._pooled:
            self.overlay_root.parent = None
            self.canvas.central_widget.remove_widget(self.view)
            resources.checkin(self.canvas)
        else:
            self.canvas.close()
