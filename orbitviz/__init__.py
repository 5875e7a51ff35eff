"""orbitviz: 3D orbit and small-body visualization driven by NAIF SPICE.

>>> import numpy as np
>>> import orbitviz
>>> report = orbitviz.flyby("2021 WP")
>>> report.summary["closest_approach_utc"], report.summary["closest_distance_ld"]
('2021-11-21T13:59:54.464Z', 0.405)
>>> with orbitviz.KernelSet("default"):
...     earth = orbitviz.states("EARTH", orbitviz.to_et("2021-12-01"))
>>> float(np.linalg.norm(earth[:3])) / 149_597_870.7     # au from the Sun
0.98616

The names below load their modules on first use, so ``import orbitviz`` (and every
``orbitviz`` command) starts fast.
"""

from __future__ import annotations

from ._lazy import lazy_getattr
from .errors import (
    ChecksumError,
    CoverageError,
    KernelError,
    KernelNotFound,
    NotAKernel,
    OrbitvizError,
    ShapeFormatError,
    UnknownBody,
)

__version__ = "0.1.0"

_LAZY = {
    "flyby": "orbitviz.analysis",
    "transits": "orbitviz.analysis",
    "build_scene": "orbitviz.recipes",
    "fetch": "orbitviz.data",
    "KernelSet": "orbitviz.spice",
    "states": "orbitviz.spice",
    "to_et": "orbitviz.spice",
    "et_to_utc": "orbitviz.spice",
    "load_mesh": "orbitviz.shapes",
    "philae_path": "orbitviz.shapes.lander",
    "render_video": "orbitviz.render",
    "screen": "orbitviz.screening",
    "show": "orbitviz.display",
    "TimeLike": "orbitviz.units",
}


__getattr__ = lazy_getattr(__name__, _LAZY, globals())


__all__ = [  # noqa: RUF022 -- errors first, then the lazily loaded names
    "ChecksumError",
    "CoverageError",
    "KernelError",
    "KernelNotFound",
    "NotAKernel",
    "OrbitvizError",
    "ShapeFormatError",
    "UnknownBody",
    "flyby",
    "transits",
    "build_scene",
    "fetch",
    "KernelSet",
    "states",
    "to_et",
    "et_to_utc",
    "load_mesh",
    "philae_path",
    "render_video",
    "screen",
    "show",
    "TimeLike",
]
assert set(__all__) >= set(_LAZY)
