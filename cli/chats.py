"""`hearth chats list|show|rename|delete`: the saved chats."""

from __future__ import annotations

from dataclasses import asdict

from cli.common import print_json, verb, workspace


def add_parser(sub, common) -> None:
    p = verb(sub, common, "chats", "list, show, rename or delete chats", run)
    p.add_argument("action", choices=["list", "show", "rename", "delete"])
    p.add_argument("id", nargs="?")
    p.add_argument("title", nargs="?")
    p.add_argument("--json", action="store_true")


def run(args) -> int:
    from common.errors import ConfigError

    with workspace(args) as ws:
        if args.action == "list":
            items = [{"id": c.id, "title": c.title, "created": c.created, "turns": len(c.messages) // 2}
                     for c in ws.list_chats()]
            if args.json:
                print_json(items)
            for c in [] if args.json else items:
                print(f"{c['id']}  {c['title']}  ({c['turns']} questions)")
            return 0
        if not args.id:
            raise ConfigError(f"`chats {args.action}` needs a chat id.")
        if args.action == "show":
            chat = ws.get_chat(args.id)
            if args.json:
                print_json(asdict(chat))
            for m in [] if args.json else chat.messages:
                print(f"{m['role']}: {m['content']}")
        elif args.action == "rename":
            if not args.title:
                raise ConfigError("`chats rename ID TITLE` needs a title.")
            ws.rename_chat(args.id, args.title)
        else:
            ws.delete_chat(args.id)
    return 0
