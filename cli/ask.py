"""`hearth ask QUESTION`: an answer from your files, with sources (streamed on a terminal)."""

from __future__ import annotations

import sys

from cli.common import add_filter_flags, ctrl_c_cancels, filters_from, print_json, verb, workspace


def add_parser(sub, common) -> None:
    p = verb(sub, common, "ask", "answer a question from your files, with sources", run)
    p.add_argument("question")
    p.add_argument("--model", help="a GGUF file to use instead of the configured one")
    p.add_argument("--json", action="store_true")
    p.add_argument("--chat", help="continue a chat by id, or `new` to start one (kept in the data dir)")
    add_filter_flags(p)


def ask_and_print(ws, args) -> int:
    stream = not args.json and sys.stdout.isatty()
    with ctrl_c_cancels("the answer") as cancel:
        res = ws.ask(args.question, getattr(args, "chat", None),
                     (lambda t: print(t, end="", flush=True)) if stream else None, cancel, filters_from(args))
    if args.json:
        print_json(res.to_json())
        return 0
    ans = res.answer
    print(ans.answer if not stream or ans.refused else "")
    if ans.sources:
        print("\nSources:")
        for s in ans.sources:
            mark = "*" if s.n in ans.cited else " "
            print(f" {mark}[{s.n}] {s.path}" + (f" (page {s.page})" if s.page else "") + f" chunk {s.chunk}")
    if res.chat is not None:
        print(f"\n(chat {res.chat.id}: continue with --chat {res.chat.id})")
    return 0


def run(args) -> int:
    with workspace(args) as ws:
        return ask_and_print(ws, args)
