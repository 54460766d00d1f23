"""`hearth status`: files per status, chunks, and every problem with its reason."""

from __future__ import annotations

from cli.common import print_json, verb, workspace


def add_parser(sub, common) -> None:
    p = verb(sub, common, "status", "files per status, with the reasons for failures", run)
    p.add_argument("--json", action="store_true")


def run(args) -> int:
    with workspace(args) as ws:
        s = ws.status()
    if args.json:
        print_json(s.to_json())
        return 0
    print(f"data dir: {s.data_dir}")
    print("files: " + ", ".join(f"{n} {k}" for k, n in sorted(s.files.items())) + f"; {s.chunks} chunks")
    for p in s.problems:
        print(f"  {p.status:7} {p.path}: {p.reason}")
    return 0
