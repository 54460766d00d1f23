"""The list of watched folders, kept in the data dir as a versioned JSON file written atomically."""

from __future__ import annotations

import os
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

from common.errors import ConfigError, FormatError
from common.formats import Format, Migration

_CHANGING = threading.Lock()  # read-modify-write of the list: two "add folder" tasks must not lose one
FOLDERS_FORMAT = Format("hearth.folders", (
    # Before formats were versioned the file was a bare list of {"path", "paused"}.
    Migration("0001_folders_under_a_key", lambda old: {"folders": old}),
))


@dataclass
class Folder:
    path: str
    paused: bool = False


def load_folders(file: Path) -> list[Folder]:
    try:
        data = FOLDERS_FORMAT.load(file, {"folders": []})
        return [Folder(**f) for f in data["folders"]]
    except (TypeError, KeyError) as exc:
        raise FormatError(f"{file} is damaged ({exc}); fix or delete it and add your folders again.") from None


def save_folders(file: Path, folders: list[Folder]) -> None:
    FOLDERS_FORMAT.save(file, {"folders": [asdict(f) for f in folders]})


def normalize(path: str | os.PathLike) -> str:
    return str(Path(path).expanduser().absolute())


def add_folder(file: Path, path: str | os.PathLike) -> Folder:
    with _CHANGING:
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
    with _CHANGING:
        p = normalize(path)
        folders = load_folders(file)
        kept = [f for f in folders if f.path != p]
        if len(kept) == len(folders):
            raise ConfigError(f"{p} is not a watched folder (see `folders list`).")
        save_folders(file, kept)
        return Folder(p)


def set_paused(file: Path, path: str | os.PathLike, paused: bool) -> None:
    with _CHANGING:
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
