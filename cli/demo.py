"""`hearth demo`: the headless `make run`; index the bundled sample folder and answer one question."""

from __future__ import annotations

from cli.ask import ask_and_print
from cli.common import verb, workspace
from cli.index import index_with_progress, print_report

DEMO_QUESTION = "How long should the bread dough rise?"


def add_parser(sub, common) -> None:
    p = verb(sub, common, "demo", "index the bundled sample folder and answer one question", run)
    p.add_argument("question", nargs="?")
    p.add_argument("--model", help="a GGUF file")


def run(args) -> int:
    from operations import SAMPLE_DOCS

    args.json, args.chat = False, None
    args.question = getattr(args, "question", None) or DEMO_QUESTION
    with workspace(args) as ws:
        print(f"Indexing the sample folder {SAMPLE_DOCS} …", flush=True)
        print_report(index_with_progress(ws, [str(SAMPLE_DOCS)], False), False)
        print(f"\nQuestion: {args.question}\n", flush=True)
        return ask_and_print(ws, args)
