"""Typed results of user operations that the lower layers do not already define."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from engine.answer import Answer
from engine.chats import Chat


@dataclass
class FolderInfo:
    """A watched folder as the lists show it."""

    path: str
    paused: bool
    state: str  # watching | paused | missing
    files: int = 0
    chunks: int = 0
    problems: int = 0

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Problem:
    """A file that failed (`error`) or was left out (`skipped`), with the reason shown to the person."""

    path: str
    status: str
    reason: str

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Status:
    data_dir: str
    folders: list[FolderInfo]
    files: dict[str, int]  # files per status (ok, error, skipped)
    chunks: int
    problems: list[Problem] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"data_dir": self.data_dir, "folders": [f.to_json() for f in self.folders], "files": self.files,
                "chunks": self.chunks, "problems": [p.to_json() for p in self.problems]}


@dataclass
class ChatAnswer:
    """An answer, and the chat it was saved in (None for a one-off question)."""

    answer: Answer
    chat: Chat | None = None

    def to_json(self) -> dict:
        out = self.answer.to_json()
        if self.chat is not None:
            out["chat"] = self.chat.id
        return out


@dataclass
class DatasetResult:
    path: str
    examples: int


@dataclass
class SearchModelSwitch:
    """The index re-embedded with another search model or vector kind, and in use."""

    model: str  # the sentence-transformers folder; "" is the bundled all-MiniLM-L6-v2
    vectors: str  # the vector kind that made the new index (onnx-int8, onnx-fp32, torch-fp32)
    chunks: int
    seconds: float
