"""PDF, one block per page so every chunk knows its page number."""

from __future__ import annotations

import logging
from pathlib import Path

from indexer.errors import ParseFailed
from indexer.parsers.registry import Block, paragraphs, register

logging.getLogger("pypdf").setLevel(logging.ERROR)


@register("pdf", ".pdf")
def parse_pdf(path: Path) -> list[Block]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise ParseFailed("the PDF is password-protected")
            except NotImplementedError:
                raise ParseFailed("the PDF is encrypted with an unsupported method")
        pages = reader.pages
        blocks: list[Block] = []
        for number, page in enumerate(pages, start=1):
            text = page.extract_text() or ""
            blocks.extend(paragraphs(text, page=number))
    except PdfReadError as exc:
        raise ParseFailed(f"damaged PDF file ({exc})")
    if not blocks:
        raise ParseFailed("the PDF has no extractable text (scanned images need OCR, which Hearth does not do)")
    return blocks
