"""OCR pages per second: a scanned PDF (text drawn to images, no text layer) and the same pages as PNGs,
through the parser Hearth's workers run (render at 200 dpi, RapidOCR detection and recognition), in one
process; and the same pages read end to end by `Workspace.index` with the real embedder.

    cd bench && ../.venv/bin/python ocr_speed.py [--pages 12]

The words found are checked against the words drawn (share of words recovered), so speed is not bought with
misses.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_ocr import text_image  # noqa: E402  (the tests' page maker: DejaVu Sans, 40 px)

WORDS = ("garden shed boiler kettle ladder invoice receipt pantry window chimney lantern harbour meadow orchard "
         "cellar attic bicycle saddle engine ferry bridge market bakery library station").split()
LINES_PER_PAGE = 10


def page_lines(rng: random.Random) -> list[str]:
    return [" ".join(rng.choice(WORDS) for _ in range(6)) + f" {rng.randint(10, 9999)}." for _ in range(LINES_PER_PAGE)]


def recovered(drawn: list[list[str]], found: str) -> float:
    want = [w for lines in drawn for line in lines for w in re.findall(r"\w+", line.lower())]
    have = set(re.findall(r"\w+", found.lower()))
    return sum(w in have for w in want) / len(want)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=12)
    args = ap.parse_args()
    from indexer.parsers import ocr, parse_path

    rng = random.Random(3)
    drawn = [page_lines(rng) for _ in range(args.pages)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "scans"
        folder.mkdir()
        images = [text_image(lines) for lines in drawn]
        images[0].save(folder / "scan.pdf", save_all=True, append_images=images[1:], resolution=200)
        for i, img in enumerate(images):
            img.save(folder / f"page{i:02}.png")
        ocr.configure(True)
        parse_path(folder / "page00.png")  # load the OCR models first (once per worker)
        started = time.perf_counter()
        pdf_text = " ".join(b.text for b in parse_path(folder / "scan.pdf").blocks)
        pdf_s = time.perf_counter() - started
        started = time.perf_counter()
        png_text = " ".join(b.text for i in range(args.pages) for b in parse_path(folder / f"page{i:02}.png").blocks)
        png_s = time.perf_counter() - started
        print(f"scanned PDF, {args.pages} pages at 200 dpi: {args.pages / pdf_s:.2f} pages/s "
              f"({pdf_s / args.pages:.2f} s a page), words recovered {recovered(drawn, pdf_text):.1%}")
        print(f"PNG pages ({images[0].width}x{images[0].height}): {args.pages / png_s:.2f} pages/s, words recovered "
              f"{recovered(drawn, png_text):.1%}; the PDF's render adds {pdf_s / png_s:.2f}x")

        from operations import Workspace

        ws = Workspace.open(Path(tmp) / "data")
        try:
            (folder / "scan.pdf").rename(Path(tmp) / "scan.pdf")  # index the PNGs and the PDF apart
            ws.indexer.embedder  # noqa: B018 (load it, and export it to ONNX on a first run, before timing)
            started = time.perf_counter()
            ws.add_folder(folder)
            png_index_s = time.perf_counter() - started
            print(f"indexing the {args.pages} PNGs end to end (parse workers, real embedder, OCR models loaded in each worker): "
                  f"{args.pages / png_index_s:.2f} pages/s, {png_s / png_index_s:.2f}x the one-process OCR rate")
        finally:
            ws.close()


if __name__ == "__main__":
    main()
