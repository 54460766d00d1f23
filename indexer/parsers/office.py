"""Office formats: DOCX, PPTX, XLSX (python-docx, python-pptx, openpyxl) and OpenDocument text (plain XML)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree

from indexer.errors import ParseFailed
from indexer.parsers.plain import table_blocks
from indexer.parsers.registry import Block, register


def _check_zip(path: Path, kind: str) -> None:
    if not zipfile.is_zipfile(path):
        raise ParseFailed(f"damaged {kind} file (not a valid zip archive; the file may be truncated)")


@register("docx", ".docx")
def parse_docx(path: Path) -> list[Block]:
    import docx

    _check_zip(path, "DOCX")
    document = docx.Document(str(path))
    stack: list[tuple[int, str]] = []
    blocks: list[Block] = []
    for para in document.paragraphs:
        text = para.text.strip()
        if not text:
            continue
        style = (para.style.name if para.style is not None else "") or ""
        if style.startswith("Heading") or style == "Title":
            digits = "".join(ch for ch in style if ch.isdigit())
            level = int(digits) if digits else 0
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, text))
            blocks.append(Block(text, None, " > ".join(t for _, t in stack), "heading"))
        else:
            blocks.append(Block(text, None, " > ".join(t for _, t in stack) or None))
    for table in document.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        blocks.extend(table_blocks(rows, heading=" > ".join(t for _, t in stack) or None))
    return blocks


@register("pptx", ".pptx")
def parse_pptx(path: Path) -> list[Block]:
    """One page per slide; the slide title is the heading."""
    from pptx import Presentation

    _check_zip(path, "PPTX")
    blocks: list[Block] = []
    for number, slide in enumerate(Presentation(str(path)).slides, start=1):
        title_shape = slide.shapes.title
        title = title_shape.text_frame.text.strip() if title_shape is not None and title_shape.has_text_frame else None
        if title:
            blocks.append(Block(title, number, title, "heading"))
        for shape in slide.shapes:
            if shape is title_shape or not shape.has_text_frame:
                continue
            text = shape.text_frame.text.strip()
            if text:
                blocks.append(Block(text, number, title))
        if slide.has_notes_slide:
            notes = slide.notes_slide.notes_text_frame.text.strip()
            if notes:
                blocks.append(Block(notes, number, title))
    return blocks


@register("xlsx", ".xlsx", ".xlsm")
def parse_xlsx(path: Path) -> list[Block]:
    """Each sheet becomes rows of 'column: value' under the sheet name."""
    import openpyxl

    _check_zip(path, "XLSX")
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        blocks: list[Block] = []
        for ws in wb.worksheets:
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            blocks.extend(table_blocks(rows, heading=ws.title))
        return blocks
    finally:
        wb.close()


_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


@register("odt", ".odt")
def parse_odt(path: Path) -> list[Block]:
    """OpenDocument text: text:h elements carry an outline level, text:p are paragraphs."""
    _check_zip(path, "ODT")
    with zipfile.ZipFile(path) as zf:
        root = ElementTree.fromstring(zf.read("content.xml"))
    h_tag, p_tag = f"{{{_ODF_TEXT}}}h", f"{{{_ODF_TEXT}}}p"
    level_attr = f"{{{_ODF_TEXT}}}outline-level"
    stack: list[tuple[int, str]] = []
    blocks: list[Block] = []
    for el in root.iter():
        if el.tag not in (h_tag, p_tag):
            continue
        text = "".join(el.itertext()).strip()
        if not text:
            continue
        if el.tag == h_tag:
            level = int(el.attrib.get(level_attr, "1"))
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, text))
            blocks.append(Block(text, None, " > ".join(t for _, t in stack), "heading"))
        else:
            blocks.append(Block(text, None, " > ".join(t for _, t in stack) or None))
    return blocks
