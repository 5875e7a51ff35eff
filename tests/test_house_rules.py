"""The house rules of ../shared/GUIDE.md, checked by tools on every test run: ruff (lint and
format), import-linter's contracts (``[tool.importlinter]`` in pyproject.toml), and the module
layout rules no contract expresses."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "orbitviz"


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )


def _tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[test]' installs it")
    return found


def test_ruff_lint_passes():
    done = _run(_tool("ruff"), "check", "--no-cache", ".")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_ruff_format_is_applied():
    done = _run(_tool("ruff"), "format", "--check", "--no-cache", ".")
    assert done.returncode == 0, "run `ruff format .`:\n" + done.stdout[-4000:]


def test_import_contracts_are_kept():
    done = _run(_tool("lint-imports"), "--no-cache")
    assert done.returncode == 0 and "0 broken" in done.stdout, done.stdout[-6000:]


def _imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_qt_package_holds_qt_code_only():
    """Every module of orbitviz._qt uses Qt itself; code without Qt belongs below it."""
    without_qt = [
        path.name
        for path in sorted((PACKAGE / "_qt").glob("*.py"))
        if path.name != "__init__.py"
        and not any(name.split(".")[0] == "PyQt5" for name in _imported_modules(path))
    ]
    assert without_qt == [], f"no Qt in {without_qt}: move them to orbitviz/_vispy or the core"


def test_one_camera_module_per_layer():
    """Camera logic lives in orbitviz.scene.cameras (the model) and orbitviz._vispy.cameras
    (VisPy's cameras), nowhere else."""
    found = sorted(
        str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py") if "camera" in path.stem
    )
    assert found == ["_vispy/cameras.py", "scene/cameras.py"]
