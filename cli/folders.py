"""`hearth folders list|add|remove|pause|resume`: the watched folders."""

from __future__ import annotations

from cli.common import print_json, verb, workspace


def add_parser(sub, common) -> None:
    p = verb(sub, common, "folders", "list, add, remove, pause or resume watched folders", run)
    p.add_argument("action", choices=["list", "add", "remove", "pause", "resume"])
    p.add_argument("path", nargs="?")
    p.add_argument("--json", action="store_true")


def run(args) -> int:
    from common.errors import ConfigError

    with workspace(args) as ws:
        if args.action == "list":
            folders = ws.folders()
            if args.json:
                print_json([f.to_json() for f in folders])
            for f in [] if args.json else folders:
                print(f"{f.path}  [{f.state}]  {f.files} files, {f.chunks} chunks, {f.problems} problems")
            return 0
        if not args.path:
            raise ConfigError(f"`folders {args.action}` needs a folder.")
        if args.action == "add":
            ws.add_folder(args.path, index=False)
            print(f"added {args.path}; run `index` or `watch` to index it")
        elif args.action == "remove":
            print(f"removed {args.path} and {ws.remove_folder(args.path)} indexed files")
        else:
            ws.pause_folder(args.path, args.action == "pause")
    return 0
