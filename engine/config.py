"""Typed settings of the answer engine."""

from __future__ import annotations

from dataclasses import dataclass

from indexer.errors import ConfigError


@dataclass
class EngineConfig:
    model: str = ""  # a GGUF file; "" means the bundled Gemma 3 270M
    n_ctx: int = 4096
    threads: int = 0  # 0: all cores
    gpu_layers: int = 0
    top_k: int = 6
    max_answer_tokens: int = 256
    temperature: float = 0.2
    min_score: float = 0.30  # best cosine similarity below this: refuse without calling the model
    hybrid: bool = True
    neighbours: int = 1  # chunks on each side added around a hit

    def __post_init__(self) -> None:
        if self.n_ctx < 512:
            raise ConfigError(f"n_ctx must be at least 512 (got {self.n_ctx}).")
        if self.top_k < 1:
            raise ConfigError("top_k must be at least 1.")
