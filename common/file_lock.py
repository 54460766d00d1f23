"""Advisory locks on an open file, shared by Hearth processes on one data dir: flock on POSIX, msvcrt on Windows.

A lock belongs to the open file, so two opens of one path conflict even inside one process, and the system drops
a lock when its process dies: a crash never leaves a lock behind.
"""

from __future__ import annotations

import os
from pathlib import Path


def open_lock_file(path: Path) -> int:
    """An open descriptor of the lock file at `path`, made (with its folder) when missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)


def try_lock(fd: int, *, shared: bool = False) -> bool:
    """Take the lock on `fd` without waiting; False when another holder is in the way. Windows has no shared
    locks, so there `shared` takes an exclusive one (untested here)."""
    if os.name == "nt":
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    import fcntl

    try:
        fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def unlock(fd: int) -> None:
    if os.name == "nt":
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)
