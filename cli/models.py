"""`hearth models list|use|add|remove`: the chat models on offer (the same list the app's picker shows)."""

from __future__ import annotations

from cli.common import print_json, verb, workspace


def add_parser(sub, common) -> None:
    p = verb(sub, common, "models", "list, use, add or remove chat models", run)
    p.add_argument("action", choices=["list", "use", "add", "remove"])
    p.add_argument("name", nargs="?", help="a GGUF path (use, add; `bundled` for the bundled model) or a name (remove)")
    p.add_argument("--json", action="store_true")


def run(args) -> int:
    from common.errors import ConfigError

    with workspace(args) as ws:
        if args.action == "list":
            chosen = ws.chosen_model
            items = [{**m.to_json(), "chosen": m.path == chosen} for m in ws.models()]
            if args.json:
                print_json(items)
            for m in [] if args.json else items:
                size = f"  {m['size_mb']} MB" if m["size_mb"] is not None else ""
                print(f"{'*' if m['chosen'] else ' '} {m['label']}{size}  {m['path'] or '(bundled)'}"
                      + (f"\n    {m['summary']}" if m["summary"] else ""))
            return 0
        if not args.name:
            raise ConfigError(f"`models {args.action}` needs a model.")
        if args.action == "use":
            ws.use_model("" if args.name == "bundled" else args.name)
            print(f"chatting with {ws.chosen_model or 'the bundled model'} from now on")
        elif args.action == "add":
            info = ws.add_model(args.name)
            print(f"added {info.path}; chatting with it from now on")
        else:
            print(f"removed {ws.remove_model(args.name)}")
    return 0
