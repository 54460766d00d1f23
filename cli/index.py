"""`hearth index PATH...`: index folders or files once and print a summary."""

from __future__ import annotations

from cli.common import ctrl_c_cancels, print_json, progress_bar, verb, workspace

MAX_LISTED = 50  # problems printed per kind; `status` lists them all


def add_parser(sub, common) -> None:
    p = verb(sub, common, "index", "index folders or files once and print a summary", run)
    p.add_argument("paths", nargs="+")
    p.add_argument("--json", action="store_true")
    p.add_argument("--rebuild", action="store_true", help="drop the index and build it again")


def print_report(report, as_json: bool) -> None:
    if as_json:
        print_json(report.to_json())
        return
    r = report
    print(f"{r.files_seen} files seen: {r.files_indexed} indexed, {r.files_unchanged} unchanged, "
          f"{r.files_moved} moved, {r.files_removed} removed; {r.chunks_added} chunks embedded, "
          f"{r.chunks_reused} reused ({r.seconds:.1f} s){' — cancelled' if r.cancelled else ''}")
    for title, items in (("Errors", r.errors), ("Skipped", r.skipped)):
        if items:
            print(f"{title} ({len(items)}):")
            for e in items[:MAX_LISTED]:
                print(f"  {e['path']}: {e['reason']}")
            if len(items) > MAX_LISTED:
                print(f"  … and {len(items) - MAX_LISTED} more (see `status`)")


def index_with_progress(ws, paths: list[str] | None, as_json: bool, rebuild: bool = False):
    """Index with a progress bar; Ctrl-C keeps what was indexed and still prints the report."""
    from common.errors import Cancelled

    with ctrl_c_cancels() as cancel, progress_bar(not as_json) as on_progress:
        try:
            return ws.index(paths, on_progress, cancel, rebuild=rebuild)
        except Cancelled as exc:
            return exc.report


def run(args) -> int:
    with workspace(args) as ws:
        print_report(index_with_progress(ws, args.paths, args.json, args.rebuild), args.json)
    return 0
