"""Retrieval stages as plain functions: vector search, full-text search, reciprocal-rank fusion."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from indexer.store import Store

_COLUMNS = ["path", "chunk_no", "text", "page", "heading", "file_type", "start", "end", "folder"]


@dataclass
class Hit:
    path: str
    chunk: int
    score: float  # higher is better; comparable within one result list
    text: str
    page: int | None
    heading: str | None
    file_type: str = ""
    start: int = 0
    end: int = 0
    vector_score: float | None = None  # cosine similarity, when the vector stage found it

    @property
    def key(self) -> tuple[str, int]:
        return (self.path, self.chunk)

    def to_json(self) -> dict:
        return {"path": self.path, "chunk": self.chunk, "score": round(self.score, 6), "text": self.text,
                "page": self.page, "heading": self.heading}


def _hit(row: dict, score: float, vector_score: float | None = None) -> Hit:
    return Hit(row["path"], int(row["chunk_no"]), float(score), row["text"], row.get("page"), row.get("heading"),
               row.get("file_type") or "", int(row.get("start") or 0), int(row.get("end") or 0), vector_score)


def vector_search(store: Store, query_vector: np.ndarray, k: int, where: str | None = None) -> list[Hit]:
    """Nearest chunks by cosine similarity (vectors are normalised, so cos = 1 - L2²/2)."""
    q = store.chunks.search(np.asarray(query_vector, dtype=np.float32), vector_column_name="vector")
    q = q.select(_COLUMNS + ["_distance"])
    if where:
        q = q.where(where, prefilter=True)
    rows = q.limit(k).to_list()
    return [_hit(r, 1.0 - r["_distance"] / 2.0, 1.0 - r["_distance"] / 2.0) for r in rows]


def fulltext_search(store: Store, query: str, k: int, where: str | None = None) -> list[Hit]:
    """BM25 over chunk text with LanceDB's native full-text index (unindexed new rows are searched too)."""
    if not store.chunks.count_rows():
        return []
    store.ensure_indexes()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        q = store.chunks.search(query, query_type="fts").select(_COLUMNS + ["_score"])
        if where:
            q = q.where(where, prefilter=True)
        try:
            rows = q.limit(k).to_list()
        except (ValueError, RuntimeError):  # a query of only stop words or symbols
            return []
    return [_hit(r, r["_score"]) for r in rows]


def rrf_fuse(result_lists: list[list[Hit]], k: int, rrf_k: int = 60) -> list[Hit]:
    """Reciprocal-rank fusion: score = Σ 1/(rrf_k + rank). Keeps the best vector score seen per chunk."""
    fused: dict[tuple[str, int], Hit] = {}
    scores: dict[tuple[str, int], float] = {}
    for hits in result_lists:
        for rank, h in enumerate(hits):
            scores[h.key] = scores.get(h.key, 0.0) + 1.0 / (rrf_k + rank + 1)
            prev = fused.get(h.key)
            if prev is None or (h.vector_score is not None and prev.vector_score is None):
                fused[h.key] = h
    out = []
    for key, s in sorted(scores.items(), key=lambda kv: -kv[1])[:k]:
        h = fused[key]
        out.append(Hit(h.path, h.chunk, s, h.text, h.page, h.heading, h.file_type, h.start, h.end, h.vector_score))
    return out
