"""`hearth` with no command: the desktop app, or the headless demo where there is no display."""

from __future__ import annotations

import os
import sys


def has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) or \
        os.environ.get("QT_QPA_PLATFORM") in ("offscreen", "minimal")


def run(args) -> int:
    if not has_display():
        print("No display found; running the headless demo instead.", file=sys.stderr)
        from cli import demo

        args.question = None
        return demo.run(args)
    from cli.desktop import missing_xcb_libraries, uses_xcb, xcb_message

    if uses_xcb():
        missing = missing_xcb_libraries()
        if missing:
            print(xcb_message(missing), file=sys.stderr)
            return 1
    from gui.app import run_gui
    from operations import Workspace

    return run_gui(Workspace.open(args.data_dir, verbose=args.verbose, long_lived=True))
