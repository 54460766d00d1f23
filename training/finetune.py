"""The whole fine-tune, stage by stage: load the GGUF base → data → LoRA → merged export (+ requantize)
→ adapter export → verification → registration in the data dir's models folder with its provenance."""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from training.data import load_examples, split, tokenize
from training.lora import TrainConfig, TrainReport, mean_answer_logprob, train

log = logging.getLogger(__name__)


@dataclass
class ExportCheck:
    path: str
    kind: str  # merged | Q4_K_M | ... | adapter
    logprob: float
    gain_kept: float
    correlation: float | None = None
    top1: float | None = None


@dataclass
class FineTuneResult:
    run_dir: str
    model_path: str
    adapter_path: str
    base_logprob: float
    trained_logprob: float
    exports: list[ExportCheck] = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self) -> dict:
        return asdict(self)


def load_base(gguf_path: Path):
    """De-quantize the GGUF into transformers (offline); returns (model, tokenizer)."""
    from indexer.embedding import offline_mode

    offline_mode()
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder, name = str(Path(gguf_path).parent), Path(gguf_path).name
    tok = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32)
    if torch.cuda.is_available():  # a GPU trains it; export and checks work on CPU copies of the weights
        model = model.to("cuda")
    if tok.pad_token_id is None:
        tok.pad_token = tok.eos_token
    return model, tok


def register_file(src: Path, target: Path) -> Path:
    """Put an export into the models folder under its final name atomically (a hard link when possible)."""
    tmp = target.with_name(target.name + ".partial")
    tmp.unlink(missing_ok=True)
    try:
        os.link(src, tmp)
    except OSError:  # another file system
        shutil.copyfile(src, tmp)
    os.replace(tmp, target)
    return target


def fine_tune(base: Path, data_path: Path, models_dir: Path, runs_dir: Path, name: str, cfg: TrainConfig,
              quant: str | None = "Q4_K_M", on_report: Callable[[TrainReport], None] | None = None,
              on_progress: Callable[[int, int, str], None] | None = None,
              cancel: threading.Event | None = None, min_correlation: float = 0.99) -> FineTuneResult:
    from training.adapter_gguf import export_adapter
    from training.export_gguf import ExportError, export_merged, file_sha256, lora_deltas, requantize
    from training.verify import answer_logprob_llama, gain_kept, logit_agreement

    t0 = time.perf_counter()
    progress = on_progress or (lambda d, t, m: None)
    run_dir = Path(runs_dir) / name
    run_dir.mkdir(parents=True, exist_ok=True)
    progress(0, 6, "loading the base model")
    model, tok = load_base(base)
    template = tok.chat_template if getattr(tok, "chat_template", None) else None
    examples = load_examples(Path(data_path), template, tok)
    train_ex, held_ex = split(examples, cfg.held_out, cfg.seed)
    train_data = [tokenize(e, tok, cfg.max_len) for e in train_ex]
    held = [tokenize(e, tok, cfg.max_len) for e in (held_ex or train_ex[:4])]
    progress(1, 6, "training")
    result = train(model, train_data, cfg, run_dir, tok.pad_token_id, on_report, cancel)
    peft_model = result.model
    trained_lp = mean_answer_logprob(peft_model, held, tok.pad_token_id)

    progress(2, 6, "exporting the merged model")
    provenance = {"hearth.base_sha256": file_sha256(base), "hearth.data_sha256": file_sha256(Path(data_path))
                  if Path(data_path).is_file() else "folder", "hearth.method": cfg.method,
                  "hearth.hyperparameters": json.dumps(asdict(cfg)), "hearth.base_file": Path(base).name}
    merged = export_merged(base, lora_deltas(peft_model), run_dir / f"{name}-merged.gguf", provenance,
                           cancel=cancel)
    progress(3, 6, "exporting the adapter")
    adapter = export_adapter(peft_model, base, run_dir / f"{name}-lora.gguf", cfg.alpha)

    progress(4, 6, "verifying")
    merged_torch = peft_model.merge_and_unload()
    prompts = [t.input_ids[: max(2, next((i for i, lab in enumerate(t.labels) if lab != -100), len(t.labels)))]
               for t in held[:4]]
    base_llama = answer_logprob_llama(base, held)
    checks = []
    agree = logit_agreement(merged_torch, merged, prompts)
    if agree.correlation < min_correlation:
        raise ExportError(f"The merged export disagrees with the trained model (logit correlation "
                          f"{agree.correlation:.4f} < {min_correlation}); it was not registered.")
    lp = answer_logprob_llama(merged, held)
    checks.append(ExportCheck(str(merged), "merged", lp, gain_kept(base_llama, trained_lp, lp), agree.correlation, agree.top1))
    final = merged
    if quant:
        progress(5, 6, f"quantizing to {quant}")
        q = requantize(merged, run_dir / f"{name}-{quant}.gguf", quant)
        lp = answer_logprob_llama(q, held)
        checks.append(ExportCheck(str(q), quant, lp, gain_kept(base_llama, trained_lp, lp)))
        final = q
    lp = answer_logprob_llama(base, held, lora_path=adapter)
    checks.append(ExportCheck(str(adapter), "adapter", lp, gain_kept(base_llama, trained_lp, lp)))

    models_dir = Path(models_dir)
    models_dir.mkdir(parents=True, exist_ok=True)
    registered = register_file(final, models_dir / f"{name}.gguf")
    res = FineTuneResult(str(run_dir), str(registered), str(adapter), base_llama, trained_lp, checks,
                         time.perf_counter() - t0)
    (models_dir / f"{name}.json").write_text(json.dumps({**res.to_json(), **provenance}, indent=2))
    progress(6, 6, "done")
    return res


def export_run(base: Path, run_dir: Path, models_dir: Path, name: str, quant: str | None,
               min_correlation: float = 0.99) -> list[ExportCheck]:
    """Export a finished run again (another quantization) from its saved adapter, without training."""
    from peft import PeftModel

    from training.export_gguf import ExportError, export_merged, file_sha256, lora_deltas, requantize
    from training.verify import logit_agreement

    run_dir = Path(run_dir)
    if not (run_dir / "adapter" / "adapter_config.json").exists():
        raise ExportError(f"No finished training run in {run_dir} (train it first).")
    model, tok = load_base(base)
    peft_model = PeftModel.from_pretrained(model, str(run_dir / "adapter"))
    cfg = json.loads((run_dir / "train_config.json").read_text())
    provenance = {"hearth.base_sha256": file_sha256(base), "hearth.method": cfg.get("method", "lora"),
                  "hearth.hyperparameters": json.dumps(cfg), "hearth.base_file": Path(base).name}
    merged = export_merged(base, lora_deltas(peft_model), run_dir / f"{name}-merged.gguf", provenance)
    prompts = [tok(p, add_special_tokens=True)["input_ids"] for p in ("The weather today is", "Question: what is")]
    agree = logit_agreement(peft_model.merge_and_unload(), merged, prompts)
    if agree.correlation < min_correlation:
        raise ExportError(f"The export disagrees with the trained model (logit correlation {agree.correlation:.4f}).")
    final = requantize(merged, run_dir / f"{name}-{quant}.gguf", quant) if quant else merged
    target = register_file(final, Path(models_dir) / f"{name}-{quant or 'merged'}.gguf")
    (target.with_suffix(".json")).write_text(json.dumps({**provenance, "correlation": agree.correlation,
                                                         "top1": agree.top1, "quant": quant}, indent=2))
    return [ExportCheck(str(target), quant or "merged", float("nan"), float("nan"), agree.correlation, agree.top1)]

