"""The desktop viewer: a QMainWindow around a :class:`orbitviz._vispy.SceneCanvas`.

Layer list (dock), time bar, camera modes, picking in the status bar, File > Open / drag and
drop, Save image, remembered geometry and recent files. Scenes are built on the one worker
thread (SPICE up front); painting only reads arrays.
"""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path

import numpy as np
from PyQt5.QtCore import QSettings, Qt, QTimer
from PyQt5.QtGui import QImage, QKeySequence
from PyQt5.QtWidgets import (
    QAction,
    QActionGroup,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from orbitviz._files import atomic_path
from orbitviz._vispy import SceneCanvas
from orbitviz._vispy.cameras import CameraModes
from orbitviz._vispy.picking import describe_pick, pick_object
from orbitviz.errors import OrbitvizError
from orbitviz.recipes import PreparedScene, file_kind, open_file
from orbitviz.recipes.keyframes import CameraRecorder
from orbitviz.recipes.registry import KERNEL_SUFFIXES, SHAPE_SUFFIXES
from orbitviz.scene import RulerLayer

from . import shortcuts
from .about_data import AboutDataDialog
from .app import presentation
from .layer_list import LayerList
from .raster_view import RasterView
from .time_bar import TimeBar
from .worker import Worker

MAX_RECENT = 8
RECORD_EVERY_MS = 250  # Camera > Record path: how often the view is checked for a change
RECORD_MAX_GAP_S = 2.0  # ... and the longest still a pause in the user's moves becomes


def _same_view(a, b) -> bool:
    """Two camera states that show the same picture (to a millionth of the distance)."""
    scale = max(float(a.distance_km), 1e-12)
    return (
        np.allclose(a.center_km, b.center_km, rtol=0, atol=1e-6 * scale)
        and np.allclose(
            [a.azimuth_deg, a.elevation_deg, a.fov_deg],
            [b.azimuth_deg, b.elevation_deg, b.fov_deg],
            rtol=0,
            atol=1e-6,
        )
        and abs(float(a.distance_km) - float(b.distance_km)) <= 1e-6 * scale
    )


def _patterns(suffixes) -> str:
    return " ".join(f"*{s}" for s in suffixes)


OPEN_FILTER = (
    f"Shapes and kernels ({_patterns(SHAPE_SUFFIXES + KERNEL_SUFFIXES)});;"
    f"Shape models ({_patterns(SHAPE_SUFFIXES)});;SPICE kernels ({_patterns(KERNEL_SUFFIXES)});;"
    "All files (*)"
)
SETTINGS_SCOPE = ("orbitviz", "viewer")
LOD_SETTLE_MS = 250  # full resolution again this long after the last wheel step


class ViewerWindow(QMainWindow):
    """Shows ``prepared`` (see :func:`orbitviz.recipes.prepare`).

    ``view_size`` (w, h) fixes the 3D view's size (screenshots, tests); ``settings`` defaults
    to the user's QSettings for orbitviz.
    """

    def __init__(
        self, prepared: PreparedScene, *, view_size=None, settings: QSettings | None = None
    ):
        super().__init__()
        self.settings = settings or QSettings(*SETTINGS_SCOPE)
        self.view_size = view_size
        self.worker = Worker(self)
        self.session_kernels: list = []
        self.canvas = self.cameras = self.prepared = self.view = None
        self.about_dialog = None
        self._dragging = False
        self.setAcceptDrops(True)
        self._build_central()
        self._build_layer_dock()
        self._build_status_bar()
        self._build_menus()
        self._lod_timer = QTimer(self, singleShot=True, interval=LOD_SETTLE_MS)
        self._lod_timer.timeout.connect(lambda: self._set_coarse(False))
        self._pick_timer = QTimer(self, singleShot=True, interval=30)
        self._pick_timer.timeout.connect(self._pick)
        self._pick_at = None
        self.ruler_on, self._ruler_start = False, None
        self.recorder = CameraRecorder(easing="linear")  # many close keys: no stop at each
        self._record_timer = QTimer(self, interval=RECORD_EVERY_MS)
        self._record_timer.timeout.connect(self.record_view)
        self._recorded_at = 0.0
        self.show_scene(prepared)
        if view_size is None:
            self.resize(1200, 800)
            self.restoreGeometry(self.settings.value("geometry", b""))
            self.restoreState(self.settings.value("window_state", b""))

    # -- layout -----------------------------------------------------------------------------
    def _build_central(self) -> None:
        central = QWidget()
        self._column = QVBoxLayout(central)
        self._column.setContentsMargins(0, 0, 0, 0)
        self._column.setSpacing(0)
        self.lighting_banner = QLabel()
        self.lighting_banner.setWordWrap(True)
        self.lighting_banner.setStyleSheet("background: #5a4a10; color: #ffe9a0; padding: 4px;")
        self._column.addWidget(self.lighting_banner)
        self.time_bar = TimeBar()
        self._column.addWidget(self.time_bar)
        self.setCentralWidget(central)

    def _build_layer_dock(self) -> None:
        self.layer_list = LayerList()
        scroll = QScrollArea()
        scroll.setWidget(self.layer_list)
        scroll.setWidgetResizable(True)
        self.layer_dock = QDockWidget("Layers", self)
        self.layer_dock.setObjectName("layers")
        self.layer_dock.setWidget(scroll)
        self.layer_dock.setMinimumWidth(300)  # name, swatch and opacity slider without scrolling
        self.addDockWidget(Qt.LeftDockWidgetArea, self.layer_dock)

    def _build_status_bar(self) -> None:
        self.pick_label = QLabel()
        self.camera_label = QLabel()
        self.statusBar().addWidget(self.pick_label, 1)
        self.progress_bar = QProgressBar(maximum=1000, textVisible=False, maximumWidth=200)
        self.progress_bar.hide()  # shown while a file opens on the worker
        self.statusBar().addPermanentWidget(self.progress_bar)
        self.statusBar().addPermanentWidget(self.camera_label)

    def _action(self, menu, name: str, text: str, slot, *, checkable=False) -> QAction:
        action = shortcuts.action(self, name, text, slot, checkable=checkable)
        menu.addAction(action)
        self.actions_by_name[name] = action
        return action

    def _build_menus(self) -> None:
        self.actions_by_name: dict[str, QAction] = {}
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._action(file_menu, "open", "&Open...", self.choose_file)
        self.recent_menu = file_menu.addMenu("Open &recent")
        self._action(file_menu, "save_image", "&Save image...", self.choose_image_path)
        file_menu.addSeparator()
        self._action(file_menu, "quit", "&Quit", self.close)
        view_menu = bar.addMenu("&View")
        self._action(view_menu, "play", "&Play / pause", lambda: self.time_bar.toggle())
        self._action(view_menu, "step_back", "Step &back", lambda: self._step(-1))
        self._action(view_menu, "step_forward", "Step &forward", lambda: self._step(+1))
        view_menu.addSeparator()
        self.layer_dock.toggleViewAction().setShortcut(QKeySequence(shortcuts.key("layers")))
        view_menu.addAction(self.layer_dock.toggleViewAction())
        view_menu.addSeparator()
        self._action(view_menu, "ruler", "&Ruler", self.set_ruler, checkable=True)
        camera_menu = bar.addMenu("&Camera")
        group = QActionGroup(self)
        for mode, text in (
            ("turntable", "&Turntable"),
            ("arcball", "&Arcball"),
            ("fly", "&Fly"),
            ("follow", "F&ollow the lander"),
        ):
            group.addAction(
                self._action(
                    camera_menu, mode, text, partial(self.set_camera_mode, mode), checkable=True
                )
            )
        camera_menu.addSeparator()
        self._action(camera_menu, "reset", "&Reset", lambda: self.cameras.reset())
        self.preset_menu = camera_menu.addMenu("&Presets")
        self.event_menu = camera_menu.addMenu("&Go to event")
        self._action(camera_menu, "next_event", "&Next event", lambda: self.go_to_event("next"))
        self._action(
            camera_menu, "previous_event", "Pre&vious event", lambda: self.go_to_event("previous")
        )
        camera_menu.addSeparator()
        self._action(camera_menu, "record_path", "Re&cord path", self.set_recording, checkable=True)
        self._action(camera_menu, "save_path", "&Save path...", self.choose_path_file)
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "shortcuts", "&Keyboard shortcuts", self.show_shortcuts)
        self._action(help_menu, "about_data", "About this &data...", self.show_about_data)
        self._show_recent()

    # -- scenes -----------------------------------------------------------------------------
    def show_scene(self, prepared: PreparedScene) -> None:
        """Replace what is shown by ``prepared`` (the old canvas is closed)."""
        old_size = None
        if self.canvas is not None:
            old_size = self.canvas.size
            self.time_bar.clock.pause()
            self.cameras.close()
            self._close_view()
        self.prepared, scene = prepared, prepared.scene
        size = self.view_size or old_size or (960, 640)
        if presentation() == "raster":
            self.canvas = SceneCanvas(scene, size=size, time_text=prepared.utc)
            self.view = RasterView(self.canvas, self)
        else:
            self.canvas = SceneCanvas(scene, size=size, parent=self, time_text=prepared.utc)
            self.view = self.canvas.native
        if self.view_size is not None:
            self.view.setFixedSize(*self.view_size)
        else:
            self.view.setMinimumSize(160, 120)
        self._column.insertWidget(1, self.view, 1)
        events = self.canvas.canvas.events
        events.mouse_move.connect(self._on_mouse_move)
        events.mouse_release.connect(self._on_mouse_release)
        events.mouse_wheel.connect(self._on_mouse_wheel)
        self.cameras = CameraModes(self.canvas)
        self.actions_by_name["turntable"].setChecked(True)
        self.actions_by_name["follow"].setEnabled(self.cameras.can_follow)
        self.camera_label.setText("camera: turntable")
        self._show_presets(scene)
        self.layer_list.set_scene(scene)
        self.time_bar.set_clock(scene.clock, prepared.utc)
        self.time_bar.set_events(scene.timeline)
        self._show_events(scene)
        mesh = prepared.mesh_layer
        note = mesh.lighting_note if mesh is not None and mesh.lighting_approximate else ""
        self.lighting_banner.setText(note)
        self.lighting_banner.setVisible(bool(note))
        self.setWindowTitle(f"{scene.title or prepared.recipe.title} - orbitviz")

    def _step(self, sign: int) -> None:
        slider = self.time_bar.slider
        slider.setValue(slider.value() + sign * max(1, slider.maximum() // 100))

    def set_camera_mode(self, mode: str) -> None:
        self.cameras.set_mode(mode)
        self._camera_mode_shown(mode)

    def _camera_mode_shown(self, mode: str, preset: str = "") -> None:
        self.actions_by_name[mode].setChecked(True)
        self.camera_label.setText(f"camera: {mode}" + (f" ({preset})" if preset else ""))

    def _show_presets(self, scene) -> None:
        """Camera > Presets: the scene's own views, Ctrl+1, Ctrl+2, ... in order."""
        self.preset_menu.clear()
        for i, preset in enumerate(scene.camera_presets.values()):
            action = shortcuts.preset_action(
                self,
                i,
                preset.title,
                f"--camera {preset.name}",
                partial(self.set_preset, preset.name),
            )
            self.preset_menu.addAction(action)
        self.preset_menu.setEnabled(bool(scene.camera_presets))

    def _show_events(self, scene) -> None:
        """Camera > Go to event: the scene's events in time order (the main one marked)."""
        self.event_menu.clear()
        for event in scene.timeline:
            text = f"{self.prepared.utc(event.et)[:19]}  {event.title}"
            action = self.event_menu.addAction(text + ("  \u2605" if event.main else ""))
            action.triggered.connect(partial(self.go_to_event, event.name))
        self.event_menu.setEnabled(len(scene.timeline) > 0)

    def go_to_event(self, which: str) -> None:
        """The clock to an event by name, or to the ``"next"`` / ``"previous"`` one."""
        event = self.prepared.scene.go_to_event(which)
        if event is not None:
            self.statusBar().showMessage(f"{event.title} ({self.prepared.utc(event.et)})", 5000)

    def set_preset(self, name: str) -> None:
        """Show the scene's camera preset ``name`` (Camera > Presets, ``--camera NAME``)."""
        self._camera_mode_shown(self.cameras.show_preset(name), name)

    def set_camera(self, spec) -> None:
        """Start from a ``--camera`` spec: a preset, turntable, follow, home or a TOML file."""
        if spec in self.prepared.scene.camera_presets:
            self.set_preset(spec)
        elif spec is not None:
            self._camera_mode_shown(self.cameras.show_spec(spec))

    # -- level of detail and picking --------------------------------------------------------
    def _set_coarse(self, coarse: bool) -> None:
        if self.canvas is not None:
            self.canvas.set_coarse(coarse)

    def _on_mouse_move(self, event) -> None:
        if event.buttons:
            if not self._dragging:
                self._dragging = True
                self._set_coarse(True)
            return
        self._pick_at = tuple(event.pos[:2])
        if not self._pick_timer.isActive():
            self._pick_timer.start()

    def _on_mouse_release(self, event) -> None:
        if self._dragging:
            self._dragging = False
            self._set_coarse(False)
            return
        credit = self.canvas.overlay_boxes.get("credit")
        x, y = event.pos[:2]
        if credit is not None and credit.x0 <= x <= credit.x1 and credit.y0 <= y <= credit.y1:
            self.show_about_data()
            return
        et = self.canvas.time_at(x, y)  # a click on the light curve: the clock goes there
        if et is not None:
            self.prepared.scene.clock.et = et
            return
        if self.ruler_on:
            self.ruler_pick(x, y)
            return
        self._pick_at = tuple(event.pos[:2])  # a click: say what is there now
        self._pick()

    def _on_mouse_wheel(self, event) -> None:
        self._set_coarse(True)
        self._lod_timer.start()

    def _pick(self) -> None:
        if self._pick_at is None:
            self.pick_label.setText("")
            return
        text = describe_pick(
            self.canvas, self.prepared.mesh_layer, *self._pick_at, self.prepared.utc
        )
        self.pick_label.setText(text)

    # -- recording a camera path -------------------------------------------------------------
    def set_recording(self, on: bool) -> None:
        """Camera > Record path (Ctrl+R): while on, the view is taken as a key each time it has
        changed (checked every RECORD_EVERY_MS), timed as the user moved (pauses held at most
        RECORD_MAX_GAP_S); on again starts a new path. Camera > Save path... writes it."""
        self.actions_by_name["record_path"].setChecked(bool(on))
        if on:
            self.recorder.clear()
            self.record_view()
            self._record_timer.start()
            self.statusBar().showMessage("Recording the camera path: move the view")
        else:
            self._record_timer.stop()
            self.record_view()
            n = len(self.recorder.keys)
            last = self.recorder.keys[-1][0] if n else 0.0
            self.statusBar().showMessage(
                f"Recorded {n} views over {last:.1f} s: Camera > Save path... writes them"
            )

    def record_view(self, now_s: float | None = None) -> bool:
        """Take the view as it is now as the next key if it changed since the last one (the
        first one always); ``now_s``: the time of the call (default: the monotonic clock).
        Returns whether a key was added."""
        now = time.monotonic() if now_s is None else float(now_s)
        state = self.canvas.camera_state()
        last = self.recorder.last
        if last is not None and _same_view(last, state):
            return False
        gap = min(max(now - self._recorded_at, 1e-3), RECORD_MAX_GAP_S)
        self.recorder.add(state, after_s=None if last is None else gap)
        self._recorded_at = now
        return True

    def save_camera_path(self, path: str | Path) -> Path:
        """Write the recorded path as TOML keyframes (``orbitviz render --camera FILE``)."""
        return self.recorder.save(path)

    def choose_path_file(self) -> None:
        if self.actions_by_name["record_path"].isChecked():
            self.set_recording(False)
        if not self.recorder.keys:
            QMessageBox.information(
                self, "Save path", "Record a path first (Camera > Record path)."
            )
            return
        start = str(Path(self.settings.value("last_dir", str(Path.home()))) / "camera.toml")
        path, _ = QFileDialog.getSaveFileName(self, "Save the camera path", start, "TOML (*.toml)")
        if not path:
            return
        try:
            saved = self.save_camera_path(path)
        except (OrbitvizError, OSError) as exc:
            QMessageBox.warning(self, "Save path", str(exc))
            return
        self.statusBar().showMessage(
            f"Saved {len(self.recorder.keys)} views to {saved}: orbitviz render ... --camera {saved}"
        )

    # -- the ruler --------------------------------------------------------------------------
    RULER = "ruler"

    def set_ruler(self, on: bool) -> None:
        """View > Ruler (R): clicks pick two bodies or markers, and a line between them shows
        their distance, following the clock. Off: the ruler is removed."""
        self.ruler_on, self._ruler_start = bool(on), None
        self.actions_by_name["ruler"].setChecked(self.ruler_on)
        if self.ruler_on:
            self.statusBar().showMessage("Ruler: click a body or a marker")
        else:
            self._remove_ruler()
            self.statusBar().clearMessage()

    def _remove_ruler(self) -> None:
        scene = self.prepared.scene if self.prepared is not None else None
        if scene is not None and self.RULER in scene.layers:
            scene.layers.remove(self.RULER)

    def ruler_pick(self, x_px: float, y_px: float) -> RulerLayer | None:
        """A click in ruler mode at view pixel (x, y): the first object, then the second (the
        ruler is drawn), then a new first one. Returns the ruler when one was drawn."""
        end = pick_object(self.canvas, x_px, y_px)
        if end is None:
            self.statusBar().showMessage("Ruler: no body or marker there; click one")
            return None
        if self._ruler_start is None or self._ruler_start == end:
            self._remove_ruler()
            self._ruler_start = end
            self.statusBar().showMessage(f"Ruler: from {end.name}; click a second object")
            return None
        start, self._ruler_start = self._ruler_start, None
        self._remove_ruler()
        ruler = self.prepared.scene.add(RulerLayer(self.RULER, start, end))
        self.statusBar().showMessage(ruler.text_at(self.prepared.scene.clock.et))
        return ruler

    # -- files ------------------------------------------------------------------------------
    def choose_file(self) -> None:
        start = self.settings.value("last_dir", str(Path.home()))
        path, _ = QFileDialog.getOpenFileName(
            self, "Open a shape model or SPICE kernel", start, OPEN_FILTER
        )
        if path:
            self.open_path(path)

    def open_path(self, path: str | Path) -> None:
        """Open a shape (replaces the scene) or a kernel (loaded, scene rebuilt) on the worker;
        on failure a dialog says why and the current scene stays."""
        path = str(path)
        self.statusBar().showMessage(f"opening {path} ...")
        recipe, session = self.prepared.recipe, self.session_kernels
        self.progress_bar.setValue(0)
        self.progress_bar.show()
        self.worker.submit(
            lambda progress: open_file(path, recipe, session, progress),
            partial(self._opened, path),
            partial(self._open_failed, path),
            on_progress=partial(self._open_progress, path),
        )

    def _open_progress(self, path: str, what: str, fraction: float) -> None:
        """Say which step of opening ``path`` runs (the window keeps answering meanwhile)."""
        self.statusBar().showMessage(f"opening {path}: {what} ...")
        self.progress_bar.setValue(round(1000 * fraction))

    def _opened(self, path: str, prepared: PreparedScene) -> None:
        self.progress_bar.hide()
        self.show_scene(prepared)
        self._remember(path)
        added = f": added {', '.join(prepared.added_tracks)}" if prepared.added_tracks else ""
        self.statusBar().showMessage(f"opened {path}{added}", 8000)

    def _open_failed(self, path: str, message: str) -> None:
        self.progress_bar.hide()
        self.statusBar().showMessage(f"could not open {path}", 5000)
        QMessageBox.critical(self, "Cannot open file", message)

    def _remember(self, path: str) -> None:
        recent = [p for p in self.recent_files() if p != path]
        self.settings.setValue("recent_files", [path] + recent[: MAX_RECENT - 1])
        self.settings.setValue("last_dir", str(Path(path).parent))
        self._show_recent()

    def recent_files(self) -> list[str]:
        value = self.settings.value("recent_files", [])
        return [value] if isinstance(value, str) else list(value or [])

    def _show_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.recent_files():
            self.recent_menu.addAction(path, partial(self.open_path, path))
        self.recent_menu.setEnabled(bool(self.recent_files()))

    def dragEnterEvent(self, event) -> None:
        if self._dropped_paths(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        for path in self._dropped_paths(event.mimeData()):
            self.open_path(path)
        event.acceptProposedAction()

    @staticmethod
    def _dropped_paths(mime) -> list[str]:
        paths = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]
        known = []
        for path in paths:
            try:
                file_kind(path)
            except OrbitvizError:  # not a shape or kernel: the drop is refused
                continue
            known.append(path)
        return known

    # -- images -----------------------------------------------------------------------------
    def grab_view(self) -> QImage:
        """The 3D view as it is on screen."""
        if isinstance(self.view, RasterView):
            return self.view.grab_image()
        return self.view.grabFramebuffer()

    def save_image(self, path: str | Path) -> None:
        """Write the view to ``path`` (format by suffix) atomically: a failed save leaves no
        half picture, and an older picture under that name stays as it was."""
        image = self.grab_view()
        try:
            with atomic_path(path) as tmp:
                if not image.save(str(tmp)):
                    raise OSError("Qt could not encode or write the image")
        except OSError:
            raise OrbitvizError(
                f"cannot write the image {path}: check the folder exists and is "
                "writable, and use .png or .jpg"
            ) from None

    def choose_image_path(self) -> None:
        start = str(Path(self.settings.value("last_dir", str(Path.home()))) / "orbitviz.png")
        path, _ = QFileDialog.getSaveFileName(
            self, "Save image", start, "PNG image (*.png);;JPEG image (*.jpg)"
        )
        if not path:
            return
        try:
            self.save_image(path)
        except OrbitvizError as exc:
            QMessageBox.critical(self, "Cannot save image", str(exc))
        else:
            self.statusBar().showMessage(f"saved {path}", 5000)

    # -- help and closing -------------------------------------------------------------------
    def _close_view(self) -> None:
        self._column.removeWidget(self.view)
        if isinstance(self.view, RasterView):
            self.view.close_view()
            self.view.deleteLater()
        self.canvas.close()
        self.view = None

    def show_about_data(self) -> AboutDataDialog:
        """The scene's credits and notes in full (the view shows them cut to one line)."""
        if self.about_dialog is not None:
            self.about_dialog.close()
        scene = self.prepared.scene
        self.about_dialog = AboutDataDialog(self, scene.title, scene.credits, self.canvas.notes())
        self.about_dialog.open()
        return self.about_dialog

    def show_shortcuts(self) -> None:
        QMessageBox.information(self, "Keyboard shortcuts", shortcuts.shortcuts_html())

    def closeEvent(self, event) -> None:
        if self.view_size is None:
            self.settings.setValue("geometry", self.saveGeometry())
            self.settings.setValue("window_state", self.saveState())
        if self.time_bar.clock is not None:
            self.time_bar.clock.pause()
        self.worker.wait()
        if self.view is not None:  # a second close (e.g. by a test harness) has nothing to do
            self.cameras.close()
            self._close_view()
            self.time_bar.release()  # the scene may outlive the window (a notebook, a test)
            self.layer_list.release()
        for kernels in self.session_kernels:
            kernels.unload()
        self.session_kernels.clear()
        super().closeEvent(event)
