"""`hearth search QUERY`: retrieval only, the best matching chunks."""

from __future__ import annotations

from cli.common import add_filter_flags, filters_from, print_json, verb, workspace

PREVIEW_CHARS = 200


def add_parser(sub, common) -> None:
    p = verb(sub, common, "search", "retrieval only: the best matching chunks", run)
    p.add_argument("query")
    p.add_argument("-k", type=int, default=8)
    p.add_argument("--json", action="store_true")
    p.add_argument("--vector-only", action="store_true", help="skip the full-text half of hybrid search")
    add_filter_flags(p)


def run(args) -> int:
    with workspace(args) as ws:
        hits = ws.search(args.query, args.k, filters_from(args), hybrid=False if args.vector_only else None)
    if args.json:
        print_json([h.to_json() for h in hits])
        return 0
    for i, h in enumerate(hits, 1):
        where = h.path + (f" p.{h.page}" if h.page else "") + (f" § {h.heading}" if h.heading else "")
        print(f"{i}. [{h.score:.3f}] {where}\n   {' '.join(h.text.split())[:PREVIEW_CHARS]}")
    return 0
