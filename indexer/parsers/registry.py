"""The parser registry, the document model parsers return, and text decoding shared by all of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from indexer.errors import ParseFailed, SkipFile


@dataclass
class Block:
    """One structural unit of a document: a paragraph, heading, code block, table row group, or page text."""

    text: str
    page: int | None = None
    heading: str | None = None  # heading path, "Chapter > Section"
    kind: str = "text"  # text | heading | code | table


@dataclass
class ParsedDoc:
    file_type: str
    blocks: list[Block] = field(default_factory=list)


ParserFn = Callable[[Path], list[Block]]


@dataclass(frozen=True)
class _Entry:
    file_type: str
    parse: ParserFn


_REGISTRY: dict[str, _Entry] = {}
SUPPORTED: set[str] = set()
# Common extension-less text files.
TEXT_NAMES = frozenset({"readme", "license", "licence", "copying", "changelog", "authors", "notice", "todo", "makefile"})


def register(file_type: str, *extensions: str) -> Callable[[ParserFn], ParserFn]:
    """Decorator: route files with these extensions (lower case, with dot) to the parser."""

    def deco(fn: ParserFn) -> ParserFn:
        for ext in extensions:
            _REGISTRY[ext] = _Entry(file_type, fn)
            SUPPORTED.add(ext)
        return fn

    return deco


def _entry_for(path: Path) -> _Entry | None:
    ext = path.suffix.lower()
    if not ext and path.name.lower() in TEXT_NAMES:
        ext = ".txt"
    return _REGISTRY.get(ext)


def file_type_of(path: Path) -> str | None:
    """The file type a path would be parsed as, or None when no parser handles it."""
    entry = _entry_for(path)
    return entry.file_type if entry else None


def parse_path(path: Path) -> ParsedDoc:
    """Parse one file. Raises SkipFile (not indexable) or ParseFailed (supported but unreadable)."""
    entry = _entry_for(path)
    if entry is None:
        raise SkipFile(f"unsupported file type '{path.suffix or path.name}'")
    try:
        blocks = entry.parse(path)
    except (SkipFile, ParseFailed):
        raise
    except FileNotFoundError:
        raise ParseFailed("file vanished while it was being read")
    except PermissionError:
        raise ParseFailed("permission denied: Hearth cannot read this file")
    except IsADirectoryError:
        raise SkipFile("is a directory")
    except OSError as exc:
        raise ParseFailed(f"could not read the file: {exc.strerror or exc}")
    except Exception as exc:  # a parser library choked on malformed content
        raise ParseFailed(f"damaged or unreadable {entry.file_type.upper()} file ({type(exc).__name__}: {exc})"[:300])
    blocks = [b for b in blocks if b.text.strip()]
    if not blocks:
        raise SkipFile("no text found in the file")
    return ParsedDoc(entry.file_type, blocks)


def read_bytes(path: Path) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def decode_text(data: bytes) -> str:
    """Decode bytes of a text file: UTF-8 (with or without BOM), UTF-16 by BOM, else detected. Binary is refused."""
    if not data.strip():
        raise SkipFile("empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:8192]:
        raise SkipFile("binary content in a text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data[: 1 << 20]))
    if not matches:
        raise SkipFile("binary content or unknown text encoding")
    # Short texts often tie between legacy code pages; the Western ones are by far the most common.
    tied = [m.encoding for m in matches if (m.chaos, m.coherence) == (matches[0].chaos, matches[0].coherence)]
    encoding = next((e for e in _COMMON_LEGACY if e in tied), matches[0].encoding)
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return data.decode(encoding, errors="replace")


_COMMON_LEGACY = ("cp1252", "latin_1", "iso8859_15")


def read_text(path: Path) -> str:
    return decode_text(read_bytes(path))


def paragraphs(text: str, page: int | None = None, heading: str | None = None, kind: str = "text") -> list[Block]:
    """Split text on blank lines into blocks."""
    out: list[Block] = []
    for para in _split_blank(text):
        out.append(Block(para, page, heading, kind))
    return out


def _split_blank(text: str) -> list[str]:
    parts, cur = [], []
    for line in text.splitlines():
        if line.strip():
            cur.append(line.rstrip())
        elif cur:
            parts.append("\n".join(cur))
            cur = []
    if cur:
        parts.append("\n".join(cur))
    return parts
