"""Retrieval stages as plain functions: vector search, full-text search, reciprocal-rank fusion."""

from __future__ import annotations

import re
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


def rrf_fuse(result_lists: list[list[Hit]], k: int, rrf_k: int = 60, weights: list[float] | None = None) -> list[Hit]:
    """Reciprocal-rank fusion: score = Σ w/(rrf_k + rank). Keeps the best vector score and any lexical match."""
    scores: dict[tuple[str, int], float] = {}
    first: dict[tuple[str, int], Hit] = {}
    vec: dict[tuple[str, int], float] = {}
    lexical: set[tuple[str, int]] = set()
    for i, hits in enumerate(result_lists):
        w = weights[i] if weights else 1.0
        for rank, h in enumerate(hits):
            scores[h.key] = scores.get(h.key, 0.0) + w / (rrf_k + rank + 1)
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


# -- score-aware fusion and exact matches ----------------------------------------------------------------
_QUOTED = re.compile(r"[\"“”„«»]([^\"“”„«»]{2,200})[\"“”„«»]")
_EXACT_TOKEN = re.compile(r"[\w./:-]*\d[\w./:-]*|[A-Za-z]+[-_][\w-]+")  # numbers, codes, identifiers
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+")


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def exact_terms(query: str) -> tuple[list[str], list[str]]:
    """Quoted phrases, and exact tokens (numbers, codes such as INV-2023-0042, identifiers) of a query."""
    phrases = [_norm(p) for p in _QUOTED.findall(query)]
    rest = _QUOTED.sub(" ", query)
    tokens = [t.lower().strip(".:-/") for t in _EXACT_TOKEN.findall(rest) if len(t.strip(".:-/")) >= 2]
    return phrases, tokens


def exact_match(text: str, phrases: list[str], tokens: list[str], query: str) -> float:
    """1 when the chunk holds the whole query or every quoted phrase verbatim, else the share of exact tokens
    it holds (0 when the query has none)."""
    low = _norm(text)
    if len(query.split()) >= 4 and _norm(_QUOTED.sub(lambda m: m.group(1), query)).rstrip("?.!") in low:
        return 1.0
    if phrases:
        return 1.0 if all(p in low for p in phrases) else 0.0
    if not tokens:
        return 0.0
    return sum(bool(re.search(rf"(?<![\w]){re.escape(t)}(?![\w])", low)) for t in tokens) / len(tokens)


def _minmax(values: list[float]) -> list[float]:
    lo, hi = min(values), max(values)
    return [1.0 if hi == lo else (v - lo) / (hi - lo) for v in values]


def fuse(result_lists: list[list[Hit]], k: int, method: str = "convex", alpha: float = 0.5,
         weights: list[float] | None = None, query: str = "", exact_bonus: float = 0.0, rrf_k: int = 60) -> list[Hit]:
    """Fuse ranked lists. `rrf`: Σ w/(rrf_k + rank). `convex`: α · (min-max normalised vector score) +
    (1-α) · (normalised lexical score), absent = 0 (Bruch et al. 2022). Either way, `exact_bonus` × the chunk's
    exact match (whole query, quoted phrase, numbers and codes) is added."""
    if method == "rrf":
        fused = rrf_fuse(result_lists, len({h.key for hits in result_lists for h in hits}), rrf_k, weights)
        scores = {h.key: h.score for h in fused}
        first = {h.key: h for h in fused}
    else:
        scores, first = {}, {}
        for hits in result_lists:
            if not hits:
                continue
            is_vector = hits[0].vector_score is not None and not hits[0].lexical
            share = alpha if is_vector else 1 - alpha
            for h, s in zip(hits, _minmax([h.score for h in hits])):
                scores[h.key] = scores.get(h.key, 0.0) + share * s
                prev = first.get(h.key)
                first[h.key] = _merge(prev, h) if prev else h
    if exact_bonus and query:
        phrases, tokens = exact_terms(query)
        for key in scores:
            scores[key] += exact_bonus * exact_match(first[key].text, phrases, tokens, query)
    out = []
    for key, s in sorted(scores.items(), key=lambda kv: -kv[1])[:k]:
        h = first[key]
        out.append(Hit(h.path, h.chunk, s, h.text, h.page, h.heading, h.file_type, h.start, h.end, h.vector_score,
                       h.lexical))
    return out


def _merge(a: Hit, b: Hit) -> Hit:
    """One chunk found by several searches: the best vector score, lexical if any search matched its words."""
    vs = [v for v in (a.vector_score, b.vector_score) if v is not None]
    return Hit(a.path, a.chunk, a.score, a.text, a.page, a.heading, a.file_type, a.start, a.end,
               max(vs) if vs else None, a.lexical or b.lexical)


def cjk_search(store: Store, query: str, k: int, where: str | None = None) -> list[Hit]:
    """Chinese, Japanese and Korean words have no spaces, so the word index cannot find them: chunks holding
    the query's CJK character pairs, by how many of them they hold (a scan of the text column)."""
    runs = _CJK.findall(query)
    grams = sorted({r[i : i + 2] for r in runs for i in range(max(1, len(r) - 1))})
    if not grams:
        return []
    rows = store.containing(grams, k * 5, _COLUMNS, where)
    scored = [(sum(g in r["text"] for g in grams) / len(grams), r) for r in rows]
    scored.sort(key=lambda x: -x[0])
    return [_hit(r, s, lexical=True) for s, r in scored[:k] if s > 0]


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
