"""An indexed triangle mesh with precomputed vertex normals, lit by one directional light.

Positions and normals are uploaded once as float32 vertex buffers with a uint32 index buffer
(no per-face vertex copies); the light direction is a uniform in the mesh's own frame, so
changing the time of day costs nothing but a uniform update. Closed surfaces are drawn with
back faces culled (half the fragments). Translucent meshes are drawn without depth writes;
with ``rim`` > 0 their alpha rises towards the silhouette, so a shell reads as a faint sphere
with a bright outline and what is inside it stays visible.
"""

from __future__ import annotations

import numpy as np
from vispy import gloo
from vispy.scene.visuals import create_visual_node
from vispy.visuals import Visual

VERTEX = """
attribute vec3 a_position;
attribute vec3 a_normal;
uniform float u_rim;
varying vec3 v_normal;
varying vec3 v_eye;
void main() {
    v_normal = a_normal;
    gl_Position = $transform(vec4(a_position, 1.0));
    v_eye = vec3(0.0, 0.0, 1.0);
    if (u_rim > 0.0) {  // the view ray through this vertex, in the mesh's own frame
        vec4 doc = $visual_to_doc(vec4(a_position, 1.0));
        doc /= doc.w;
        vec4 near = $doc_to_visual(doc - vec4(0.0, 0.0, 1e-3, 0.0));
        vec4 far = $doc_to_visual(doc + vec4(0.0, 0.0, 1e-3, 0.0));
        v_eye = near.xyz / near.w - far.xyz / far.w;
    }
}
"""

FRAGMENT = """
uniform vec4 u_color;
uniform vec3 u_light_dir;
uniform float u_ambient;
uniform float u_lit;
uniform float u_rim;
varying vec3 v_normal;
varying vec3 v_eye;
void main() {
    vec3 normal = normalize(v_normal);
    float diffuse = max(dot(normal, u_light_dir), 0.0);
    float shade = mix(1.0, u_ambient + (1.0 - u_ambient) * diffuse, u_lit);
    vec3 rgb = u_color.rgb * shade;
    float alpha = u_color.a;
    if (u_rim > 0.0) {
        float edge = 1.0 - abs(dot(normal, normalize(v_eye)));
        float glow = edge * edge * edge * edge;
        alpha = clamp(u_color.a * (0.4 + u_rim * glow), 0.0, 1.0);
        rgb = mix(rgb, vec3(1.0), 0.5 * glow);
    }
    gl_FragColor = vec4(rgb, alpha);
}
"""


def winding(vertices: np.ndarray, faces: np.ndarray) -> int:
    """+1 when the faces wind counter-clockwise seen from outside (positive enclosed volume),
    else -1."""
    a, b, c = (vertices[faces[:, k]] for k in range(3))
    signed_volume = np.einsum("ij,ij->i", a - vertices.mean(axis=0), np.cross(b - a, c - a)).sum()
    return -1 if signed_volume < 0 else 1


def outward_normals(vertices: np.ndarray, faces: np.ndarray, normals: np.ndarray) -> np.ndarray:
    """``normals`` flipped when the faces wind clockwise (negative enclosed volume)."""
    return normals * winding(vertices, faces)


class LitMeshVisual(Visual):
    """Triangles lit by a directional light (Lambert + ambient), or flat when ``lit`` is False."""

    def __init__(self):
        super().__init__(vcode=VERTEX, fcode=FRAGMENT)
        self._draw_mode = "triangles"
        self._index_buffer = gloo.IndexBuffer(np.zeros((1, 3), np.uint32))
        self._positions = gloo.VertexBuffer(np.zeros((1, 3), np.float32))
        self._normals = gloo.VertexBuffer(np.zeros((1, 3), np.float32))
        self.shared_program["a_position"] = self._positions
        self.shared_program["a_normal"] = self._normals
        self._translucent, self._front_face = False, None
        self.set_style(color=(1, 1, 1, 1), light_dir=(1, 0, 0), ambient=0.06, lit=True, rim=0.0)
        self._apply_gl_state()

    def set_data(self, vertices, faces, normals, *, closed: bool = False) -> None:
        """Upload the mesh. ``closed``: a watertight surface, drawn with back faces culled."""
        self._positions.set_data(np.ascontiguousarray(vertices, dtype=np.float32))
        self._normals.set_data(np.ascontiguousarray(normals, dtype=np.float32))
        self._index_buffer.set_data(np.ascontiguousarray(faces, dtype=np.uint32))
        self._front_face = None
        if closed:
            self._front_face = "ccw" if winding(np.asarray(vertices, np.float64),
                                                np.asarray(faces)) > 0 else "cw"
        self._apply_gl_state()

    def set_style(self, *, color=None, light_dir=None, ambient=None, lit=None,
                  rim=None) -> None:
        """``rim`` > 0: alpha rises towards the silhouette (up to ``(0.4 + rim) * alpha``)."""
        program = self.shared_program
        if color is not None:
            program["u_color"] = tuple(float(c) for c in color)
        if light_dir is not None:
            program["u_light_dir"] = tuple(float(c) for c in light_dir)
        if ambient is not None:
            program["u_ambient"] = float(ambient)
        if lit is not None:
            program["u_lit"] = 1.0 if lit else 0.0
        if rim is not None:
            program["u_rim"] = float(rim)
        self.update()

    def set_translucent(self, translucent: bool) -> None:
        """Translucent: blended, depth-tested but not written (draw it after opaque things)."""
        self._translucent = bool(translucent)
        self._apply_gl_state()

    def _apply_gl_state(self) -> None:
        cull = {"cull_face": "back", "front_face": self._front_face} if self._front_face \
            else {"cull_face": False}
        if self._translucent:
            self.set_gl_state("translucent", depth_test=True, depth_mask=False, **cull)
        else:
            self.set_gl_state("opaque", depth_test=True, **cull)
        self.update()

    def _prepare_transforms(self, view) -> None:
        vert = view.view_program.vert
        vert["transform"] = view.get_transform()
        vert["visual_to_doc"] = view.transforms.get_transform("visual", "document")
        vert["doc_to_visual"] = view.transforms.get_transform("document", "visual")

    def _prepare_draw(self, view) -> bool:
        return True


LitMesh = create_visual_node(LitMeshVisual)
