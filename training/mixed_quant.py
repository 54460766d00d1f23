"""A quantized export that keeps the fine-tune: the tensors the LoRA changed most, relative to the error the
quantizer adds to them, are stored at Q8_0 instead of Q4_K; the rest is llama.cpp's Q4_K_M, within a size budget.

llama.cpp's per-tensor type overrides and importance matrices are C++ objects its Python binding cannot pass,
so the choice is made here and the chosen tensors are re-written into llama.cpp's Q4_K_M file with the `gguf`
package (Q8_0 is exact to write from numpy).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

KEEP_SUFFIX = "-keep"  # "Q4_K_M-keep": Q4_K_M with the fine-tune's tensors kept at Q8_0
SIZE_BUDGET = 1.15  # the whole file may grow to this multiple of plain Q4_K_M
Q8_0_BLOCK, Q8_0_BLOCK_BYTES = 32, 34


@dataclass
class KeptTensors:
    names: list[str]  # tensors stored at Q8_0, most important first
    size_ratio: float  # the file's size over plain Q4_K_M's


def importance(base_w: np.ndarray, merged_w: np.ndarray, quantized_w: np.ndarray) -> float:
    """How much of the fine-tune's change a tensor's quantization would drown: |change| / |quantization error|."""
    error = float(np.linalg.norm(quantized_w - merged_w))
    return float(np.linalg.norm(merged_w - base_w)) / max(error, 1e-12)


def keep_changed_tensors(base: Path, merged: Path, quantized: Path, out: Path,
                         budget: float = SIZE_BUDGET) -> KeptTensors:
    """Write `out`: `quantized` (llama.cpp's file made from `merged`) with the most important changed tensors
    replaced by Q8_0 of their merged weights, as many as fit in `budget` times the quantized file's size."""
    import gguf
    from gguf import GGMLQuantizationType as Q
    from gguf.quants import dequantize, quantize

    from training.export_gguf import write_gguf
    from training.gguf_read import read_gguf

    rb, rm, rq = (read_gguf(p) for p in (base, merged, quantized))
    base_t = {t.name: t for t in rb.tensors}
    quant_t = {t.name: t for t in rq.tensors}
    scored = []
    for t in rm.tensors:
        b, q = base_t.get(t.name), quant_t.get(t.name)
        if b is None or q is None or q.tensor_type in (Q.F32, Q.F16, Q.Q8_0) or t.data.shape[-1] % Q8_0_BLOCK:
            continue
        if b.tensor_type == t.tensor_type and np.array_equal(b.data, t.data):
            continue  # not changed by the fine-tune
        w = dequantize(t.data, t.tensor_type).astype(np.float32)
        score = importance(dequantize(b.data, b.tensor_type).astype(np.float32).reshape(w.shape), w,
                           dequantize(q.data, q.tensor_type).astype(np.float32).reshape(w.shape))
        cost = w.size // Q8_0_BLOCK * Q8_0_BLOCK_BYTES - int(q.data.nbytes)
        scored.append((score, t.name, w, cost))
    size = Path(quantized).stat().st_size
    room = size * (budget - 1.0)
    chosen: dict[str, tuple[np.ndarray, Q]] = {}
    for score, name, w, cost in sorted(scored, key=lambda s: -s[0]):
        if cost <= room:
            chosen[name] = (quantize(w, Q.Q8_0), Q.Q8_0)
            room -= cost
    fields = {"hearth.kept_at_q8_0": (json.dumps(list(chosen)), gguf.GGUFValueType.STRING)}
    write_gguf(rq, out, fields, chosen)
    ratio = Path(out).stat().st_size / size
    log.info("kept %d of %d changed tensors at Q8_0 (%.3fx the Q4_K_M size)", len(chosen), len(scored), ratio)
    return KeptTensors(list(chosen), ratio)
