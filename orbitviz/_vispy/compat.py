"""Every use of VisPy's private internals, in one place.

VisPy has no public way to do a few things orbitviz needs: to draw a scene into a framebuffer
it did not make, to call a GL function with a numpy pointer, to set a camera's whole pose with
one transform update, to feed mouse events to an offscreen canvas, to know or drop the app that
``vispy.use`` chose, to measure a text without drawing it. Each is a small function here,
named for what it does, whose docstring says which internal it touches and why there is no
public way. Nothing else in orbitviz,
its benchmarks or its tests reads or writes a VisPy attribute that starts with an underscore.

``tests/test_vispy_compat.py`` exercises every function on a real offscreen canvas, so a VisPy
release that renames one of these internals fails there, loudly, instead of misdrawing.
Tested with VisPy 0.14.3, 0.15.2, 0.16.2 and 0.17.0: the range ``vispy>=0.14,<0.18`` in
pyproject.toml; widen it only after this test passes on the new release.

VisPy's documented way to write a Visual -- override ``_prepare_transforms`` and
``_prepare_draw``, set ``_draw_mode`` and ``_index_buffer`` -- is used by
:mod:`orbitviz._vispy.lit_mesh_visual`; the two overrides are named in :data:`VISUAL_HOOKS`
(checked by the test), the two attributes are set through :func:`set_indexed_draw`.
"""

from __future__ import annotations

from collections.abc import Callable

VISUAL_HOOKS = ("_prepare_transforms", "_prepare_draw")
"""The methods a Visual subclass overrides (VisPy's ``Visual`` docstring asks for them)."""

CAMERA_POSE = {
    "TurntableCamera": ("center", "azimuth", "elevation", "fov", "distance"),
    "ArcballCamera": ("quaternion", "center", "fov", "distance"),
    "FlyCamera": ("rotation1", "rotation2", "center", "fov", "scale_factor"),
}
"""The pose fields :func:`set_camera_pose` sets, per VisPy camera class (and subclasses)."""


# -- the VisPy app ----------------------------------------------------------------------------
def default_app():
    """The VisPy ``Application`` that ``vispy.use`` / ``use_app`` made, or None before one.

    Touches ``vispy.app._default_app.default_app``: ``vispy.app.use_app()`` would create an
    app when there is none, and there is no public "is there one yet?"."""
    import vispy.app._default_app as module

    return module.default_app


def drop_default_app() -> None:
    """Forget VisPy's app, so that the next ``vispy.use(app=...)`` can pick another one (after
    a backend failed its probe, or before the window draws with Qt's OpenGL widget instead).

    Sets ``vispy.app._default_app.default_app`` to None: VisPy refuses to switch apps once one
    is chosen and has no public reset."""
    import vispy.app._default_app as module

    module.default_app = None


# -- GL ---------------------------------------------------------------------------------------
def gl_function(name: str, restype, argtypes: tuple) -> Callable:
    """The ctypes function ``name`` of the loaded OpenGL library, e.g. ``glReadPixels``
    writing straight into a numpy buffer.

    Calls ``vispy.gloo.gl.gl2._get_gl_func``: VisPy's public ``gl.glReadPixels`` copies the
    pixels into a new bytes object every frame (1080p: 8 MB), and only this helper resolves a
    function from the same library VisPy loaded (libGL, libOSMesa or libEGL's loader)."""
    from vispy.gloo.gl import gl2

    return gl2._get_gl_func(name, restype, argtypes)


# -- drawing ----------------------------------------------------------------------------------
def draw_scene(canvas, bgcolor=None) -> None:
    """Clear and draw ``canvas``'s whole scene into the framebuffer that is bound now.

    Calls ``SceneCanvas._draw_scene``: the public ``SceneCanvas.render()`` makes a new
    framebuffer and reads it back on every call; the offscreen frame loop keeps its own
    framebuffer bound between frames and reads into reused buffers."""
    canvas._draw_scene(bgcolor=bgcolor)


def before_draw_scene(hook: Callable) -> Callable[[type], type]:
    """Class decorator for a ``vispy.scene.SceneCanvas`` subclass: ``hook(canvas)`` runs at the
    start of every scene draw, on screen (``on_draw``) and offscreen (``render()``,
    :func:`draw_scene`) alike, before VisPy clears the buffers.

    Overrides ``SceneCanvas._draw_scene``, the one method all of them go through; the public
    ``events.draw`` is not emitted by ``render()``. Fails at import when VisPy renames it."""
    from vispy import scene

    base = scene.SceneCanvas._draw_scene  # AttributeError here: VisPy changed its draw path

    def decorate(cls: type) -> type:
        if not issubclass(cls, scene.SceneCanvas):
            raise TypeError(f"{cls.__name__} is not a vispy.scene.SceneCanvas")

        def _draw_scene(self, bgcolor=None):
            hook(self)
            base(self, bgcolor=bgcolor)

        cls._draw_scene = _draw_scene
        return cls

    return decorate


def set_indexed_draw(visual, mode: str, index_buffer) -> None:
    """Tell a Visual subclass how to draw: ``mode`` (``"triangles"``) and the
    ``gloo.IndexBuffer`` it draws from (the visual keeps its own reference to refill it).

    Sets ``Visual._draw_mode`` and ``Visual._index_buffer``: VisPy's way for a Visual to say
    this (its own MeshVisual does the same); there is no public setter."""
    for name in ("_draw_mode", "_index_buffer"):
        _require(type(visual), name)
    visual._draw_mode = mode
    visual._index_buffer = index_buffer


# -- shaders ----------------------------------------------------------------------------------
def memoize_shader_parsing() -> None:
    """Parse each distinct shader source for its uniforms, attributes and varyings once per
    process, not once per visual: every new canvas (each video, each window) builds a dozen
    visuals whose programs share a handful of sources, and VisPy's parser strips comments
    with a backtracking regular expression (~50-80 ms a program on a software renderer's
    machine: about a second before a video's first frame).

    Replaces ``gloo.Program._parse_variables_from_code`` with a cached one that reads the
    programs' ``_shaders`` and writes ``_code_variables`` as the original does (then runs
    ``_process_pending_variables``): VisPy has no public hook. Idempotent."""
    from vispy.gloo import program

    base = program.Program._parse_variables_from_code
    if getattr(base, "orbitviz_memo", False):
        return
    for name in ("_shaders", "_code_variables"):
        _require(program.Program, name, instance=program.Program())
    _require(program.Program, "_process_pending_variables")
    cache: dict[str, dict] = {}

    def parse(self, update_variables=True):
        code = "\n\n".join(shader.code for shader in self._shaders)
        found = cache.get(code)
        if found is None:
            base(self, update_variables=False)
            found = cache[code] = dict(self._code_variables)
        self._code_variables = dict(found)
        if update_variables:
            self._process_pending_variables()

    parse.orbitviz_memo = True  # type: ignore[attr-defined]
    program.Program._parse_variables_from_code = parse


def font_kernel(font):
    """The font's smoothing kernel as a ``gloo.Texture2D``, made the first time it is asked
    for (VisPy keeps it as a numpy array in ``font._kernel``, 16 x 1024 RGBA bytes, and
    ``gloo.Program`` uploads an array given to a sampler again at every draw; a texture given
    to a sampler is bound, not uploaded: same data, same sampling)."""
    import numpy as np
    from vispy import gloo

    _require(type(font), "_kernel", instance=font)
    if isinstance(font._kernel, np.ndarray):
        font._kernel = gloo.Texture2D(font._kernel)
    return font._kernel


def font_atlas(font):
    """The font's glyph atlas (``font._atlas``, a texture VisPy's own Text samples)."""
    _require(type(font), "_atlas", instance=font)
    return font._atlas


def upload_text_kernels_once() -> None:
    """Upload each font's smoothing kernel once, not once a text a frame.

    VisPy's ``TextVisual._prepare_draw`` sets the sampler ``u_kernel`` to the font's kernel
    before every draw (see :func:`font_kernel`); here it is a texture by then. Idempotent."""
    from vispy.visuals.text import text

    base = text.TextVisual._prepare_draw
    if getattr(base, "orbitviz_kernel", False):
        return

    def _prepare_draw(self, view):
        font_kernel(self._font)
        return base(self, view)

    _prepare_draw.orbitviz_kernel = True  # type: ignore[attr-defined]
    text.TextVisual._prepare_draw = _prepare_draw


def text_quads(text: str, font, anchor_x: str, anchor_y: str):
    """The glyph quads of one line of ``text`` around its anchor, in ems (4 vertices a
    character, fields ``a_position`` and ``a_texcoord``), laid out as VisPy's own Text lays
    them out: ``vispy.visuals.text.text._text_to_vbo`` (kerning, anchors, the atlas's glyphs
    rendered on first use; the canvas's context must be current). VisPy has no public one."""
    from vispy.visuals.text import text as vtext

    _require(type(vtext), "_text_to_vbo", instance=vtext)
    _require(type(font), "_lowres_size", instance=font)
    return vtext._text_to_vbo(text, font, anchor_x, anchor_y, font._lowres_size, 1.1)


def shade_only_symbols(markers, names) -> None:
    """Let a VisPy ``MarkersVisual`` shade only the symbols ``names`` (VisPy's names or
    aliases; unknown ones are left for VisPy's own error).

    VisPy's marker shader picks each pixel's shape from all of its symbols in one if-else chain
    on a per-marker value; a software renderer runs every branch of such a per-pixel choice.
    This gives the visual a ``symbol`` function with only the branches it draws (VisPy's own
    code for each, ``vispy.visuals.markers.symbol_shaders``, numbered as VisPy numbers them),
    linked as VisPy links its own: ``markers._symbol_func`` and ``markers._v_size_var``. There
    is no public way to choose the symbols a Markers visual compiles."""
    from vispy.visuals import markers as vmarkers
    from vispy.visuals.shaders import Function

    _require(type(markers), "_v_size_var", instance=markers)
    _require(type(markers), "_symbol_func", instance=markers)
    numbered = list(vmarkers.symbol_shaders.values())
    values = vmarkers.symbol_shader_values
    wanted = sorted({int(values[name]) for name in names if name in values})
    if not wanted:
        return
    if len(wanted) == 1:
        body = numbered[wanted[0]]
    else:
        body = " else".join(f" if (symbol == {i}) {{\n{numbered[i]}\n}}" for i in wanted)
    code = f"float symbol(vec2 pointcoord, float size, int symbol) {{\n{body}\n}}"
    function = Function(code)
    if "$v_size" in code:
        function["v_size"] = markers._v_size_var
    markers.shared_program.frag["marker"] = function
    markers._symbol_func = function


# -- text -------------------------------------------------------------------------------------
GLYPH_SIZE = 64  # the size glyphs are measured at (advances scale with it)


def glyph_metrics(char: str, face: str = "OpenSans") -> tuple[float, float, float]:
    """``(advance, top, bottom)`` of one glyph in em, as VisPy's Text lays it out (top above
    the baseline > 0, bottom below it < 0), for measuring a text's box without drawing it.

    Calls ``vispy.util.fonts._load_glyph``: the FreeType loader VisPy's own Text uses (with
    its flags: no hinting), so the widths are those it draws; VisPy has no public way to
    measure a text. CPU only (no OpenGL context needed)."""
    from vispy.util import fonts

    _require(type(fonts), "_load_glyph", instance=fonts)
    glyphs: dict = {}
    fonts._load_glyph(
        {"face": face, "size": GLYPH_SIZE, "bold": False, "italic": False}, char, glyphs
    )
    glyph = glyphs[char]
    top = glyph["offset"][1]
    return (
        glyph["advance"] / GLYPH_SIZE,
        top / GLYPH_SIZE,
        (top - glyph["bitmap"].shape[0]) / GLYPH_SIZE,
    )


# -- cameras ----------------------------------------------------------------------------------
def set_camera_pose(camera, **pose) -> None:
    """Set a VisPy camera's pose fields (see :data:`CAMERA_POSE`) together, then update its
    transform once.

    Writes the cameras' private ``_center``, ``_azimuth``, ``_elevation``, ``_fov``,
    ``_distance`` (turntable), ``_quaternion`` (arcball), ``_rotation1``, ``_rotation2``,
    ``_scale_factor`` (fly): each public setter recomputes the view on its own (five
    recomputes a frame for a moving camera, each seen half-set by the scene), and the arcball's
    rotation has no public setter at all. An unknown field, or one VisPy no longer has, raises
    instead of leaving a dead attribute behind."""
    allowed = _pose_fields(camera)
    for name, value in pose.items():
        if name not in allowed:
            raise TypeError(f"{type(camera).__name__} has no pose field {name!r}; it has {allowed}")
        _require(type(camera), f"_{name}", instance=camera)
        setattr(camera, f"_{name}", value)
    camera.view_changed()


def _pose_fields(camera) -> tuple[str, ...]:
    for klass in type(camera).__mro__:
        if klass.__module__.startswith("vispy.") and klass.__name__ in CAMERA_POSE:
            return CAMERA_POSE[klass.__name__]
    raise TypeError(f"no pose fields known for {type(camera).__name__}")


# -- events -----------------------------------------------------------------------------------
def mouse_press(canvas, **event) -> None:
    """Deliver a mouse press to ``canvas`` (a VisPy ``app.Canvas``) as its backend would:
    ``pos``, ``button``, ``buttons``, ``modifiers``, ``native``.

    Calls ``canvas._backend._vispy_mouse_press``: the backend remembers the press (and its
    buttons) so that later moves become drags with ``press_event`` set, which the cameras
    need; emitting ``canvas.events.mouse_press`` directly would skip that. Used by the raster
    view, whose canvas is offscreen and gets its events from a plain Qt widget."""
    _backend(canvas)._vispy_mouse_press(**event)


def mouse_move(canvas, **event) -> None:
    """Deliver a mouse move (a drag while a button is held): ``canvas._backend.
    _vispy_mouse_move``, for the reasons in :func:`mouse_press`."""
    _backend(canvas)._vispy_mouse_move(**event)


def mouse_release(canvas, **event) -> None:
    """Deliver a mouse release (ends a drag): ``canvas._backend._vispy_mouse_release``, for
    the reasons in :func:`mouse_press`."""
    _backend(canvas)._vispy_mouse_release(**event)


def _backend(canvas):
    """``canvas._backend``: VisPy's per-toolkit canvas backend (no public accessor)."""
    return canvas._backend


def _require(klass: type, name: str, instance=None) -> None:
    present = hasattr(instance, name) if instance is not None else hasattr(klass, name)
    if not present:
        raise AttributeError(
            f"VisPy's {klass.__name__} has no {name} any more: update orbitviz._vispy.compat "
            "for this VisPy version (or install one in the range pyproject.toml names)"
        )
