"""Tiny random Gemma 3 and llama models: write them as GGUF, train a LoRA, export merged and adapter GGUFs,
and check llama.cpp's logits for both agree with the merged torch model (and differ from the base)."""

import random

import numpy as np
import pytest

from tests.tiny_gguf import write_gemma3, write_llama
from training.data import Tokenized
from training.lora import TrainConfig, train


@pytest.fixture(scope="module")
def vocab_gguf(tmp_path_factory):
    from engine.models import bundled_model_path
    from common.paths import resolve_data_dir

    return bundled_model_path(resolve_data_dir(tmp_path_factory.mktemp("vocab")).ensure())


def tiny(arch: str):
    import torch
    from transformers import Gemma3ForCausalLM, Gemma3TextConfig, LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    common = dict(vocab_size=262144, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                  num_attention_heads=4, max_position_embeddings=256, initializer_range=0.5)
    if arch == "gemma3":
        cfg = Gemma3TextConfig(num_key_value_heads=1, head_dim=16, query_pre_attn_scalar=16, sliding_window=64, **common)
        return Gemma3ForCausalLM(cfg).float(), write_gemma3
    cfg = LlamaConfig(num_key_value_heads=2, tie_word_embeddings=False, **common)
    return LlamaForCausalLM(cfg).float(), write_llama


def llama_logits(path, ids, lora=None):
    from llama_cpp import Llama

    llm = Llama(str(path), lora_path=str(lora) if lora else None, n_ctx=64, logits_all=True, verbose=False)
    llm.eval(ids)
    return np.asarray(llm.scores[len(ids) - 1], dtype=np.float32)


@pytest.mark.parametrize("arch", ["gemma3", "llama"])
def test_merged_and_adapter_exports_match_the_merged_torch_model(arch, tmp_path, vocab_gguf):
    import torch

    from training.adapter_gguf import export_adapter
    from training.export_gguf import export_merged, lora_deltas

    model, write = tiny(arch)
    base = write(model, tmp_path / "base.gguf", vocab_gguf)
    base_bytes = base.read_bytes()
    rng = random.Random(0)
    data = []
    for _ in range(8):
        ids = [2] + [rng.randrange(300, 5000) for _ in range(20)]
        data.append(Tokenized(ids, [-100] * 10 + ids[10:]))
    cfg = TrainConfig(rank=4, alpha=8, learning_rate=5e-2, epochs=3, batch_size=4, checkpoint_every=0, seed=0)
    res = train(model, data, cfg, tmp_path / "run", pad_id=0)
    peft_model = res.model
    merged = export_merged(base, lora_deltas(peft_model), tmp_path / "merged.gguf")
    adapter = export_adapter(peft_model, base, tmp_path / "lora.gguf", cfg.alpha)
    assert base.read_bytes() == base_bytes  # the base is only read

    ref_model = peft_model.merge_and_unload().eval()
    for ids in (data[0].input_ids[:12], [2, 777, 1234, 4321, 999]):
        with torch.no_grad():
            ref = ref_model(torch.tensor([ids])).logits[0, -1].numpy()
        before = llama_logits(base, ids)
        for got in (llama_logits(merged, ids), llama_logits(base, ids, lora=adapter)):
            assert np.corrcoef(ref, got)[0, 1] > 0.999
            assert int(ref.argmax()) == int(got.argmax())
        assert np.abs(before - ref).max() > 10 * np.abs(llama_logits(merged, ids) - ref).max()
