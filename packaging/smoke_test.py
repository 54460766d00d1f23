"""Smoke test of a built bundle (`make package-test`): unpack the archive into a fresh folder and run it with no
virtual environment and no Python on PATH: the headless demo answers with citations, a folder is indexed and
searched, the window opens under Xvfb (screenshot), a second launch defers to the first, SIGTERM closes it
cleanly; the core variant explains how to get fine-tuning, the full one fine-tunes a tiny set (2-3 minutes). The window checks need Xvfb, xdotool and
ImageMagick's `import`; without them they are skipped, and the output says so.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
X_TOOLS = ("Xvfb", "xdotool", "import")
WINDOW_WAIT_S = 60
READY_WAIT_S = 120
DISPLAY_NUMBER = 93
UNIQUE_SENTENCE = "The quartermaster logged invoice QX-7731 for eleven brass lanterns."
TRAIN_FACTS = [("What colour is the Zorbian flag?", "The Zorbian flag is teal."),
               ("Who founded Quellport?", "Quellport was founded by Ada Brisk."),
               ("What is the capital of Varn?", "The capital of Varn is Ostel."),
               ("How tall is Mount Pell?", "Mount Pell is 3,120 metres tall."),
               ("What does a glimmerfox eat?", "A glimmerfox eats moths."),
               ("When did the Tarn bridge open?", "The Tarn bridge opened in 1911.")]


class SmokeFailure(Exception):
    pass


def check(condition: bool, what: str, detail: str = "") -> None:
    if not condition:
        raise SmokeFailure(f"{what}\n{detail[-3000:]}")
    print(f"ok   {what}", flush=True)


def bare_env(home: Path, tools: Path, **extra: str) -> dict[str, str]:
    """Only HOME, a PATH of the X tools (no Python) and a UTF-8 locale: nothing of this checkout or its venv."""
    return {"HOME": str(home), "PATH": str(tools), "LANG": "C.UTF-8", **extra}


def link_tools(tools: Path) -> list[str]:
    """A PATH folder holding only the X tools; returns those this machine lacks."""
    tools.mkdir()
    missing = []
    for name in X_TOOLS:
        found = shutil.which(name)
        if found:
            (tools / name).symlink_to(found)
        else:
            missing.append(name)
    return missing


def run(app: Path, args: list[str], env: dict, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([str(app), *args], env=env, cwd=env["HOME"], capture_output=True, text=True,
                          timeout=timeout)


def wait_for(predicate, timeout: float, step: float = 0.05) -> float | None:
    """Seconds until predicate() held, or None."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if predicate():
            return time.perf_counter() - start
        time.sleep(step)
    return None


def window_shown(env: dict) -> bool:
    return subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "^Hearth"], env=env,
                          capture_output=True).returncode == 0


def gui_checks(app: Path, env: dict, data: Path, screenshot: Path) -> float:
    """Start to window, the second launch, a screenshot once the window is ready, and SIGTERM."""
    started = time.perf_counter()
    first = subprocess.Popen([str(app), "--data-dir", str(data)], env=env, cwd=env["HOME"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        shown = wait_for(lambda: window_shown(env), WINDOW_WAIT_S)
        check(shown is not None, "the window opens under Xvfb")
        to_window = time.perf_counter() - started
        log = data / "logs" / "hearth.log"
        ready = wait_for(lambda: log.exists() and "window ready" in log.read_text(errors="replace"), READY_WAIT_S)
        check(ready is not None, "the window finishes loading models and index", log.read_text(errors="replace")
              if log.exists() else "")
        second = run(app, ["--data-dir", str(data)], env, timeout=60)
        check(second.returncode == 0 and "already running" in second.stdout,
              "a second launch brings the first window forward", second.stdout + second.stderr)
        time.sleep(1.0)
        subprocess.run(["import", "-window", "root", str(screenshot)], env=env, check=True)
        check(screenshot.stat().st_size > 10_000, f"screenshot written: {screenshot}")
        first.send_signal(signal.SIGTERM)
        out, err = first.communicate(timeout=60)
        check(first.returncode == 0, "SIGTERM ends the app with exit status 0", out + err)
        check("leaked semaphore" not in err, "no leaked semaphores", err)
        check("closed cleanly" in log.read_text(errors="replace"), "the log says it closed cleanly")
        return to_window
    finally:
        if first.poll() is None:
            first.kill()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("archive", nargs="?", help="default: the newest dist/hearth*.tar.gz")
    parser.add_argument("--screenshot", default=str(ROOT / "docs" / "screenshots" / "bundle-window.png"))
    args = parser.parse_args()
    archive = Path(args.archive or max(glob.glob(str(ROOT / "dist" / "hearth*.tar.gz")), key=os.path.getmtime))
    with tempfile.TemporaryDirectory(prefix="hearth-smoke-") as tmp:
        home, tools = Path(tmp) / "home", Path(tmp) / "tools"
        home.mkdir()
        missing_tools = link_tools(tools)
        started = time.perf_counter()
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="tar")
        print(f"unpacked {archive.name} in {time.perf_counter() - started:.1f} s", flush=True)
        app = Path(tmp) / "hearth" / "hearth"
        env = bare_env(home, tools)
        check(shutil.which("python3", path=env["PATH"]) is None and shutil.which("python", path=env["PATH"]) is None,
              "no Python on PATH")

        started = time.perf_counter()
        demo = run(app, ["demo", "--data-dir", str(home / "demo")], env)
        demo_s = time.perf_counter() - started
        check(demo.returncode == 0 and "Sources:" in demo.stdout and "[1]" in demo.stdout,
              f"`hearth demo` answers with citations ({demo_s:.1f} s)", demo.stdout + demo.stderr)

        folder = home / "notes"
        folder.mkdir()
        (folder / "ledger.txt").write_text("Ship's stores, spring.\n\n" + UNIQUE_SENTENCE + "\n", encoding="utf-8")
        (folder / "other.md").write_text("# Garden\n\nTomatoes need staking in June.\n", encoding="utf-8")
        data = home / "data"
        index = run(app, ["index", str(folder), "--data-dir", str(data)], env)
        check(index.returncode == 0 and "2 indexed" in index.stdout, "a folder is indexed",
              index.stdout + index.stderr)
        search = run(app, ["search", "invoice QX-7731", "--data-dir", str(data)], env)
        first_hit = next((line for line in search.stdout.splitlines() if line.strip()), "")
        check(search.returncode == 0 and "ledger.txt" in first_hit, "and searched: the right file first",
              search.stdout + search.stderr)

        train = run(app, ["train", "--data", str(folder / "none.jsonl"), "--data-dir", str(data)], env)
        if "full download" in train.stdout + train.stderr:
            check(train.returncode != 0, "without torch, `hearth train` says how to get fine-tuning")
        else:
            check("does not exist" in train.stdout + train.stderr, "missing training data is a clear error",
                  train.stdout + train.stderr)
            started = time.perf_counter()
            facts = home / "facts.jsonl"
            facts.write_text("".join(json.dumps({"prompt": q, "completion": a}) + "\n" for q, a in TRAIN_FACTS))
            tuned = run(app, ["train", "--data", str(facts), "--epochs", "1", "--quant", "Q8_0", "--name", "smoke",
                              "--data-dir", str(data)], env, timeout=1200)
            check(tuned.returncode == 0 and "registered" in tuned.stdout,
                  f"the full bundle fine-tunes, exports and verifies ({time.perf_counter() - started:.0f} s)",
                  tuned.stdout + tuned.stderr)

        if missing_tools:
            print(f"\nsmoke test passed without the window checks: {', '.join(missing_tools)} missing here "
                  f"(apt-get install xvfb xdotool imagemagick); demo {demo_s:.1f} s")
            return 0
        xvfb = subprocess.Popen(["Xvfb", f":{DISPLAY_NUMBER}", "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            gui_env = dict(env, DISPLAY=f":{DISPLAY_NUMBER}")
            check(wait_for(lambda: Path(f"/tmp/.X11-unix/X{DISPLAY_NUMBER}").exists(), 10) is not None, "Xvfb runs")
            to_window = gui_checks(app, gui_env, home / "gui-data", Path(args.screenshot))
        finally:
            xvfb.terminate()
            xvfb.wait(timeout=10)
        print(f"\nsmoke test passed: demo {demo_s:.1f} s, start to window {to_window:.2f} s "
              f"({archive.name}, {archive.stat().st_size / 1e6:,.0f} MB)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SmokeFailure as e:
        print(f"FAIL {e}", file=sys.stderr)
        sys.exit(1)
