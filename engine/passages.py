"""Source text as labelled passages: each sentence knows the term its paragraph defines.

Reference pages state a setting's name on one line and its default three sentences later, often in another
paragraph ("SyncIntervalSec=" … "The default timeout is 5 minutes."). A passage made of neighbouring
sentences alone loses the name; a passage that runs into the next setting's paragraph gains a wrong one.
So sentences are grouped into items, as a definition list is drawn: a label line that is less indented than
the lines under it (man pages, indented notes), then every paragraph indented like its body. Text without
such indentation is a plain run of paragraphs, each its own item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from engine.prompting import Source

MAX_LABEL_CHARS = 120  # a longer "label" is a sentence of prose
LOOKUP_CHARS = 80  # how much of a source's start identifies where it sits in another source of the same file
_INDENT = re.compile(r"[ \t]*")
_EXAMPLE = re.compile(r"\b(example|for instance|e\.g\.|sample)\b", re.I)
_HYPHENATED = re.compile(r"(\w)[\u2010\u00ad] (\w)")  # groff's line-end hyphen, once the lines are joined


@dataclass
class Item:
    """A labelled run of paragraphs; `label` is "" when the text gives none."""

    label: str
    start: int  # character offset of the item in the source text
    paragraphs: list[str]
    indent: int = 0  # of its first line
    last_indent: int = 0  # of its last paragraph's first line
    caption: str = ""  # the sentence that introduces it ("consider the following fragment:"), if any
    continued: bool = False  # it began before its source did: the label is not next to its first sentence


def _indent(line: str) -> int:
    return len(_INDENT.match(line.expandtabs(8)).group(0))


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Blank-line separated blocks with their character offsets, each also split before a hanging label: a
    line less indented than the one above it and the one below it (readline's "page-completions (On)"
    entries follow each other with no blank line between)."""
    out, lines, offsets, pos = [], [], [], 0
    for line in text.splitlines(keepends=True):
        if line.strip():
            lines.append(line.rstrip("\n"))
            offsets.append(pos)
        elif lines:
            out.extend(_split_at_labels(lines, offsets))
            lines, offsets = [], []
        pos += len(line)
    if lines:
        out.extend(_split_at_labels(lines, offsets))
    return out


def _split_at_labels(lines: list[str], offsets: list[int]) -> list[tuple[int, list[str]]]:
    """The block's lines cut before each line less indented than its neighbours, with each part's offset."""
    indents = [_indent(s) for s in lines]
    cuts = [0] + [i for i in range(1, len(lines) - 1) if indents[i - 1] > indents[i] < indents[i + 1]]
    return [(offsets[a], lines[a:b]) for a, b in zip(cuts, cuts[1:] + [len(lines)])]


def _is_label(lines: list[str]) -> bool:
    text = " ".join(s.strip() for s in lines)
    return len(text) <= MAX_LABEL_CHARS and not text.endswith((".", ":", "!", "?")) and not text.startswith("#")


def items(text: str) -> list[Item]:
    """The text's items in order. A block whose first lines are less indented than the rest opens an item
    labelled by those lines; a one-line block followed by a more indented block labels that block; a block
    indented like the open item's body continues it; anything else is an unlabelled item of its own. A
    sentence that ends in ":" and introduces an example ("For example, consider the following fragment:")
    captions the block after it."""
    out = _items(text)
    for before, it in zip(out, out[1:]):
        caption = re.split(r"(?<=[.!?])\s+", before.paragraphs[-1])[-1] if before.paragraphs else ""
        if caption.endswith(":") and _EXAMPLE.search(caption) and len(caption) <= MAX_LABEL_CHARS \
                and it.indent >= before.last_indent:
            it.caption = _HYPHENATED.sub(r"\1\2", " ".join(caption.split()))
    return out


def _items(text: str) -> list[Item]:
    out: list[Item] = []
    body_indent: int | None = None  # the open item's body indentation
    pending: tuple[int, list[str]] | None = None  # a one-line label waiting for its body

    def start_item(label: str, start: int, first: int, body: list[str]) -> None:
        out.append(Item(_HYPHENATED.sub(r"\1\2", label), start, [_join(body)], first, _indent(body[0])))

    for start, lines in _blocks(text):
        indents = [_indent(s) for s in lines]
        if pending is not None:
            p_start, p_lines = pending
            pending = None
            if min(indents) > _indent(p_lines[0]):
                start_item(p_lines[0].strip(), p_start, _indent(p_lines[0]), lines)
                body_indent = min(indents)
                continue
            start_item("", p_start, _indent(p_lines[0]), p_lines)
            body_indent = None
        head = next((i for i, n in enumerate(indents) if n > indents[0]), None)
        if lines[0].lstrip().startswith("#"):
            start_item("", start, indents[0], lines)
            body_indent = None
        elif head is not None and _is_label(lines[:head]) and all(n == indents[0] for n in indents[:head]):
            start_item(" ".join(s.strip() for s in lines[:head]), start, indents[0], lines[head:])
            body_indent = min(indents[head:])
        elif body_indent is not None and min(indents) >= body_indent:
            out[-1].paragraphs.append(_join(lines))
            out[-1].last_indent = indents[0]
        elif len(lines) == 1 and _is_label(lines):
            pending = (start, lines)
        else:
            start_item("", start, indents[0], lines)
            body_indent = None
    if pending is not None:
        start_item("", pending[0], _indent(pending[1][0]), pending[1])
    return out


def _join(lines: list[str]) -> str:
    return "\n".join(s.strip() for s in lines)


def label_at(found: list[Item], offset: int) -> str:
    """The label of the item that holds `offset`."""
    label = ""
    for it in found:
        if it.start > offset:
            break
        label = it.label
    return label


def source_items(sources: Sequence[Source]) -> dict[int, list[Item]]:
    """Items per source number. A source that starts inside an item of another source of the same file
    (neighbouring chunks overlap) takes that item's label for its first, unlabelled item."""
    parsed = {s.n: items(s.text) for s in sources}
    for s in sources:
        first = parsed[s.n][0] if parsed[s.n] else None
        if first is None or first.label or s.text[: first.start].strip():
            continue
        probe = s.text.lstrip()[:LOOKUP_CHARS]
        for other in sources:
            at = other.text.find(probe) if other.n != s.n and other.path == s.path and probe else -1
            if at > 0:
                first.label = label_at(parsed[other.n], at)
                if first.label:
                    first.continued = True
                    break
    return parsed
