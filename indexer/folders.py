"""The list of watched folders, kept in the data dir as JSON and written atomically."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from indexer.errors import ConfigError


@dataclass
class Folder:
    path: str
    paused: bool = False


def load_folders(file: Path) -> list[Folder]:
    if not file.exists():
        return []
    try:
        return [Folder(**f) for f in json.loads(file.read_text(encoding="utf-8"))]
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{file} is damaged ({exc}); fix or delete it and add your folders again.")


def save_folders(file: Path, folders: list[Folder]) -> None:
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_suffix(".tmp")
    tmp.write_text(json.dumps([asdict(f) for f in folders], indent=2), encoding="utf-8")
    os.replace(tmp, file)


def normalize(path: str | os.PathLike) -> str:
    return str(Path(path).expanduser().absolute())


def add_folder(file: Path, path: str | os.PathLike) -> Folder:
    p = normalize(path)
    if not Path(p).is_dir():
        raise ConfigError(f"{p} is not a folder.")
    folders = load_folders(file)
    for f in folders:
        if f.path == p:
            return f
        if p.startswith(f.path.rstrip(os.sep) + os.sep):
            raise ConfigError(f"{p} is already inside the watched folder {f.path}.")
    folders = [f for f in folders if not f.path.startswith(p.rstrip(os.sep) + os.sep)]  # a parent absorbs children
    folder = Folder(p)
    save_folders(file, folders + [folder])
    return folder


def remove_folder(file: Path, path: str | os.PathLike) -> Folder:
    p = normalize(path)
    folders = load_folders(file)
    kept = [f for f in folders if f.path != p]
    if len(kept) == len(folders):
        raise ConfigError(f"{p} is not a watched folder (see `folders list`).")
    save_folders(file, kept)
    return Folder(p)


def set_paused(file: Path, path: str | os.PathLike, paused: bool) -> None:
    p = normalize(path)
    folders = load_folders(file)
    for f in folders:
        if f.path == p:
            f.paused = paused
    save_folders(file, folders)


def owner(folders: list[Folder], path: str) -> Folder | None:
    """The watched folder a path lies in (the deepest one)."""
    best = None
    for f in folders:
        if path == f.path or path.startswith(f.path.rstrip(os.sep) + os.sep):
            if best is None or len(f.path) > len(best.path):
                best = f
    return best
