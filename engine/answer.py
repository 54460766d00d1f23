"""Answering: retrieve → drop near-duplicates → expand to neighbours → fit the budget → prompt → stream → cite."""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from typing import Callable

from engine.config import EngineConfig
from engine.generation import Generator
from engine.models import resolve_model
from engine.prompting import Source, chat_messages, completion_prompt
from engine.retrieval import Hit, fulltext_search, rrf_fuse, vector_search
from indexer.config import DataDir
from indexer.embedding import Embedder
from indexer.store import Store, sql_str

log = logging.getLogger(__name__)

REFUSAL = "Your files do not seem to contain this, so I won't guess. Try other words, or add the folder that has it."
NO_TEXT = "The model gave no answer; the sources below are the passages of your files that match best."
_CITATION = re.compile(r"\[(\d{1,3})\]")


@dataclass
class Answer:
    answer: str
    sources: list[Source]
    refused: bool
    cited: list[int] = field(default_factory=list)
    cancelled: bool = False

    def to_json(self) -> dict:
        return {
            "answer": self.answer, "refused": self.refused,
            "sources": [{"n": s.n, "path": s.path, "chunk": s.chunk, "page": s.page} for s in self.sources],
        }


def search(store: Store, embedder: Embedder, query: str, k: int, hybrid: bool = True, where: str | None = None) -> list[Hit]:
    """Vector search, fused with full-text search by reciprocal rank when `hybrid`."""
    vec_hits = vector_search(store, embedder.embed_query(query), max(k, 20), where)
    if not hybrid:
        return vec_hits[:k]
    return rrf_fuse([vec_hits, fulltext_search(store, query, max(k, 20), where)], k)


def _shingles(text: str) -> set[str]:
    words = text.lower().split()
    return {" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))}


def drop_near_duplicates(hits: list[Hit], threshold: float = 0.8) -> list[Hit]:
    """Keep the first of any hits whose word 3-gram Jaccard similarity is above `threshold` (copies of a file)."""
    kept: list[tuple[Hit, set[str]]] = []
    for h in hits:
        sh = _shingles(h.text)
        if all(len(sh & s) / max(1, len(sh | s)) < threshold for _, s in kept):
            kept.append((h, sh))
    return [h for h, _ in kept]


def expand_neighbours(store: Store, hit: Hit, n: int) -> str:
    """The hit's text with `n` chunks on each side, joined on their character offsets (no repeated overlap)."""
    if n <= 0:
        return hit.text
    rows = store.chunk_rows(
        f"path = {sql_str(hit.path)} AND chunk_no >= {hit.chunk - n} AND chunk_no <= {hit.chunk + n}",
        ["chunk_no", "text", "start", "end", "page"],
    )
    rows = sorted((r for r in rows if r["page"] == hit.page), key=lambda r: r["start"])
    if not rows:
        return hit.text
    out, pos = [], rows[0]["start"]
    for r in rows:
        if r["end"] <= pos:
            continue
        out.append(r["text"][max(0, pos - r["start"]) :])
        pos = r["end"]
    return "".join(out)


def edges_first(items: list) -> list:
    """Strongest items at both ends of the context, weakest in the middle ("lost in the middle")."""
    front, back = [], []
    for i, item in enumerate(items):
        (front if i % 2 == 0 else back).append(item)
    return front + back[::-1]


class Engine:
    """Holds the store, the embedder and (loaded on first real question) the generator."""

    def __init__(self, cfg: EngineConfig, data: DataDir, store: Store, embedder: Embedder,
                 generator: Generator | None = None) -> None:
        self.cfg, self.data, self.store, self.embedder = cfg, data, store, embedder
        self._generator = generator
        self._lock = threading.Lock()

    @property
    def generator(self) -> Generator:
        with self._lock:
            if self._generator is None:
                self._generator = Generator(resolve_model(self.cfg.model, self.data), self.cfg)
            return self._generator

    def retrieve(self, question: str, k: int | None = None) -> list[Hit]:
        hits = search(self.store, self.embedder, question, (k or self.cfg.top_k) * 2, self.cfg.hybrid)
        # A chunk the vector stage judged unrelated is noise in the context, whatever its keyword rank.
        hits = [h for h in hits if h.vector_score is None or h.vector_score >= self.cfg.min_score]
        return drop_near_duplicates(hits)[: k or self.cfg.top_k]

    def build_sources(self, hits: list[Hit], budget_tokens: int, count: Callable[[str], int]) -> list[Source]:
        """Number the hits, expand each with neighbours while the token budget allows, and stop at the budget."""
        sources, used = [], 0
        for h in hits:
            text = expand_neighbours(self.store, h, self.cfg.neighbours)
            cost = count(text) + 24
            if used + cost > budget_tokens:
                text, cost = h.text, count(h.text) + 24
                if used + cost > budget_tokens:
                    break
            sources.append(Source(len(sources) + 1, h.path, h.chunk, h.page, h.heading, text))
            used += cost
        return sources

    def ask(self, question: str, on_token: Callable[[str], None] | None = None,
            cancel: threading.Event | None = None, history: list[dict] | None = None) -> Answer:
        hits = self.retrieve(question)
        best = max((h.vector_score or 0.0) for h in hits) if hits else 0.0
        if best < self.cfg.min_score:
            log.info("refused: best similarity %.3f < %.3f", best, self.cfg.min_score)
            return Answer(REFUSAL, [], True)
        gen = self.generator
        budget = gen.n_ctx - self.cfg.max_answer_tokens - 200 - gen.count_tokens(question)
        sources = self.build_sources(edges_first(hits), budget, gen.count_tokens)
        if gen.has_chat_template:
            prompt = chat_messages(question, sources, history)
            stop = None
        else:
            prompt = completion_prompt(question, sources)
            stop = ["\nQuestion:", "\n\n", "<source", "</source", "<end_of_turn>"]
        text = gen.complete(prompt, self.cfg.max_answer_tokens, stop, on_token, cancel).strip()
        if not text and not (cancel and cancel.is_set()):
            text = NO_TEXT
        cited = sorted({int(m) for m in _CITATION.findall(text) if 1 <= int(m) <= len(sources)})
        return Answer(text, sources, False, cited, cancelled=bool(cancel and cancel.is_set()))
