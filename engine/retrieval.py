"""Retrieval stages as plain functions: vector search, full-text search, reciprocal-rank fusion."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from indexer.store import Store, filter_clause

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
    lexical: bool = False  # the full-text stage found it too (its words are in the chunk)

    @property
    def key(self) -> tuple[str, int]:
        return (self.path, self.chunk)

    def to_json(self) -> dict:
        return {"path": self.path, "chunk": self.chunk, "score": round(self.score, 6), "text": self.text,
                "page": self.page, "heading": self.heading}


def _hit(row: dict, score: float, vector_score: float | None = None, lexical: bool = False) -> Hit:
    return Hit(row["path"], int(row["chunk_no"]), float(score), row["text"], row.get("page"), row.get("heading"),
               row.get("file_type") or "", int(row.get("start") or 0), int(row.get("end") or 0), vector_score, lexical)


def vector_search(store: Store, query_vector: np.ndarray, k: int, where: str | None = None,
                  cache: "VectorCache | None" = None) -> list[Hit]:
    """Nearest chunks by cosine similarity (vectors are normalised, so cos = 1 - L2²/2)."""
    if cache is not None and where is None:
        hits = cache.search(query_vector, k)
        if hits is not None:
            return hits
    rows = store.nearest(query_vector, k, _COLUMNS, where)
    return [_hit(r, 1.0 - r["_distance"] / 2.0, 1.0 - r["_distance"] / 2.0) for r in rows]


def fulltext_search(store: Store, query: str, k: int, where: str | None = None) -> list[Hit]:
    """BM25 over chunk text with LanceDB's native full-text index (unindexed new rows are searched too)."""
    rows = store.fulltext(query, k, _COLUMNS, where)
    return [_hit(r, r["_score"], lexical=True) for r in rows]


def rrf_fuse(result_lists: list[list[Hit]], k: int, rrf_k: int = 60) -> list[Hit]:
    """Reciprocal-rank fusion: score = Σ 1/(rrf_k + rank). Keeps the best vector score and any lexical match."""
    scores: dict[tuple[str, int], float] = {}
    first: dict[tuple[str, int], Hit] = {}
    vec: dict[tuple[str, int], float] = {}
    lexical: set[tuple[str, int]] = set()
    for hits in result_lists:
        for rank, h in enumerate(hits):
            scores[h.key] = scores.get(h.key, 0.0) + 1.0 / (rrf_k + rank + 1)
            first.setdefault(h.key, h)
            if h.vector_score is not None:
                vec[h.key] = max(vec.get(h.key, -1.0), h.vector_score)
            if h.lexical:
                lexical.add(h.key)
    out = []
    for key, s in sorted(scores.items(), key=lambda kv: -kv[1])[:k]:
        h = first[key]
        out.append(Hit(h.path, h.chunk, s, h.text, h.page, h.heading, h.file_type, h.start, h.end, vec.get(key),
                       key in lexical))
    return out


@dataclass
class Filters:
    """Restrict retrieval to a folder, some file types, or files modified since a time (seconds since epoch)."""

    folder: str | None = None
    file_types: list[str] | None = None
    since: float | None = None

    def where(self) -> str | None:
        return filter_clause(self.folder, self.file_types, None if self.since is None else int(self.since * 1e9))


def fill_vector_scores(store: Store, query_vector: np.ndarray, hits: list[Hit]) -> list[Hit]:
    """Give hits found only by full text their cosine similarity too, so grounding can judge every hit."""
    missing = [h for h in hits if h.vector_score is None]
    if not missing:
        return hits
    rows = store.chunks_at([h.key for h in missing], ["path", "chunk_no", "vector"])
    sims = {(r["path"], r["chunk_no"]): float(np.dot(np.asarray(r["vector"], dtype=np.float32), query_vector))
            for r in rows}
    for h in missing:
        h.vector_score = sims.get(h.key)
    return hits


class VectorCache:
    """All chunk vectors in one in-memory matrix, reloaded when the table's version changes.

    A flat scan in LanceDB costs ~50 ms at 100k chunks on 2 cores; a matrix product over the same vectors
    plus fetching the winners' rows costs about a third of that (bench/retrieval_latency.py). The reload
    (~0.4 s at 100k) is paid once per index change, so this is for long-lived engines (the app), not for
    one-shot commands. Filtered searches and indexes over `max_rows` go to LanceDB.
    """

    def __init__(self, store: Store, max_rows: int = 400_000) -> None:
        self.store = store
        self.max_rows = max_rows
        self._version = None
        self._matrix = np.zeros((0, store.dim), dtype=np.float32)
        self._keys: list[tuple[str, int]] = []
        self._lock = threading.Lock()

    def _refresh(self) -> bool:
        version = self.store.version
        if version == self._version:
            return True
        if self.store.chunk_count() > self.max_rows:
            return False
        self._keys, self._matrix = self.store.all_vectors()
        self._version = version
        return True

    def search(self, query_vector: np.ndarray, k: int) -> list[Hit] | None:
        """Top-k by cosine, or None when the cache cannot serve (too many rows)."""
        with self._lock:
            if not self._refresh():
                return None
            if not self._keys:
                return []
            scores = self._matrix @ np.asarray(query_vector, dtype=np.float32)
            k = min(k, len(self._keys))
            top = np.argpartition(-scores, k - 1)[:k]
            top = top[np.argsort(-scores[top])]
            wanted = {self._keys[i]: float(scores[i]) for i in top}
        rows = self.store.chunks_of([p for p, _ in wanted], _COLUMNS)
        by_key = {(r["path"], r["chunk_no"]): r for r in rows}
        return [_hit(by_key[key], s, s) for key, s in sorted(wanted.items(), key=lambda kv: -kv[1]) if key in by_key]
