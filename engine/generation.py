"""Text generation with llama-cpp-python: the model is loaded once and kept; tokens stream through a callback."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Callable, Iterator

from engine.config import EngineConfig
from common.errors import HearthError

log = logging.getLogger(__name__)


def join_stream(pieces: Iterator[str], on_token: Callable[[str], None] | None = None) -> str:
    """The whole text of a stream, handing each piece to `on_token` as it arrives."""
    out = []
    for piece in pieces:
        out.append(piece)
        if on_token:
            on_token(piece)
    return "".join(out)


class Generator:
    def __init__(self, model_path: Path, cfg: EngineConfig) -> None:
        from llama_cpp import Llama

        self.model_path = Path(model_path)
        self.cfg = cfg
        try:
            self.llm = Llama(
                model_path=str(self.model_path), n_ctx=cfg.n_ctx, n_threads=cfg.threads or os.cpu_count(),
                n_gpu_layers=cfg.gpu_layers, verbose=False,
            )
        except ValueError as exc:
            raise HearthError(f"llama.cpp could not load {self.model_path.name}: {exc}")
        self.n_ctx = self.llm.n_ctx()
        self.has_chat_template = bool(self.llm.metadata.get("tokenizer.chat_template"))
        self.calls = 0
        self._lock = threading.Lock()  # one generation at a time on one context

    def count_tokens(self, text: str) -> int:
        return len(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def stream(self, prompt: str | list[dict], max_tokens: int, stop: list[str] | None = None,
               cancel: threading.Event | None = None) -> Iterator[str]:
        """Yield text pieces as they are generated; a set `cancel` ends the stream at the next token."""
        self.calls += 1
        with self._lock:
            if isinstance(prompt, list):
                it = self.llm.create_chat_completion(prompt, max_tokens=max_tokens, temperature=self.cfg.temperature,
                                                     stop=stop, stream=True)
                pieces = (c["choices"][0]["delta"].get("content") or "" for c in it)
            else:
                it = self.llm.create_completion(prompt, max_tokens=max_tokens, temperature=self.cfg.temperature,
                                                stop=stop, stream=True, repeat_penalty=1.15)
                pieces = (c["choices"][0]["text"] for c in it)
            try:
                for piece in pieces:
                    if cancel is not None and cancel.is_set():
                        break
                    if piece:
                        yield piece
            finally:
                it.close()

    def complete(self, prompt: str | list[dict], max_tokens: int, stop: list[str] | None = None,
                 on_token: Callable[[str], None] | None = None, cancel: threading.Event | None = None) -> str:
        return join_stream(self.stream(prompt, max_tokens, stop, cancel), on_token)
