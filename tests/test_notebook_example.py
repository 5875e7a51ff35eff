"""The example notebook, run top to bottom in a real Jupyter kernel (nbclient), and the viewer
driven in such a kernel by the messages the browser sends."""

from __future__ import annotations

import base64
import io
import json
import os
from pathlib import Path

import numpy as np
import pytest
from render_support import gl_backend  # noqa: F401 - fixture

nbformat = pytest.importorskip(
    "nbformat", reason="the notebook extra: pip install -e '.[notebook]'"
)
nbclient = pytest.importorskip("nbclient", reason="the notebook extra")
pytest.importorskip("jupyter_rfb", reason="the notebook extra")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "orbitviz_notebook.ipynb"
WIDGET = "application/vnd.jupyter.widget-view+json"


def execute(notebook, folder: Path, monkeypatch):
    """Run ``notebook`` in a fresh python3 kernel working in ``folder``, importing this
    checkout's orbitviz; a cell that raises fails the test (CellExecutionError)."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    for name in ("DISPLAY", "WAYLAND_DISPLAY"):  # as in a container: no display at all
        monkeypatch.delenv(name, raising=False)
    client = nbclient.NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=600,
        resources={"metadata": {"path": str(folder)}},
    )
    client.execute()
    return notebook


def outputs(cell) -> dict:
    """The cell's outputs by mime type (and ``stdout``)."""
    found: dict = {}
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream":
            found.setdefault(output["name"], "")
            found[output["name"]] += output["text"]
        for mime, value in output.get("data", {}).items():
            found.setdefault(mime, value)
    return found


def picture(b64: str) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(base64.b64decode(b64))).convert("RGB"))


def cell_with(notebook, text: str):
    return next(c for c in notebook.cells if c.cell_type == "code" and text in c.source)


def test_the_example_notebook_runs_and_makes_its_pictures(gl_backend, tmp_path, monkeypatch):  # noqa: F811
    notebook = execute(nbformat.read(EXAMPLE, as_version=4), tmp_path, monkeypatch)
    report = outputs(cell_with(notebook, "orbitviz.flyby("))
    assert "closest approach  2029-04-13" in report["stdout"]
    plot = picture(outputs(cell_with(notebook, "report.figure()"))["image/png"])
    assert plot.shape[0] > 200 and plot.std() > 10
    for text, size in (
        ("orbitviz.show(report", (640, 360)),
        ('orbitviz.show("philae"', (640, 360)),
    ):
        shown = outputs(cell_with(notebook, text))
        assert WIDGET in shown, f"{text}: no widget, so show() did not see the notebook"
        still = picture(shown["image/png"])  # what a reader of the saved notebook sees
        assert still.shape == (size[1], size[0], 3) and still.std() > 5
    snapshot = picture(outputs(cell_with(notebook, "view.snapshot()"))["image/png"])
    assert snapshot.shape == (360, 640, 3)
    gif = outputs(cell_with(notebook, "render_video("))["image/gif"]
    assert base64.b64decode(gif)[:6] in (b"GIF87a", b"GIF89a")
    assert (tmp_path / "philae.gif").stat().st_size > 10_000


KERNEL_DRIVE = """
import json, time
import numpy as np
import orbitviz

viewer = orbitviz.show("67p-4k.obj", size=(240, 136))
view = viewer.view

def send(**event):  # the browser's message, through the widget's comm handler
    event.setdefault("modifiers", [])
    view._rfb_handle_msg(view, event, [])

def change(a, b):
    return float(np.abs(a.astype(int) - b).mean())

still = view.get_frame()
send(type="pointer_down", x=100, y=68, button=1, buttons=[1])
time.sleep(0.02)
send(type="pointer_move", x=140, y=48, button=1, buttons=[1])
dragging = view.get_frame()
send(type="pointer_up", x=140, y=48, button=1, buttons=[])
turned = view.get_frame()
before = view.canvas.camera_state().distance_km
send(type="wheel", x=120, y=68, dx=0.0, dy=-250.0, buttons=[])
zooming = view.get_frame()
print(json.dumps({
    "notebook": orbitviz.display.in_notebook(),
    "dragging": dragging.shape[:2], "turned": change(turned, still),
    "zooming": zooming.shape[:2],
    "closer": view.canvas.camera_state().distance_km / before,
}))
"""
SETTLED = """
import asyncio
await asyncio.sleep(0.5)  # the wheel's level of detail ends on the kernel's event loop
zoomed = view.get_frame()
print(json.dumps({"shape": zoomed.shape[:2], "zoomed": change(zoomed, turned)}))
"""


def test_the_viewer_follows_the_browsers_events_in_a_kernel(gl_backend, tmp_path, monkeypatch):  # noqa: F811
    v4 = nbformat.v4
    notebook = v4.new_notebook(cells=[v4.new_code_cell(KERNEL_DRIVE), v4.new_code_cell(SETTLED)])
    notebook = execute(notebook, tmp_path, monkeypatch)
    seen = json.loads(outputs(notebook.cells[0])["stdout"].strip().splitlines()[-1])
    assert seen["notebook"] is True
    assert seen["dragging"] == [68, 120]  # half resolution while the camera moves
    assert seen["turned"] > 1.0  # the user sees the body turned
    assert seen["zooming"] == [68, 120] and seen["closer"] < 0.8
    settled = json.loads(outputs(notebook.cells[1])["stdout"].strip().splitlines()[-1])
    assert settled["shape"] == [136, 240]  # full resolution once the wheel has stopped
    assert settled["zoomed"] > 1.0
