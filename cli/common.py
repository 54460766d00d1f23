"""What every command shares: opening the workspace, a progress bar, Ctrl-C as cancel, filter flags, output."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator


def open_workspace(args: argparse.Namespace):
    """The workspace for `--data-dir` (and `--model` where the command has it)."""
    from operations import Workspace

    return Workspace.open(args.data_dir, model=getattr(args, "model", None), verbose=getattr(args, "verbose", False))


@contextmanager
def workspace(args: argparse.Namespace) -> Iterator[Any]:
    ws = open_workspace(args)
    try:
        yield ws
    finally:
        ws.close()


OCR_PREFIX = "OCR page"  # "OCR page 3/40: scan.pdf", from the indexer while a scan is read


@contextmanager
def progress_bar(enabled: bool = True, unit: str = "file"):
    """Yields an on_progress(done, total, message) callback drawing a bar on a terminal (nothing otherwise)."""
    from tqdm import tqdm

    bar = tqdm(total=0, unit=unit, disable=not (enabled and sys.stderr.isatty()), leave=False, dynamic_ncols=True)

    def on_progress(done: int, total: int, message: str) -> None:
        if bar.total != total:
            bar.total = total
        bar.n = done
        label = message if message.startswith(OCR_PREFIX) else Path(message).name
        bar.set_postfix_str(label[:40], refresh=False)
        bar.refresh()

    try:
        yield on_progress
    finally:
        bar.close()


@contextmanager
def ctrl_c_cancels(what: str = "the current file"):
    """First Ctrl-C sets the cancel flag (work stops cleanly, everything written is kept); a second one aborts."""
    cancel = threading.Event()
    previous = signal.getsignal(signal.SIGINT)

    def handler(signum, frame):
        if cancel.is_set():
            signal.signal(signal.SIGINT, previous)
            raise KeyboardInterrupt
        print(f"\nStopping after {what}… (Ctrl-C again to abort)", file=sys.stderr)
        cancel.set()

    signal.signal(signal.SIGINT, handler)
    try:
        yield cancel
    finally:
        signal.signal(signal.SIGINT, previous)


def add_filter_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--folder", help="only files of this watched folder")
    p.add_argument("--type", action="append", help="only this file type (pdf, markdown, docx, …); repeatable")
    p.add_argument("--since", help="only files modified on or after this date (YYYY-MM-DD)")


def filters_from(args: argparse.Namespace):
    """--folder / --type / --since flags as retrieval Filters."""
    from datetime import datetime

    from common.errors import ConfigError
    from operations import Filters

    since = None
    if getattr(args, "since", None):
        try:
            since = datetime.fromisoformat(args.since).timestamp()
        except ValueError:
            raise ConfigError(f"--since takes a date like 2024-05-31, not {args.since!r}.") from None
    folder = getattr(args, "folder", None)
    return Filters(str(Path(folder).expanduser().absolute()) if folder else None, getattr(args, "type", None), since)


def print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False))


def verb(sub, common: argparse.ArgumentParser, name: str, help: str, run) -> argparse.ArgumentParser:
    """Register a subcommand that takes the common flags and runs `run(args)`."""
    p = sub.add_parser(name, parents=[common], help=help)
    p.set_defaults(run=run)
    return p
