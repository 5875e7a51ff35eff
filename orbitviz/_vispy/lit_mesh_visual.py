"""An indexed triangle mesh with precomputed vertex normals, lit by one directional light.

Positions and normals are uploaded once as float32 vertex buffers with a uint32 index buffer
(no per-face vertex copies); the light direction is a uniform in the mesh's own frame, so
changing the time of day costs nothing but a uniform update.
"""

from __future__ import annotations

import numpy as np
from vispy import gloo
from vispy.scene.visuals import create_visual_node
from vispy.visuals import Visual

VERTEX = """
attribute vec3 a_position;
attribute vec3 a_normal;
varying vec3 v_normal;
void main() {
    v_normal = a_normal;
    gl_Position = $transform(vec4(a_position, 1.0));
}
"""

FRAGMENT = """
uniform vec4 u_color;
uniform vec3 u_light_dir;
uniform float u_ambient;
uniform float u_lit;
varying vec3 v_normal;
void main() {
    float diffuse = max(dot(normalize(v_normal), u_light_dir), 0.0);
    float shade = mix(1.0, u_ambient + (1.0 - u_ambient) * diffuse, u_lit);
    gl_FragColor = vec4(u_color.rgb * shade, u_color.a);
}
"""


def outward_normals(vertices: np.ndarray, faces: np.ndarray, normals: np.ndarray) -> np.ndarray:
    """``normals`` flipped when the faces wind clockwise (negative enclosed volume)."""
    a, b, c = (vertices[faces[:, k]] for k in range(3))
    signed_volume = np.einsum("ij,ij->i", a - vertices.mean(axis=0), np.cross(b - a, c - a)).sum()
    return -normals if signed_volume < 0 else normals


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
        self.set_style(color=(1, 1, 1, 1), light_dir=(1, 0, 0), ambient=0.06, lit=True)
        self.set_gl_state("opaque", depth_test=True, cull_face=False)

    def set_data(self, vertices, faces, normals) -> None:
        self._positions.set_data(np.ascontiguousarray(vertices, dtype=np.float32))
        self._normals.set_data(np.ascontiguousarray(normals, dtype=np.float32))
        self._index_buffer.set_data(np.ascontiguousarray(faces, dtype=np.uint32))
        self.update()

    def set_style(self, *, color=None, light_dir=None, ambient=None, lit=None) -> None:
        program = self.shared_program
        if color is not None:
            program["u_color"] = tuple(float(c) for c in color)
        if light_dir is not None:
            program["u_light_dir"] = tuple(float(c) for c in light_dir)
        if ambient is not None:
            program["u_ambient"] = float(ambient)
        if lit is not None:
            program["u_lit"] = 1.0 if lit else 0.0
        self.update()

    def set_translucent(self, translucent: bool) -> None:
        if translucent:
            self.set_gl_state("translucent", depth_test=True, depth_mask=False, cull_face=False)
        else:
            self.set_gl_state("opaque", depth_test=True, cull_face=False)
        self.update()

    def _prepare_transforms(self, view) -> None:
        view.view_program.vert["transform"] = view.get_transform()

    def _prepare_draw(self, view) -> bool:
        return True


LitMesh = create_visual_node(LitMeshVisual)
