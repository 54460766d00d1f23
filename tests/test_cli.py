"""The CLI contract: JSON shapes, exit codes, one-line errors (subprocesses of main.py, real models)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write

pytestmark = pytest.mark.e2e  # each command runs in a subprocess that loads the real models

ROOT = Path(__file__).resolve().parent.parent


def run(*args, data_dir):
    p = subprocess.run([sys.executable, str(ROOT / "main.py"), *args, "--data-dir", str(data_dir)],
                       capture_output=True, text=True, cwd=ROOT, timeout=300)
    return p.returncode, p.stdout, p.stderr


def test_index_search_status_json(tmp_path):
    docs = tmp_path / "docs"
    write(docs / "owls.md", "# Owls\n\nBarn owls swallow their prey whole and cough up pellets.")
    write(docs / "bad.pdf", "not a pdf")
    data = tmp_path / "data"
    code, out, err = run("index", str(docs), "--json", data_dir=data)
    assert code == 0, err
    report = json.loads(out)
    for key in ("files_seen", "files_indexed", "files_unchanged", "files_removed", "chunks_added", "chunks_reused", "errors"):
        assert key in report
    assert report["files_indexed"] == 1 and report["errors"][0]["path"] == str(docs / "bad.pdf")

    code, out, _ = run("search", "what do barn owls cough up", "-k", "3", "--json", data_dir=data)
    hits = json.loads(out)
    assert code == 0 and hits[0]["path"] == str(docs / "owls.md")
    assert {"path", "chunk", "score", "text", "page", "heading"} <= set(hits[0])
    assert isinstance(hits[0]["chunk"], int) and isinstance(hits[0]["score"], float)

    code, out, _ = run("status", "--json", data_dir=data)
    status = json.loads(out)
    assert status["files"] == {"ok": 1, "error": 1} and status["problems"][0]["path"] == str(docs / "bad.pdf")
    code, out, _ = run("folders", "list", "--json", data_dir=data)
    assert json.loads(out)[0]["path"] == str(docs)


def test_exit_codes(tmp_path):
    code, _, err = run("index", data_dir=tmp_path)  # missing PATH: a usage error
    assert code == 2 and "usage" in err
    code, _, err = run("index", str(tmp_path / "nope"), data_dir=tmp_path)
    assert code == 1 and "does not exist" in err and len(err.strip().splitlines()) == 1
    (tmp_path / "config.toml").write_text("[index]\nchunk_tokenz = 5\n")
    code, _, err = run("status", data_dir=tmp_path)
    assert code == 1 and "chunk_tokenz" in err
