"""The app bundle against the venv: size on disk, and start to window shown and to window ready, cold (page
cache dropped before each launch, where the machine allows it) and warm, in the same run.

    cd bench && ../.venv/bin/python bundle_start.py            # after `make package` (and `make package-full`)

Needs Xvfb and xdotool. Each launch gets a fresh data dir whose chat model is already prepared, and the venv a
primed embedder cache, so the figures are a usual start, not the one-off work only the venv does on its first
(assembling the bundled GGUF, exporting the embedder to ONNX; the bundle ships both done).
"""

from __future__ import annotations

import argparse
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "packaging"))

from smoke_test import wait_for, window_shown  # noqa: E402

DISPLAY = ":94"
RUNS = 3


def drop_page_cache() -> bool:
    try:
        subprocess.run(["sync"], check=True)
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink()) / 1e6


def start_once(command: list[str], data: Path, env: dict) -> tuple[float, float]:
    """Seconds to the window shown and to "window ready" in the log (models and index loaded)."""
    started = time.perf_counter()
    proc = subprocess.Popen([*command, "--data-dir", str(data)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        shown = wait_for(lambda: window_shown(env), 120, step=0.02)
        log = data / "logs" / "hearth.log"
        ready = wait_for(lambda: log.exists() and "window ready" in log.read_text(errors="replace"), 240, step=0.02)
        if shown is None or ready is None:
            raise RuntimeError(f"{command[0]} did not show a ready window")
        return shown, time.perf_counter() - started
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)


def prepared_data_dir(tmp: Path, name: str, model: Path) -> Path:
    """A data dir whose config points at an already assembled GGUF (both apps then load the same file)."""
    data = tmp / name
    data.mkdir()
    (data / "config.toml").write_text(f'[engine]\nmodel = "{model}"\n')
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()
    apps = {"venv (python main.py)": [str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "main.py")]}
    for variant in ("core", "full"):
        exe = ROOT / "dist" / variant / "hearth" / "hearth"
        if exe.exists():
            apps[f"bundle, {variant}"] = [str(exe)]
    model = ROOT / "build" / "models" / "gemma-3-270m-q4_k_m.gguf"
    if not model.exists():
        sys.exit("run `make package` first (it assembles the chat model into build/models)")
    print("size on disk:")
    print(f"  .venv (with test and build tools): {folder_mb(ROOT / '.venv'):,.0f} MB")
    for variant in ("core", "full"):
        folder = ROOT / "dist" / variant / "hearth"
        if folder.exists():
            archives = [a for a in (ROOT / "dist").glob("hearth*.tar.gz") if ("full" in a.name) == (variant == "full")]
            extra = f", archive {archives[0].stat().st_size / 1e6:,.0f} MB" if archives else ""
            print(f"  bundle, {variant}: {folder_mb(folder):,.0f} MB{extra}")
    xvfb = subprocess.Popen(["Xvfb", DISPLAY, "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = {"HOME": tempfile.mkdtemp(), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "DISPLAY": DISPLAY,
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    # The venv exports the embedder to ONNX once per data dir (the bundle ships the export): one shared, primed
    # cache, so both are measured as every start after the first.
    env["HEARTH_EMBEDDER_CACHE"] = tempfile.mkdtemp()
    results: dict[str, dict[str, list[tuple[float, float]]]] = {}
    try:
        time.sleep(1.0)
        with tempfile.TemporaryDirectory() as tmp:
            first = start_once(apps["venv (python main.py)"], prepared_data_dir(Path(tmp), "prime", model), env)
        print(f"\nvenv, first start ever (exports the embedder to ONNX): ready after {first[1]:.1f} s")
        can_drop = drop_page_cache()
        with tempfile.TemporaryDirectory() as tmp:
            for run in range(args.runs):
                for name, command in apps.items():  # interleaved, so drift hits every app alike
                    for mode in ("cold", "warm"):
                        if mode == "cold" and not can_drop:
                            continue
                        if mode == "cold":
                            drop_page_cache()
                        data = prepared_data_dir(Path(tmp), f"{name[:6].strip()}-{run}-{mode}-{time.time_ns()}", model)
                        results.setdefault(name, {}).setdefault(mode, []).append(start_once(command, data, env))
    finally:
        xvfb.terminate()
        shutil.rmtree(env["HOME"], ignore_errors=True)
        shutil.rmtree(env["HEARTH_EMBEDDER_CACHE"], ignore_errors=True)
    print(f"\nstart to window shown / window ready, median of {args.runs} (page cache "
          f"{'dropped before each cold launch' if can_drop else 'could not be dropped: warm only'}):")
    base = results["venv (python main.py)"]
    for name, modes in results.items():
        for mode, runs in modes.items():
            shown = statistics.median(r[0] for r in runs)
            ready = statistics.median(r[1] for r in runs)
            b_shown = statistics.median(r[0] for r in base[mode])
            b_ready = statistics.median(r[1] for r in base[mode])
            print(f"  {name:24s} {mode}: shown {shown:5.2f} s ({shown / b_shown:.2f}x venv), "
                  f"ready {ready:5.2f} s ({ready / b_ready:.2f}x venv)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
