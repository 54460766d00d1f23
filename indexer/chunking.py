"""Structure-aware chunking sized in the embedder's own tokens.

Blocks from a parser are cut into sentence or line units; units are packed into chunks of at most
`max_tokens`, breaking at page changes and (once a chunk has some substance) at heading changes, with
`overlap` tokens of trailing sentences repeated at the start of the next chunk. A chunk's text is an exact
slice of the document text (blocks joined by blank lines), so its character offsets are exact.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Protocol, Sequence

from indexer.parsers.registry import Block

BLOCK_SEPARATOR = "\n\n"
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|\n+")


class TokenCounter(Protocol):
    """What chunking needs from a tokenizer: token counts and token character spans."""

    def count(self, texts: Sequence[str]) -> list[int]: ...

    def spans(self, text: str) -> list[tuple[int, int]]: ...


def embed_text(text: str, heading: str | None) -> str:
    """What the embedder sees for a chunk: the heading path gives a short passage its context."""
    return f"{heading}\n{text}" if heading and heading != text else text


@dataclass
class Chunk:
    chunk_no: int
    text: str
    start: int  # character offsets into the extracted document text
    end: int
    page: int | None
    heading: str | None
    n_tokens: int

    @property
    def embed_text(self) -> str:
        return embed_text(self.text, self.heading)

    @property
    def hash(self) -> str:
        return content_hash(self.embed_text.encode("utf-8"))


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass
class _Unit:
    start: int
    end: int
    tokens: int
    page: int | None
    heading: str | None


def document_text(blocks: Sequence[Block]) -> tuple[str, list[int]]:
    """The full text a document's chunks are slices of, and each block's start offset in it."""
    starts, pos = [], 0
    for b in blocks:
        starts.append(pos)
        pos += len(b.text) + len(BLOCK_SEPARATOR)
    return BLOCK_SEPARATOR.join(b.text for b in blocks), starts


def _units(blocks: Sequence[Block], starts: list[int], tok: TokenCounter, max_tokens: int) -> list[_Unit]:
    pieces: list[tuple[int, int, Block]] = []
    for block, base in zip(blocks, starts):
        text = block.text
        pos = 0
        splitter = re.compile(r"\n+") if block.kind == "code" else _SENTENCE_END
        for m in splitter.finditer(text):
            if m.start() > pos:
                pieces.append((base + pos, base + m.start(), block))
            pos = m.end()
        if pos < len(text):
            pieces.append((base + pos, base + len(text), block))
    full = BLOCK_SEPARATOR.join(b.text for b in blocks)
    counts = tok.count([full[s:e] for s, e, _ in pieces])
    units: list[_Unit] = []
    for (s, e, block), n in zip(pieces, counts):
        if n <= max_tokens:
            units.append(_Unit(s, e, n, block.page, block.heading))
            continue
        spans = tok.spans(full[s:e])  # one sentence longer than a chunk: cut it on token boundaries
        for i in range(0, len(spans), max_tokens):
            window = spans[i : i + max_tokens]
            ws = s + window[0][0]
            we = s + window[-1][1] if i + max_tokens < len(spans) else e
            units.append(_Unit(ws, we, len(window), block.page, block.heading))
    return units


def chunk_blocks(blocks: Sequence[Block], tok: TokenCounter, max_tokens: int = 200, overlap: int = 32) -> list[Chunk]:
    """Pack a document's blocks into chunks; see the module docstring for the rules."""
    if not blocks:
        return []
    full, starts = document_text(blocks)
    units = _units(blocks, starts, tok, max_tokens)
    min_section = max_tokens // 4
    chunks: list[Chunk] = []
    cur: list[_Unit] = []
    cur_tokens = 0

    def emit() -> None:
        first, last = cur[0], cur[-1]
        chunks.append(
            Chunk(len(chunks), full[first.start : last.end], first.start, last.end, first.page, first.heading, cur_tokens)
        )

    for u in units:
        if cur:
            page_break = u.page != cur[0].page
            section_break = u.heading != cur[-1].heading and cur_tokens >= min_section
            if page_break or section_break:
                emit()
                cur, cur_tokens = [], 0
            elif cur_tokens + u.tokens > max_tokens:
                emit()
                keep: list[_Unit] = []
                kept = 0
                for prev in reversed(cur):
                    if kept + prev.tokens > overlap or prev.page != u.page:
                        break
                    keep.insert(0, prev)
                    kept += prev.tokens
                cur, cur_tokens = keep, kept
        cur.append(u)
        cur_tokens += u.tokens
    if cur:
        emit()
    return chunks


class HFTokenCounter:
    """Token counting with a Hugging Face `tokenizers` tokenizer.json (fast, no torch)."""

    def __init__(self, tokenizer_json: str) -> None:
        from tokenizers import Tokenizer

        self._tok = Tokenizer.from_file(tokenizer_json)
        self._tok.no_truncation()
        self._tok.no_padding()

    def count(self, texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        return [len(e.ids) for e in self._tok.encode_batch(list(texts), add_special_tokens=False)]

    def spans(self, text: str) -> list[tuple[int, int]]:
        return list(self._tok.encode(text, add_special_tokens=False).offsets)
