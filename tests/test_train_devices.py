"""The training device path (LoRA in mixed precision, QLoRA on a 4-bit base) on every device present: the CPU
always, CUDA where the machine has it. Torch only, so the same file runs on the GPU machine."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

from tests.conftest import random_examples
from training.devices import TrainDevice, pick_device, use_four_bit
from training.lora import LINEAR_TARGETS, TrainConfig, train

DEVICES = ["cpu", pytest.param("cuda", marks=pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU"))]


def tiny_gemma():
    """Every linear layer a multiple of 64 wide: bitsandbytes' CPU 4-bit kernels need it."""
    from transformers import Gemma3ForCausalLM, Gemma3TextConfig

    torch.manual_seed(0)
    cfg = Gemma3TextConfig(vocab_size=6000, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                           num_attention_heads=4, num_key_value_heads=2, head_dim=32, query_pre_attn_scalar=32,
                           sliding_window=64, max_position_embeddings=256, initializer_range=0.5)
    return Gemma3ForCausalLM(cfg).float()


def next_token_logits(model, ids: list[int]) -> np.ndarray:
    device = next(model.parameters()).device
    with torch.no_grad():
        return model(torch.tensor([ids], device=device)).logits[0, -1].float().cpu().numpy()


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("four_bit", [False, True], ids=["lora", "qlora"])
def test_training_learns_and_its_adapter_is_the_same_on_a_full_precision_base(device, four_bit, tmp_path):
    if four_bit:
        pytest.importorskip("bitsandbytes")
    from training.export_gguf import lora_deltas
    from training.qlora import full_precision_copy, is_four_bit, quantize_linears

    model = tiny_gemma()
    full = copy.deepcopy(model)
    dtype = pick_device(device).compute_dtype
    if four_bit:
        quantize_linears(model, LINEAR_TARGETS, dtype)
    model = model.to(device)
    assert is_four_bit(model) == four_bit
    cfg = TrainConfig(rank=4, alpha=8, learning_rate=5e-2, epochs=10, batch_size=4, checkpoint_every=0, seed=0)
    res = train(model, random_examples(0), cfg, tmp_path / "run", pad_id=0)
    assert np.mean(res.losses[-2:]) < 0.7 * np.mean(res.losses[:2]), res.losses
    deltas = lora_deltas(res.model)
    assert len(deltas) == 2 * len(LINEAR_TARGETS) and all(d.dtype == np.float32 for d in deltas.values())

    # What exports are checked against: the same adapter on the full-precision base, merged (never a 4-bit merge).
    reference = full_precision_copy(res.model, full)
    res.model.eval()
    for ids in (random_examples(0)[0].input_ids[:12], [2, 777, 1234, 4321, 999]):
        trained, ref = next_token_logits(res.model, ids), next_token_logits(reference, ids)
        # bf16 and NF4 round the trained model's own forward pass; the adapter is the same.
        floor = 0.999 if (device == "cpu" and not four_bit) else 0.97
        assert np.corrcoef(trained, ref)[0, 1] > floor


def test_the_device_choice_is_said_and_a_missing_device_is_an_error():
    chosen = pick_device("auto")
    want = "cuda" if torch.cuda.is_available() else ("mps" if torch.backends.mps.is_available() else "cpu")
    assert chosen.device == want and want in chosen.describe()
    if want == "cuda":
        assert chosen.compute_dtype == ("bfloat16" if torch.cuda.is_bf16_supported() else "float16")
    else:
        assert chosen.compute_dtype == "float32" and not chosen.needs_grad_scaler
        with pytest.raises(Exception, match="No CUDA GPU"):
            pick_device("cuda")


def test_qlora_is_chosen_on_its_own_only_when_the_base_would_crowd_the_gpu(monkeypatch):
    from training import devices

    monkeypatch.setattr(devices, "bitsandbytes_available", lambda: True)
    gpu = TrainDevice("cuda", "bfloat16", "GPU", free_bytes=8 * 10**9)
    cpu = TrainDevice("cpu", "float32", "CPU")
    assert not use_four_bit("auto", gpu, 270 * 10**6)  # Gemma 3 270M: 2.9 GB peak with LoRA on an 8 GB card
    assert use_four_bit("auto", gpu, 10**9)  # 1B: 9.3 GB peak with LoRA, 4.1 GB with QLoRA (bench/train_gpu.py)
    assert not use_four_bit("auto", cpu, 3 * 10**9)
    assert not use_four_bit("16", gpu, 3 * 10**9) and use_four_bit("4", cpu, 10**6)
    monkeypatch.setattr(devices, "bitsandbytes_available", lambda: False)
    assert not use_four_bit("auto", gpu, 3 * 10**9)  # falls back (with a warning naming the package)
    with pytest.raises(Exception, match="pip install bitsandbytes"):
        use_four_bit("4", gpu, 10**6)
