"""Typed settings of the answer engine."""

from __future__ import annotations

from dataclasses import dataclass

from common.errors import ConfigError


@dataclass
class EngineConfig:
    model: str = ""  # a GGUF file; "" means the bundled Gemma 3 270M
    n_ctx: int = 4096
    threads: int = 0  # 0: all cores
    gpu_layers: int = 0
    top_k: int = 6
    max_answer_tokens: int = 256
    # Sources are capped below the context size: on a CPU the prompt is read at ~450 tokens/s, so a full
    # 4k context means ~8 s before the first word (bench/generation.py).
    max_source_tokens: int = 1500
    temperature: float = 0.2
    # Grounding: a chunk counts as relevant when its cosine similarity reaches min_score, or min_score_lexical
    # when full-text search matched it too. With none relevant the engine refuses without calling the model.
    # Calibrated in bench/retrieval_quality.py (see docs/benchmarks.md).
    min_score: float = 0.40
    min_score_lexical: float = 0.20
    # Retrieval stages, each switchable so benchmarks can measure what it adds.
    hybrid: bool = True  # fuse full-text (BM25) with vector search
    # How: "convex" (α · normalised vector score + (1-α) · normalised BM25) or "rrf" (reciprocal ranks), plus
    # exact_bonus × exact match (the whole query, a quoted phrase, numbers and codes). bench/retrieval_fusion.py.
    fusion: str = "convex"
    fusion_alpha: float = 0.5
    exact_bonus: float = 1.0
    vector_cache: bool = True  # keep vectors in memory for long-lived engines (the app); one-shot commands skip it
    multi_query: bool = False  # the local model writes variants of the question; results are fused
    rerank_model: str = ""  # a local cross-encoder folder; "" keeps the fused order
    dedupe: bool = True  # drop near-duplicate chunks (copies, boilerplate) from the context
    neighbours: int = 1  # chunks on each side added around a hit
    condense: bool = True  # rewrite follow-up questions with the chat history before retrieval
    # Answer checks (engine/checks.py): each sentence against its sources; calibrated in bench/answer_checks.py.
    check_answers: bool = True
    collection_questions: bool = True  # "which files mention X" is answered from the index, not by the model
    # A main claim that fails on the retrieved passages is checked again against the whole files it cites and
    # the evidence comes from (engine/wider_check.py): the chunk that states the value may not have been
    # retrieved. When it fails there too, the evidence shown first is the whole files' best.
    check_whole_files: bool = True
    check_lexical_weight: float = 1.0
    check_threshold: float = 0.8
    history_turns: int = 4  # messages of the chat history given to the model and to condensing

    def __post_init__(self) -> None:
        if self.n_ctx < 512:
            raise ConfigError(f"n_ctx must be at least 512 (got {self.n_ctx}).")
        if self.fusion not in ("convex", "rrf"):
            raise ConfigError(f"fusion must be convex or rrf (got {self.fusion!r}).")
        if self.top_k < 1:
            raise ConfigError("top_k must be at least 1.")
