"""Dependencies point one way (gui | cli → operations → training → engine → indexer → common); the CLI and
the GUI reach the core only through operations; nothing outside gui/ imports Qt."""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOT_LAYERED = {"tests", "bench", "packaging", "docs", "examples"}


def test_import_contracts_are_kept():
    """import-linter checks every module of every layer, lazy imports inside functions included."""
    lint = Path(sys.executable).parent / "lint-imports"
    p = subprocess.run([str(lint), "--config", str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-1000:]
    assert "3 kept, 0 broken" in p.stdout


def test_every_package_is_in_a_layer():
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - NOT_LAYERED
    assert set(cfg["root_packages"]) == packages
    layered = {name.strip() for layer in cfg["contracts"][0]["layers"] for name in layer.split("|")}
    assert layered == packages


def test_core_modules_load_without_qt():
    """At run time too: importing every core module leaves PySide6 unloaded."""
    modules = sorted(".".join(p.relative_to(ROOT).with_suffix("").parts) for pkg in
                     ("common", "indexer", "engine", "training", "operations", "cli")
                     for p in (ROOT / pkg).rglob("*.py") if p.name != "__main__.py")
    code = "import sys\n" + "".join(f"import {m}\n" for m in modules) + \
        "assert 'PySide6' not in sys.modules, [m for m in sys.modules if 'PySide6' in m]\n"
    p = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr[-2000:]
