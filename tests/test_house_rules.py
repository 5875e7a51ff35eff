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
    """Camera logic lives in orbitviz.scene.cameras (the model), orbitviz.recipes.cameras (the
    words that name a camera) and orbitviz._vispy.cameras (VisPy's cameras), nowhere else."""
    found = sorted(
        str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py") if "camera" in path.stem
    )
    assert found == ["_vispy/cameras.py", "recipes/cameras.py", "scene/cameras.py"]


def _module_name(path: Path) -> tuple[str, str]:
    """(module, package) of a file of orbitviz/."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
        return ".".join(parts), ".".join(parts)
    return ".".join(parts), ".".join(parts[:-1])


def _imports_inside_functions(path: Path) -> list[tuple[int, str]]:
    """(line, name) of every orbitviz name imported inside a function of ``path``: a module,
    or ``module.attribute`` for ``from module import attribute``."""
    package = _module_name(path)[1].split(".")
    found = []
    for function in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.ImportFrom):
                base = package[: len(package) - node.level + 1] if node.level else []
                name = ".".join([*base, node.module] if node.module else base)
                names = [f"{name}.{alias.name}" for alias in node.names]  # maybe submodules
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            found += [(node.lineno, n) for n in names if n.split(".")[0] == "orbitviz"]
    return found


def _covered(name: str, table: dict[str, str]) -> bool:
    return any(name == key or (key != "orbitviz" and name.startswith(key + ".")) for key in table)


def test_imports_inside_functions_are_the_ones_that_buy_start_up_time():
    """An orbitviz import inside a function comes from a module of orbitviz._lazy.DEFERRING or
    loads one of DEFERRED (or the package's own lazy names): every other import sits at the top
    of its module, where a reader and the import contracts see it."""
    from orbitviz._lazy import DEFERRED, DEFERRING

    loose = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if not _covered(_module_name(path)[0], DEFERRING)
        for line, name in _imports_inside_functions(path)
        if not (_covered(name, DEFERRED) or name in ("orbitviz", "orbitviz.show"))
    ]
    assert loose == [], (
        "move these imports to the top (or say why in orbitviz/_lazy.py):\n" + "\n".join(loose)
    )


HEAVY = ("pandas", "spiceypy", "numba", "scipy", "matplotlib", "vispy", "PyQt5", "dask", "astropy")


def test_the_command_line_starts_without_the_heavy_libraries():
    """``orbitviz --help`` and every argument error: the parser of every command is built
    without importing pandas, CSPICE, numba, scipy, matplotlib, VisPy, Qt, Dask or astropy."""
    code = (
        "import sys; from orbitviz.cli import build_parser; build_parser(); "
        f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    done = _run(sys.executable, "-c", code)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == []


BUILTIN_ERRORS = {"ValueError", "TypeError", "KeyError", "IndexError", "RuntimeError"}


def test_the_scene_model_raises_orbitviz_errors_only():
    """What the scene model refuses reaches a user (the window, the notebook, orbitviz render)
    as an OrbitvizError subclass (SceneError, CameraPathError, TimeMapError ...), which the
    command line prints in one line: never a bare ValueError."""
    bare = [
        f"{path.relative_to(ROOT)}:{node.lineno} raises {node.exc.func.id}"
        for path in sorted((PACKAGE / "scene").glob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.Raise)
        and isinstance(node.exc, ast.Call)
        and isinstance(node.exc.func, ast.Name)
        and node.exc.func.id in BUILTIN_ERRORS
    ]
    assert bare == []


def test_types_check():
    """mypy over every package but the drawing front ends (``[tool.mypy]`` in pyproject.toml);
    orbitviz ships its annotations (py.typed)."""
    done = _run(_tool("mypy"))
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert (PACKAGE / "py.typed").is_file()
