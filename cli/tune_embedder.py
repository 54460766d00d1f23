"""`hearth tune-embedder`: tune the embedding model on your own files; the index switches to it only when it
retrieves held-out files better."""

from __future__ import annotations

from dataclasses import asdict

from cli.common import ctrl_c_cancels, print_json, progress_bar, verb, workspace


def add_parser(sub, common) -> None:
    p = verb(sub, common, "tune-embedder", "tune the embedding model on your indexed files", run)
    p.add_argument("--source", choices=["auto", "model", "headings"], default="auto",
                   help="who writes the training questions: the headings (auto, headings) or the chat model")
    p.add_argument("--no-switch", action="store_true", help="measure only; keep the index as it is")
    p.add_argument("--json", action="store_true")


def run(args) -> int:
    with workspace(args) as ws, ctrl_c_cancels("the current step") as cancel, \
            progress_bar(not args.json, "step") as on_progress:
        res = ws.tune_embedder(args.source, not args.no_switch, on_progress, cancel)
    if args.json:
        print_json(asdict(res))
        return 0
    print(f"tuned on {res.train_pairs} questions ({res.source}) on {res.device} in {res.seconds:.0f} s; held-out "
          f"files ({res.held_out_queries} questions): recall@5 {res.before.recall_at_5:.3f} -> "
          f"{res.after.recall_at_5:.3f}, MRR@10 {res.before.mrr_at_10:.3f} -> {res.after.mrr_at_10:.3f}")
    if res.switched:
        print(f"the index now uses {res.model_dir}")
    else:
        print("the index keeps its embedder" + ("" if args.no_switch else " (the tuned one was not better)"))
    return 0
