"""OCR: a PNG of text and a scanned PDF (text drawn to images, wrapped in a PDF, no text layer) are found by a
sentence they contain, with the right page; with OCR turned off they are listed with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e  # RapidOCR's real detection and recognition models (about a second a page)

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def text_image(lines: list[str]):
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (1240, 180 + 90 * len(lines)), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 40) if Path(FONT).exists() else ImageFont.load_default(size=40)
    for i, line in enumerate(lines):
        draw.text((60, 80 + 90 * i), line, fill="black", font=font)
    return img


def test_a_png_and_a_scanned_pdf_are_found_with_their_page(real_workspace, tmp_path):
    workspace = real_workspace  # the real embedder: found by meaning as the app would, not by hashed words
    folder = tmp_path / "scans"
    folder.mkdir()
    text_image(["The boiler was serviced by Dermot Quill", "on the fourteenth of April."]).save(folder / "receipt.png")
    pages = [text_image(["Chapter one is about the garden shed."]),
             text_image(["The spare key hangs behind the pantry door."])]
    pages[0].save(folder / "scan.pdf", save_all=True, append_images=pages[1:], resolution=200)
    from pypdf import PdfReader

    assert not "".join(p.extract_text() or "" for p in PdfReader(folder / "scan.pdf").pages).strip()  # no text layer

    messages = []
    report = workspace.add_folder(folder, on_progress=lambda done, total, message: messages.append(message))
    assert report.files_indexed == 2, report.errors + report.skipped
    assert "OCR page 1/2: scan.pdf" in messages and "OCR page 2/2: scan.pdf" in messages, messages
    assert "OCR page 1/1: receipt.png" in messages
    hit = workspace.search("boiler serviced Dermot Quill", k=1)[0]
    assert hit.path == str(folder / "receipt.png")
    hit = workspace.search("spare key behind the pantry door", k=1)[0]
    assert hit.path == str(folder / "scan.pdf") and hit.page == 2


def test_with_ocr_off_scans_are_listed_with_the_reason(tmp_path, fake_embedder, fake_generator):
    from operations import Workspace

    folder = tmp_path / "scans"
    folder.mkdir()
    text_image(["Nothing to read here without OCR."]).save(folder / "note.png")
    text_image(["Nor here."]).save(folder / "scan.pdf")
    data = tmp_path / "data"
    data.mkdir()
    (data / "config.toml").write_text("[index]\nocr = false\n")
    ws = Workspace.open(data, embedder=fake_embedder, generator=fake_generator)
    try:
        ws.add_folder(folder)
        reasons = {Path(p.path).name: p.reason for p in ws.problems()}
    finally:
        ws.close()
    assert "OCR is turned off" in reasons["note.png"] and "OCR is turned off" in reasons["scan.pdf"]
