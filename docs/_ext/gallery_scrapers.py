"""The gallery's pictures: what sphinx-gallery shows under each cell of an example.

orbitviz's examples draw their figures outside pyplot (``report.plot("flyby.png")`` writes a
file) and build scenes that only a window or a video would show, so sphinx-gallery's
matplotlib scraper sees nothing. Two scrapers, as napari's and VisPy's own:

- :class:`OutputScraper`: the pictures a cell wrote into the example's folder, shown where
  they were written: PNG/JPEG/SVG/GIF as they are; an MP4 as its middle frame, with a link to
  the video.
- :class:`SceneScraper`: a 3D frame of every :class:`orbitviz.scene.Scene` a cell left in the
  example's globals, rendered offscreen by VisPy (EGL, else OSMesa or Xvfb) as ``orbitviz view
  ... --screenshot`` renders it: the scene prepared as the viewer prepares it, its home
  camera, the clock at its start, labels and overlays laid out.

Each scraper is ``scraper(block, block_vars, gallery_conf) -> rst``, sphinx-gallery's
interface; ``image_path_iterator`` names the files (the first picture becomes the thumbnail).
"""

from __future__ import annotations

import shutil
from pathlib import Path, PurePosixPath

from sphinx_gallery.scrapers import figure_rst

PICTURES = (".png", ".jpg", ".jpeg", ".svg", ".gif")
VIDEOS = (".mp4",)
FRAME_SIZE = (960, 540)
"""The 3D frames' size in pixels: a gallery page's width at 16:9."""


def _outputs_in(folder: Path) -> dict[Path, float]:
    return {
        path: path.stat().st_mtime_ns
        for path in folder.rglob("*")
        if path.is_file() and path.suffix.lower() in PICTURES + VIDEOS
    }


class OutputScraper:
    """Pictures and videos a cell of an example wrote into ``folder`` (the example's own
    folder, where sphinx-gallery runs it). :meth:`reset` (a ``reset_modules`` entry) notes
    what is there before each example, so only what the example writes is shown."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._seen: dict[Path, float] = {}

    def reset(self, gallery_conf, fname, when=None) -> None:
        self._seen = _outputs_in(self.folder)

    def __call__(self, block, block_vars, gallery_conf) -> str:
        now = _outputs_in(self.folder)
        new = sorted(
            (path for path, stamp in now.items() if self._seen.get(path) != stamp),
            key=lambda path: (now[path], path.name),
        )
        self._seen = now
        names = block_vars["image_path_iterator"]
        shown, links = [], []
        for path in new:
            target = Path(next(names))
            if path.suffix.lower() in VIDEOS:
                _middle_frame(path, target)
                video = target.with_suffix(path.suffix.lower())
                shutil.copy2(path, video)
                links.append((path.name, video))
            else:
                target = target.with_suffix(path.suffix.lower())
                shutil.copy2(path, target)
            shown.append(target)
        rst = figure_rst(shown, gallery_conf["src_dir"]) if shown else ""
        for name, video in links:
            relative = PurePosixPath(video.relative_to(gallery_conf["src_dir"]))
            rst += f"\n\nThe video: :download:`{name} </{relative}>`\n\n"
        return rst

    def __repr__(self) -> str:  # sphinx compares configurations by their repr
        return "OutputScraper"


def _middle_frame(video: Path, png: Path) -> None:
    """The middle frame of ``video`` as ``png`` (imageio's ffmpeg reader)."""
    import imageio

    reader = imageio.get_reader(video)
    try:
        frame = reader.get_data(max(reader.count_frames() // 2, 0))
    finally:
        reader.close()
    imageio.imwrite(png, frame)


class SceneScraper:
    """A 3D frame of every new :class:`orbitviz.scene.Scene` in the example's globals."""

    def __init__(self) -> None:
        self._seen: set[int] = set()

    def __call__(self, block, block_vars, gallery_conf) -> str:
        from orbitviz.scene import Scene

        scenes = [
            value
            for value in block_vars["example_globals"].values()
            if isinstance(value, Scene) and id(value) not in self._seen
        ]
        if not scenes:
            return ""
        names = block_vars["image_path_iterator"]
        shown = []
        for scene in scenes:
            self._seen.add(id(scene))
            target = Path(next(names))
            render_frame(scene, target)
            shown.append(target)
        return figure_rst(shown, gallery_conf["src_dir"])

    def __repr__(self) -> str:
        return "SceneScraper"


def render_frame(scene, path: Path, size=FRAME_SIZE) -> Path:
    """``scene`` at its first time, from its home camera, as a PNG at ``path`` (VisPy
    offscreen, the same canvas as the window's and the videos')."""
    from PIL import Image

    from orbitviz._vispy import SceneCanvas
    from orbitviz.recipes import as_recipe, prepare
    from orbitviz.render import select_backend

    select_backend()
    prepared = prepare(as_recipe(scene))
    canvas = SceneCanvas(prepared.scene, size=size, time_text=prepared.utc)
    try:
        Image.fromarray(canvas.render()).save(path)
    finally:
        canvas.close()
    return path
