"""Sphinx configuration of orbitviz's documentation.

One command builds the site, with warnings as errors, offline:

    python -m sphinx -W --keep-going -b html docs docs/_build/html

Every example of ``examples/`` runs during the build (sphinx-gallery): its figures and a 3D
frame of each scene it builds become the page's pictures (``_ext/gallery_scrapers.py``).
``ORBITVIZ_DOCS_GALLERY`` chooses how much of the gallery runs: ``full`` (the default, every
example: what the test command builds, ``tests/test_docs_build.py``, which then checks what
the examples printed and drew), ``quick`` (only the examples matching ``QUICK_EXAMPLES``) or
``off`` (none: pages of code and text, in seconds).
The command pages are generated from ``orbitviz.cli.build_parser()`` (``_ext/cli_pages.py``),
the API pages from the docstrings. Nothing is fetched: no intersphinx, no remote images.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS / "_ext"))

# as the tests do (conftest.py): the shared data mirror beside the checkout, when there is one
_SHARED = ROOT.parent / "shared" / "data"
if "ORBITVIZ_DATA_MIRROR" not in os.environ and _SHARED.is_dir():
    os.environ["ORBITVIZ_DATA_MIRROR"] = str(_SHARED)
os.environ.setdefault("MPLBACKEND", "Agg")

from gallery_scrapers import OutputScraper, SceneScraper  # noqa: E402

import orbitviz  # noqa: E402 - after the mirror is set: the examples run in this process

project = "orbitviz"
author = "the orbitviz developers"
copyright = "the orbitviz developers, BSD-3-Clause"
release = version = orbitviz.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "sphinx.ext.mathjax",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
    "cli_pages",
    "viewer_keys",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
smartquotes = False  # commands, options and output are shown as typed: "--", "..." and quotes
exclude_patterns = [
    "_build",
    "gallery_header.rst",
    "gallery/*.ipynb",
    "gallery/*.py",
    "gallery/*.md5",
]
templates_path: list[str] = []
suppress_warnings = ["config.cache"]  # the gallery's scrapers are objects: not cached

# -- Markdown (MyST) ---------------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist", "dollarmath"]
myst_heading_anchors = 3

# -- API reference ---------------------------------------------------------------------------
autodoc_default_options = {"members": True, "show-inheritance": False}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_format = "short"
napoleon_google_docstring = True
napoleon_numpy_docstring = True
python_use_unqualified_type_names = True

# -- The gallery -----------------------------------------------------------------------------
GALLERY = os.environ.get("ORBITVIZ_DOCS_GALLERY", "full").strip().lower()
if GALLERY not in ("full", "quick", "off"):
    raise ValueError(f"ORBITVIZ_DOCS_GALLERY={GALLERY!r}: choose full, quick or off")
QUICK_EXAMPLES = r"flyby_2021wp\.py$"
"""The examples a ``quick`` build runs: the flyby (seconds), its plot and its 3D frame."""

# The examples run in a copy under _build/, so that what they write (plots, videos) stays
# out of examples/ (the gallery's "download" links give the same files).
EXAMPLES_RUN = DOCS / "_build" / "examples-run"
if EXAMPLES_RUN.exists():
    shutil.rmtree(EXAMPLES_RUN)
EXAMPLES_RUN.mkdir(parents=True)
for example in sorted((ROOT / "examples").glob("*.py")):
    shutil.copy2(example, EXAMPLES_RUN / example.name)
shutil.copy2(DOCS / "gallery_header.rst", EXAMPLES_RUN / "GALLERY_HEADER.rst")

_outputs = OutputScraper(EXAMPLES_RUN)
sphinx_gallery_conf = {
    "examples_dirs": str(EXAMPLES_RUN.relative_to(DOCS)),
    "gallery_dirs": "gallery",
    "filename_pattern": QUICK_EXAMPLES if GALLERY == "quick" else r".*\.py$",
    "plot_gallery": "False" if GALLERY == "off" else "True",
    "image_scrapers": (_outputs, SceneScraper()),
    "reset_modules": (_outputs.reset, "matplotlib"),
    "abort_on_example_error": True,  # a broken example fails the build
    "only_warn_on_example_error": False,
    "download_all_examples": False,
    "remove_config_comments": True,
    "show_memory": False,
    "show_signature": False,
    "min_reported_time": 1_000_000,  # no "total running time" line: it says nothing
    "within_subsection_order": "FileNameSortKey",
    "capture_repr": (),
    "matplotlib_animations": False,
    "backreferences_dir": None,
    "write_computation_times": False,
}

# -- HTML ------------------------------------------------------------------------------------
html_theme = "furo"
html_title = f"orbitviz {release}"
html_static_path = ["_static"]
html_css_files = ["orbitviz.css"]
html_show_sourcelink = False
html_theme_options = {
    "source_repository": "",
    "navigation_with_keys": True,
    "sidebar_hide_name": False,
}
pygments_style = "friendly"
pygments_dark_style = "monokai"
