"""What the scanner lists and skips: special files with a reason, nested .gitignore files as git reads them."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from tests.conftest import write


def test_pipes_sockets_and_links_to_devices_are_listed_with_a_reason_and_never_read(workspace, tmp_path):
    d = tmp_path / "odd"
    write(d / "note.txt", "The spare key is under the blue flowerpot.")
    os.mkfifo(d / "pipe")
    os.symlink("/dev/zero", d / "zeros.txt")  # reading it would never end
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(d / "app.sock"))
    try:
        report = workspace.add_folder(d)
    finally:
        sock.close()
    assert report.files_indexed == 1
    reasons = {Path(p.path).name: p.reason for p in workspace.problems()}
    assert "named pipe (FIFO)" in reasons["pipe"]
    assert reasons["zeros.txt"].startswith("a link to a character device (/dev/zero)")
    assert "socket" in reasons["app.sock"]
    assert [h.path for h in workspace.search("spare key flowerpot", k=1)] == [str(d / "note.txt")]


def test_nested_gitignore_files_apply_below_their_folder_and_the_deepest_decides(workspace, tmp_path):
    d = tmp_path / "proj"
    write(d / ".gitignore", "*.log\n")
    write(d / "top.log", "a log at the top")
    write(d / "app" / ".gitignore", "cache/\nsecret.txt\n!keep.log\n")
    write(d / "app" / "keep.log", "this log is kept")
    write(d / "app" / "other.log", "this log is not")
    write(d / "app" / "secret.txt", "not this")
    write(d / "app" / "cache" / "x.txt", "nor this")
    write(d / "app" / "readme.txt", "the app folder")
    write(d / "secret.txt", "the rule in app/ does not reach up here")
    workspace.add_folder(d)
    indexed = sorted(str(Path(p).relative_to(d)) for p in workspace.indexer.store.file_records())
    assert indexed == ["app/keep.log", "app/readme.txt", "secret.txt"]
