"""numba's compiler for the engine, with its on-disk cache in orbitviz's user cache."""

from __future__ import annotations

import os

from platformdirs import user_cache_dir

os.environ.setdefault("NUMBA_CACHE_DIR", os.path.join(user_cache_dir("orbitviz"), "numba"))

from numba import config, njit  # imported after the cache folder is chosen

if not config.CACHE_DIR:  # numba was imported first (it reads its settings once): tell it now
    config.CACHE_DIR = os.environ["NUMBA_CACHE_DIR"]

__all__ = ["njit"]
