"""The adapter alone as a llama.cpp GGUF LoRA file, loadable with `Llama(model_path=base, lora_path=...)`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from training.export_gguf import atomic_gguf, read_heads
from training.gguf_layout import ExportError, Heads, lora_layers, uses_dora


def export_adapter(peft_model: Any, base: Path, out: Path, alpha: float) -> Path:
    """Write A and B of every LoRA layer (B's rows permuted for llama-family Q/K, as in the base file)."""
    from training.gguf_read import read_gguf

    heads = read_heads(read_gguf(base))
    with atomic_gguf(Path(out), heads.arch) as writer:
        _write_adapter(writer, peft_model, heads, alpha)
    return Path(out)


def _write_adapter(writer: Any, peft_model: Any, heads: Heads, alpha: float) -> None:
    writer.add_string("general.type", "adapter")
    writer.add_string("adapter.type", "lora")
    writer.add_float32("adapter.lora.alpha", float(alpha))
    for target, module in lora_layers(peft_model):
        if uses_dora(module):
            raise ExportError("llama.cpp's adapter format has no magnitude vectors, so a DoRA adapter cannot be "
                              "exported alone; use the merged export.")
        a = module.lora_A["default"].weight.detach().float().cpu().numpy()  # (r, in)
        b = module.lora_B["default"].weight.detach().float().cpu().numpy()  # (out, r)
        b = heads.rows_in_gguf_order(target, b)
        writer.add_tensor(target + ".lora_a", np.ascontiguousarray(a, dtype=np.float32))
        writer.add_tensor(target + ".lora_b", np.ascontiguousarray(b, dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
