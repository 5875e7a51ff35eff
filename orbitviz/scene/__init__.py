"""A pure-Python model of what is shown: layers on a clock, cameras and camera paths.

No Qt, no VisPy, no SPICE (import-linter contracts in ``pyproject.toml`` check it): everything
here works on arrays sampled ahead of time, so it is testable without OpenGL. Scenes are built
by :mod:`orbitviz.recipes` (which samples SPICE), turned into pictures by ``orbitviz._vispy``
and into videos by ``orbitviz.render``.

>>> import numpy as np
>>> from orbitviz.scene import Scene, Clock, TrajectoryLayer
>>> scene = Scene(frame="J2000", clock=Clock(0.0, 60.0))
>>> et = np.linspace(0.0, 60.0, 61)
>>> path = scene.add(TrajectoryLayer("path", et, np.c_[et, et, 0 * et], color_by="time"))
>>> scene.layers.names
['path']
"""

from .cameras import (
    CameraPathError,
    CameraPreset,
    CameraState,
    CameraTour,
    CameraTrack,
    FixedCamera,
    FollowTarget,
    KeyframedPath,
    Turntable,
)
from .clock import Clock
from .direction_layer import DirectionLayer
from .easing import EASINGS
from .events import EmitterGroup, Event, EventEmitter
from .label_layer import LabelLayer
from .layer import Layer
from .lightcurve_layer import LightCurveLayer, TimeAxis, TransitSeries
from .marker_layer import MarkerLayer
from .mesh_layer import MeshLayer
from .ring_layer import RingLayer
from .ruler_layer import RulerEnd, RulerLayer
from .scene import LayerList, Readout, Scene, SpiceOrigin
from .sphere_layer import BodyRotation, SphereLayer
from .stars_layer import StarsLayer
from .timeline import Timeline, TimelineEvent
from .timemap import TimeMap
from .trajectory_layer import TrajectoryLayer
from .video import SceneVideo

__all__ = [
    "EASINGS",
    "BodyRotation",
    "CameraPathError",
    "CameraPreset",
    "CameraState",
    "CameraTour",
    "CameraTrack",
    "Clock",
    "DirectionLayer",
    "EmitterGroup",
    "Event",
    "EventEmitter",
    "FixedCamera",
    "FollowTarget",
    "KeyframedPath",
    "LabelLayer",
    "Layer",
    "LayerList",
    "LightCurveLayer",
    "MarkerLayer",
    "MeshLayer",
    "Readout",
    "RingLayer",
    "RulerEnd",
    "RulerLayer",
    "Scene",
    "SceneVideo",
    "SphereLayer",
    "SpiceOrigin",
    "StarsLayer",
    "TimeAxis",
    "TimeMap",
    "Timeline",
    "TimelineEvent",
    "TrajectoryLayer",
    "TransitSeries",
    "Turntable",
]
