"""Merged export: a new GGUF made from the base file with only the tensors LoRA changed replaced.

Every metadata key and every untouched tensor is copied byte for byte. A changed tensor is de-quantized,
the scaled low-rank product is added in GGUF layout (llama-family Q/K rows are permuted for RoPE the way
llama.cpp's converter does), and it is written back at its original type where the `gguf` package can
quantize to it, else as F16. The file is written under a temporary name and renamed; the base is only read.
"""

from __future__ import annotations

import hashlib
import json
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable

import numpy as np

from common import atomic
from common.errors import Cancelled
from training.gguf_layout import ExportError, Heads, lora_layers, uses_dora

SUPPORTED_ARCHS = ("gemma3", "llama", "qwen2", "qwen3")
GEMMA_CHAT_TEMPLATE = (
    "{{ bos_token }}{% for m in messages %}{% if m['role'] == 'assistant' %}{% set role = 'model' %}"
    "{% else %}{% set role = 'user' %}{% endif %}<start_of_turn>{{ role }}\n{{ m['content'] | trim }}<end_of_turn>\n"
    "{% endfor %}{% if add_generation_prompt %}<start_of_turn>model\n{% endif %}"
)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def lora_deltas(peft_model: Any) -> dict[str, np.ndarray]:
    """The merged change of every LoRA or DoRA layer, as float32 arrays in (out, in) layout keyed by GGUF
    tensor name; added to the de-quantized base weights by `export_merged`."""
    deltas = {}
    for target, module in lora_layers(peft_model):
        delta = module.get_delta_weight("default").detach().float()
        if uses_dora(module):
            delta = _dora_delta(module, delta)
        deltas[target] = delta.cpu().numpy()
    return deltas


def _dora_delta(module: Any, lora_delta: Any) -> Any:
    """DoRA's merged weight is magnitude * (W + dW) / ||W + dW|| (norm of each output row); its change from W.
    W is the layer's full-precision base weight, the de-quantized GGUF tensor the change is added to."""
    base = module.get_base_layer().weight.detach().float()
    if base.dim() != 2 or base.shape != lora_delta.shape:
        raise ExportError(f"DoRA merge needs the full-precision base weight (got shape {tuple(base.shape)}); "
                          "train DoRA on a full-precision base, not a 4-bit one.")
    combined = base + lora_delta
    magnitude = module.lora_magnitude_vector["default"].weight.detach().float().reshape(-1, 1)
    return magnitude / combined.norm(p=2, dim=1, keepdim=True) * combined - base


def read_heads(reader: Any) -> Heads:
    """The architecture and head counts of a GGUF file (for the Q/K row order)."""
    arch = _field(reader, "general.architecture")
    n_head = _field(reader, f"{arch}.attention.head_count")
    return Heads(arch, n_head, _field(reader, f"{arch}.attention.head_count_kv", n_head))


def _field(reader, key: str, default: Any = None) -> Any:
    f = reader.fields.get(key)
    return f.contents() if f is not None else default


def _requantizable(qtype) -> bool:
    from gguf import GGMLQuantizationType as Q

    return qtype in (Q.F32, Q.F16, Q.BF16, Q.Q8_0)


@contextmanager
def atomic_gguf(out: Path, arch: str):
    """A GGUFWriter on `out`.partial that becomes `out` when the block succeeds and is removed when it fails."""
    import gguf

    with atomic.atomic_path(Path(out)) as tmp:
        writer = gguf.GGUFWriter(str(tmp), arch)
        try:
            yield writer
        finally:
            writer.close()


def export_merged(base: Path, deltas: dict[str, np.ndarray], out: Path, metadata: dict[str, Any] | None = None,
                  on_progress: Callable[[int, int, str], None] | None = None,
                  cancel: threading.Event | None = None) -> Path:
    """Write `out`: the base GGUF with `deltas` added to their tensors. Returns the final path."""
    import gguf
    from gguf import GGMLQuantizationType as Q
    from gguf.quants import dequantize, quantize

    from training.gguf_read import read_gguf

    base, out = Path(base), Path(out)
    if out.resolve() == base.resolve():
        raise ExportError("The export must not overwrite its base model.")
    reader = read_gguf(base)
    arch = _field(reader, "general.architecture")
    if arch not in SUPPORTED_ARCHS:
        raise ExportError(f"Architecture '{arch}' is not supported for export (supported: {', '.join(SUPPORTED_ARCHS)}).")
    names = {t.name for t in reader.tensors}
    missing = sorted(set(deltas) - names)
    if missing:
        raise ExportError(f"The base model has no tensor {missing[0]}: the adapter was trained on another model.")
    heads = read_heads(reader)

    replaced: dict[str, tuple[np.ndarray, Any]] = {}
    total = len(deltas)
    for i, t in enumerate(t for t in reader.tensors if t.name in deltas):
        if cancel is not None and cancel.is_set():
            raise Cancelled("Export cancelled; nothing was written under the final name.")
        w = dequantize(t.data, t.tensor_type).astype(np.float32).reshape(deltas[t.name].shape)
        w = w + heads.rows_in_gguf_order(t.name, deltas[t.name])
        qtype = t.tensor_type if _requantizable(t.tensor_type) else Q.F16
        data = w if qtype == Q.F32 else (w.astype(np.float16) if qtype == Q.F16 else quantize(w, qtype))
        replaced[t.name] = (data, qtype)
        if on_progress:
            on_progress(i + 1, total, f"merging {t.name}")

    new_meta = {"general.name": (f"{_field(reader, 'general.name', 'model')} (Hearth fine-tune)", gguf.GGUFValueType.STRING)}
    if _field(reader, "tokenizer.chat_template") is None and arch == "gemma3":
        new_meta["tokenizer.chat_template"] = (GEMMA_CHAT_TEMPLATE, gguf.GGUFValueType.STRING)
    for key, value in (metadata or {}).items():
        new_meta[key] = (value if isinstance(value, str) else json.dumps(value), gguf.GGUFValueType.STRING)
    write_gguf(reader, out, new_meta, replaced, cancel=cancel)
    return out


def write_gguf(reader: Any, out: Path, fields: dict[str, tuple[Any, Any]] | None = None,
               tensors: dict[str, tuple[np.ndarray, Any]] | None = None, drop: frozenset[str] = frozenset(),
               cancel: threading.Event | None = None) -> Path:
    """Copy the GGUF `reader` holds to `out` (atomically) with `fields` set to (value, type), the `drop` keys
    left out, and `tensors` replaced by (data, quantization type); everything else is copied as it is."""
    import gguf

    fields, tensors = fields or {}, tensors or {}
    with atomic_gguf(Path(out), _field(reader, "general.architecture")) as writer:
        for field in reader.fields.values():
            if field.name.startswith("GGUF.") or field.name == "general.architecture" or field.name in fields \
                    or field.name in drop:
                continue
            vtype = field.types[0]
            sub = field.types[-1] if vtype == gguf.GGUFValueType.ARRAY else None
            writer.add_key_value(field.name, field.contents(), vtype, sub_type=sub)
        for key, (value, vtype) in fields.items():
            writer.add_key_value(key, value, vtype)
        for t in reader.tensors:
            data, qtype = tensors.get(t.name, (t.data, t.tensor_type))
            writer.add_tensor_info(t.name, data.shape, data.dtype, data.nbytes, qtype)
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_ti_data_to_file()
        for t in reader.tensors:
            if cancel is not None and cancel.is_set():
                raise Cancelled("Export cancelled; nothing was written under the final name.")
            writer.write_tensor_data(tensors[t.name][0] if t.name in tensors else t.data,
                                     tensor_endianess=reader.endianess)
    return Path(out)


def requantize(src: Path, out: Path, kind: str = "Q4_K_M") -> Path:
    """Re-quantize a whole file with llama.cpp's own quantizer (temp name, then rename)."""
    import llama_cpp

    ftypes = {"Q4_K_M": llama_cpp.LLAMA_FTYPE_MOSTLY_Q4_K_M, "Q5_K_M": llama_cpp.LLAMA_FTYPE_MOSTLY_Q5_K_M,
              "Q8_0": llama_cpp.LLAMA_FTYPE_MOSTLY_Q8_0}
    if kind not in ftypes:
        raise ExportError(f"Unknown quantization {kind}: choose one of {', '.join(ftypes)}.")
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = ftypes[kind]
    params.allow_requantize = True
    with atomic.atomic_path(Path(out)) as tmp:
        rc = llama_cpp.llama_model_quantize(str(src).encode(), str(tmp).encode(), params)
        if rc != 0 or not tmp.exists():
            raise ExportError(f"llama.cpp could not quantize {Path(src).name} to {kind} (code {rc}).")
    return Path(out)
