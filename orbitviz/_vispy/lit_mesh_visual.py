"""An indexed triangle mesh with precomputed vertex normals, lit by one directional light.

Positions and normals are uploaded once as float32 vertex buffers with a uint32 index buffer
(no per-face vertex copies); the light direction is a uniform in the mesh's own frame, so
changing the time of day costs nothing but a uniform update. Closed surfaces are drawn with
back faces culled. Shape models come as a :class:`ClusteredMesh`: before each frame, clusters
that face away or lie outside the view are left out of the index buffer, so the renderer never
shades their vertices (the picture is the same; see ``orbitviz.shapes.clusters``).

Translucent meshes are drawn without depth writes. The ``rim`` variant (for shells such as a
sphere of influence) lets alpha rise towards the silhouette, so a shell reads as a faint
sphere with a bright outline and what is inside stays visible; the plain variant leaves that
code out, which saves a fifth of the frame time on a software renderer. Big meshes are lit per
vertex (:data:`PER_VERTEX_FACES`): one interpolated shade instead of a normal per pixel.
"""

from __future__ import annotations

import numpy as np
from vispy import gloo
from vispy.scene.visuals import create_visual_node
from vispy.visuals import Visual

from orbitviz.shapes.clusters import ClusteredMesh, face_winding

from . import compat

_VERTEX = """
attribute vec3 a_position;
attribute vec3 a_normal;
varying vec3 v_normal;
%(rim_declarations)s
%(tex_declarations)s
void main() {
    v_normal = a_normal;
    gl_Position = $transform(vec4(a_position, 1.0));
%(rim_vertex)s
%(tex_vertex)s
}
"""

_FRAGMENT = """
uniform vec4 u_color;
uniform vec3 u_light_dir;
uniform float u_ambient;
uniform float u_lit;
uniform float u_fill;
uniform vec3 u_eye_dir;
varying vec3 v_normal;
%(rim_declarations)s
%(tex_declarations)s
void main() {
    vec3 normal = normalize(v_normal);
    float diffuse = max(dot(normal, u_light_dir), 0.0);
    float fill = u_fill * (1.0 - diffuse) * max(dot(normal, u_eye_dir), 0.0);
    float shade = mix(1.0, u_ambient + (1.0 - u_ambient) * diffuse + fill, u_lit);
    vec3 base = u_color.rgb;
%(tex_fragment)s
    vec3 rgb = base * shade;
    float alpha = u_color.a;
%(rim_fragment)s
    gl_FragColor = vec4(rgb, alpha);
}
"""

_RIM = {
    "rim_declarations": "uniform float u_rim;\nuniform vec2 u_limb;\nvarying vec3 v_eye;",
    "rim_vertex": """
    v_eye = vec3(0.0, 0.0, 1.0);
    if (u_rim > 0.0 || u_limb.x + u_limb.y > 0.0) {  // the view ray, in the mesh's own frame
        vec4 doc = $visual_to_doc(vec4(a_position, 1.0));
        doc /= doc.w;
        vec4 near = $doc_to_visual(doc - vec4(0.0, 0.0, 1e-3, 0.0));
        vec4 far = $doc_to_visual(doc + vec4(0.0, 0.0, 1e-3, 0.0));
        v_eye = near.xyz / near.w - far.xyz / far.w;
    }""",
    "rim_fragment": """
    if (u_rim > 0.0) {
        float edge = 1.0 - abs(dot(normal, normalize(v_eye)));
        float glow = edge * edge * edge * edge;
        alpha = clamp(u_color.a * (0.4 + u_rim * glow), 0.0, 1.0);
        rgb = mix(rgb, vec3(1.0), 0.5 * glow);
    }
    if (u_limb.x + u_limb.y > 0.0) {  // a star's limb darkening, the quadratic law
        float m = 1.0 - abs(dot(normal, normalize(v_eye)));
        rgb *= max(1.0 - u_limb.x * m - u_limb.y * m * m, 0.0);
    }""",
}
_PLAIN = dict.fromkeys(_RIM, "")
_TEXTURE = {
    "tex_declarations": "uniform sampler2D u_texture;\nuniform float u_tint;\nvarying vec3 v_body;",
    "tex_vertex": "    v_body = a_position;",
    # an equirectangular map in the mesh's own (body-fixed) frame, looked up per pixel from the
    # direction (no texture coordinates per vertex: no seam at 180 deg, no pinch at the poles)
    "tex_fragment": """
    vec3 p = normalize(v_body);
    vec2 uv = vec2(0.5 + atan(p.y, p.x) / 6.28318530718,
                   0.5 - asin(clamp(p.z, -1.0, 1.0)) / 3.14159265359);
    base = mix(texture2D(u_texture, uv).rgb, u_color.rgb, u_tint);""",
}
_UNTEXTURED = dict.fromkeys(_TEXTURE, "")

_VERTEX_LIT = """
attribute vec3 a_position;
attribute vec3 a_normal;
uniform vec3 u_light_dir;
uniform float u_ambient;
uniform float u_lit;
uniform float u_fill;
uniform vec3 u_eye_dir;
varying float v_shade;
void main() {
    float diffuse = max(dot(a_normal, u_light_dir), 0.0);
    float fill = u_fill * (1.0 - diffuse) * max(dot(a_normal, u_eye_dir), 0.0);
    v_shade = mix(1.0, u_ambient + (1.0 - u_ambient) * diffuse + fill, u_lit);
    gl_Position = $transform(vec4(a_position, 1.0));
}
"""
_FRAGMENT_LIT = """
uniform vec4 u_color;
varying float v_shade;
void main() {
    gl_FragColor = vec4(u_color.rgb * v_shade, u_color.a);
}
"""

FILL = 0.16
"""A dim second light from the camera (a headlight) on what the Sun does not light: the night
side of a body keeps its relief (``FILL`` of full light where it faces the camera) instead of
rendering pure black; where the Sun shines it adds nothing, so the terminator stays where it
is."""

PER_VERTEX_FACES = 20_000
"""Meshes with at least this many faces are lit per vertex: their triangles cover a few pixels
each, so the picture is the same (67P's 96,834 faces at 960x540: mean difference 0.04 of 255,
none visible) and llvmpipe's fragment work shrinks (measured CPU per frame, best of 12:
1920x1080 -7 to -10 %, 960x540 (moving) -20 to -30 %).

Such a mesh also flushes OpenGL's queue once drawn: llvmpipe bins each draw call on the
calling thread but rasterises only at a flush, on threads of its own, so the mesh's pixels are
filled while Python still draws the lines, markers and texts, instead of after the last draw
call (the same pixels; on a GPU a flush only submits the commands earlier)."""


def clip_matrix(transform) -> np.ndarray:
    """The 4x4 matrix (for column vectors) of a VisPy transform chain made of linear and
    projective parts, e.g. ``visual -> render`` (clip coordinates)."""
    mapped = np.asarray(
        transform.map(np.array([[0.0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]])), dtype=np.float64
    )
    if mapped.shape[1] == 3:
        mapped = np.c_[mapped, np.ones(4)]
    matrix = np.empty((4, 4))
    matrix[:, 3] = mapped[0]
    matrix[:, :3] = (mapped[1:] - mapped[0]).T
    return matrix


def px_per_km(matrix: np.ndarray, sphere, half_height_px: float) -> float:
    """Pixels per km (of the visual's own units) at the nearest point of ``sphere`` (centre
    (3,), radius) under the visual -> clip ``matrix``, for an output ``half_height_px`` pixels
    high from its centre; inf when the eye is inside the sphere. Perspective or orthographic:
    clip y is the view's up axis scaled, clip w the depth (1 when orthographic)."""
    centre, radius = sphere
    w = float(matrix[3, :3] @ np.asarray(centre, np.float64) + matrix[3, 3])
    near = w - radius * float(np.linalg.norm(matrix[3, :3]))
    if near <= 0:
        return float("inf")
    return half_height_px * float(np.linalg.norm(matrix[1, :3])) / near


def towards_eye(matrix: np.ndarray) -> np.ndarray:
    """The unit direction (3,) from the scene towards the camera, in the visual's own frame,
    from its visual -> clip ``matrix``: the view axis (clip-space z) mapped back."""
    try:
        inverse = np.linalg.inv(matrix)
    except np.linalg.LinAlgError:
        return np.array([0.0, 0.0, 1.0])
    near, far = (inverse @ np.array([0.0, 0.0, z, 1.0]) for z in (-1.0, 1.0))
    direction = near[:3] / near[3] - far[:3] / far[3]
    norm = float(np.linalg.norm(direction))
    return direction / norm if np.isfinite(norm) and norm > 0 else np.array([0.0, 0.0, 1.0])


class LitMeshVisual(Visual):
    """Triangles lit by a directional light (Lambert + ambient), or flat when ``lit`` is False.

    ``rim``: compile the silhouette-glow variant (see :meth:`set_style`). ``per_vertex``: light
    the vertices and interpolate the shade (see :data:`PER_VERTEX_FACES`), not the normals.
    ``texture``: colour from an equirectangular image of a sphere centred on the mesh's origin
    (:meth:`set_texture`) instead of ``color``.
    """

    def __init__(self, rim: bool = False, per_vertex: bool = False, texture: bool = False):
        if rim and per_vertex:
            raise ValueError("the rim variant is lit per pixel: rim and per_vertex exclude")
        if texture and per_vertex:
            raise ValueError("the texture variant is lit per pixel: texture and per_vertex exclude")
        self._rim, self.per_vertex, self.textured = bool(rim), bool(per_vertex), bool(texture)
        parts = {**(_RIM if rim else _PLAIN), **(_TEXTURE if texture else _UNTEXTURED)}
        if per_vertex:
            super().__init__(vcode=_VERTEX_LIT, fcode=_FRAGMENT_LIT)
        else:
            super().__init__(vcode=_VERTEX % parts, fcode=_FRAGMENT % parts)
        self._clusters: ClusteredMesh | None = None
        self._choose = None  # px per km -> the ClusteredMesh to draw (levels of detail)
        self._shown: np.ndarray | None = None
        self._faces = gloo.IndexBuffer(np.zeros((1, 3), np.uint32))
        compat.set_indexed_draw(self, "triangles", self._faces)
        self._positions = gloo.VertexBuffer(np.zeros((1, 3), np.float32))
        self._normals = gloo.VertexBuffer(np.zeros((1, 3), np.float32))
        self.shared_program["a_position"] = self._positions
        self.shared_program["a_normal"] = self._normals
        self._translucent, self._front_face = False, None
        self.bounding_sphere = (np.zeros(3), 0.0)  # centre (3,) and radius, in its own frame
        self.set_style(
            color=(1, 1, 1, 1),
            light_dir=(1, 0, 0),
            ambient=0.06,
            lit=True,
            rim=0.0 if rim else None,
            limb=(0.0, 0.0) if rim else None,
            fill=FILL,
            tint=0.0,
        )
        self.shared_program["u_eye_dir"] = (0.0, 0.0, 1.0)
        self._apply_gl_state()

    def set_texture(self, image) -> None:
        """The equirectangular image (H, W, 3) uint8 of the texture variant: longitude -180 deg
        at the left edge (the mesh's -x axis), latitude +90 deg (its +z axis) in the first row."""
        if not self.textured:
            raise ValueError("this mesh was built without the texture variant (texture=True)")
        self.shared_program["u_texture"] = gloo.Texture2D(
            np.ascontiguousarray(image), interpolation="linear", wrapping="repeat"
        )
        self.update()

    def set_data(self, vertices, faces, normals, *, closed: bool = False) -> None:
        """Upload a small mesh, drawn whole. ``closed``: a watertight surface, drawn with back
        faces culled."""
        self._clusters = self._shown = self._choose = None
        self._bound(vertices)
        self._positions.set_data(np.ascontiguousarray(vertices, dtype=np.float32))
        self._normals.set_data(np.ascontiguousarray(normals, dtype=np.float32))
        self._faces.set_data(np.ascontiguousarray(faces, dtype=np.uint32))
        self._front_face = None
        if closed:
            winding = face_winding(np.asarray(vertices, np.float64), np.asarray(faces))
            self._front_face = "ccw" if winding > 0 else "cw"
        self._apply_gl_state()

    def set_mesh(self, drawn: ClusteredMesh, levels=None) -> None:
        """Upload a shape model whose clusters are tested against the view before each frame.
        ``levels(px_per_km)``: the level of ``drawn`` (a ClusteredMesh of the same surface,
        closed or open like it) to draw instead, for the scale on screen at the mesh's nearest
        point (:func:`px_per_km`); asked before each frame, uploaded when it changes."""
        self._bound(drawn.vertices)
        self._use(drawn)
        self._choose = levels
        self._front_face = ("ccw" if drawn.winding > 0 else "cw") if drawn.closed else None
        self._apply_gl_state()

    def _use(self, drawn: ClusteredMesh) -> None:
        self._positions.set_data(drawn.vertices)
        self._normals.set_data(drawn.normals)
        self._clusters, self._shown = drawn, None

    def _bound(self, vertices) -> None:
        """Keep a bounding sphere (box centre, farthest vertex) for depth sorting."""
        v = np.asarray(vertices, dtype=np.float64)
        centre = (v.min(axis=0) + v.max(axis=0)) / 2
        self.bounding_sphere = (centre, float(np.linalg.norm(v - centre, axis=1).max()))

    def set_style(
        self,
        *,
        color=None,
        light_dir=None,
        ambient=None,
        lit=None,
        rim=None,
        limb=None,
        fill=None,
        tint=None,
    ) -> None:
        """``tint`` (texture variant): 0 shows the texture, 1 ``color`` (a body enlarged into a
        marker of its colour), between them a mix. ``rim`` > 0: alpha rises towards the silhouette (up to ``(0.4 + rim) * alpha``).
        ``limb`` (u1, u2): darken towards the outline by the quadratic limb-darkening law,
        ``1 - u1 (1 - mu) - u2 (1 - mu)^2`` with ``mu`` the cosine between the surface's
        normal and the view (a star; the rim variant only)."""
        program = self.shared_program
        if color is not None:
            program["u_color"] = tuple(float(c) for c in color)
        if light_dir is not None:
            program["u_light_dir"] = tuple(float(c) for c in light_dir)
        if ambient is not None:
            program["u_ambient"] = float(ambient)
        if fill is not None:
            program["u_fill"] = float(fill)
        if tint is not None and self.textured:
            program["u_tint"] = float(tint)
        if lit is not None:
            program["u_lit"] = 1.0 if lit else 0.0
        if rim is not None:
            if not self._rim and rim:
                raise ValueError("this mesh was built without the rim variant (rim=True)")
            if self._rim:
                program["u_rim"] = float(rim)
        if limb is not None:
            if not self._rim and any(limb):
                raise ValueError("limb darkening needs the rim variant (rim=True)")
            if self._rim:
                program["u_limb"] = tuple(float(u) for u in limb)
        self.update()

    def set_translucent(self, translucent: bool) -> None:
        """Translucent: blended, depth-tested but not written (draw it after opaque things)."""
        self._translucent = bool(translucent)
        self._apply_gl_state()

    def _apply_gl_state(self) -> None:
        cull = (
            {"cull_face": "back", "front_face": self._front_face}
            if self._front_face
            else {"cull_face": False}
        )
        if self._translucent:
            self.set_gl_state("translucent", depth_test=True, depth_mask=False, **cull)
        else:
            self.set_gl_state("opaque", depth_test=True, **cull)
        self.update()

    def draw(self) -> None:
        super().draw()
        if self.per_vertex:  # a big mesh: the renderer fills it meanwhile (PER_VERTEX_FACES)
            gloo.flush()

    def _prepare_transforms(self, view) -> None:
        vert = view.view_program.vert
        vert["transform"] = view.get_transform()
        if self._rim:
            vert["visual_to_doc"] = view.transforms.get_transform("visual", "document")
            vert["doc_to_visual"] = view.transforms.get_transform("document", "visual")

    def _prepare_draw(self, view) -> bool:
        """Point the fill light at the camera; fill the index buffer with the clusters this
        view may show (only when that set changes); skip the draw when none may."""
        matrix = clip_matrix(view.transforms.get_transform("visual", "render"))
        self.shared_program["u_eye_dir"] = tuple(float(c) for c in towards_eye(matrix))
        if self._clusters is None:
            return True
        if self._choose is not None:
            fb = view.transforms.get_transform("render", "framebuffer").map([[0, 0], [0, 1]])
            drawn = self._choose(px_per_km(matrix, self.bounding_sphere, abs(fb[1, 1] - fb[0, 1])))
            if drawn is not self._clusters:
                self._use(drawn)
        visible = self._clusters.visible(matrix)
        if not visible.any():
            return False
        if self._shown is None or not np.array_equal(visible, self._shown):
            self._faces.set_data(self._clusters.faces_of(visible))
            self._shown = visible
        return True


LitMesh = create_visual_node(LitMeshVisual)
