"""QLoRA: the base's linear layers in 4-bit NF4 (bitsandbytes) under a full-precision LoRA.

Only training uses the 4-bit weights. Exports add the LoRA's change to the de-quantized GGUF base, and the
export check compares against the adapter on a full-precision copy of the base, never a 4-bit merge.
"""

from __future__ import annotations

from typing import Any


def quantize_linears(model: Any, targets: tuple[str, ...], compute_dtype: str) -> int:
    """Swap every `nn.Linear` named in `targets` for a 4-bit NF4 layer; the weights are quantized when the model
    moves to its device. Everything else (embeddings, norms) is cast to `compute_dtype`. Returns layers swapped."""
    import bitsandbytes as bnb
    import torch

    dtype = getattr(torch, compute_dtype)
    swapped = 0
    for parent in list(model.modules()):
        for name, child in list(parent.named_children()):
            if not (isinstance(child, torch.nn.Linear) and name in targets):
                continue
            layer = bnb.nn.Linear4bit(child.in_features, child.out_features, bias=child.bias is not None,
                                      compute_dtype=dtype, quant_type="nf4")
            layer.weight = bnb.nn.Params4bit(child.weight.data, requires_grad=False, quant_type="nf4")
            if child.bias is not None:
                layer.bias = torch.nn.Parameter(child.bias.data.to(dtype), requires_grad=False)
            setattr(parent, name, layer)
            swapped += 1
    for p in model.parameters():
        if p.dtype == torch.float32 and p.__class__.__name__ != "Params4bit":
            p.data = p.data.to(dtype)
    return swapped


def is_four_bit(model: Any) -> bool:
    return any(type(m).__name__ == "Linear4bit" for m in model.modules())


def full_precision_copy(peft_model: Any, full_base: Any) -> Any:
    """The trained adapter on a full-precision base (the reference an export is checked against), merged."""
    from peft import get_peft_model, get_peft_model_state_dict, set_peft_model_state_dict

    config = peft_model.peft_config["default"]
    copy = get_peft_model(full_base, config)
    set_peft_model_state_dict(copy, {k: v.float().cpu() for k, v in get_peft_model_state_dict(peft_model).items()})
    return copy.merge_and_unload().eval()
