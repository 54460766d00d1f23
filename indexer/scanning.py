"""Walking watched folders: which files exist now, with size and mtime, and which paths could not be read."""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from indexer.ignore import IgnoreRules


@dataclass(frozen=True)
class FileStat:
    path: str  # absolute
    folder: str  # the watched root it belongs to
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class ScanProblem:
    path: str
    folder: str
    reason: str


def describe_os_error(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if isinstance(exc, PermissionError):
        return "permission denied: Hearth cannot read this"
    if isinstance(exc, FileNotFoundError):
        return "vanished while being read (or a broken link)"
    return exc.strerror or str(exc)


_SPECIAL_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
                  (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def special_file_reason(path: str, mode: int) -> str | None:
    """Why a pipe, socket or device (or a link to one) is listed instead of read: reading could block forever
    or never end (a link to /dev/zero)."""
    for test, kind in _SPECIAL_KINDS:
        if test(mode):
            target = f" ({os.path.realpath(path)})" if os.path.islink(path) else ""
            link = "a link to " if target else ""
            return f"{link}{kind}{target}: not a document, so it is not read"
    return None


def stat_file(path: str, folder: str) -> FileStat | ScanProblem | None:
    """Stat one path (following a link to a file). None for folders; pipes, sockets and devices are problems."""
    try:
        st = os.stat(path)
    except OSError as exc:
        if isinstance(exc, FileNotFoundError) and not os.path.lexists(path):
            return None
        return ScanProblem(path, folder, describe_os_error(exc))
    if stat.S_ISDIR(st.st_mode):
        return None
    if not stat.S_ISREG(st.st_mode):
        reason = special_file_reason(path, st.st_mode)
        return ScanProblem(path, folder, reason) if reason else None
    return FileStat(path, folder, st.st_size, st.st_mtime_ns)


def scan(root: Path, folder: str, rules: IgnoreRules) -> tuple[list[FileStat], list[ScanProblem]]:
    """Every indexable-looking file under `root` (a watched folder or a folder inside one).

    Links to folders are not followed, so a link loop cannot trap the walk and nothing is seen twice.
    """
    files: list[FileStat] = []
    problems: list[ScanProblem] = []
    stack = [str(root)]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as it:
                entries = list(it)
        except OSError as exc:
            problems.append(ScanProblem(current, folder, describe_os_error(exc)))
            continue
        for entry in entries:
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                if not rules.ignored(Path(entry.path), is_dir=True):
                    stack.append(entry.path)
                continue
            if entry.is_symlink() and os.path.isdir(entry.path):
                continue
            if rules.ignored(Path(entry.path), is_dir=False):
                continue
            result = stat_file(entry.path, folder)
            if isinstance(result, FileStat):
                files.append(result)
            elif result is not None:
                problems.append(result)
    return files, problems
