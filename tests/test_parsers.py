"""Every registered format yields its text with structure (pages, headings); bad files give clear reasons."""

import pytest

from indexer.errors import ParseFailed, SkipFile
from indexer.parsers import parse_path
from tests.conftest import write
from tests.docmakers import make_docx, make_epub, make_odt, make_pdf, make_pptx, make_xlsx


def _text(doc):
    return "\n".join(b.text for b in doc.blocks)


def test_pdf_pages(tmp_path):
    doc = parse_path(make_pdf(tmp_path / "a.pdf", ["First page about comets.", "Second page about moons."]))
    assert doc.file_type == "pdf"
    pages = {b.page: b.text for b in doc.blocks}
    assert "comets" in pages[1] and "moons" in pages[2]


def test_office_formats(tmp_path):
    d = parse_path(make_docx(tmp_path / "a.docx", "Budget", ["Rent is 900 euros.", "Food is 300 euros."]))
    assert "Rent is 900 euros." in _text(d) and d.blocks[-1].heading == "Budget"
    p = parse_path(make_pptx(tmp_path / "a.pptx", [("Intro", "Hello slide one"), ("Plan", "Second slide body")]))
    assert {(b.page, b.heading) for b in p.blocks if "slide" in b.text.lower()} == {(1, "Intro"), (2, "Plan")}
    x = parse_path(make_xlsx(tmp_path / "a.xlsx", "Costs", [["item", "price"], ["bolts", 3], ["nuts", 2]]))
    assert "item: bolts; price: 3" in _text(x) and x.blocks[0].heading == "Costs"
    o = parse_path(make_odt(tmp_path / "a.odt", "Letter", ["Dear neighbour, the fence is fixed."]))
    assert o.blocks[-1].heading == "Letter" and "fence is fixed" in _text(o)


def test_markup_formats(tmp_path):
    h = parse_path(write(tmp_path / "a.html", "<html><head><script>var x=1</script></head><body><h1>Top</h1>"
                                              "<h2>Sub</h2><p>Para <b>bold</b> text.</p><ul><li>item one</li></ul></body></html>"))
    assert "var x" not in _text(h)
    para = next(b for b in h.blocks if "Para" in b.text)
    assert para.text == "Para bold text." and para.heading == "Top > Sub"
    e = parse_path(make_epub(tmp_path / "a.epub", "Book", [("Chapter One", "It was a dark night."), ("Two", "Dawn came.")]))
    texts = _text(e)
    assert texts.index("dark night") < texts.index("Dawn came")


def test_text_formats(tmp_path):
    md = parse_path(write(tmp_path / "a.md", "# Title\n\nIntro.\n\n## Part\n\n```\ncode # not a heading\n```\n\nEnd."))
    assert [b.kind for b in md.blocks] == ["heading", "text", "heading", "code", "text"]
    assert md.blocks[3].heading == "Title > Part"
    rst = parse_path(write(tmp_path / "a.rst", "Main\n====\n\nBody one.\n\nSub\n---\n\nBody two.\n"))
    assert next(b for b in rst.blocks if b.text == "Body two.").heading == "Main > Sub"
    csv = parse_path(write(tmp_path / "a.csv", "name,town\nAda,London\nLin,Paris\n"))
    assert "name: Ada; town: London" in _text(csv)
    code = parse_path(write(tmp_path / "a.py", "def f():\n    return 1\n"))
    assert code.file_type == "code" and "return 1" in _text(code)
    assert parse_path(write(tmp_path / "README", "no extension text")).file_type == "text"


def test_encodings(tmp_path):
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Crème brûlée à la française, déjà vu, garçon, naïve façade.".encode("latin-1"))
    assert "Crème brûlée" in _text(parse_path(latin))
    utf16 = tmp_path / "u16.txt"
    utf16.write_bytes("Grüße aus Köln".encode("utf-16"))
    assert "Grüße aus Köln" in _text(parse_path(utf16))


@pytest.mark.parametrize(
    "name, content, error, reason",
    [
        ("blob.txt", bytes(range(256)) * 40, SkipFile, "binary"),
        ("empty.md", b"", SkipFile, "empty"),
        ("bad.pdf", b"%PDF-1.4\n this is not really a pdf", ParseFailed, "PDF"),
        ("cut.docx", b"PK\x03\x04 truncated", ParseFailed, "DOCX"),
        ("photo.jpg", b"\xff\xd8\xff", ParseFailed, "damaged or unknown image"),  # images are read with OCR
        ("song.mp3", b"ID3\x04\x00", SkipFile, "unsupported"),
    ],
)
def test_bad_files_give_reasons(tmp_path, name, content, error, reason):
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(error, match=reason):
        parse_path(p)
