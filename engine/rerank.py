"""Reranking behind one small interface. Without a local cross-encoder the fused order is kept as it is."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from engine.retrieval import Hit
from common.errors import ModelNotFound


class Reranker(Protocol):
    def __call__(self, query: str, hits: list[Hit]) -> list[Hit]: ...


def keep_fused_order(query: str, hits: list[Hit]) -> list[Hit]:
    return hits


class CrossEncoderReranker:
    """Scores (query, passage) pairs with a sentence-transformers CrossEncoder loaded from a local folder."""

    def __init__(self, model_dir: str, device: str = "cpu") -> None:
        from common.offline import offline_mode

        offline_mode()
        if not (Path(model_dir) / "config.json").exists():
            raise ModelNotFound(f"No cross-encoder model in {model_dir}.")
        from sentence_transformers import CrossEncoder

        self.model = CrossEncoder(model_dir, device=device, local_files_only=True)

    def __call__(self, query: str, hits: list[Hit]) -> list[Hit]:
        if not hits:
            return hits
        scores = self.model.predict([(query, h.text) for h in hits], show_progress_bar=False)
        ranked = sorted(zip(hits, scores), key=lambda hs: -float(hs[1]))
        return [Hit(h.path, h.chunk, float(s), h.text, h.page, h.heading, h.file_type, h.start, h.end, h.vector_score,
                    h.lexical)
                for h, s in ranked]


def make_reranker(model_dir: str) -> Reranker:
    return CrossEncoderReranker(model_dir) if model_dir else keep_fused_order
