"""The `hearth` command line: one module per verb, each a parser and a `run(args)` that calls the
operations layer and prints. `main.py` and the `hearth` console script both end in `main()` here."""

from __future__ import annotations

import argparse
import sys

from cli import (ask, chats, demo, eval_cmd, export, folders, gui, index, models, search, search_model, status,
                 train, tune_embedder, watch)

DESCRIPTION = "Hearth: a local assistant that answers from your own files."
VERBS = (index, watch, search, ask, chats, eval_cmd, train, export, tune_embedder, search_model, models, folders, status,
         demo)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="where Hearth keeps its index, config and models (default: $HEARTH_HOME "
                                           "or the platform's user data dir)")
    common.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    parser = argparse.ArgumentParser(prog="hearth", description=DESCRIPTION, parents=[common])
    sub = parser.add_subparsers(dest="command")
    for verb in VERBS:
        verb.add_parser(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; with none, the desktop app. Exit 0 on success, 1 with a one-line reason, 2 on usage."""
    args = build_parser().parse_args(argv)
    run = getattr(args, "run", None) or gui.run
    from common.errors import HearthError

    try:
        return run(args)
    except HearthError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("aborted", file=sys.stderr)
        return 1
