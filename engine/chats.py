"""Chat sessions stored as one JSON file each in the data dir's chats folder, written atomically."""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from indexer.errors import HearthError


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
        path = self._path(chat.id)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(chat), ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path)

    def get(self, chat_id: str) -> Chat:
        path = self._path(chat_id)
        if not path.exists():
            raise HearthError(f"No chat with id {chat_id} (see `chats list`).")
        try:
            return Chat(**json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, TypeError) as exc:
            raise HearthError(f"Chat file {path} is damaged ({exc}).")

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
                              "refused": answer["refused"]})
        self.save(chat)
