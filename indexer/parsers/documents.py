"""PDF, one block per page so every chunk knows its page number; pages without a text layer go through OCR."""

from __future__ import annotations

import logging
from pathlib import Path

from indexer.errors import ParseFailed
from indexer.parsers import ocr
from indexer.parsers.registry import Block, paragraphs, register

log = logging.getLogger(__name__)
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
            if len("".join(text.split())) < ocr.MIN_TEXT_LAYER_CHARS and ocr.enabled():
                log.info("OCR page %d/%d of %s", number, len(pages), path)
                ocr.starting_page(path, number, len(pages))
                blocks.extend(Block(p, number) for p in ocr.pdf_page_text(path, number - 1))
            else:
                blocks.extend(paragraphs(text, page=number))
    except PdfReadError as exc:
        raise ParseFailed(f"damaged PDF file ({exc})")
    if not blocks:
        raise ParseFailed("the PDF has no text layer and OCR found no text" if ocr.enabled() else
                          "the PDF has no text layer and OCR is turned off (setting `ocr` in config.toml)")
    return blocks
