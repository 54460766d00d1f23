"""Typed settings of the indexer (the data-dir layout is `common.paths.DataDir`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from common.errors import ConfigError


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
    device: str = "auto"  # "auto" uses CUDA, then MPS, then the CPU
    # auto: what the index already has, else ONNX Runtime (int8 on CPUs that run it fast); or onnx, torch,
    # onnx-int8, onnx-fp32, torch-fp32. An index keeps one kind of vectors (see indexer/embedders.py).
    embed_backend: str = "auto"
    ignore: list[str] = field(default_factory=list)  # extra gitignore-style globs
    use_gitignore: bool = True
    ocr: bool = True  # read images and PDF pages without a text layer with OCR (about a second per page)
    debounce_s: float = 0.5  # quiet time after the last change before the watcher indexes
    debounce_max_wait_s: float = 5.0  # a folder that never goes quiet is still indexed this often
    reconcile_every_s: float = 600.0  # a light rescan of watched folders catches lost events (0: never)
    # A parsed batch is embedded and committed when any of these is reached (one LanceDB commit each).
    write_batch_chunks: int = 512
    write_batch_files: int = 500
    write_batch_seconds: float = 10.0
    optimize_every_writes: int = 20  # commits between compactions of the LanceDB tables
    lock_timeout_s: float = 600.0  # how long a write waits for another Hearth process writing the same index

    def __post_init__(self) -> None:
        if self.chunk_tokens < 16:
            raise ConfigError(f"chunk_tokens must be at least 16 (got {self.chunk_tokens}).")
        if not 0 <= self.chunk_overlap < self.chunk_tokens // 2:
            raise ConfigError(
                f"chunk_overlap must be between 0 and half of chunk_tokens (got {self.chunk_overlap})."
            )
        if self.max_file_mb <= 0 or self.parse_timeout_s <= 0:
            raise ConfigError("max_file_mb and parse_timeout_s must be positive.")
        if self.debounce_s < 0 or self.debounce_max_wait_s < self.debounce_s:
            raise ConfigError("debounce_max_wait_s must be at least debounce_s, and both non-negative.")
        if self.parse_workers < 1 or self.embed_batch_size < 1:
            raise ConfigError("parse_workers and embed_batch_size must be at least 1.")

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)
