"""OCR for images and for PDF pages without a text layer: RapidOCR (detection and recognition ONNX models that
ship inside the `rapidocr-onnxruntime` wheel, so nothing is downloaded), pages rendered by pypdfium2.

Runs in the parse worker, under the per-file timeout. `configure` is called per job from the worker, so the
`ocr` setting reaches it without threading options through every parser.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable

from indexer.errors import ParseFailed, SkipFile
from indexer.parsers.registry import Block, register

log = logging.getLogger(__name__)

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp")
RENDER_SCALE = 200 / 72  # PDF points to pixels at 200 dpi: small print stays legible, pages stay quick
MIN_TEXT_LAYER_CHARS = 20  # a page with fewer extractable characters than this is treated as scanned
PARAGRAPH_GAP = 1.6  # a vertical gap of this many line heights starts a new paragraph
MIN_CONFIDENCE = 0.5

_enabled = True
_engine: Any = None
_on_page: Callable[[str, int, int], None] | None = None


def configure(enabled: bool, on_page: Callable[[str, int, int], None] | None = None) -> None:
    """`on_page(path, page, pages)` hears about each page before it is read (the parse worker forwards it)."""
    global _enabled, _on_page
    _enabled, _on_page = enabled, on_page


def starting_page(path: Path, page: int, pages: int) -> None:
    if _on_page is not None:
        _on_page(str(path), page, pages)


def enabled() -> bool:
    return _enabled


def _ocr() -> Any:
    global _engine
    if _engine is None:
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
        from rapidocr_onnxruntime import RapidOCR

        _engine = RapidOCR()
    return _engine


def image_text(image: Any) -> list[str]:
    """Paragraphs of text found in a PIL image, in reading order."""
    import numpy as np

    result, _ = _ocr()(np.asarray(image.convert("RGB"))[:, :, ::-1])  # RapidOCR reads OpenCV's BGR order
    lines = sorted(((box[0][1], box[2][1], text) for box, text, score in (result or []) if score >= MIN_CONFIDENCE),
                   key=lambda r: r[0])
    paragraphs: list[list[str]] = []
    last_bottom = None
    for top, bottom, text in lines:
        height = max(bottom - top, 1.0)
        if last_bottom is None or top - last_bottom > PARAGRAPH_GAP * height:
            paragraphs.append([])
        paragraphs[-1].append(text)
        last_bottom = bottom
    return [" ".join(p) for p in paragraphs]


def pdf_page_text(path: Path, page_index: int) -> list[str]:
    """OCR of one PDF page (0-based), rendered at 200 dpi."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        bitmap = pdf[page_index].render(scale=RENDER_SCALE)
        return image_text(bitmap.to_pil())
    finally:
        pdf.close()


@register("image", *IMAGE_EXTENSIONS)
def parse_image(path: Path) -> list[Block]:
    """Each frame of the image (TIFFs can hold many) is a page."""
    from PIL import Image, UnidentifiedImageError

    if not _enabled:
        raise SkipFile("an image, and OCR is turned off (setting `ocr` in config.toml)")
    try:
        img = Image.open(path)
    except UnidentifiedImageError:
        raise ParseFailed("damaged or unknown image file")
    blocks: list[Block] = []
    frames = getattr(img, "n_frames", 1)
    for number in range(frames):
        starting_page(path, number + 1, frames)
        img.seek(number)
        blocks += [Block(p, number + 1 if frames > 1 else None) for p in image_text(img.copy())]
    return blocks
