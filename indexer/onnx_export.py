"""Turn a sentence-transformers folder into one ONNX graph (encoder, pooling and normalisation) for ONNX Runtime.

Uses `torch.onnx` and `onnxruntime.quantization` directly, not sentence-transformers' ONNX path: that one pulls
optimum-onnx, which pins transformers below the 5.x that training needs. Runs once per model and precision; the
result is cached in the data dir (`indexer/embedders.py`), so torch is only imported here, never on the query path.
"""

from __future__ import annotations

import json
import logging
import warnings
from pathlib import Path

from common import atomic
from common.errors import HearthError
from common.offline import offline_mode

log = logging.getLogger(__name__)

OPSET = 17
# Module types a plain export reproduces exactly; anything else (Dense layers, custom code) stays on torch.
_SUPPORTED_MODULES = {"Transformer", "Pooling", "Normalize"}
_POOLING_MODES = ("cls_token", "mean_tokens", "max_tokens", "mean_sqrt_len_tokens")


class ExportUnsupported(HearthError):
    """This model cannot be exported faithfully; the torch backend is used instead."""


def pooling_mode(model_dir: Path) -> str:
    """The one pooling mode of the folder's Pooling module (mean when it has none, as sentence-transformers does)."""
    modules = json.loads((model_dir / "modules.json").read_text()) if (model_dir / "modules.json").exists() else []
    kinds = {m.get("type", "").rsplit(".", 1)[-1] for m in modules}
    if kinds - _SUPPORTED_MODULES:
        raise ExportUnsupported(f"{model_dir.name} has modules ONNX export does not cover: {sorted(kinds - _SUPPORTED_MODULES)}")
    pool = next((m for m in modules if m.get("type", "").endswith("Pooling")), None)
    if pool is None:
        return "mean_tokens"
    cfg = json.loads((model_dir / pool.get("path", "") / "config.json").read_text())
    if isinstance(cfg.get("pooling_mode"), str):  # the format sentence-transformers 6 saves
        named = {"mean": "mean_tokens", "cls": "cls_token", "max": "max_tokens", "mean_sqrt_len": "mean_sqrt_len_tokens"}
        mode = named.get(cfg["pooling_mode"], cfg["pooling_mode"])
        if mode not in _POOLING_MODES:
            raise ExportUnsupported(f"{model_dir.name} pools by {cfg['pooling_mode']!r}, which the export does not cover.")
        return mode
    modes = [m for m in _POOLING_MODES if cfg.get(f"pooling_mode_{m}")]
    if len(modes) != 1:
        raise ExportUnsupported(f"{model_dir.name} combines pooling modes {modes}; only one is exported.")
    return modes[0]


def export_onnx(model_dir: Path, out: Path, precision: str) -> None:
    """Write `out`: input_ids and attention_mask in, L2-normalised sentence vectors out. `precision` is fp32 or
    int8 (dynamic, per-channel weights: per-tensor int8 loses too much, min cosine 0.88 against 0.99)."""
    mode = pooling_mode(model_dir)
    offline_mode()
    import torch
    from transformers import AutoModel

    # Eager attention traces to the classic pattern ONNX Runtime fuses; the SDPA trace runs 1.4x slower there.
    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager", local_files_only=True).eval()

    class Sentence(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            if mode == "cls_token":
                vec = hidden[:, 0]
            elif mode == "max_tokens":
                vec = hidden.masked_fill(mask == 0, -1e9).max(dim=1).values
            else:
                vec = (hidden * mask).sum(1)
                n = mask.sum(1).clamp(min=1e-9)
                vec = vec / (n.sqrt() if mode == "mean_sqrt_len_tokens" else n)
            return torch.nn.functional.normalize(vec, dim=-1)

    example = torch.ones(2, 16, dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    with atomic.atomic_path(out) as fp32_tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes about Python branches that the fixed graph does not take
        with torch.no_grad():
            torch.onnx.export(
                Sentence(), (example, example), str(fp32_tmp), input_names=["input_ids", "attention_mask"],
                output_names=["embedding"], opset_version=OPSET, dynamo=False,
                dynamic_axes={"input_ids": axes, "attention_mask": axes, "embedding": {0: "batch"}},
            )
        if precision == "int8":
            _quantize_int8(fp32_tmp)
    log.info("exported %s to %s (%s)", model_dir, out, precision)


def _quantize_int8(path: Path) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = path.with_name(path.name + ".int8")
    quiet = _DropAdvice()
    logging.getLogger().addFilter(quiet)  # onnxruntime suggests a pre-processing step, on the root logger
    try:
        quantize_dynamic(str(path), str(tmp), weight_type=QuantType.QInt8, per_channel=True,
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
        tmp.replace(path)
    finally:
        logging.getLogger().removeFilter(quiet)
        tmp.unlink(missing_ok=True)


class _DropAdvice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "pre-processing before quantization" not in record.getMessage()
