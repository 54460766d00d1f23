"""Dependencies point one way (gui → training → engine → indexer) and the core never imports Qt."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = {
    "indexer": ["indexer.pipeline", "indexer.watcher", "indexer.parsers", "indexer.store", "indexer.chunking"],
    "engine": ["engine.answer", "engine.retrieval", "engine.generation", "engine.models", "engine.prompting"],
}
FORBIDDEN = {"indexer": ["engine", "training", "gui", "PySide6"], "engine": ["training", "gui", "PySide6"]}


def test_core_layers_import_nothing_above_them():
    for layer, modules in CORE.items():
        code = (
            "import sys\n"
            + "".join(f"import {m}\n" for m in modules)
            + f"bad = [m for m in sys.modules if m.split('.')[0] in {FORBIDDEN[layer]!r}]\n"
            + "assert not bad, bad\n"
        )
        p = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
        assert p.returncode == 0, f"{layer}: {p.stderr[-500:]}"


def test_no_qt_import_outside_gui():
    offenders = []
    for path in ROOT.glob("**/*.py"):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in {"gui", ".venv", "tests", "bench"}:  # bench/ drives the window the way a user would
            continue
        if "PySide6" in path.read_text(encoding="utf-8"):
            offenders.append(str(rel))
    assert offenders == []
