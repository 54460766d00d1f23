"""`hearth search-model`: re-embed the index with another search model or vector kind; the current index keeps
answering until the new one is complete, and nothing is parsed again."""

from __future__ import annotations

from dataclasses import asdict

from cli.common import ctrl_c_cancels, print_json, progress_bar, verb, workspace


def add_parser(sub, common) -> None:
    p = verb(sub, common, "search-model", "re-embed the index with another search (embedding) model", run)
    p.add_argument("model", nargs="?", default="",
                   help="a sentence-transformers folder (default: the bundled all-MiniLM-L6-v2)")
    p.add_argument("--backend", default="auto",
                   help="auto, onnx, torch, onnx-int8, onnx-fp32 or torch-fp32 (auto: ONNX int8 where the CPU runs "
                        "it fast)")
    p.add_argument("--json", action="store_true")


def run(args) -> int:
    with workspace(args) as ws, ctrl_c_cancels("re-embedding; the index keeps its search model") as cancel, \
            progress_bar(not args.json, "chunk") as on_progress:
        res = ws.switch_search_model(args.model, args.backend, on_progress, cancel)
    if args.json:
        print_json(asdict(res))
    else:
        print(f"the index now uses {res.model or 'the bundled all-MiniLM-L6-v2'} ({res.vectors}): {res.chunks} chunks, "
              f"embedded again in {res.seconds:.0f} s; nothing was parsed again")
    return 0
