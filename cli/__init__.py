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
    parser = argparse.ArgumentParser(prog="hearth", description=DESCRIPTION, parents=[_common_flags(before_verb=True)])
    sub = parser.add_subparsers(dest="command")
    verb_flags = _common_flags(before_verb=False)
    for verb in VERBS:
        verb.add_parser(sub, verb_flags)
    return parser


def _common_flags(before_verb: bool) -> argparse.ArgumentParser:
    """The flags every command takes, before the verb or after it. The verbs' copy has no defaults: argparse
    would otherwise reset `hearth --data-dir X index …` to the default data dir after reading the verb."""
    unset = {} if before_verb else {"default": argparse.SUPPRESS}
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="where Hearth keeps its index, config and models (default: $HEARTH_HOME "
                                           "or the platform's user data dir)", **unset)
    common.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr", **unset)
    return common


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
