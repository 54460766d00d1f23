"""Every file Hearth writes goes to a temporary name beside its target and is renamed over it, so a crash
leaves either the old file or the new one, never half of either."""

from __future__ import annotations

import json
import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

PARTIAL_SUFFIX = ".partial"


def partial_path(target: Path) -> Path:
    """The temporary name a file is written under before it is renamed to `target`: unique to this process
    and thread, so two writers of one file never share (or rename away) each other's temp file."""
    target = Path(target)
    return target.with_name(f"{target.name}.{os.getpid()}-{threading.get_ident()}{PARTIAL_SUFFIX}")


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yields a temporary path to write; on success it replaces `target`, on failure it is removed."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = partial_path(target)
    tmp.unlink(missing_ok=True)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes(target: Path, data: bytes) -> Path:
    with atomic_path(target) as tmp:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    return Path(target)


def write_text(target: Path, text: str) -> Path:
    return write_bytes(target, text.encode("utf-8"))


def write_json(target: Path, value: Any, indent: int | None = 2) -> Path:
    return write_text(target, json.dumps(value, ensure_ascii=False, indent=indent) + "\n")


def write_lines(target: Path, lines: list[str]) -> Path:
    """A text file of lines (JSONL, for example), each ending in a newline."""
    return write_text(target, "".join(line + "\n" for line in lines))


def place_file(src: Path, target: Path) -> Path:
    """Put a copy of `src` at `target` atomically: a hard link when possible, a byte copy across file systems."""
    with atomic_path(target) as tmp:
        try:
            os.link(src, tmp)
        except OSError:
            shutil.copyfile(src, tmp)
    return Path(target)
