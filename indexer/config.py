"""Typed settings of the indexer and the data-dir layout they live in."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from indexer.errors import ConfigError


@dataclass
class IndexConfig:
    """How files are found, parsed, chunked and embedded."""

    embed_model: str = ""  # a sentence-transformers folder; "" means the bundled all-MiniLM-L6-v2
    chunk_tokens: int = 200  # all-MiniLM-L6-v2 reads at most 256 word pieces
    chunk_overlap: int = 32
    max_file_mb: float = 50.0
    parse_timeout_s: float = 60.0
    parse_workers: int = 1
    embed_batch_size: int = 64
    device: str = "auto"  # "auto" uses CUDA when present
    ignore: list[str] = field(default_factory=list)  # extra gitignore-style globs
    use_gitignore: bool = True
    debounce_s: float = 0.5
    write_batch_chunks: int = 512  # chunks buffered before one LanceDB commit

    def __post_init__(self) -> None:
        if self.chunk_tokens < 16:
            raise ConfigError(f"chunk_tokens must be at least 16 (got {self.chunk_tokens}).")
        if not 0 <= self.chunk_overlap < self.chunk_tokens // 2:
            raise ConfigError(
                f"chunk_overlap must be between 0 and half of chunk_tokens (got {self.chunk_overlap})."
            )
        if self.max_file_mb <= 0 or self.parse_timeout_s <= 0:
            raise ConfigError("max_file_mb and parse_timeout_s must be positive.")
        if self.parse_workers < 1 or self.embed_batch_size < 1:
            raise ConfigError("parse_workers and embed_batch_size must be at least 1.")

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)


@dataclass(frozen=True)
class DataDir:
    """Where everything Hearth writes lives: config, index, chats, models, logs."""

    root: Path

    @property
    def config_file(self) -> Path:
        return self.root / "config.toml"

    @property
    def index_dir(self) -> Path:
        return self.root / "index"

    @property
    def folders_file(self) -> Path:
        return self.root / "folders.json"

    @property
    def models_dir(self) -> Path:
        return self.root / "models"

    @property
    def chats_dir(self) -> Path:
        return self.root / "chats"

    @property
    def runs_dir(self) -> Path:
        return self.root / "runs"

    @property
    def log_file(self) -> Path:
        return self.root / "logs" / "hearth.log"

    def ensure(self) -> "DataDir":
        for d in (self.root, self.index_dir, self.models_dir, self.chats_dir, self.log_file.parent):
            d.mkdir(parents=True, exist_ok=True)
        return self


def resolve_data_dir(flag: str | os.PathLike | None = None) -> DataDir:
    """`--data-dir` wins, then `HEARTH_HOME`, then the platform's user data dir."""
    if flag:
        return DataDir(Path(flag).expanduser().resolve())
    env = os.environ.get("HEARTH_HOME")
    if env:
        return DataDir(Path(env).expanduser().resolve())
    import platformdirs

    return DataDir(Path(platformdirs.user_data_dir("Hearth", appauthor=False)))
