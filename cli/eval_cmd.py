"""`hearth eval --queries FILE`: retrieval quality on a JSONL file of queries (or write one with --generate)."""

from __future__ import annotations

from cli.common import ctrl_c_cancels, print_json, progress_bar, verb, workspace


def add_parser(sub, common) -> None:
    p = verb(sub, common, "eval", "measure retrieval on a JSONL file of queries", run)
    p.add_argument("--queries", required=True, help='JSON lines {"query": str, "relevant": [path, ...]}')
    p.add_argument("-k", type=int, default=5)
    p.add_argument("--json", action="store_true")
    p.add_argument("--generate", type=int, metavar="N",
                   help="instead: write N questions made by the local model from your index into --queries")


def run(args) -> int:
    with workspace(args) as ws:
        if args.generate:
            with ctrl_c_cancels("this question") as cancel, progress_bar(True, "question") as on_progress:
                n = ws.generate_eval(args.generate, args.queries, on_progress, cancel)
            print(f"wrote {n} questions to {args.queries}")
            return 0
        r = ws.evaluate(args.queries, args.k)
    if args.json:
        print_json(r.to_json())
    else:
        print(f"{r.queries} queries: hit rate@{r.k} {r.hit_rate:.3f}, recall@{r.k} {r.recall:.3f}, "
              f"MRR@10 {r.mrr10:.3f}, nDCG@10 {r.ndcg10:.3f}")
    return 0
