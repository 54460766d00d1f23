"""`hearth watch [PATH...]`: keep the index current while files change, until Ctrl-C."""

from __future__ import annotations

import time

from cli.common import verb, workspace


def add_parser(sub, common) -> None:
    p = verb(sub, common, "watch", "keep the index current while files change (Ctrl-C stops)", run)
    p.add_argument("paths", nargs="*")


def print_update(r) -> None:
    if r.files_indexed or r.files_removed or r.files_moved or r.errors:
        print(f"updated: {r.files_indexed} indexed, {r.files_moved} moved, {r.files_removed} removed, "
              f"{len(r.errors)} errors ({r.seconds:.2f} s)", flush=True)


def run(args) -> int:
    from common.errors import ConfigError

    with workspace(args) as ws:
        for p in args.paths:
            ws.add_folder(p, index=False)
        folders = ws.folders()
        if not folders:
            raise ConfigError("No folders to watch; pass a folder or use `folders add`.")
        ws.start_watching(print_update)
        print(f"Watching {', '.join(f.path for f in folders)}. Ctrl-C to stop.", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0
