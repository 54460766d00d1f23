"""Hearth: a local assistant that answers from your own files. This file wires config and offers the CLI.

Heavy imports (torch, LanceDB, llama.cpp) happen inside the commands, so `--help` is instant and worker
processes that re-import this module stay light.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLE_DOCS = HERE / "examples" / "docs"


# -- helpers shared by commands --------------------------------------------------------------------
@contextmanager
def progress_bar(enabled: bool = True):
    """Yields an on_progress(done, total, message) callback drawing a bar on a terminal (nothing otherwise)."""
    from tqdm import tqdm

    bar = tqdm(total=0, unit="file", disable=not (enabled and sys.stderr.isatty()), leave=False, dynamic_ncols=True)

    def on_progress(done: int, total: int, message: str) -> None:
        if bar.total != total:
            bar.total = total
        bar.n = done
        bar.set_postfix_str(Path(message).name[:40] if message else "", refresh=False)
        bar.refresh()

    try:
        yield on_progress
    finally:
        bar.close()


@contextmanager
def ctrl_c_cancels():
    """First Ctrl-C sets the cancel flag (work stops cleanly, everything written is kept); a second one aborts."""
    cancel = threading.Event()
    previous = signal.getsignal(signal.SIGINT)

    def handler(signum, frame):
        if cancel.is_set():
            signal.signal(signal.SIGINT, previous)
            raise KeyboardInterrupt
        print("\nStopping after the current file… (Ctrl-C again to abort)", file=sys.stderr)
        cancel.set()

    signal.signal(signal.SIGINT, handler)
    try:
        yield cancel
    finally:
        signal.signal(signal.SIGINT, previous)


def open_config(args):
    from app_config import load_config, setup_logging

    overrides = {}
    if getattr(args, "model", None):
        overrides["model"] = args.model
    cfg = load_config(args.data_dir, engine=overrides)
    setup_logging(cfg.data, getattr(args, "verbose", False))
    return cfg


def filters_from(args):
    """--folder / --type / --since flags as retrieval Filters."""
    from datetime import datetime

    from engine.retrieval import Filters

    since = None
    if getattr(args, "since", None):
        try:
            since = datetime.fromisoformat(args.since).timestamp()
        except ValueError:
            raise SystemExit(f"error: --since takes a date like 2024-05-31, not {args.since!r}")
    folder = getattr(args, "folder", None)
    return Filters(str(Path(folder).expanduser().absolute()) if folder else None, getattr(args, "type", None), since)


def add_filter_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--folder", help="only files of this watched folder")
    p.add_argument("--type", action="append", help="only this file type (pdf, markdown, docx, …); repeatable")
    p.add_argument("--since", help="only files modified on or after this date (YYYY-MM-DD)")


def open_indexer(cfg):
    from indexer.pipeline import Indexer

    return Indexer(cfg.index, cfg.data)


def print_report(report, as_json: bool) -> None:
    if as_json:
        print(json.dumps(report.to_json(), indent=2))
        return
    r = report
    print(f"{r.files_seen} files seen: {r.files_indexed} indexed, {r.files_unchanged} unchanged, "
          f"{r.files_moved} moved, {r.files_removed} removed; {r.chunks_added} chunks embedded, "
          f"{r.chunks_reused} reused ({r.seconds:.1f} s){' — cancelled' if r.cancelled else ''}")
    for title, items in (("Errors", r.errors), ("Skipped", r.skipped)):
        if items:
            print(f"{title} ({len(items)}):")
            for e in items[:50]:
                print(f"  {e['path']}: {e['reason']}")
            if len(items) > 50:
                print(f"  … and {len(items) - 50} more (see `status`)")


# -- commands ----------------------------------------------------------------------------------------
def cmd_index(args, ix=None) -> int:
    from indexer.errors import Cancelled
    from indexer.folders import add_folder

    cfg = open_config(args)
    if args.rebuild:
        from indexer.store import Store

        Store.destroy(cfg.data.index_dir)
    for p in args.paths:
        if Path(p).is_dir():
            add_folder(cfg.data.folders_file, p)
        elif not Path(p).exists():
            raise SystemExit(f"error: {p} does not exist")
    own = ix is None
    ix = ix or open_indexer(cfg)
    try:
        with ctrl_c_cancels() as cancel, progress_bar(not args.json) as on_progress:
            try:
                report = ix.index_folders(args.paths, on_progress, cancel)
            except Cancelled as exc:
                report = exc.report
        print_report(report, args.json)
    finally:
        if own:
            ix.close()
    return 0


def cmd_watch(args) -> int:
    import time

    from indexer.folders import add_folder
    from indexer.watcher import FolderWatcher

    cfg = open_config(args)
    for p in args.paths:
        add_folder(cfg.data.folders_file, p)
    ix = open_indexer(cfg)
    if not ix.folders():
        raise SystemExit("error: no folders to watch; pass a folder or use `folders add`")

    def on_report(r):
        if r.files_indexed or r.files_removed or r.files_moved or r.errors:
            print(f"updated: {r.files_indexed} indexed, {r.files_moved} moved, {r.files_removed} removed, "
                  f"{len(r.errors)} errors ({r.seconds:.2f} s)", flush=True)

    watcher = FolderWatcher(ix, on_report)
    try:
        watcher.start()
        print(f"Watching {', '.join(f.path for f in ix.folders())}. Ctrl-C to stop.", flush=True)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        watcher.stop()
        ix.close()
    return 0


def cmd_search(args) -> int:
    from dataclasses import replace

    from engine.answer import Engine

    cfg = open_config(args)
    ix = open_indexer(cfg)
    engine = Engine(replace(cfg.engine, hybrid=cfg.engine.hybrid and not args.vector_only, vector_cache=False),
                    cfg.data, ix.store, ix.embedder)
    hits = engine.retrieve(args.query, args.k, filters_from(args))
    if args.json:
        print(json.dumps([h.to_json() for h in hits], indent=2))
    else:
        for i, h in enumerate(hits, 1):
            where = f"{h.path}" + (f" p.{h.page}" if h.page else "") + (f" § {h.heading}" if h.heading else "")
            print(f"{i}. [{h.score:.3f}] {where}\n   {' '.join(h.text.split())[:200]}")
    ix.close()
    return 0


def cmd_ask(args, ix=None) -> int:
    from engine.answer import Engine
    from engine.chats import ChatStore

    cfg = open_config(args)
    ix = ix or open_indexer(cfg)
    engine = Engine(dataclasses.replace(cfg.engine, vector_cache=False), cfg.data, ix.store, ix.embedder)
    chats = ChatStore(cfg.data.chats_dir)
    chat = None
    if getattr(args, "chat", None):
        chat = chats.create() if args.chat == "new" else chats.get(args.chat)
    filters = filters_from(args)
    stream = not args.json and sys.stdout.isatty()
    with ctrl_c_cancels() as cancel:
        ans = engine.ask(args.question, (lambda t: print(t, end="", flush=True)) if stream else None, cancel,
                         chat.history() if chat else None, filters)
    if chat is not None:
        chats.append_turn(chat, args.question, ans.to_json())
    if args.json:
        out = ans.to_json()
        if chat is not None:
            out["chat"] = chat.id
        print(json.dumps(out, indent=2))
    else:
        if not stream or ans.refused:
            print(ans.answer)
        else:
            print()
        if ans.sources:
            print("\nSources:")
            for s in ans.sources:
                mark = "*" if s.n in ans.cited else " "
                print(f" {mark}[{s.n}] {s.path}" + (f" (page {s.page})" if s.page else "") + f" chunk {s.chunk}")
        if chat is not None:
            print(f"\n(chat {chat.id}: continue with --chat {chat.id})")
    ix.close()
    return 0


def cmd_chats(args) -> int:
    from engine.chats import ChatStore

    cfg = open_config(args)
    chats = ChatStore(cfg.data.chats_dir)
    if args.action == "list":
        items = [{"id": c.id, "title": c.title, "created": c.created, "turns": len(c.messages) // 2} for c in chats.list()]
        if args.json:
            print(json.dumps(items, indent=2))
        for c in items if not args.json else []:
            print(f"{c['id']}  {c['title']}  ({c['turns']} questions)")
        return 0
    if not args.id:
        raise SystemExit(f"error: `chats {args.action}` needs a chat id")
    if args.action == "show":
        chat = chats.get(args.id)
        if args.json:
            print(json.dumps(chat.__dict__, indent=2))
        for m in chat.messages if not args.json else []:
            print(f"{m['role']}: {m['content']}")
    elif args.action == "rename":
        if not args.title:
            raise SystemExit("error: `chats rename ID TITLE` needs a title")
        chats.rename(args.id, args.title)
    else:
        chats.delete(args.id)
    return 0


def cmd_eval(args) -> int:
    from engine.answer import Engine
    from engine.evaluation import generate_queries, load_queries, score

    cfg = open_config(args)
    ix = open_indexer(cfg)
    engine = Engine(cfg.engine, cfg.data, ix.store, ix.embedder)
    try:
        if args.generate:
            chunks = ix.store.chunk_rows(columns=["path", "text"])
            with progress_bar(True) as on_progress:
                done = []

                def write_question(prompt: str) -> str:
                    done.append(1)
                    on_progress(len(done), args.generate, "writing questions")
                    return engine.generator.complete(prompt, 40, stop=["\n"])

                queries = generate_queries(chunks, write_question, args.generate)
            with open(args.queries, "w", encoding="utf-8") as f:
                for q in queries:
                    f.write(json.dumps({"query": q.query, "relevant": q.relevant}) + "\n")
            print(f"wrote {len(queries)} questions to {args.queries}")
            return 0
        base = next((Path(f.path) for f in ix.folders()), None)
        queries = load_queries(Path(args.queries), base)
        depth = max(10, args.k)
        report = score(queries, lambda q: [h.path for h in engine.retrieve(q, depth * 3)], args.k)
        if args.json:
            print(json.dumps(report.to_json(), indent=2))
        else:
            r = report
            print(f"{r.queries} queries: hit rate@{r.k} {r.hit_rate:.3f}, recall@{r.k} {r.recall:.3f}, "
                  f"MRR@10 {r.mrr10:.3f}, nDCG@10 {r.ndcg10:.3f}")
    finally:
        ix.close()
    return 0


def cmd_train(args) -> int:
    """Fine-tune the chat model on a dataset, export it to GGUF, verify it, and register it as a chat model."""
    from engine.models import resolve_model
    from indexer.errors import Cancelled
    from training.finetune import fine_tune
    from training.lora import TrainConfig

    cfg = open_config(args)
    base = resolve_model(args.base or cfg.engine.model, cfg.data)
    tcfg = TrainConfig(rank=args.rank, alpha=args.alpha, learning_rate=args.lr, epochs=args.epochs,
                       batch_size=args.batch_size, max_len=args.max_len, seed=args.seed)
    name = args.name or f"{Path(args.data).stem}-{tcfg.method}"
    with ctrl_c_cancels() as cancel, progress_bar(not args.json) as on_progress:
        def on_report(r):
            on_progress(r.step, r.total_steps, f"loss {r.loss:.3f}, {r.tokens_per_s:.0f} tok/s, ETA {r.eta_s:.0f} s")

        try:
            res = fine_tune(base, Path(args.data), cfg.data.models_dir, cfg.data.runs_dir, name, tcfg,
                            None if args.quant == "none" else args.quant, on_report, None, cancel)
        except Cancelled as exc:
            print(f"{exc} (run `train` again with the same --name to resume)", file=sys.stderr)
            return 1
    if args.json:
        print(json.dumps(res.to_json(), indent=2))
    else:
        print(f"registered {res.model_path} (adapter: {res.adapter_path}); held-out answer log-prob per token: "
              f"base {res.base_logprob:.3f}, trained {res.trained_logprob:.3f}")
        for c in res.exports:
            print(f"  {c.kind:8} {c.logprob:.3f}, keeps {c.gain_kept:.0%} of the gain")
        print(f"use it: main.py ask \"…\" --model {res.model_path}")
    return 0


def cmd_export(args) -> int:
    """Export a finished training run again, e.g. with another quantization."""
    from engine.models import resolve_model
    from training.finetune import export_run

    cfg = open_config(args)
    base = resolve_model(args.base or cfg.engine.model, cfg.data)
    checks = export_run(base, cfg.data.runs_dir / args.name, cfg.data.models_dir, args.name,
                        None if args.quant == "none" else args.quant)
    out = [{"path": c.path, "kind": c.kind, "correlation": c.correlation, "top1": c.top1} for c in checks]
    print(json.dumps(out, indent=2) if args.json else "\n".join(
        f"registered {c['path']} (logit correlation with the trained model {c['correlation']:.4f})" for c in out))
    return 0


def cmd_models(args) -> int:
    cfg = open_config(args)
    models = sorted(cfg.data.models_dir.glob("*.gguf"))
    if args.action == "list":
        items = []
        for m in models:
            meta = m.with_suffix(".json")
            prov = json.loads(meta.read_text()) if meta.exists() else {}
            items.append({"path": str(m), "size_mb": round(m.stat().st_size / 2**20, 1),
                          "base": prov.get("hearth.base_file", "bundled" if "gemma-3-270m" in m.name else None),
                          "method": prov.get("hearth.method")})
        if args.json:
            print(json.dumps(items, indent=2))
        for i in items if not args.json else []:
            print(f"{i['path']}  {i['size_mb']} MB" + (f"  (fine-tune of {i['base']}, {i['method']})" if i["method"] else ""))
        return 0
    if not args.name:
        raise SystemExit("error: `models remove` needs a model name")
    target = cfg.data.models_dir / (args.name if args.name.endswith(".gguf") else args.name + ".gguf")
    if not target.exists():
        raise SystemExit(f"error: no model {target.name} in {cfg.data.models_dir}")
    target.unlink()
    target.with_suffix(".json").unlink(missing_ok=True)
    print(f"removed {target}")
    return 0


def cmd_folders(args) -> int:
    from indexer.folders import add_folder, load_folders, remove_folder, set_paused

    cfg = open_config(args)
    if args.action == "list":
        folders = load_folders(cfg.data.folders_file)
        if args.json:
            print(json.dumps([f.__dict__ for f in folders], indent=2))
        for f in folders if not args.json else []:
            state = "paused" if f.paused else ("missing" if not os.path.isdir(f.path) else "watching")
            print(f"{f.path}  [{state}]")
        return 0
    if not args.path:
        raise SystemExit(f"error: `folders {args.action}` needs a folder")
    if args.action == "add":
        print(f"added {add_folder(cfg.data.folders_file, args.path).path}; run `index` or `watch` to index it")
    elif args.action == "remove":
        f = remove_folder(cfg.data.folders_file, args.path)
        ix = open_indexer(cfg)
        print(f"removed {f.path} and {ix.remove_folder(f.path)} indexed files")
        ix.close()
    else:
        set_paused(cfg.data.folders_file, args.path, args.action == "pause")
    return 0


def cmd_status(args) -> int:
    from indexer.folders import load_folders

    cfg = open_config(args)
    ix = open_indexer(cfg)
    records = ix.store.file_records()
    counts: dict[str, int] = {}
    for r in records.values():
        counts[r.status] = counts.get(r.status, 0) + 1
    problems = [{"path": r.path, "status": r.status, "reason": r.error} for r in records.values() if r.status != "ok"]
    out = {
        "folders": [f.__dict__ for f in load_folders(cfg.data.folders_file)],
        "files": counts, "chunks": ix.store.chunk_count(), "problems": sorted(problems, key=lambda p: p["path"]),
        "data_dir": str(cfg.data.root),
    }
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print(f"data dir: {out['data_dir']}")
        print("files: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) + f"; {out['chunks']} chunks")
        for p in out["problems"]:
            print(f"  {p['status']:7} {p['path']}: {p['reason']}")
    ix.close()
    return 0


def cmd_demo(args) -> int:
    """The headless `make run`: index the bundled sample folder, ask one question, print the answer and sources."""
    args.paths, args.rebuild = [str(SAMPLE_DOCS)], False
    args.json = False
    print(f"Indexing the sample folder {SAMPLE_DOCS} …", flush=True)
    ix = open_indexer(open_config(args))
    cmd_index(args, ix)
    args.question = args.question or "How long should the bread dough rise?"
    print(f"\nQuestion: {args.question}\n", flush=True)
    return cmd_ask(args, ix)


def cmd_gui(args) -> int:
    """The desktop app. Without a display there is nothing to show: run the headless demo instead."""
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) and \
            os.environ.get("QT_QPA_PLATFORM") not in ("offscreen", "minimal"):
        print("No display found; running the headless demo instead.", file=sys.stderr)
        args.question = None
        return cmd_demo(args)
    from gui.app import run_gui

    return run_gui(open_config(args))


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="where Hearth keeps its index, config and models (default: $HEARTH_HOME "
                                           "or the platform's user data dir)")
    common.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    p = argparse.ArgumentParser(prog="hearth", description=__doc__.splitlines()[0], parents=[common])
    sub = p.add_subparsers(dest="command")

    s = sub.add_parser("index", parents=[common], help="index folders or files once and print a summary")
    s.add_argument("paths", nargs="+")
    s.add_argument("--json", action="store_true")
    s.add_argument("--rebuild", action="store_true", help="drop the index and build it again")
    s.set_defaults(fn=cmd_index)

    s = sub.add_parser("watch", parents=[common], help="keep the index current while files change (Ctrl-C stops)")
    s.add_argument("paths", nargs="*")
    s.set_defaults(fn=cmd_watch)

    s = sub.add_parser("search", parents=[common], help="retrieval only: the best matching chunks")
    s.add_argument("query")
    s.add_argument("-k", type=int, default=8)
    s.add_argument("--json", action="store_true")
    s.add_argument("--vector-only", action="store_true", help="skip the full-text half of hybrid search")
    add_filter_flags(s)
    s.set_defaults(fn=cmd_search)

    s = sub.add_parser("ask", parents=[common], help="answer a question from your files, with sources")
    s.add_argument("question")
    s.add_argument("--model", help="a GGUF file to use instead of the configured one")
    s.add_argument("--json", action="store_true")
    s.add_argument("--chat", help="continue a chat by id, or `new` to start one (kept in the data dir)")
    add_filter_flags(s)
    s.set_defaults(fn=cmd_ask)

    s = sub.add_parser("chats", parents=[common], help="list, show, rename or delete chats")
    s.add_argument("action", choices=["list", "show", "rename", "delete"])
    s.add_argument("id", nargs="?")
    s.add_argument("title", nargs="?")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_chats)

    s = sub.add_parser("eval", parents=[common], help="measure retrieval on a JSONL file of queries")
    s.add_argument("--queries", required=True, help='JSON lines {"query": str, "relevant": [path, ...]}')
    s.add_argument("-k", type=int, default=5)
    s.add_argument("--json", action="store_true")
    s.add_argument("--generate", type=int, metavar="N",
                   help="instead: write N questions made by the local model from your index into --queries")
    s.set_defaults(fn=cmd_eval)

    s = sub.add_parser("train", parents=[common], help="fine-tune the chat model (LoRA), export and verify a GGUF")
    s.add_argument("--data", required=True, help="JSONL ({messages} | {prompt, completion} | Alpaca | {text}) or a "
                                                 "folder of .txt/.md")
    s.add_argument("--base", help="the GGUF to start from (default: the configured chat model)")
    s.add_argument("--name", help="name of the run and of the registered model (same name resumes)")
    s.add_argument("--rank", type=int, default=16)
    s.add_argument("--alpha", type=int, default=32)
    s.add_argument("--lr", type=float, default=2e-4)
    s.add_argument("--epochs", type=int, default=3)
    s.add_argument("--batch-size", type=int, default=4)
    s.add_argument("--max-len", type=int, default=256)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--quant", choices=["Q4_K_M", "Q5_K_M", "Q8_0", "none"], default="Q4_K_M",
                   help="requantize the merged export with llama.cpp (default Q4_K_M)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_train)

    s = sub.add_parser("export", parents=[common], help="export a finished training run again (another quantization)")
    s.add_argument("--name", required=True, help="the run's name (as given to `train`)")
    s.add_argument("--base", help="the GGUF the run was trained on (default: the configured chat model)")
    s.add_argument("--quant", choices=["Q4_K_M", "Q5_K_M", "Q8_0", "none"], default="Q8_0")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_export)

    s = sub.add_parser("models", parents=[common], help="list or remove models in the data dir")
    s.add_argument("action", choices=["list", "remove"])
    s.add_argument("name", nargs="?")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_models)

    s = sub.add_parser("folders", parents=[common], help="list, add, remove, pause or resume watched folders")
    s.add_argument("action", choices=["list", "add", "remove", "pause", "resume"])
    s.add_argument("path", nargs="?")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_folders)

    s = sub.add_parser("status", parents=[common], help="files per status, with the reasons for failures")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_status)

    s = sub.add_parser("demo", parents=[common], help="index the bundled sample folder and answer one question")
    s.add_argument("question", nargs="?")
    s.add_argument("--model", help="a GGUF file")
    s.set_defaults(fn=cmd_demo)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "fn", None) is None:
        args.fn = cmd_gui
        args.model = None
    from indexer.errors import HearthError

    try:
        return args.fn(args)
    except HearthError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("aborted", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
