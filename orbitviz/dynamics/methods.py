"""The flyby methods, named once: every command, recipe and report takes them from here.

N-body is the default everywhere (the first number a user sees must be the right one);
patched conics, the notebooks' method, appear beside it in every N-body report as the lesson of
what the encounter does, and are an answer only when asked for.

>>> METHODS, DEFAULT_METHOD
(('conic', 'patched', 'nbody'), 'nbody')
"""

METHODS = ("conic", "patched", "nbody")
DEFAULT_METHOD = "nbody"  # the one place the default is chosen
