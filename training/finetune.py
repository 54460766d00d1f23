"""A fine-tune as separate stages that `fine_tune` and `export_run` compose:

train → merge (patch the base GGUF) → adapter (llama.cpp LoRA file) → quantize (llama.cpp) → verify
(logit agreement and the share of the held-out gain each export keeps) → register (models folder, with the
provenance written once). A run's folder keeps the adapter and `run.json`, so it can be exported again later.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from common import atomic
from common.errors import ConfigError
from common.progress import ProgressFn, no_progress
from training.data import Example, Tokenized, load_examples, split, tokenize
from training.lora import TrainConfig, TrainReport, mean_answer_logprob, train

if TYPE_CHECKING:
    from training.devices import TrainDevice

log = logging.getLogger(__name__)

MIN_CORRELATION = 0.99  # llama.cpp's logits of an export against the trained torch model, below which it is refused
VERIFY_PROMPTS = 4  # held-out prompts whose next-token logits are compared
RUN_RECORD = "run.json"


@dataclass
class ExportCheck:
    path: str
    kind: str  # merged | Q4_K_M | ... | adapter
    logprob: float  # mean held-out answer log-prob per token in llama.cpp (NaN when not measured)
    gain_kept: float  # share of the trained model's gain over the base that this export keeps
    correlation: float | None = None
    top1: float | None = None
    answer: str = ""  # its greedy answer to a training question (the chat-format check)


@dataclass
class FineTuneResult:
    run_dir: str
    model_path: str
    adapter_path: str
    base_logprob: float
    trained_logprob: float
    exports: list[ExportCheck] = field(default_factory=list)
    seconds: float = 0.0
    device: str = ""

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Trained:
    """A trained (or reloaded) adapter on its base, with the held-out data the checks measure on."""

    model: Any  # the peft model
    tokenizer: Any
    held: list[Tokenized]
    trained_logprob: float
    provenance: dict
    probe: list[dict] | None = None  # one training conversation, to check the export's chat format with
    probe_ids: list[int] = field(default_factory=list)  # its token ids exactly as training saw them
    device: str = ""  # where it trained, for people: "NVIDIA GeForce RTX 4060 (cuda, bfloat16), 4-bit base"


def load_base(gguf_path: Path, cfg: TrainConfig | None = None, on_device: bool = True,
              device: TrainDevice | None = None):
    """De-quantize the GGUF into transformers (offline); returns (model, tokenizer). With `on_device` the model
    goes to `device` (by default the one `cfg` picks: CUDA, then MPS, then CPU), its linear layers in 4 bits
    when QLoRA is chosen; otherwise it stays a full-precision CPU model (the reference exports are checked
    against)."""
    from common.offline import offline_mode

    offline_mode()
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from training.devices import pick_device, use_four_bit
    from training.gguf_read import fast_gguf_reads
    from training.qlora import quantize_linears

    cfg = cfg or TrainConfig()
    folder, name = str(Path(gguf_path).parent), Path(gguf_path).name
    with fast_gguf_reads():  # transformers reads the file three times; 16 s each with gguf's stock reader
        tok = AutoTokenizer.from_pretrained(folder, gguf_file=name)
        model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32)
    if tok.pad_token_id is None:
        tok.pad_token = tok.eos_token
    if not on_device:
        return model, tok
    device = device or pick_device(cfg.device)
    if use_four_bit(cfg.base_bits, device, sum(p.numel() for p in model.parameters())):
        if cfg.method == "dora":
            raise ConfigError("DoRA needs the full-precision base (its magnitudes are norms of the base weights); "
                              "use base_bits 16 or method lora.")
        n = quantize_linears(model, cfg.targets, device.compute_dtype)
        log.info("QLoRA: %d linear layers in 4-bit NF4", n)
    return model.to(device.device), tok


def make_provenance(base: Path, data_path: Path, cfg: TrainConfig) -> dict:
    """What a fine-tune was made from; written into the GGUF's metadata and beside the registered model."""
    from training.export_gguf import file_sha256

    data_path = Path(data_path)
    return {"hearth.base_sha256": file_sha256(base), "hearth.base_file": Path(base).name,
            "hearth.data_sha256": file_sha256(data_path) if data_path.is_file() else "folder",
            "hearth.data_path": str(data_path.absolute()), "hearth.method": cfg.method,
            "hearth.hyperparameters": json.dumps(asdict(cfg))}


def _held_out(data_path: Path, cfg: TrainConfig, tok: Any) -> tuple[list[Tokenized], list[Tokenized], Example | None]:
    """Training and held-out data, and the first training conversation (the export's chat-format probe)."""
    template = tok.chat_template if getattr(tok, "chat_template", None) else None
    train_ex, held_ex = split(load_examples(Path(data_path), template, tok), cfg.held_out, cfg.seed)
    train_data = [tokenize(e, tok, cfg.max_len) for e in train_ex]
    probe = next((e for e in train_ex if e.messages), None)
    return train_data, [tokenize(e, tok, cfg.max_len) for e in (held_ex or train_ex[:4])], probe


def _with_probe(trained: "Trained", probe: Example | None) -> "Trained":
    if probe is not None:
        trained.probe = probe.messages
        trained.probe_ids = tokenize(probe, trained.tokenizer, 1 << 30).input_ids
    return trained


# -- stages ---------------------------------------------------------------------------------------
def train_stage(base: Path, data_path: Path, run_dir: Path, cfg: TrainConfig,
                on_report: Callable[[TrainReport], None] | None = None,
                cancel: threading.Event | None = None) -> Trained:
    """LoRA on the de-quantized base; the run folder gets the adapter and the record `export_run` reads."""
    from training.devices import pick_device
    from training.qlora import is_four_bit

    picked = pick_device(cfg.device)
    model, tok = load_base(base, cfg, device=picked)
    device = picked.describe() + (", 4-bit base (QLoRA)" if is_four_bit(model) else "")
    train_data, held, probe = _held_out(data_path, cfg, tok)
    result = train(model, train_data, cfg, run_dir, tok.pad_token_id, on_report, cancel)
    prov = make_provenance(base, data_path, cfg)
    atomic.write_json(Path(run_dir) / RUN_RECORD, prov)
    trained = Trained(result.model, tok, held, mean_answer_logprob(result.model, held, tok.pad_token_id), prov,
                      device=device)
    return _with_probe(trained, probe)


def load_trained(base: Path, run_dir: Path) -> Trained:
    """A finished run's adapter on its base again, with its held-out data when the dataset is still there."""
    from peft import PeftModel

    from training.gguf_layout import ExportError

    run_dir = Path(run_dir)
    if not (run_dir / "adapter" / "adapter_config.json").exists():
        raise ExportError(f"No finished training run in {run_dir} (train it first).")
    cfg_values = json.loads((run_dir / "train_config.json").read_text())
    cfg = TrainConfig(**{k: v for k, v in cfg_values.items() if k in TrainConfig.__dataclass_fields__})
    # Exports need no 4-bit copy, and the run may have trained on another machine's device.
    model, tok = load_base(base, dataclasses.replace(cfg, base_bits="16", device="auto"))
    peft_model = PeftModel.from_pretrained(model, str(run_dir / "adapter"))
    record = json.loads((run_dir / RUN_RECORD).read_text()) if (run_dir / RUN_RECORD).exists() else {}
    data_path = Path(record.get("hearth.data_path", ""))
    if record and data_path.exists():
        _, held, probe = _held_out(data_path, cfg, tok)
        trained_lp = mean_answer_logprob(peft_model, held, tok.pad_token_id)
    else:  # the run predates run.json or its data moved: logits are still compared, gains are not
        held, trained_lp, probe = [], float("nan"), None
    prov = make_provenance(base, data_path, cfg) if record and data_path.exists() else \
        {**record, "hearth.base_sha256": record.get("hearth.base_sha256", ""), "hearth.base_file": Path(base).name,
         "hearth.method": cfg.method, "hearth.hyperparameters": json.dumps(asdict(cfg))}
    return _with_probe(Trained(peft_model, tok, held, trained_lp, prov), probe)


def merge_stage(trained: Trained, base: Path, out: Path, cancel: threading.Event | None = None) -> Path:
    from training.export_gguf import export_merged, lora_deltas

    return export_merged(base, lora_deltas(trained.model), out, trained.provenance, cancel=cancel)


def adapter_stage(trained: Trained, base: Path, out: Path) -> Path:
    from training.adapter_gguf import export_adapter

    return export_adapter(trained.model, base, out, trained.model.peft_config["default"].lora_alpha)


def quantize_stage(merged: Path, out: Path, quant: str, base: Path) -> Path:
    """llama.cpp's requantization; a `-keep` kind then stores the fine-tune's most changed tensors at Q8_0."""
    from training.export_gguf import requantize
    from training.mixed_quant import KEEP_SUFFIX, keep_changed_tensors

    if not quant.endswith(KEEP_SUFFIX):
        return requantize(merged, out, quant)
    plain = requantize(merged, Path(out).with_name(Path(out).name + ".plain"), quant.removesuffix(KEEP_SUFFIX))
    try:
        keep_changed_tensors(base, merged, plain, out)
    finally:
        plain.unlink(missing_ok=True)
    return Path(out)


class Verifier:
    """Measures exports against the base and the trained model on the same held-out answers, in llama.cpp."""

    def __init__(self, trained: Trained, base: Path) -> None:
        from training.verify import answer_logprob_llama

        self.trained, self.base = trained, base
        self.base_logprob = answer_logprob_llama(base, trained.held) if trained.held else float("nan")
        self._merged_torch = None

    def prompts(self) -> list[list[int]]:
        """Prompts up to the start of each held-out answer (fixed ones when there is no held-out data)."""
        if self.trained.held:
            return [t.input_ids[: max(2, next((i for i, lab in enumerate(t.labels) if lab != -100), len(t.labels)))]
                    for t in self.trained.held[:VERIFY_PROMPTS]]
        tok = self.trained.tokenizer
        return [tok(p, add_special_tokens=True)["input_ids"] for p in ("The weather today is", "Question: what is")]

    def _reference(self) -> Any:
        """The merged torch model exports must agree with: a 4-bit (QLoRA) model is re-applied to a full-precision
        base first, because merging into 4-bit weights is lossy and no export is made that way."""
        from training.qlora import full_precision_copy, is_four_bit

        if is_four_bit(self.trained.model):
            return full_precision_copy(self.trained.model, load_base(self.base, on_device=False)[0])
        return self.trained.model.merge_and_unload()

    def check_format(self, path: Path, kind: str) -> str:
        """Refuse an export whose chat template, BOS/EOS or special tokens differ from training's, or whose greedy
        answer to a training question shows template text; returns that answer."""
        from training.gguf_layout import ExportError
        from training.verify import check_format

        if not self.trained.probe:
            return ""  # trained on plain text: there is no chat format to compare
        found = check_format(path, self.base, self.trained.tokenizer, self.trained.probe, self.trained.probe_ids)
        if found.problems:
            raise ExportError(f"The {kind} export would not chat as training did: {'; '.join(found.problems)}. "
                              "It was not registered.")
        return found.answer

    def check(self, path: Path, kind: str, logits: bool = False, lora_path: Path | None = None) -> ExportCheck:
        """One export's check; with `logits`, refuse it when it disagrees with the trained model."""
        from training.gguf_layout import ExportError
        from training.verify import answer_logprob_llama, gain_kept, logit_agreement

        corr = top1 = None
        if logits:
            if self._merged_torch is None:
                self._merged_torch = self._reference()
            agree = logit_agreement(self._merged_torch, path, self.prompts())
            if agree.correlation < MIN_CORRELATION:
                raise ExportError(f"The {kind} export disagrees with the trained model (logit correlation "
                                  f"{agree.correlation:.4f} < {MIN_CORRELATION}); it was not registered.")
            corr, top1 = agree.correlation, agree.top1
        if self.trained.held:
            lp = answer_logprob_llama(self.base if lora_path else path, self.trained.held, lora_path=lora_path)
            kept = gain_kept(self.base_logprob, self.trained.trained_logprob, lp)
        else:
            lp = kept = float("nan")
        return ExportCheck(str(lora_path or path), kind, lp, kept, corr, top1)


def register_stage(final: Path, models_dir: Path, file_name: str, record: dict) -> Path:
    """Put the export in the models folder under its final name, its provenance beside it (both atomic)."""
    target = atomic.place_file(final, Path(models_dir) / file_name)
    atomic.write_json(target.with_suffix(".json"), record)
    return target


# -- compositions -----------------------------------------------------------------------------------
def export_and_verify(trained: Trained, base: Path, run_dir: Path, name: str, quant: str | None,
                      verifier: Verifier, progress: ProgressFn, cancel: threading.Event | None,
                      ) -> tuple[Path, list[ExportCheck]]:
    """The merged export (refused unless its logits agree), then the requantized one; returns the last file."""
    progress(0, 2, "exporting the merged model")
    merged = merge_stage(trained, base, Path(run_dir) / f"{name}-merged.gguf", cancel)
    checks = [verifier.check(merged, "merged", logits=True)]
    checks[0].answer = verifier.check_format(merged, "merged")
    if not quant:
        return merged, checks
    progress(1, 2, f"quantizing to {quant}")
    final = quantize_stage(merged, Path(run_dir) / f"{name}-{quant}.gguf", quant, base)
    checks.append(verifier.check(final, quant))
    checks[-1].answer = verifier.check_format(final, quant)
    return final, checks


def fine_tune(base: Path, data_path: Path, models_dir: Path, runs_dir: Path, name: str, cfg: TrainConfig,
              quant: str | None = "Q4_K_M", on_report: Callable[[TrainReport], None] | None = None,
              on_progress: ProgressFn | None = None, cancel: threading.Event | None = None) -> FineTuneResult:
    """Train, export merged (+ requantized) and adapter files, verify each, and register the final one."""
    t0 = time.perf_counter()
    progress = on_progress or no_progress
    run_dir = Path(runs_dir) / name
    run_dir.mkdir(parents=True, exist_ok=True)
    progress(0, 6, "loading the base model")
    progress(1, 6, "training")
    trained = train_stage(base, data_path, run_dir, cfg, on_report, cancel)
    progress(2, 6, "exporting the adapter")
    adapter = adapter_stage(trained, base, run_dir / f"{name}-lora.gguf")
    progress(3, 6, "measuring the base model")
    verifier = Verifier(trained, base)
    final, checks = export_and_verify(trained, base, run_dir, name, quant, verifier,
                                      lambda d, t, m: progress(4 + d, 6, m), cancel)
    checks.append(verifier.check(base, "adapter", lora_path=adapter))
    res = FineTuneResult(str(run_dir), str(Path(models_dir) / f"{name}.gguf"), str(adapter), verifier.base_logprob,
                         trained.trained_logprob, checks, time.perf_counter() - t0, trained.device)
    register_stage(final, models_dir, f"{name}.gguf", {**res.to_json(), **trained.provenance})
    progress(6, 6, "done")
    return res


def export_run(base: Path, run_dir: Path, models_dir: Path, name: str, quant: str | None,
               on_progress: ProgressFn | None = None, cancel: threading.Event | None = None) -> list[ExportCheck]:
    """Export a finished run again (another quantization) from its saved adapter, verified like `fine_tune`."""
    progress = on_progress or no_progress
    progress(0, 4, "loading the run")
    trained = load_trained(base, run_dir)
    progress(1, 4, "measuring the base model")
    verifier = Verifier(trained, base)
    final, checks = export_and_verify(trained, base, run_dir, name, quant, verifier,
                                      lambda d, t, m: progress(2 + d, 4, m), cancel)
    target_name = f"{name}-{quant or 'merged'}.gguf"
    check = checks[-1]
    check.path = str(Path(models_dir) / target_name)
    check.correlation, check.top1 = checks[0].correlation, checks[0].top1
    register_stage(final, models_dir, target_name,
                   {"exports": [asdict(check)], "quant": quant, "base_logprob": verifier.base_logprob,
                    "trained_logprob": trained.trained_logprob, **trained.provenance})
    progress(4, 4, "done")
    return [check]
