"""What the app bundle (packaging/) relies on, without building it: `python -m hearth`, a bundle's own files
found first (the shipped embedder export, the whole chat model, the X11 libraries it carries), and the core
download without torch saying how to get fine-tuning instead of failing."""

import subprocess
import sys
from pathlib import Path

import pytest

from common import optional
from common.errors import HearthError
from common.paths import DataDir

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def frozen(tmp_path, monkeypatch):
    """Pretend to be a PyInstaller bundle whose own files are in tmp_path/bundle."""
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    return bundle


@pytest.fixture
def no_torch(monkeypatch):
    """Pretend torch is absent, as in the bundle's core download."""
    monkeypatch.setattr(optional, "TRAINING_MODULES", ("hearth_no_such_module",))
    monkeypatch.setattr(optional, "torch_embedder_available", lambda: False)
    import indexer.embedders

    monkeypatch.setattr(indexer.embedders, "torch_embedder_available", lambda: False)


def test_python_m_hearth_is_the_hearth_command():
    out = subprocess.run([sys.executable, "-m", "hearth", "--help"], cwd=ROOT, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0 and out.stdout.startswith("usage: hearth")
    assert "demo" in out.stdout and "tune-embedder" in out.stdout


def test_bundle_dir_only_when_frozen(frozen, monkeypatch):
    assert optional.bundle_dir() == frozen
    monkeypatch.setattr(sys, "frozen", False)
    assert optional.bundle_dir() is None


def test_x11_libraries_the_bundle_carries_are_not_asked_for(frozen, monkeypatch):
    import ctypes.util

    from cli.desktop import missing_xcb_libraries

    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)  # a bare desktop
    (frozen / "libxcb-cursor.so.0").write_bytes(b"")
    missing = [entry[0] for entry in missing_xcb_libraries()]
    assert "xcb-cursor" not in missing
    assert "xcb-icccm" in missing and "xcb-keysyms" in missing


def test_a_shipped_embedder_export_is_used_without_exporting(frozen, tmp_path, no_torch):
    from indexer.embedders import ONNX_INT8, export_name, model_fingerprint, onnx_file

    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text('{"hidden_size": 8}')
    data = DataDir(tmp_path / "data").ensure()
    key = model_fingerprint(model)[:16]
    shipped = frozen / "embedders" / export_name(model, key, ONNX_INT8)
    shipped.parent.mkdir()
    shipped.write_bytes(b"onnx")
    assert onnx_file(model, ONNX_INT8, data) == shipped
    assert not list(data.embedders_dir.glob("*.onnx"))


def test_without_torch_an_export_that_is_not_shipped_says_what_to_do(tmp_path, no_torch):
    from indexer.embedders import ONNX_INT8, onnx_file

    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text('{"hidden_size": 8}')
    with pytest.raises(optional.FeatureMissing, match="full download"):
        onnx_file(model, ONNX_INT8, DataDir(tmp_path / "data").ensure())


def test_without_torch_the_int8_kind_is_chosen_even_where_fp32_would_be(tmp_path, no_torch, monkeypatch):
    import indexer.embedders as embedders
    from indexer.embedding import bundled_embedder_dir

    monkeypatch.setattr(embedders, "cpu_int8_is_fast", lambda: False)
    monkeypatch.setattr(embedders, "nvidia_gpu_present", lambda: False)
    assert embedders.resolve_kind("auto", None, bundled_embedder_dir(), "cpu") == embedders.ONNX_INT8
    with pytest.raises(HearthError, match="torch"):
        embedders.load_embedder(bundled_embedder_dir(), embedders.TORCH, DataDir(tmp_path))


def test_the_shipped_chat_model_is_used_in_place(frozen, tmp_path):
    from engine.models import BUNDLED_NAME, bundled_model_path, bundled_model_ready

    data = DataDir(tmp_path / "data").ensure()
    (frozen / "models").mkdir()
    (frozen / "models" / BUNDLED_NAME).write_bytes(b"GGUF")
    assert bundled_model_ready(data)
    assert bundled_model_path(data) == frozen / "models" / BUNDLED_NAME
    assert not (data.models_dir / BUNDLED_NAME).exists()  # nothing copied into the data dir


def test_without_torch_fine_tuning_says_how_to_get_it(workspace, tmp_path, no_torch):
    data = tmp_path / "set.jsonl"
    data.write_text('{"prompt": "a", "completion": "b"}\n')
    for action in (lambda: workspace.fine_tune(data), lambda: workspace.export("run"),
                   lambda: workspace.tune_embedder()):
        with pytest.raises(optional.FeatureMissing, match="full download"):
            action()


def test_missing_training_data_is_a_clear_error(workspace, tmp_path):
    pytest.importorskip("torch")
    with pytest.raises(HearthError, match="does not exist"):
        workspace.fine_tune(tmp_path / "nowhere.jsonl")


def test_install_sh_adds_hearth_to_the_menu_and_path_and_removes_it(tmp_path):
    import shutil

    app = tmp_path / "unpacked" / "hearth"
    app.mkdir(parents=True)
    for name in ("install.sh", "hearth.desktop"):
        shutil.copy2(ROOT / "packaging" / name, app / name)
    shutil.copy2(ROOT / "gui" / "hearth.png", app / "hearth.png")
    (app / "hearth").write_text("#!/bin/sh\necho hearth\n")
    (app / "hearth").chmod(0o755)
    home = tmp_path / "home"
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(["sh", str(app / "install.sh")], env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    desktop = (home / ".local/share/applications/hearth.desktop").read_text()
    assert f'Exec="{app}/hearth"' in desktop and "Icon=" + str(home / ".local/share/icons") in desktop
    assert (home / ".local/bin/hearth").resolve() == app / "hearth"
    assert (home / ".local/share/icons/hicolor/256x256/apps/hearth.png").stat().st_size > 0
    removed = subprocess.run(["sh", str(app / "install.sh"), "--remove"], env=env, capture_output=True, text=True,
                             timeout=30)
    assert removed.returncode == 0 and not (home / ".local/bin/hearth").exists()
    assert not (home / ".local/share/applications/hearth.desktop").exists()
    assert (app / "hearth").exists()  # the app itself stays


def test_the_window_icon_ships_with_the_gui_package():
    from gui.app import ICON

    assert ICON.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_wheel_has_the_hearth_command_the_sample_folder_and_the_icon(tmp_path):
    """What `pip install .` puts on a machine: `hearth` on PATH, `python -m hearth`, `hearth demo`'s folder."""
    import zipfile

    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True, timeout=300,
                           cwd=tmp_path)
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next(tmp_path.glob("hearth-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "hearth/__main__.py" in names and "gui/hearth.png" in names
    assert any(n.endswith("share/hearth/examples/docs/sourdough-bread.md") for n in names)
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "hearth = cli:main" in entry_points


def test_disk_check_stops_a_build_that_would_not_fit_and_says_where(tmp_path):
    """make runs packaging/check_disk.py before installing or building; it passes when there is room."""
    script = ROOT / "packaging" / "check_disk.py"
    not_yet_made = tmp_path / "venv" / "lib"
    ok = subprocess.run([sys.executable, str(script), "--needs-gb", "0.001", str(not_yet_made)],
                        capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    full = subprocess.run([sys.executable, str(script), "--needs-gb", "1e9", "--what", "building the app bundle",
                           str(not_yet_made)], capture_output=True, text=True, timeout=60)
    assert full.returncode == 1
    assert "Not enough free disk space for building the app bundle" in full.stderr
    assert f"{tmp_path.resolve()}: " in full.stderr and "GB free" in full.stderr  # the nearest folder that exists
    assert "Free some space" in full.stderr
