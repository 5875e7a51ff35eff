"""Where bytes come from: manifests of named files, verified fetching, the cache and the mirror.

>>> from orbitviz import data
>>> path = data.fetch("orbitviz_leapseconds.tls")    # shipped with orbitviz: no download
>>> path.name, path.read_text().startswith("KPL/LSK")
('orbitviz_leapseconds.tls', True)
"""

from .fetch import cache_path, fetch, locate, sha256_file, verify
from .manifest import DataFile, entry, kernel_sets, manifest
from .paths import cache_dir, mirror_dir, resource_dir

__all__ = [
    "DataFile",
    "cache_dir",
    "cache_path",
    "entry",
    "fetch",
    "kernel_sets",
    "locate",
    "manifest",
    "mirror_dir",
    "resource_dir",
    "sha256_file",
    "verify",
]
