"""Every benchmark still imports against the current code (they are run by hand, not by CI)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCHMARKS = sorted(
    path
    for path in (Path(__file__).resolve().parents[1] / "benchmarks").glob("*.py")
    if not path.name.startswith("_")  # _bench.py: the shared helper, not a benchmark
)


@pytest.mark.parametrize("path", BENCHMARKS, ids=lambda p: p.name)
def test_benchmark_imports_and_has_main(path, monkeypatch):
    monkeypatch.syspath_prepend(str(path.parent))  # as `python benchmarks/X.py` has it: _bench
    spec = importlib.util.spec_from_file_location(f"bench_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # runs the imports; main() stays behind __name__ guard
    assert callable(getattr(module, "main", None))
