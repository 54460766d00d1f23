"""End-to-end indexing on the real MiniLM model and real LanceDB: find, edit, delete, rename, no-op re-index."""

import os
from pathlib import Path

from tests.conftest import search_paths, write
from tests.docmakers import make_docx, make_epub, make_odt, make_pdf, make_pptx, make_xlsx

DISTINCT = {
    "notes.txt": "The lighthouse keeper painted the spiral staircase bright orange every spring.",
    "guide.md": "Hedgehogs hibernate in compost heaps from November until the end of March.",
    "page.html": "The violin workshop in Cremona ages spruce wood for twelve years before carving.",
    "paper.pdf": "Saturn's moon Enceladus sprays water ice geysers from its south pole.",
    "report.docx": "Quarterly revenue of the bakery cooperative grew because of sourdough subscriptions.",
    "deck.pptx": "The marathon training plan peaks at thirty-two kilometres three weeks before race day.",
    "sheet.xlsx": "submarine cable repair ship",
    "book.epub": "The cartographer drew sea monsters wherever the soundings of the ocean ended.",
    "letter.odt": "Grandmother's apricot jam recipe needs one lemon for every kilogram of fruit.",
    "script.py": "def compute_tax_refund_for_freelance_translators(income): return income * 0.21",
    "data.csv": "glacier",
}


def build_mixed(folder: Path) -> None:
    write(folder / "notes.txt", DISTINCT["notes.txt"] + "\n\nOther unrelated remarks about the weather.")
    write(folder / "sub" / "guide.md", "# Garden wildlife\n\n" + DISTINCT["guide.md"])
    write(folder / "page.html", f"<html><body><h1>Crafts</h1><p>{DISTINCT['page.html']}</p></body></html>")
    make_pdf(folder / "paper.pdf", ["Planetary science notes.", DISTINCT["paper.pdf"]])
    make_docx(folder / "report.docx", "Bakery", [DISTINCT["report.docx"]])
    make_pptx(folder / "deck.pptx", [("Running", DISTINCT["deck.pptx"])])
    make_xlsx(folder / "sheet.xlsx", "Ships", [["vessel", "purpose"], ["Leon Thevenin", DISTINCT["sheet.xlsx"]]])
    make_epub(folder / "book.epub", "Maps", [("Old maps", DISTINCT["book.epub"])])
    make_odt(folder / "letter.odt", "Jam", [DISTINCT["letter.odt"]])
    write(folder / "script.py", DISTINCT["script.py"] + "\n")
    write(folder / "data.csv", "river,source\nRhône,Rhône glacier in the Swiss Alps\n")
    write(folder / ".hidden" / "secret.txt", "hidden folder text must not be indexed")
    write(folder / "node_modules" / "pkg" / "index.js", "module.exports = 1")
    write(folder / "~$report.docx", "office lock file")


QUERIES = {
    "notes.txt": "lighthouse keeper orange staircase",
    "guide.md": "where do hedgehogs hibernate",
    "page.html": "violin makers ageing spruce",
    "paper.pdf": "Enceladus ice geysers",
    "report.docx": "bakery cooperative revenue",
    "deck.pptx": "marathon training plan kilometres",
    "sheet.xlsx": "ship that repairs submarine cables",
    "book.epub": "cartographer sea monsters",
    "letter.odt": "apricot jam lemon",
    "script.py": "tax refund freelance translators",
    "data.csv": "source of the Rhône river",
}


def test_mixed_folder_index_edit_delete_rename(tmp_path, make_indexer):
    docs = tmp_path / "docs"
    build_mixed(docs)
    ix = make_indexer()
    r = ix.index_folders([docs])
    assert r.errors == [] and r.skipped == []
    assert r.files_indexed == len(DISTINCT)
    paths = set(ix.store.file_records())
    assert not any(".hidden" in p or "node_modules" in p or "~$" in p for p in paths)
    for name, query in QUERIES.items():
        found = [Path(p).name for p in search_paths(ix, query, 3)]
        assert found[0] == name, (query, found)
    pdf_rows = ix.store.chunk_rows(f"path = '{docs / 'paper.pdf'}'", ["page", "text"])
    assert any(r["page"] == 2 and "Enceladus" in r["text"] for r in pdf_rows)

    # second run of an unchanged folder: nothing parsed, nothing embedded
    calls = ix.embedder.calls
    r2 = ix.index_folders([docs])
    assert (r2.files_indexed, r2.chunks_added, r2.files_unchanged) == (0, 0, len(DISTINCT))
    assert ix.embedder.calls == calls

    # edit one paragraph of a multi-chunk file: only the changed chunk is embedded
    long = docs / "long.md"
    sections = [f"## Section {i}\n\n" + " ".join(f"Fact {i}.{j} about topic {i}." for j in range(25)) for i in range(6)]
    write(long, "\n\n".join(sections))
    r3 = ix.index_folders([docs])
    n_long = ix.store.file_records()[str(long)].n_chunks
    assert n_long >= 6 and r3.chunks_added == n_long
    sections[3] = sections[3].replace("Fact 3.7 about topic 3.", "A brand new sentence about pelicans in section three.")
    write(long, "\n\n".join(sections))
    os.utime(long, ns=(1, 1))  # a different mtime for sure
    calls = ix.embedder.calls
    r4 = ix.index_folders([docs])
    assert r4.files_indexed == 1 and 1 <= r4.chunks_added <= 2 and r4.chunks_reused >= n_long - 2
    assert ix.embedder.calls - calls == r4.chunks_added
    assert search_paths(ix, "pelicans in section three", 1) == [str(long)]
    texts = [r["text"] for r in ix.store.chunk_rows(f"path = '{long}'", ["text"])]
    assert not any("Fact 3.7 about" in t for t in texts), "stale chunk left behind"

    # rename: rows move, nothing is embedded
    calls = ix.embedder.calls
    os.rename(docs / "notes.txt", docs / "sub" / "renamed-notes.txt")
    r5 = ix.index_folders([docs])
    assert r5.files_moved == 1 and r5.chunks_added == 0 and ix.embedder.calls == calls
    assert search_paths(ix, QUERIES["notes.txt"], 1) == [str(docs / "sub" / "renamed-notes.txt")]
    assert str(docs / "notes.txt") not in ix.store.file_records()

    # delete: gone from files and chunks
    (docs / "page.html").unlink()
    r6 = ix.index_folders([docs])
    assert r6.files_removed == 1
    assert str(docs / "page.html") not in search_paths(ix, QUERIES["page.html"], 10)
    assert ix.store.chunk_rows(f"path = '{docs / 'page.html'}'", ["path"]) == []


def test_copy_of_a_file_reuses_vectors(tmp_path, make_indexer):
    docs = tmp_path / "docs"
    write(docs / "a.txt", "Unique sentence about basalt columns in Iceland.")
    ix = make_indexer()
    ix.index_folders([docs])
    write(docs / "b.txt", "Unique sentence about basalt columns in Iceland.")
    calls = ix.embedder.calls
    r = ix.index_folders([docs])
    assert r.files_indexed == 1 and r.chunks_added == 0 and r.chunks_reused == 1 and ix.embedder.calls == calls


def test_missing_folder_keeps_its_index(tmp_path, make_indexer):
    docs = tmp_path / "usb"
    write(docs / "a.txt", "Photos from the trip to Lisbon are on this drive.")
    ix = make_indexer()
    ix.index_folders([docs])
    os.rename(docs, tmp_path / "unplugged")
    r = ix.index_folders([docs])
    assert r.files_removed == 0 and str(docs / "a.txt") in ix.store.file_records()


def test_ignore_globs_and_gitignore(tmp_path, make_indexer):
    docs = tmp_path / "docs"
    write(docs / ".gitignore", "build/\n*.log\n")
    write(docs / "build" / "out.txt", "generated output")
    write(docs / "run.log", "log line")
    write(docs / "drafts" / "d.txt", "a draft")
    write(docs / "keep.txt", "keep me")
    ix = make_indexer(ignore=["drafts/"])
    ix.index_folders([docs])
    assert [Path(p).name for p in ix.store.file_records()] == ["keep.txt"]
