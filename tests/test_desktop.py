"""Starting and stopping the app as a desktop does: missing X11 libraries named, one instance per data dir,
SIGTERM (a logout) shuts down cleanly."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import write

ROOT = Path(__file__).resolve().parent.parent


def test_missing_xcb_libraries_are_named_with_their_packages(tmp_path, monkeypatch, capsys):
    import ctypes.util

    from cli import main

    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    real = ctypes.util.find_library
    monkeypatch.setattr(ctypes.util, "find_library",
                        lambda name: None if name in ("xcb-cursor", "xcb-keysyms") else real(name) or name)
    assert main(["--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "libxcb-cursor, libxcb-keysyms" in err
    assert "sudo apt-get install libxcb-cursor0 libxcb-keysyms1" in err
    assert "sudo dnf install xcb-util-cursor xcb-util-keysyms" in err


def wait_for_line(log: Path, text: str, timeout: float = 180) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists() and text in log.read_text(errors="replace"):
            return True
        time.sleep(0.3)
    return False


@pytest.mark.e2e
def test_one_instance_per_data_dir_and_a_clean_sigterm(tmp_path):
    from cli import main

    data = tmp_path / "data"
    docs = write(tmp_path / "docs" / "note.md", "# Note\n\nThe kettle descales with citric acid.").parent
    assert main(["folders", "add", str(docs), "--data-dir", str(data)]) == 0  # no "add the sample?" dialog
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "PYTHONUNBUFFERED": "1"}
    app = [sys.executable, str(ROOT / "main.py"), "--data-dir", str(data)]
    first = subprocess.Popen(app, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    log = data / "logs" / "hearth.log"
    try:
        assert wait_for_line(log, "window ready"), log.read_text() if log.exists() else "no log"
        second = subprocess.run(app, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert second.returncode == 0 and "already running" in second.stdout, second.stderr[-1000:]
        assert wait_for_line(log, "brought to the front", 20)
        first.send_signal(signal.SIGTERM)
        out, err = first.communicate(timeout=120)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 0, err[-2000:]
    assert "leaked semaphore" not in err and "Traceback" not in err, err[-2000:]
    assert "closed cleanly" in log.read_text()

    from common.paths import resolve_data_dir
    from indexer.config import IndexConfig
    from indexer.pipeline import Indexer

    ix = Indexer(IndexConfig(), resolve_data_dir(data))
    try:
        assert ix.store.repair() == 0 and ix.store.file_records()[str(docs / "note.md")].status == "ok"
    finally:
        ix.close()
