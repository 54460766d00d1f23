"""HTML and EPUB (an EPUB is a zip of XHTML chapters in spine order)."""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from indexer.errors import ParseFailed
from indexer.parsers.registry import Block, decode_text, read_bytes, register

_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_BLOCK_TAGS = {"p", "li", "pre", "blockquote", "td", "th", "dt", "dd", "figcaption", "caption", "address"}
_DROP_TAGS = ["script", "style", "noscript", "template", "svg", "nav", "head"]


def html_blocks(markup: str | bytes, page: int | None = None, base_heading: str | None = None) -> list[Block]:
    """Headings, paragraphs, list items and preformatted text of an HTML document, with heading paths."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "lxml")
    for tag in soup(_DROP_TAGS):
        tag.decompose()
    stack: list[tuple[int, str]] = [(0, base_heading)] if base_heading else []
    blocks: list[Block] = []
    body = soup.body or soup
    for el in body.find_all(list(_HEADINGS) + list(_BLOCK_TAGS) + ["div"]):
        name = el.name
        if name in _HEADINGS:
            title = el.get_text(" ", strip=True)
            if not title:
                continue
            level = _HEADINGS[name]
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, title))
            blocks.append(Block(title, page, " > ".join(t for _, t in stack), "heading"))
            continue
        # Leaf-most containers only, so nested lists and tables are not read twice.
        if el.find(list(_BLOCK_TAGS) + list(_HEADINGS) + ["div"]) is not None:
            continue
        if name == "div" and not el.get_text(strip=True):
            continue
        text = el.get_text("\n" if name == "pre" else " ", strip=name != "pre")
        if text.strip():
            blocks.append(Block(text, page, " > ".join(t for _, t in stack) or None, "code" if name == "pre" else "text"))
    return blocks


@register("html", ".html", ".htm", ".xhtml")
def parse_html(path: Path) -> list[Block]:
    return html_blocks(decode_text(read_bytes(path)))


_OPF_NS = {"opf": "http://www.idpf.org/2007/opf", "c": "urn:oasis:names:tc:opendocument:xmlns:container"}


@register("epub", ".epub")
def parse_epub(path: Path) -> list[Block]:
    """Chapters in reading order (the OPF spine); each chapter's headings nest under the book title."""
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ParseFailed("damaged EPUB file (not a valid zip archive)")
    with zf:
        container = ElementTree.fromstring(zf.read("META-INF/container.xml"))
        rootfile = container.find(".//c:rootfile", _OPF_NS)
        if rootfile is None:
            raise ParseFailed("damaged EPUB file (no package document)")
        opf_path = rootfile.attrib["full-path"]
        opf = ElementTree.fromstring(zf.read(opf_path))
        base = posixpath.dirname(opf_path)
        items = {i.attrib["id"]: i.attrib["href"] for i in opf.findall(".//opf:manifest/opf:item", _OPF_NS)}
        blocks: list[Block] = []
        for ref in opf.findall(".//opf:spine/opf:itemref", _OPF_NS):
            href = items.get(ref.attrib.get("idref", ""))
            if not href:
                continue
            try:
                data = zf.read(posixpath.normpath(posixpath.join(base, href)))
            except KeyError:
                continue
            blocks.extend(html_blocks(data))
        return blocks
