"""The ONNX Runtime embedder: `tokenizers` plus `onnxruntime`, no torch, so a cold search starts in about a second."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from common.errors import ModelNotFound
from indexer.embedding import QueryCache, tokenizer_file

log = logging.getLogger(__name__)

DEFAULT_MAX_TOKENS = 512
# Texts per run on the CPU. Small batches keep each layer's activations in cache: 8 ran 1.25-1.3x faster than
# 64 on 1,000-character chunks here (2 cores, AVX-512 VNNI; int8). On CUDA the caller's batch size stands.
CPU_BATCH = 8


def max_seq_length(model_dir: Path) -> int:
    """What sentence-transformers truncates to: its own setting, else the tokenizer's and the model's limits."""
    st_cfg = model_dir / "sentence_bert_config.json"
    if st_cfg.exists():
        value = json.loads(st_cfg.read_text()).get("max_seq_length")
        if value:
            return int(value)
    limits = [DEFAULT_MAX_TOKENS]
    for name, key in (("tokenizer_config.json", "model_max_length"), ("config.json", "max_position_embeddings")):
        if (model_dir / name).exists():
            value = json.loads((model_dir / name).read_text()).get(key)
            if isinstance(value, int) and value > 0:
                limits.append(value)
    return min(limits)


class OnnxEmbedder:
    """Same interface as `Embedder`: L2-normalised float32 vectors from an exported graph."""

    def __init__(self, model_dir: Path, onnx_file: Path, kind: str, use_cuda: bool = False,
                 batch_size: int = 64) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.model_dir = Path(model_dir)
        self.kind = kind
        self.batch_size = batch_size
        self.max_tokens = max_seq_length(self.model_dir)
        self._tok = Tokenizer.from_file(str(tokenizer_file(self.model_dir)))
        self._tok.enable_truncation(self.max_tokens)
        self._tok.no_padding()
        self._pad_id = _pad_id(self.model_dir, self._tok)
        providers = ["CUDAExecutionProvider", "CPUExecutionProvider"] if use_cuda else ["CPUExecutionProvider"]
        options = ort.SessionOptions()
        options.log_severity_level = 3  # warnings about unused initialisers are noise here
        try:
            self._session = ort.InferenceSession(str(onnx_file), options, providers=providers)
        except Exception as e:  # noqa: BLE001 (onnxruntime raises its own unrelated classes)
            raise ModelNotFound(f"Could not load the ONNX embedder {onnx_file}: {e}") from e
        self.device = "cuda" if "CUDAExecutionProvider" in self._session.get_providers() else "cpu"
        if self.device == "cpu":
            self.batch_size = min(batch_size, CPU_BATCH)
        self.dim = int(self._session.get_outputs()[0].shape[-1])
        self.model_id = f"{self.model_dir.name}:{self.dim}"
        self.calls = 0
        self._queries = QueryCache(self.embed)
        log.info("embedder %s via ONNX Runtime (%s, %s)", self.model_dir, kind, self.device)

    def embed(self, texts: Sequence[str], pause: Callable[[], object] | None = None) -> np.ndarray:
        """Unit vectors for `texts`; `pause` is called before each run of the model (indexing waits there while
        an answer is being made)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self.calls += len(texts)
        encodings = self._tok.encode_batch(list(texts))
        # Longest first in batches of similar length, as sentence-transformers does, so little is padding.
        order = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            if pause is not None:
                pause()
            rows = order[start : start + self.batch_size]
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.full((len(rows), width), self._pad_id, dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                n = len(encodings[i].ids)
                ids[r, :n] = encodings[i].ids
                mask[r, :n] = 1
            out[rows] = self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self._queries.get(text)


def _pad_id(model_dir: Path, tok) -> int:
    cfg = model_dir / "tokenizer_config.json"
    name = json.loads(cfg.read_text()).get("pad_token") if cfg.exists() else None
    if isinstance(name, dict):
        name = name.get("content")
    found = tok.token_to_id(name) if name else None
    return int(found) if found is not None else 0
