"""orbitviz: 3D orbit and small-body visualization driven by NAIF SPICE.

>>> import orbitviz
>>> with orbitviz.KernelSet("default"):                         # doctest: +SKIP
...     earth = orbitviz.states("EARTH", orbitviz.to_et("2021-12-01"))
"""

from .analysis import flyby
from .data import fetch
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
from .spice import KernelSet, et_to_utc, states, to_et

__version__ = "0.1.0"

__all__ = [
    "ChecksumError",
    "CoverageError",
    "KernelError",
    "KernelNotFound",
    "KernelSet",
    "NotAKernel",
    "OrbitvizError",
    "ShapeFormatError",
    "UnknownBody",
    "et_to_utc",
    "fetch",
    "flyby",
    "states",
    "to_et",
]
