"""Errors of the renderer (defined with the others in :mod:`orbitviz.errors`)."""

from ..errors import NoGLBackend, RenderError

__all__ = ["NoGLBackend", "RenderError"]
