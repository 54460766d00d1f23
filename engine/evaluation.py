"""Retrieval evaluation at file level: hit rate@k, recall@k, MRR@10, nDCG@10; and eval sets made from your own index."""

from __future__ import annotations

import math
import random
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from common.errors import HearthError
from common.jsonl import parse_jsonl


@dataclass
class EvalQuery:
    query: str
    relevant: list[str]  # absolute paths


@dataclass
class EvalReport:
    queries: int
    k: int
    hit_rate: float
    recall: float
    mrr10: float
    ndcg10: float

    def to_json(self) -> dict:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(self).items()}


def load_queries(path: Path, base: Path | None = None) -> list[EvalQuery]:
    """JSON lines `{"query": str, "relevant": [path, ...]}`; relative paths are taken from `base`."""
    def parse(rec: Any) -> EvalQuery:
        query, relevant = (rec.get("query"), rec.get("relevant")) if isinstance(rec, dict) else (None, None)
        if not isinstance(query, str) or not isinstance(relevant, list) or not relevant:
            raise ValueError("not a valid query record: it needs a string 'query' and a non-empty list 'relevant'")
        rel = [str((base / p) if base and not Path(p).is_absolute() else Path(p)) for p in relevant]
        return EvalQuery(query, rel)

    out = parse_jsonl(path, parse, HearthError)
    if not out:
        raise HearthError(f"{path} has no queries.")
    return out


def file_ranking(paths: Iterable[str]) -> list[str]:
    """Chunk hits → distinct files in first-seen order."""
    seen, out = set(), []
    for p in paths:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


def score(queries: list[EvalQuery], rank: Callable[[str], list[str]], k: int = 10) -> EvalReport:
    """`rank(query)` returns file paths best first (at least 10 where possible)."""
    hits = recall = mrr = ndcg = 0.0
    for q in queries:
        files = file_ranking(rank(q.query))
        rel = set(q.relevant)
        top_k = files[:k]
        hits += any(f in rel for f in top_k)
        recall += len(rel & set(top_k)) / len(rel)
        mrr += next((1.0 / (i + 1) for i, f in enumerate(files[:10]) if f in rel), 0.0)
        dcg = sum(1.0 / math.log2(i + 2) for i, f in enumerate(files[:10]) if f in rel)
        ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(rel), 10)))
        ndcg += dcg / ideal
    n = len(queries)
    return EvalReport(n, k, hits / n, recall / n, mrr / n, ndcg / n)


QUESTION_PROMPT = (
    "Write one question that the passage answers, in the words a person would use.\n\n"
    "Passage: The library opens at 9 am on weekdays and at 10 am on Saturdays.\n"
    "Question: When does the library open on Saturdays?\n\n"
    "Passage: {passage}\nQuestion:"
)


QUESTION_MIN_CHUNK_WORDS = 20  # shorter chunks get no question
QUESTION_PASSAGE_WORDS = 150  # what of a chunk the model sees
QUESTION_MIN_WORDS = 3  # shorter answers from the model are not questions


def chunk_questions(chunks: list[dict], write_question: Callable[[str], str], n: int,
                    seed: int = 0) -> list[tuple[str, dict]]:
    """Sample `n` chunks and let the local model write a question for each: (question, chunk) pairs."""
    rng = random.Random(seed)
    pool = [c for c in chunks if len(c["text"].split()) >= QUESTION_MIN_CHUNK_WORDS]
    out = []
    for c in rng.sample(pool, min(n, len(pool))):
        passage = " ".join(c["text"].split()[:QUESTION_PASSAGE_WORDS])
        q = write_question(QUESTION_PROMPT.format(passage=passage)).strip().split("\n")[0]
        if len(q.split()) >= QUESTION_MIN_WORDS:
            out.append((q, c))
    return out


def generate_queries(chunks: list[dict], write_question: Callable[[str], str], n: int, seed: int = 0) -> list[EvalQuery]:
    """Questions the local model writes from sampled chunks; the chunk's file is the relevant one."""
    return [EvalQuery(q, [c["path"]]) for q, c in chunk_questions(chunks, write_question, n, seed)]


def calibrate_threshold(relevant_scores: list[float], absent_scores: list[float]) -> float:
    """The refusal threshold that best separates best-hit scores of answerable and unanswerable questions."""
    candidates = sorted(set(relevant_scores + absent_scores))
    best_t, best_acc = 0.0, -1.0
    for t in candidates:
        acc = sum(s >= t for s in relevant_scores) + sum(s < t for s in absent_scores)
        if acc > best_acc:
            best_t, best_acc = t, acc
    return best_t
