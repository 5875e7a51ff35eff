"""Errors of the renderer (subclasses of :class:`orbitviz.errors.OrbitvizError`)."""

from __future__ import annotations

from ..errors import OrbitvizError


class RenderError(OrbitvizError):
    """A frame or a video could not be produced."""


class NoGLBackend(RenderError):
    """No OpenGL context can be created without a display (EGL, OSMesa and Xvfb all failed)."""
