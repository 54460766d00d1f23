"""The adapter alone as a llama.cpp GGUF LoRA file, loadable with `Llama(model_path=base, lora_path=...)`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from training.export_gguf import ExportError, _field, atomic_gguf, gguf_name, permute_rows


def export_adapter(peft_model: Any, base: Path, out: Path, alpha: float) -> Path:
    """Write A and B of every LoRA layer (B's rows permuted for llama-family Q/K, as in the base file)."""
    import gguf

    reader = gguf.GGUFReader(str(base))
    arch = _field(reader, "general.architecture")
    n_head = _field(reader, f"{arch}.attention.head_count")
    n_head_kv = _field(reader, f"{arch}.attention.head_count_kv", n_head)
    with atomic_gguf(Path(out), arch) as writer:
        _write_adapter(writer, peft_model, arch, n_head, n_head_kv, alpha)
    return Path(out)


def _write_adapter(writer: Any, peft_model: Any, arch: str, n_head: int, n_head_kv: int, alpha: float) -> None:
    from peft.tuners.lora import LoraLayer

    writer.add_string("general.type", "adapter")
    writer.add_string("adapter.type", "lora")
    writer.add_float32("adapter.lora.alpha", float(alpha))
    n = 0
    for name, module in peft_model.named_modules():
        if not (isinstance(module, LoraLayer) and "default" in getattr(module, "lora_A", {})):
            continue
        target = gguf_name(name)
        if target is None:
            raise ExportError(f"Cannot place the LoRA layer {name} in a GGUF file.")
        a = module.lora_A["default"].weight.detach().float().cpu().numpy()  # (r, in)
        b = module.lora_B["default"].weight.detach().float().cpu().numpy()  # (out, r)
        if arch == "llama" and ".attn_q." in target:
            b = permute_rows(b, n_head)
        elif arch == "llama" and ".attn_k." in target:
            b = permute_rows(b, n_head_kv)
        writer.add_tensor(target + ".lora_a", np.ascontiguousarray(a, dtype=np.float32))
        writer.add_tensor(target + ".lora_b", np.ascontiguousarray(b, dtype=np.float32))
        n += 1
    if not n:
        raise ExportError("The model has no LoRA layers to export.")
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
