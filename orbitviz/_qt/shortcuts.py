"""Every keyboard shortcut and mouse gesture of the window, in one table: the window's actions
are made here with their keys, and Help > Keyboard shortcuts lists it, so the two never
disagree."""

from __future__ import annotations

from html import escape

from PyQt5.QtGui import QKeySequence
from PyQt5.QtWidgets import QAction

KEYS = {
    "open": ("Ctrl+O", "Open a shape model (OBJ, PLY, DSK), SPK, CK or meta-kernel"),
    "save_image": ("Ctrl+S", "Save the 3D view as an image"),
    "quit": ("Ctrl+Q", "Quit"),
    "play": ("Space", "Play / pause"),
    "step_back": ("[", "Step the time slider back"),
    "step_forward": ("]", "Step the time slider forward"),
    "turntable": ("1", "Turntable camera (z up)"),
    "arcball": ("2", "Arcball camera (free rotation)"),
    "fly": ("3", "Fly camera"),
    "follow": ("4", "Follow the lander (or the scene's moving object)"),
    "reset": ("Home", "Reset the camera"),
    "next_event": ("N", "Go to the next event (closest approach, touchdown, transit ...)"),
    "previous_event": ("P", "Go to the previous event"),
    "layers": ("Ctrl+L", "Show / hide the layer list"),
    "ruler": ("R", "Ruler: click two bodies or markers to measure their distance (R again: off)"),
    "record_path": ("Ctrl+R", "Record the camera path (again: stop)"),
    "save_path": (
        "Ctrl+Shift+S",
        "Save the recorded camera path as TOML keyframes (render reads them)",
    ),
    "shortcuts": ("F1", "This list"),
    "about_data": ("Ctrl+I", "About this data: the full credits and notes of the scene"),
}

PRESET_KEYS = tuple(f"Ctrl+{i}" for i in range(1, 10))
"""The keys of the scene's camera presets, in the order of Camera > Presets."""

GESTURES = (
    ("Left drag", "Rotate (turntable, arcball); look around (fly)"),
    ("Right drag, wheel", "Zoom"),
    ("Shift + left drag", "Pan"),
    ("W A S D / F C", "Fly: forward, left, back, right / up, down"),
    ("I K J L Q E", "Fly: pitch, yaw, roll"),
    ("Mouse over the shape", "Latitude, longitude, radius and range in the status bar"),
    ("Drop a file", "Open it (shapes, SPKs, meta-kernels)"),
    (f"{PRESET_KEYS[0]} ... {PRESET_KEYS[-1]}", "The scene's camera presets (Camera > Presets)"),
    ("Click the credits line", "About this data"),
)


def key(action: str) -> str:
    return KEYS[action][0]


def action(parent, name: str, text: str, slot, *, checkable: bool = False) -> QAction:
    """The QAction ``name`` of the table: its key, its description as tooltip, ``slot`` run."""
    made = QAction(text, parent, checkable=checkable)
    made.setShortcut(QKeySequence(key(name)))
    made.setToolTip(KEYS[name][1])
    made.triggered.connect(slot)
    return made


def preset_action(parent, index: int, text: str, tip: str, slot) -> QAction:
    """The QAction of the scene's ``index``-th (0-based) camera preset: Ctrl+1, Ctrl+2, ..."""
    made = QAction(text, parent)
    if index < len(PRESET_KEYS):
        made.setShortcut(QKeySequence(PRESET_KEYS[index]))
    made.setToolTip(tip)
    made.triggered.connect(slot)
    return made


def shortcuts_html() -> str:
    rows = [(k, d) for k, d in KEYS.values()] + list(GESTURES)
    body = "".join(
        f"<tr><td><b>{escape(k)}</b>&nbsp;&nbsp;</td><td>{escape(d)}</td></tr>" for k, d in rows
    )
    return f"<table>{body}</table>"
