"""Write a tiny random-initialised transformers model as a GGUF llama.cpp can load (test helper).

The vocabulary (an SPM tokenizer) is copied from the bundled Gemma GGUF so llama.cpp has a real tokenizer;
the weights are the tiny model's, renamed and laid out as llama.cpp's converter does: llama's Q/K rows
permuted for RoPE; Gemma's norm weights stored as (1 + w) and its output tied to the embeddings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from training.gguf_layout import permute_rows


def copy_tokenizer(writer, vocab_gguf: Path) -> None:
    import gguf

    from training.gguf_read import read_gguf

    reader = read_gguf(vocab_gguf)
    for field in reader.fields.values():
        if field.name.startswith("tokenizer.") and field.name != "tokenizer.chat_template":
            vtype = field.types[0]
            sub = field.types[-1] if vtype == gguf.GGUFValueType.ARRAY else None
            writer.add_key_value(field.name, field.contents(), vtype, sub_type=sub)


def _write(model, path: Path, vocab_gguf: Path, arch: str, add_hparams: Callable,
           tensor: Callable[[str, np.ndarray], np.ndarray | None]) -> Path:
    import gguf

    cfg = model.config
    w = gguf.GGUFWriter(str(path), arch)
    w.add_name(f"tiny {arch}")
    w.add_context_length(cfg.max_position_embeddings)
    w.add_embedding_length(cfg.hidden_size)
    w.add_block_count(cfg.num_hidden_layers)
    w.add_feed_forward_length(cfg.intermediate_size)
    w.add_head_count(cfg.num_attention_heads)
    w.add_head_count_kv(cfg.num_key_value_heads)
    w.add_layer_norm_rms_eps(cfg.rms_norm_eps)
    w.add_file_type(0)
    add_hparams(w, cfg)
    copy_tokenizer(w, vocab_gguf)
    names = gguf.get_tensor_name_map(gguf.MODEL_ARCH.GEMMA3 if arch == "gemma3" else gguf.MODEL_ARCH.LLAMA,
                                     cfg.num_hidden_layers)
    for name, t in model.state_dict().items():
        base, suffix = name.rsplit(".", 1)
        arr = tensor(base, t.detach().float().numpy())
        if arr is not None:
            w.add_tensor(f"{names.get_name(base)}.{suffix}", np.ascontiguousarray(arr, dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


def write_llama(model, path: Path, vocab_gguf: Path) -> Path:
    cfg = model.config

    def hparams(w, cfg):
        w.add_rope_dimension_count(cfg.hidden_size // cfg.num_attention_heads)
        w.add_rope_freq_base(cfg.rope_parameters["rope_theta"])

    def tensor(base: str, arr: np.ndarray) -> np.ndarray:
        if base.endswith("q_proj"):
            return permute_rows(arr, cfg.num_attention_heads)
        if base.endswith("k_proj"):
            return permute_rows(arr, cfg.num_key_value_heads)
        return arr

    return _write(model, path, vocab_gguf, "llama", hparams, tensor)


def write_gemma3(model, path: Path, vocab_gguf: Path) -> Path:
    def hparams(w, cfg):
        w.add_key_length(cfg.head_dim)
        w.add_value_length(cfg.head_dim)
        w.add_sliding_window(cfg.sliding_window)
        w.add_rope_freq_base(1_000_000.0)

    def tensor(base: str, arr: np.ndarray) -> np.ndarray | None:
        if base == "lm_head":
            return None  # tied to the embeddings
        return arr + 1.0 if base.endswith("norm") else arr

    return _write(model, path, vocab_gguf, "gemma3", hparams, tensor)
