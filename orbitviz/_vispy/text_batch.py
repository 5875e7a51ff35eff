"""Every screen-space text of a canvas in one VisPy visual: one draw a frame for the title,
readouts, credits, scale bar, axes letters, legend and all labels, whatever their sizes,
colours and anchors.

VisPy's ``Text`` takes one font size and one anchor per visual, so each overlay had a visual
of its own (and the labels one per font size); on a software renderer every visual costs
~0.5 ms a frame to draw whatever it holds. Here each owner keeps a :class:`TextGroup` of the
canvas's :class:`TextBatch` and sets its texts; the batch lays out glyphs as VisPy's Text does
(``_text_to_vbo``: same font, same atlas, same SDF shading) with the size and colour per
vertex, re-laying out only texts it has not seen before.
"""

from __future__ import annotations

import numpy as np
from vispy import gloo
from vispy.scene.visuals import create_visual_node
from vispy.visuals import Visual

from . import compat

FACE = "OpenSans"
GLYPH_CACHE = 4096  # laid-out texts kept (the time readout is new every frame)

VERTEX = """
uniform vec2 u_px_scale;    // one canvas pixel in normalised device coordinates (y flipped)
uniform float u_px_per_pt;
attribute vec2 a_position;  // glyph corner around its anchor, in ems
attribute vec2 a_texcoord;
attribute vec3 a_pos;       // the text's anchor, canvas pixels
attribute vec4 a_color;
attribute float a_size_pt;
varying vec2 v_texcoord;
varying vec4 v_color;
varying float v_npix;

void main(void) {
    vec4 pos = $transform(vec4(a_pos, 1.0));
    float npix = a_size_pt * u_px_per_pt;
    vec2 offset = npix * u_px_scale * a_position;
    gl_Position = vec4(pos.xy + offset * pos.w, pos.z, pos.w);
    v_texcoord = a_texcoord;
    v_color = a_color;
    v_npix = npix;
}
"""

FRAGMENT = """
#extension GL_OES_standard_derivatives : enable
#include "misc/spatial-filters.frag"
const float HALF_SQRT1_2 = 0.353553390593273762200422181052424520;

uniform sampler2D u_font_atlas;
uniform vec2 u_font_atlas_shape;
varying vec2 v_texcoord;
varying vec4 v_color;
varying float v_npix;

float cover(float distance, float width) {  // the glyph's signed distance field -> coverage
    return smoothstep(0.5 - width, 0.5 + width, distance);
}

void main(void) {
    float distance = %(distance)s;
    float width = 0.5 * fwidth(distance);
    float alpha = cover(distance, width);
    if (v_npix < 30.0) {  // small: four more samples around the pixel, at half weight
        vec2 duv = HALF_SQRT1_2 * (dFdx(v_texcoord) + dFdy(v_texcoord));
        vec4 box = vec4(v_texcoord - duv, v_texcoord + duv);
        float more = cover(texture2D(u_font_atlas, box.xy).r, width)
                   + cover(texture2D(u_font_atlas, box.zw).r, width)
                   + cover(texture2D(u_font_atlas, box.xw).r, width)
                   + cover(texture2D(u_font_atlas, box.zy).r, width);
        alpha = (alpha + 0.5 * more) / 3.0;
    }
    if (alpha <= 0.0) discard;
    gl_FragColor = vec4(v_color.rgb, v_color.a * alpha);
}
"""

LARGE_PX = 50.0
"""Texts this large (pixels) or larger are read from the atlas with Catmull-Rom smoothing (16
reads a pixel), as VisPy's Text does; smaller ones with one bilinear read."""
SHARP = FRAGMENT % {"distance": "texture2D(u_font_atlas, v_texcoord).r"}
SMOOTH = FRAGMENT % {
    "distance": f"v_npix >= {LARGE_PX:.1f}"
    " ? CatRom2D(u_font_atlas, u_font_atlas_shape, v_texcoord).r"
    " : texture2D(u_font_atlas, v_texcoord).r"
}
"""The two fragment shaders: SMOOTH only while some text is large. A software renderer runs
both sides of a per-pixel choice, so the Catmull-Rom reads cost every glyph pixel ~3 ms a 720p
frame (llvmpipe) even where no text is large."""

VERTEX_TYPE = np.dtype(
    [
        ("a_position", np.float32, 2),
        ("a_texcoord", np.float32, 2),
        ("a_pos", np.float32, 3),
        ("a_color", np.float32, 4),
        ("a_size_pt", np.float32),
    ]
)
QUAD = np.array([0, 1, 2, 0, 2, 3], np.uint32)


class TextGroup:
    """The texts one overlay owns: ``set(texts, pos, size_pt, color)`` replaces them all
    (``pos``: (n, 2) anchors in canvas pixels; ``size_pt`` and ``color``: one for all or one
    per text); ``visible`` shows or hides them. Unchanged calls cost a comparison."""

    def __init__(self, batch: BatchTextVisual, anchor_x: str, anchor_y: str):
        self._batch = batch
        self.anchor_x, self.anchor_y = anchor_x, anchor_y
        self.texts: list[str] = []
        self.pos = np.zeros((0, 2))
        self.sizes = np.zeros(0)
        self.colors = np.zeros((0, 4))
        self._visible = True

    def set(self, texts, pos, size_pt, color=(1.0, 1.0, 1.0, 1.0)) -> None:
        texts = [str(text) for text in texts]
        n = len(texts)
        pos = np.asarray(pos, dtype=float).reshape(n, 2)
        sizes = np.broadcast_to(np.asarray(size_pt, dtype=float), (n,))
        colors = np.asarray(color, dtype=float)
        colors = np.broadcast_to(colors.reshape(-1, colors.shape[-1]), (n, colors.shape[-1]))
        if colors.shape[1] == 3:
            colors = np.c_[colors, np.ones(n)]
        if (
            texts == self.texts
            and np.array_equal(pos, self.pos)
            and np.array_equal(sizes, self.sizes)
            and np.array_equal(colors, self.colors)
        ):
            return
        self.texts, self.pos, self.sizes, self.colors = texts, pos, sizes.copy(), colors.copy()
        self._batch.changed()

    @property
    def visible(self) -> bool:
        return self._visible

    @visible.setter
    def visible(self, value: bool) -> None:
        if bool(value) != self._visible:
            self._visible = bool(value)
            self._batch.changed()


class BatchTextVisual(Visual):
    """The glyphs of every :class:`TextGroup` made by :meth:`group`, in one draw."""

    def __init__(self, font_manager):
        Visual.__init__(self, vcode=VERTEX, fcode=SHARP)
        self._smooth = False
        self._font = font_manager.get_font(FACE, False, False)
        self._groups: list[TextGroup] = []
        self._quads: dict[tuple[str, str, str], np.ndarray] = {}
        self._vertices = gloo.VertexBuffer(np.zeros(4, VERTEX_TYPE))
        self._indices = gloo.IndexBuffer(QUAD.copy())
        self._count = self._indexed = 0
        self._largest_pt = 0.0
        self._dirty = True
        self.shared_program.bind(self._vertices)
        compat.set_indexed_draw(self, "triangles", self._indices)
        self.set_gl_state("translucent", depth_test=False)

    def group(self, anchor_x: str = "left", anchor_y: str = "center") -> TextGroup:
        group = TextGroup(self, anchor_x, anchor_y)
        self._groups.append(group)
        return group

    def changed(self) -> None:
        self._dirty = True
        self.update()

    def _layout(self, text: str, anchor_x: str, anchor_y: str) -> np.ndarray:
        """``text``'s glyph quads around its anchor (VisPy's own layout, in ems)."""
        key = (text, anchor_x, anchor_y)
        quads = self._quads.get(key)
        if quads is None:
            if len(self._quads) >= GLYPH_CACHE:
                self._quads.clear()
            quads = self._quads[key] = compat.text_quads(text, self._font, anchor_x, anchor_y)
        return quads

    def _rebuild(self) -> None:
        parts = []
        for group in self._groups:
            if not group.visible:
                continue
            for text, (x, y), size, color in zip(group.texts, group.pos, group.sizes, group.colors):
                quads = self._layout(text, group.anchor_x, group.anchor_y)
                if len(quads):
                    parts.append((quads, (x, y, 0.0), size, color))
        self._count = sum(len(quads) for quads, *_ in parts) // 4
        self._largest_pt = max((size for _, _, size, _ in parts), default=0.0)
        self._dirty = False
        if not self._count:
            return
        data = np.empty(4 * self._count, VERTEX_TYPE)
        start = 0
        for quads, anchor, size, color in parts:
            stop = start + len(quads)
            data["a_position"][start:stop] = quads["a_position"]
            data["a_texcoord"][start:stop] = quads["a_texcoord"]
            data["a_pos"][start:stop] = anchor
            data["a_color"][start:stop] = color
            data["a_size_pt"][start:stop] = size
            start = stop
        self._vertices.set_data(data)
        if self._count != self._indexed:  # the same number of glyphs: the same indices
            indices = QUAD + 4 * np.arange(self._count, dtype=np.uint32)[:, None]
            self._indices.set_data(indices.ravel())
            self._indexed = self._count

    def _prepare_draw(self, view):
        if self._dirty:
            self._rebuild()
        if not self._count:
            return False
        transform = self.transforms.get_transform("document", "render")
        px_scale = (transform.map((1, 0)) - transform.map((0, 1)))[:2]
        program = self.shared_program
        program["u_px_scale"] = px_scale
        px_per_pt = self.transforms.dpi / 72.0
        smooth = self._largest_pt * px_per_pt >= LARGE_PX
        if smooth != self._smooth:  # the program is rebuilt on the next draw
            self._smooth = smooth
            program.frag = SMOOTH if smooth else SHARP
        program["u_px_per_pt"] = px_per_pt
        program["u_kernel"] = compat.font_kernel(self._font)
        atlas = compat.font_atlas(self._font)
        program["u_font_atlas"] = atlas
        program["u_font_atlas_shape"] = atlas.shape[:2]
        return True

    def _prepare_transforms(self, view):
        view.view_program.vert["transform"] = view.transforms.get_transform()

    def _compute_bounds(self, axis, view):
        return None


TextBatch = create_visual_node(BatchTextVisual)
