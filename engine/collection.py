"""Questions about the collection itself ("which files mention X", "list my PDFs from 2023 about Y", "how
many files …") answered from the index's metadata and full text, not from a few chunks given to the model.

Routing is by rules: a question that does not match them goes to the ordinary answer flow.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import datetime

from indexer.store import Store, filter_clause

MAX_MATCHING_CHUNKS = 10_000  # full-text hits read for one collection question

TYPE_WORDS = {
    "pdf": "pdf", "pdfs": "pdf", "word document": "docx", "word documents": "docx", "docx": "docx",
    "spreadsheet": "xlsx", "spreadsheets": "xlsx", "excel": "xlsx", "xlsx": "xlsx", "presentation": "pptx",
    "presentations": "pptx", "slides": "pptx", "pptx": "pptx", "markdown": "markdown", "markdown files": "markdown",
    "text files": "text", "text file": "text", "csv": "csv", "csvs": "csv", "csv files": "csv", "web pages": "html",
    "html": "html", "html files": "html", "epub": "epub", "ebooks": "epub", "books": "epub", "code": "code",
    "source files": "code", "odt": "odt",
}
_GENERIC = r"(?:files?|documents?|docs?|notes?|pages?|things|ones)"
_TYPES = "|".join(sorted((re.escape(t) for t in TYPE_WORDS), key=len, reverse=True))
_KIND = rf"(?P<type>{_TYPES})?\s*{_GENERIC}?"
_YEAR = re.compile(r"\b(?:from|in|during|of)\s+(?P<year>(?:19|20)\d\d)\b", re.I)
_TOPIC = r"(?:mention(?:s|ing)?|talk(?:s|ing)? about|refer(?:s|ring)? to|contain(?:s|ing)?|about|on|discuss(?:es|ing)?|with)"
_RULES = (
    ("count", re.compile(rf"^how many\s+(?:of my\s+|my\s+)?{_KIND}\s*(?:(?:do i have|are there|have i got)\s*)?"
                         rf"(?:(?:that\s+|which\s+)?{_TOPIC}\s+(?P<topic>.+?))?$", re.I)),
    ("list", re.compile(rf"^(?:which|what)\s+(?:of my\s+)?{_KIND}\s+(?:do i have\s+)?(?:that\s+)?(?:are\s+)?{_TOPIC}\s+"
                        rf"(?P<topic>.+?)$", re.I)),
    ("list", re.compile(rf"^(?:list|show|find)(?: me)?\s+(?:all\s+)?(?:of\s+)?(?:my\s+|the\s+)?{_KIND}"
                        rf"(?:\s+(?:that\s+|which\s+)?{_TOPIC}\s+(?P<topic>.+?))?$", re.I)),
    ("list", re.compile(rf"^(?:in\s+)?which\s+{_KIND}\s+(?:is|are)\s+(?P<topic>.+?)\s+mentioned$", re.I)),
)


@dataclass
class CollectionQuery:
    kind: str  # list | count
    topic: str  # words the files must contain ("" for any file)
    file_types: list[str] = field(default_factory=list)
    year: int | None = None


@dataclass
class FileMatch:
    path: str
    matches: int  # chunks of the file that contain the topic (1 when there is no topic)
    file_type: str = ""

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class CollectionAnswer:
    query: CollectionQuery
    files: list[FileMatch]

    @property
    def count(self) -> int:
        return len(self.files)

    def text(self) -> str:
        q = self.query
        what = "file" if not q.file_types else f"{'/'.join(t.upper() for t in q.file_types)} file"
        scope = (f" mentioning “{q.topic}”" if q.topic else "") + (f" from {q.year}" if q.year else "")
        head = f"{self.count} {what}{'' if self.count == 1 else 's'}{scope}"
        if q.kind == "count" or not self.files:
            return head + "."
        return head + ":\n" + "\n".join(f"- {f.path} ({f.matches} match{'' if f.matches == 1 else 'es'})"
                                        for f in self.files)


def route(question: str) -> CollectionQuery | None:
    """A collection question parsed by the rules, or None when it is a question to answer from the text."""
    q = " ".join(question.strip().rstrip("?.!").split())
    year = None
    m = _YEAR.search(q)
    if m:
        year = int(m.group("year"))
        q = (q[: m.start()] + q[m.end():]).strip()
        q = " ".join(q.split())
    for kind, rule in _RULES:
        m = rule.match(q)
        if not m:
            continue
        kind_word = (m.group("type") or "").lower()
        topic = re.sub(r"^(?:the|a|an|my|our)\s+", "", (m.groupdict().get("topic") or "").strip(" \"'“”"), flags=re.I)
        if kind == "list" and not topic and not kind_word and year is None:
            continue  # "show me the …" with nothing to filter by is no collection question
        return CollectionQuery(kind, topic, [TYPE_WORDS[kind_word]] if kind_word else [], year)
    return None


def _year_bounds(year: int | None) -> tuple[int | None, int | None]:
    if year is None:
        return None, None
    return int(datetime(year, 1, 1).timestamp() * 1e9), int(datetime(year + 1, 1, 1).timestamp() * 1e9)


def _contains_topic(text: str, topic: str) -> bool:
    """Every word of the topic occurs in the text (case-insensitive), or the quoted phrase does."""
    low = " ".join(text.lower().split())
    words = re.findall(r"\w+", topic.lower())
    return bool(words) and all(re.search(rf"\b{re.escape(w)}", low) for w in words)


def answer_collection(store: Store, query: CollectionQuery, folder: str | None = None) -> CollectionAnswer:
    """Files that match: by metadata (type, year) and, with a topic, by full-text search over every chunk."""
    since, until = _year_bounds(query.year)
    if not query.topic:
        files = [FileMatch(r.path, 1, r.file_type) for r in store.file_records().values()
                 if r.status == "ok" and (not query.file_types or r.file_type in query.file_types)
                 and (since is None or since <= r.mtime_ns < until) and (folder is None or r.folder == folder)]
        return CollectionAnswer(query, sorted(files, key=lambda f: f.path))
    where = filter_clause(folder, query.file_types or None, since, until)
    rows = store.fulltext(query.topic, MAX_MATCHING_CHUNKS, ["path", "text", "file_type"], where)
    counts: dict[str, FileMatch] = {}
    for r in rows:
        if _contains_topic(r["text"], query.topic):
            f = counts.setdefault(r["path"], FileMatch(r["path"], 0, r["file_type"] or ""))
            f.matches += 1
    return CollectionAnswer(query, sorted(counts.values(), key=lambda f: (-f.matches, f.path)))
