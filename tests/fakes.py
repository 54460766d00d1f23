"""Fakes for the fast test tier: they stand in for MiniLM and llama.cpp behind the same interfaces.

`WordEmbedder` hashes words into a small vector, so a query shares direction with chunks that share its
words (good enough for retrieval by distinctive words, useless for paraphrases). `ScriptedGenerator`
answers from a function of the prompt and records every prompt it saw.
"""

from __future__ import annotations

import hashlib
import re
import threading
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

FAKE_DIM = 64
_WORD = re.compile(r"\w+", re.UNICODE)


def _bucket(word: str) -> tuple[int, float]:
    """A word's dimension and sign (stable across runs, unlike `hash`)."""
    digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
    return int.from_bytes(digest[:4], "little"), 1.0 if digest[5] & 1 else -1.0


class WordEmbedder:
    """Deterministic, instant, normalised bag-of-words vectors with the Embedder's interface."""

    def __init__(self, dim: int = FAKE_DIM) -> None:
        from indexer.embedding import bundled_embedder_dir

        self.model_dir = Path(bundled_embedder_dir())  # only its tokenizer.json is read (to size chunks)
        self.dim = dim
        self.max_tokens = 256
        self.model_id = f"fake-words:{dim}"
        self.kind = "fake-words"
        self.device = "cpu"
        self.calls = 0

    def _one(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for w in _WORD.findall(text.lower()):
            i, sign = _bucket(w.rstrip("s") if len(w) > 3 else w)
            v[i % self.dim] += sign
        n = float(np.linalg.norm(v))
        return v / n if n else v

    def embed(self, texts, pause=None) -> np.ndarray:
        if pause is not None:
            pause()
        self.calls += len(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._one(t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._one(text)


class ScriptedGenerator:
    """A chat model that answers `reply(prompt)` (a fixed text by default), streamed word by word."""

    def __init__(self, reply: str | Callable[[str | list[dict]], str] = "From your files [1].",
                 model_path: str = "scripted.gguf", n_ctx: int = 2048) -> None:
        self.reply = reply if callable(reply) else (lambda prompt: reply)
        self.model_path = Path(model_path)
        self.n_ctx = n_ctx
        self.has_chat_template = False
        self.calls = 0
        self.prompts: list = []
        self._lock = threading.Lock()

    def count_tokens(self, text: str) -> int:
        return len(text.split()) + text.count("\n")

    def stream(self, prompt, max_tokens: int, stop=None, cancel: threading.Event | None = None) -> Iterator[str]:
        self.calls += 1
        self.prompts.append(prompt)
        with self._lock:
            for i, word in enumerate(self.reply(prompt).split(" ")[:max_tokens]):
                if cancel is not None and cancel.is_set():
                    return
                yield word if i == 0 else " " + word

    def complete(self, prompt, max_tokens: int, stop=None, on_token=None, cancel=None) -> str:
        from engine.generation import join_stream

        return join_stream(self.stream(prompt, max_tokens, stop, cancel), on_token)


def fake_gguf(path: Path) -> Path:
    """A file that passes for a GGUF model where only its header is looked at."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"GGUF" + b"\0" * 64)
    return path
