"""The methods a user chooses between, named once: every command, recipe and report takes them
from here (a light module: ``orbitviz --help`` reads it without loading the engines).

N-body is the default everywhere (the first number a user sees must be the right one);
patched conics, the notebooks' method, appear beside it in every N-body report as the lesson of
what the encounter does, and are an answer only when asked for.

>>> METHODS, DEFAULT_METHOD
(('conic', 'patched', 'nbody'), 'nbody')
>>> UNCERTAINTY_CHOICES, DEFAULT_CLONES
(('auto', 'linear', 'mc', 'none'), 1000)
"""

METHODS = ("conic", "patched", "nbody")
DEFAULT_METHOD = "nbody"  # the one place the default is chosen

UNCERTAINTY_MODES = ("linear", "mc", "both")
"""How :func:`orbitviz.dynamics.uncertainty.encounter_uncertainty` maps a covariance."""
UNCERTAINTY_CHOICES = ("auto", "linear", "mc", "none")
"""What a user may ask for (``--uncertainty``): ``auto`` maps linearly whenever the elements carry
a covariance or sigmas (a few extra objects in one integration: cheap) and adds the Monte Carlo
clones where the linear answer is doubtful (the 3-sigma b-plane ellipse reaches the capture
disc, or its major axis exceeds 10 % of the miss distance) and the covariance is a full one (a
diagonal one from sigmas alone is no orbit solution's uncertainty: not worth seconds of
clones); ``mc`` runs both and compares them; ``none`` skips."""
DEFAULT_CLONES = 1000
"""Monte Carlo clones drawn from a covariance (seed :data:`DEFAULT_SEED`: reproducible)."""
DEFAULT_SEED = 0
