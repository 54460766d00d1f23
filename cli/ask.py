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


UNSUPPORTED_MARK = "⚠"


def print_checked(ans, streamed: bool) -> None:
    """The evidence first when the main claim failed; unsupported sentences marked, with the reason."""
    if ans.refused:
        print(ans.answer)
        return
    if ans.lead_text:
        print(ans.lead_text)
        print("\nThe model answered (its main claim is not what your files say):")
    elif streamed and not any(not c.supported for c in ans.checks):
        return  # the streamed text stands as it is
    elif streamed:
        print("\nChecked against your files:")
    for c in ans.checks or []:
        print(f"{UNSUPPORTED_MARK} {c.sentence}  [unsupported: {c.reason}]" if not c.supported else f"  {c.sentence}")
    if not ans.checks:
        print(ans.answer)


def print_sources(ans) -> None:
    """Cited sources apart from those that were only retrieved."""
    groups = (("Cited", [s for s in ans.sources if s.n in ans.cited]),
              ("Also retrieved" if ans.cited else "Sources", [s for s in ans.sources if s.n not in ans.cited]))
    for title, sources in groups:
        if sources:
            print(f"\n{title}:")
            for s in sources:
                print(f"  [{s.n}] {s.path}" + (f" (page {s.page})" if s.page else "") + f" chunk {s.chunk}")


def ask_and_print(ws, args) -> int:
    stream = not args.json and sys.stdout.isatty()
    with ctrl_c_cancels("the answer") as cancel:
        res = ws.ask(args.question, getattr(args, "chat", None),
                     (lambda t: print(t, end="", flush=True)) if stream else None, cancel, filters_from(args))
    if args.json:
        print_json(res.to_json())
        return 0
    ans = res.answer
    if stream:
        print()
    print_checked(ans, streamed=stream)
    print_sources(ans)
    if res.chat is not None:
        print(f"\n(chat {res.chat.id}: continue with --chat {res.chat.id})")
    return 0


def run(args) -> int:
    with workspace(args) as ws:
        return ask_and_print(ws, args)
