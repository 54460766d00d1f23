"""Stop a long install or build before it starts when the disk is too full for it, and say what to do.

pip's own message on a full disk ("OSError: [Errno 28] No space left on device") comes minutes in and leaves a
half-made environment; this check runs first. Standard library only: it runs before the virtual environment exists.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

GB = 1e9


def shortfall(folders: list[Path], needs_gb: float) -> list[str]:
    """One line per disk that has less than `needs_gb` free (folders on the same disk are counted once)."""
    seen: dict[int, Path] = {}
    for folder in folders:
        folder = folder.resolve()
        while not folder.exists():
            folder = folder.parent
        seen.setdefault(folder.stat().st_dev, folder)
    lines = []
    for folder in seen.values():
        free = shutil.disk_usage(folder).free / GB
        if free < needs_gb:
            lines.append(f"{folder}: {free:.1f} GB free, about {needs_gb:g} GB needed")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folders", nargs="+", type=Path, help="where the work writes; the temp folder is added")
    parser.add_argument("--needs-gb", type=float, required=True)
    parser.add_argument("--what", default="this step")
    args = parser.parse_args(argv)
    short = shortfall([*args.folders, Path(tempfile.gettempdir())], args.needs_gb)
    if not short:
        return 0
    print(f"Not enough free disk space for {args.what}:", file=sys.stderr)
    for line in short:
        print(f"  {line}", file=sys.stderr)
    print("Free some space there (or set TMPDIR to a folder on a roomier disk) and run make again.", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
