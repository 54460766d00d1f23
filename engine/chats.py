"""Chat sessions stored as one versioned JSON file each in the data dir's chats folder, written atomically."""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from common.errors import FormatError, HearthError
from common.formats import Format, Migration


def _answers_carry_sources(chat: dict) -> dict:
    """Early chats could hold assistant messages without `sources` or `refused`; every one has both now."""
    for m in chat.get("messages", []):
        if m.get("role") == "assistant":
            m.setdefault("sources", [])
            m.setdefault("refused", False)
    return chat


def _answers_carry_checks(chat: dict) -> dict:
    """Answers are checked sentence by sentence since format 2; older ones were not (no checks, no lead)."""
    for m in chat.get("messages", []):
        if m.get("role") == "assistant":
            m.setdefault("checks", [])
            m.setdefault("lead", None)
    return chat


CHAT_FORMAT = Format("hearth.chat", (
    Migration("0001_answers_carry_sources", _answers_carry_sources),
    Migration("0002_answers_carry_checks", _answers_carry_checks),
))


@dataclass
class Chat:
    id: str
    title: str
    created: float
    messages: list[dict] = field(default_factory=list)  # {"role", "content", "sources"?, "refused"?}

    def history(self) -> list[dict]:
        return [{"role": m["role"], "content": m["content"]} for m in self.messages]


class ChatStore:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def _path(self, chat_id: str) -> Path:
        if not chat_id or "/" in chat_id or chat_id.startswith("."):
            raise HearthError(f"'{chat_id}' is not a chat id.")
        return self.folder / f"{chat_id}.json"

    def create(self, title: str = "New chat") -> Chat:
        chat = Chat(uuid.uuid4().hex[:12], title, time.time())
        self.save(chat)
        return chat

    def save(self, chat: Chat) -> None:
        CHAT_FORMAT.save(self._path(chat.id), asdict(chat))

    def get(self, chat_id: str) -> Chat:
        path = self._path(chat_id)
        if not path.exists():
            raise HearthError(f"No chat with id {chat_id} (see `chats list`).")
        try:
            return Chat(**CHAT_FORMAT.load(path))
        except (FormatError, TypeError) as exc:
            raise HearthError(f"Chat file {path} is damaged ({exc}).") from None

    def list(self) -> list[Chat]:
        chats = []
        for p in self.folder.glob("*.json"):
            try:
                chats.append(self.get(p.stem))
            except HearthError:
                continue  # a damaged file does not hide the others
        return sorted(chats, key=lambda c: -c.created)

    def rename(self, chat_id: str, title: str) -> Chat:
        chat = self.get(chat_id)
        chat.title = title
        self.save(chat)
        return chat

    def delete(self, chat_id: str) -> None:
        path = self._path(chat_id)
        if not path.exists():
            raise HearthError(f"No chat with id {chat_id}.")
        path.unlink()

    def append_turn(self, chat: Chat, question: str, answer: dict) -> None:
        if not chat.messages and chat.title == "New chat":
            chat.title = question[:60]
        chat.messages.append({"role": "user", "content": question})
        chat.messages.append({"role": "assistant", "content": answer["answer"], "sources": answer["sources"],
                              "refused": answer["refused"], "checks": answer.get("checks", []),
                              "lead": answer.get("lead")})
        self.save(chat)
