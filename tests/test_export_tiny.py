"""Tiny random Gemma 3 and llama models: write them as GGUF, train a LoRA, export merged and adapter GGUFs,
and check llama.cpp's logits for both agree with the merged torch model (and differ from the base)."""

import numpy as np
import pytest

from tests.conftest import random_examples
from tests.tiny_gguf import write_gemma3, write_llama
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
    data = random_examples(0)
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


def test_dora_merged_export_matches_torch_and_the_adapter_export_is_refused(tmp_path, vocab_gguf):
    """DoRA's magnitude vector is folded into the merged GGUF; llama.cpp's adapter format has none to carry it."""
    import torch

    from training.adapter_gguf import export_adapter
    from training.export_gguf import export_merged, lora_deltas
    from training.gguf_layout import ExportError, lora_layers

    model, write = tiny("gemma3")
    base = write(model, tmp_path / "base.gguf", vocab_gguf)
    data = random_examples(1)
    cfg = TrainConfig(rank=4, alpha=8, learning_rate=5e-2, epochs=3, batch_size=4, checkpoint_every=0, seed=0,
                      method="dora")
    peft_model = train(model, data, cfg, tmp_path / "run", pad_id=0).model
    magnitudes = [m for n, m in peft_model.named_parameters() if "lora_magnitude_vector" in n]
    assert magnitudes  # it really is DoRA
    merged = export_merged(base, lora_deltas(peft_model), tmp_path / "merged.gguf")
    # The same export without the magnitude vectors (what treating DoRA as LoRA would write), to show they matter.
    plain = export_merged(base, {t: m.get_delta_weight("default").detach().numpy() for t, m in lora_layers(peft_model)},
                          tmp_path / "plain.gguf")
    with pytest.raises(ExportError, match="magnitude"):
        export_adapter(peft_model, base, tmp_path / "dora.gguf", cfg.alpha)
    assert not (tmp_path / "dora.gguf").exists()

    ref_model = peft_model.merge_and_unload().eval()
    for ids in (data[0].input_ids[:12], [2, 777, 1234, 4321, 999]):
        with torch.no_grad():
            ref = ref_model(torch.tensor([ids])).logits[0, -1].numpy()
        got, before, without = llama_logits(merged, ids), llama_logits(base, ids), llama_logits(plain, ids)
        assert np.corrcoef(ref, got)[0, 1] > 0.999
        assert int(ref.argmax()) == int(got.argmax())
        assert np.abs(before - ref).max() > 10 * np.abs(got - ref).max()
        assert np.abs(without - ref).max() > 3 * np.abs(got - ref).max()


def test_qlora_trains_on_a_4bit_base_and_merges_into_the_full_precision_base(tmp_path, vocab_gguf):
    """The GPU's QLoRA code path, run on the CPU: NF4 linear layers under a LoRA. The export adds the LoRA's
    change to the de-quantized GGUF base and agrees with the adapter on a full-precision copy of the base."""
    import copy

    import torch

    from training.export_gguf import export_merged, lora_deltas
    from training.lora import LINEAR_TARGETS
    from training.qlora import full_precision_copy, is_four_bit, quantize_linears

    model, write = tiny("gemma3")
    full = copy.deepcopy(model)
    base = write(model, tmp_path / "base.gguf", vocab_gguf)
    assert quantize_linears(model, LINEAR_TARGETS, "float32") == 2 * 7
    model = model.to("cpu")  # bitsandbytes quantizes on the move to a device
    assert is_four_bit(model)
    data = random_examples(2)
    cfg = TrainConfig(rank=4, alpha=8, learning_rate=5e-2, epochs=4, batch_size=4, checkpoint_every=0, seed=0)
    res = train(model, data, cfg, tmp_path / "run", pad_id=0)
    assert np.mean(res.losses[-2:]) < np.mean(res.losses[:2])  # it learned through the 4-bit layers
    merged = export_merged(base, lora_deltas(res.model), tmp_path / "merged.gguf")

    ref = full_precision_copy(res.model, full)
    for ids in (data[0].input_ids[:12], [2, 777, 1234, 4321, 999]):
        with torch.no_grad():
            want = ref(torch.tensor([ids])).logits[0, -1].numpy()
        got, before = llama_logits(merged, ids), llama_logits(base, ids)
        assert np.corrcoef(want, got)[0, 1] > 0.999
        assert np.abs(before - want).max() > 10 * np.abs(got - want).max()
