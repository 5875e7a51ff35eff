"""The flyby methods, named once: every command, recipe and report takes them from here.

>>> METHODS, DEFAULT_METHOD
(('conic', 'patched', 'nbody'), 'patched')
"""

METHODS = ("conic", "patched", "nbody")
DEFAULT_METHOD = "patched"  # the one place the default is chosen
