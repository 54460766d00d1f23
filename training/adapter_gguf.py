"""The adapter alone as a llama.cpp GGUF LoRA file, loadable with `Llama(model_path=base, lora_path=...)`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from training.export_gguf import ExportError, _field, gguf_name, permute_rows


def export_adapter(peft_model: Any, base: Path, out: Path, alpha: float) -> Path:
    """Write A and B of every LoRA layer (B's rows permuted for llama-family Q/K, as in the base file)."""
    import gguf
    from peft.tuners.lora import LoraLayer

    reader = gguf.GGUFReader(str(base))
    arch = _field(reader, "general.architecture")
    n_head = _field(reader, f"{arch}.attention.head_count")
    n_head_kv = _field(reader, f"{arch}.attention.head_count_kv", n_head)
    out = Path(out)
    tmp = out.with_name(out.name + ".partial")
    writer = gguf.GGUFWriter(str(tmp), arch)
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
    try:
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
        writer.close()
        os.replace(tmp, out)
    except BaseException:
        writer.close()
        tmp.unlink(missing_ok=True)
        raise
    return out
