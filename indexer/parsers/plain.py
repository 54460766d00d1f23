"""Text-like formats: plain text, Markdown, reStructuredText, source code and CSV."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from indexer.parsers.registry import Block, paragraphs, read_text, register

CODE_EXTENSIONS = (
    ".py", ".pyi", ".js", ".jsx", ".ts", ".tsx", ".mjs", ".java", ".kt", ".scala", ".c", ".h", ".cc", ".cpp",
    ".hpp", ".cs", ".go", ".rs", ".rb", ".php", ".swift", ".m", ".r", ".jl", ".lua", ".pl", ".sh", ".bash",
    ".zsh", ".ps1", ".sql", ".css", ".scss", ".json", ".yaml", ".yml", ".toml", ".ini", ".cfg", ".xml",
    ".tex", ".el", ".clj", ".hs", ".ml", ".dart", ".vue", ".svelte",
)


@register("text", ".txt", ".text", ".log", ".nfo")
def parse_text(path: Path) -> list[Block]:
    return paragraphs(read_text(path))


@register("code", *CODE_EXTENSIONS)
def parse_code(path: Path) -> list[Block]:
    return paragraphs(read_text(path), kind="code")


_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


@register("markdown", ".md", ".markdown", ".mdown", ".mkd")
def parse_markdown(path: Path) -> list[Block]:
    """Paragraphs under a heading path; fenced code stays one block."""
    blocks: list[Block] = []
    stack: list[tuple[int, str]] = []
    cur: list[str] = []
    in_fence = False

    def heading() -> str | None:
        return " > ".join(t for _, t in stack) or None

    def flush(kind: str = "text") -> None:
        if cur:
            blocks.append(Block("\n".join(cur), None, heading(), kind))
            cur.clear()

    for line in read_text(path).splitlines():
        if _FENCE.match(line):
            if in_fence:
                cur.append(line)
                flush("code")
            else:
                flush()
                cur.append(line)
            in_fence = not in_fence
            continue
        if in_fence:
            cur.append(line)
            continue
        m = _MD_HEADING.match(line)
        if m:
            flush()
            level = len(m.group(1))
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, m.group(2)))
            blocks.append(Block(line.strip(), None, heading(), "heading"))
        elif line.strip():
            cur.append(line.rstrip())
        else:
            flush()
    flush("code" if in_fence else "text")
    return blocks


_RST_UNDERLINE = re.compile(r"^([=\-~^\"'`#*+:.])\1{2,}\s*$")


@register("rst", ".rst", ".rest")
def parse_rst(path: Path) -> list[Block]:
    """Section titles are lines underlined (and optionally overlined) with punctuation; levels follow first use."""
    lines = read_text(path).splitlines()
    levels: list[str] = []
    stack: list[tuple[int, str]] = []
    blocks: list[Block] = []
    cur: list[str] = []

    def flush() -> None:
        if cur:
            blocks.append(Block("\n".join(cur), None, " > ".join(t for _, t in stack) or None))
            cur.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if line.strip() and not _RST_UNDERLINE.match(line) and _RST_UNDERLINE.match(nxt) and len(nxt.strip()) >= len(line.strip()):
            flush()
            if cur and _RST_UNDERLINE.match(cur[-1]):  # overline already collected
                cur.pop()
            ch = nxt.strip()[0]
            if ch not in levels:
                levels.append(ch)
            level = levels.index(ch)
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, line.strip()))
            blocks.append(Block(line.strip(), None, " > ".join(t for _, t in stack), "heading"))
            i += 2
            continue
        if _RST_UNDERLINE.match(line) and not cur:
            i += 1  # an overline
            continue
        if line.strip():
            cur.append(line.rstrip())
        else:
            flush()
        i += 1
    flush()
    return blocks


@register("csv", ".csv", ".tsv")
def parse_csv(path: Path) -> list[Block]:
    """Rows as 'header: value' lines, in groups of 20 rows so a chunk keeps its column names."""
    text = read_text(path)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else None
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    return table_blocks(rows, heading=None)


def table_blocks(rows: list[list], heading: str | None, group: int = 20) -> list[Block]:
    rows = [[("" if c is None else str(c)).strip() for c in r] for r in rows]
    rows = [r for r in rows if any(r)]
    if not rows:
        return []
    header, body = rows[0], rows[1:]
    if not body:
        return [Block(" | ".join(header), None, heading, "table")]
    blocks = []
    for start in range(0, len(body), group):
        lines = []
        for r in body[start : start + group]:
            cells = [f"{h}: {v}" if h else v for h, v in zip(header + [""] * len(r), r) if v]
            lines.append("; ".join(cells))
        blocks.append(Block("\n".join(lines), None, heading, "table"))
    return blocks
