"""Write a tiny random-initialised transformers model as a GGUF llama.cpp can load (test helper).

The vocabulary (an SPM tokenizer) is copied from the bundled Gemma GGUF so llama.cpp has a real tokenizer;
the weights are the tiny model's, renamed and laid out as llama.cpp's converter does (llama: Q/K rows
permuted for RoPE).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from training.export_gguf import permute_rows


def copy_tokenizer(writer, vocab_gguf: Path) -> int:
    import gguf

    reader = gguf.GGUFReader(str(vocab_gguf))
    n = 0
    for field in reader.fields.values():
        if field.name.startswith("tokenizer.") and field.name != "tokenizer.chat_template":
            vtype = field.types[0]
            sub = field.types[-1] if vtype == gguf.GGUFValueType.ARRAY else None
            writer.add_key_value(field.name, field.contents(), vtype, sub_type=sub)
            if field.name == "tokenizer.ggml.tokens":
                n = len(field.contents())
    return n


def write_llama(model, path: Path, vocab_gguf: Path) -> Path:
    import gguf

    cfg = model.config
    w = gguf.GGUFWriter(str(path), "llama")
    w.add_name("tiny llama")
    w.add_context_length(cfg.max_position_embeddings)
    w.add_embedding_length(cfg.hidden_size)
    w.add_block_count(cfg.num_hidden_layers)
    w.add_feed_forward_length(cfg.intermediate_size)
    w.add_head_count(cfg.num_attention_heads)
    w.add_head_count_kv(cfg.num_key_value_heads)
    w.add_rope_dimension_count(cfg.hidden_size // cfg.num_attention_heads)
    w.add_rope_freq_base(cfg.rope_theta if hasattr(cfg, "rope_theta") else cfg.rope_parameters["rope_theta"])
    w.add_layer_norm_rms_eps(cfg.rms_norm_eps)
    w.add_file_type(0)
    copy_tokenizer(w, vocab_gguf)
    names = gguf.get_tensor_name_map(gguf.MODEL_ARCH.LLAMA, cfg.num_hidden_layers)
    for name, t in model.state_dict().items():
        base, suffix = name.rsplit(".", 1)
        arr = t.detach().float().numpy()
        if base.endswith("q_proj"):
            arr = permute_rows(arr, cfg.num_attention_heads)
        elif base.endswith("k_proj"):
            arr = permute_rows(arr, cfg.num_key_value_heads)
        w.add_tensor(f"{names.get_name(base)}.{suffix}", np.ascontiguousarray(arr, dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


def write_gemma3(model, path: Path, vocab_gguf: Path) -> Path:
    """Gemma 3 as llama.cpp expects it: norm weights stored as (1 + w), tied embeddings, no Q/K permutation."""
    import gguf

    cfg = model.config
    w = gguf.GGUFWriter(str(path), "gemma3")
    w.add_name("tiny gemma3")
    w.add_context_length(cfg.max_position_embeddings)
    w.add_embedding_length(cfg.hidden_size)
    w.add_block_count(cfg.num_hidden_layers)
    w.add_feed_forward_length(cfg.intermediate_size)
    w.add_head_count(cfg.num_attention_heads)
    w.add_head_count_kv(cfg.num_key_value_heads)
    w.add_key_length(cfg.head_dim)
    w.add_value_length(cfg.head_dim)
    w.add_layer_norm_rms_eps(cfg.rms_norm_eps)
    w.add_sliding_window(cfg.sliding_window)
    w.add_rope_freq_base(1_000_000.0)
    w.add_file_type(0)
    copy_tokenizer(w, vocab_gguf)
    names = gguf.get_tensor_name_map(gguf.MODEL_ARCH.GEMMA3, cfg.num_hidden_layers)
    for name, t in model.state_dict().items():
        if name == "lm_head.weight":
            continue  # tied to the embeddings
        base, suffix = name.rsplit(".", 1)
        arr = t.detach().float().numpy()
        if base.endswith("norm"):
            arr = arr + 1.0
        w.add_tensor(f"{names.get_name(base)}.{suffix}", np.ascontiguousarray(arr, dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path
