"""Checks that an export behaves like the model that was trained.

`logit_agreement`: llama.cpp's next-token logits for the exported file against the merged torch model on
fixed prompts (correlation and top-1 agreement). `answer_logprob_llama`: the mean log-likelihood of the
held-out answers in llama.cpp, so base, trained and each export are compared on the same measure.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from training.data import Tokenized


@dataclass
class Agreement:
    correlation: float  # mean over prompts
    top1: float  # share of prompts whose arg-max token agrees


def _llama(model_path: Path, lora_path: Path | None = None, n_ctx: int = 512):
    from llama_cpp import Llama

    return Llama(model_path=str(model_path), lora_path=str(lora_path) if lora_path else None, n_ctx=n_ctx,
                 logits_all=True, verbose=False)


def logit_agreement(torch_model: Any, gguf_path: Path, prompts: list[list[int]], lora_path: Path | None = None) -> Agreement:
    import torch

    llm = _llama(gguf_path, lora_path)
    corrs, agree = [], 0
    torch_model.eval()
    for ids in prompts:
        with torch.no_grad():
            device = next(torch_model.parameters()).device
            ref = torch_model(torch.tensor([ids], device=device)).logits[0, -1].float().cpu().numpy()
        llm.reset()
        llm.eval(ids)
        got = np.asarray(llm.scores[len(ids) - 1], dtype=np.float32)
        corrs.append(float(np.corrcoef(ref, got)[0, 1]))
        agree += int(ref.argmax() == got.argmax())
    del llm
    return Agreement(float(np.mean(corrs)), agree / len(prompts))


def answer_logprob_llama(gguf_path: Path, data: list[Tokenized], lora_path: Path | None = None) -> float:
    """Mean log-probability per answer token, computed by llama.cpp."""
    llm = _llama(gguf_path, lora_path)
    total, count = 0.0, 0
    for t in data:
        llm.reset()
        llm.eval(t.input_ids)
        scores = np.asarray(llm.scores[: len(t.input_ids)], dtype=np.float64)
        for pos in range(1, len(t.input_ids)):
            if t.labels[pos] == -100:
                continue
            row = scores[pos - 1]
            m = row.max()
            total += row[t.input_ids[pos]] - (m + np.log(np.exp(row - m).sum()))
            count += 1
    del llm
    return total / max(count, 1)


def gain_kept(base: float, trained: float, exported: float) -> float:
    """Share of the fine-tune's log-likelihood gain that survived the export (1.0 = all of it)."""
    gain = trained - base
    return (exported - base) / gain if gain else float("nan")


# -- the export's chat format: template, special tokens, and a greedy answer ------------------------------
SPECIAL_KEYS = ("bos_token_id", "eos_token_id", "eot_token_id", "padding_token_id", "unknown_token_id",
                "add_bos_token", "add_eos_token")
CONTROL_TOKEN_TYPE = 3  # llama.cpp's token type for <bos>, <eos>, <start_of_turn> and the like
# Turn markers of the common chat formats: none belongs in an answer's text.
LEAK_MARKERS = ("<start_of_turn>", "<end_of_turn>", "<bos>", "<eos>", "<|im_start|>", "<|im_end|>", "<|eot_id|>",
                "<|start_header_id|>", "<|endoftext|>", "[INST]", "</s>")
PROBE_ANSWER_TOKENS = 48


@dataclass
class FormatCheck:
    problems: list[str]  # empty when the export formats chats exactly as training did
    answer: str  # the export's greedy answer to one training question


def special_tokens(gguf_path: Path) -> dict[str, Any]:
    """BOS, EOS and the other special token ids and flags of a GGUF, and its set of control tokens."""
    from training.gguf_read import read_gguf

    reader = read_gguf(gguf_path)
    out: dict[str, Any] = {}
    for key in SPECIAL_KEYS:
        field = reader.fields.get(f"tokenizer.ggml.{key}")
        if field is not None:
            out[key] = field.contents()
    types = reader.fields.get("tokenizer.ggml.token_type")
    if types is not None:
        kinds = np.asarray(types.contents())
        out["control tokens"] = tuple(np.flatnonzero(kinds == CONTROL_TOKEN_TYPE).tolist())
    return out


def rendered_ids(llm: Any, template: str, messages: list[dict], generation_prompt: bool) -> list[int]:
    """Token ids of `messages` as the chat (llama-cpp-python over llama.cpp) renders and tokenizes them."""
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    def text(token: int) -> str:
        return llm._model.token_get_text(token) if token != -1 else ""

    fmt = Jinja2ChatFormatter(template=template, eos_token=text(llm.token_eos()), bos_token=text(llm.token_bos()),
                              add_generation_prompt=generation_prompt)
    result = fmt(messages=messages)
    return llm.tokenize(result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True)


def check_format(export: Path, base: Path, tokenizer: Any, probe: list[dict], training_ids: list[int]) -> FormatCheck:
    """Problems in how the export would hold a chat: its template against the ids training used for the `probe`
    conversation, its special tokens against the base's and the training tokenizer's, and template text
    leaking into a greedy answer to the probe's question."""
    from llama_cpp import Llama

    problems = []
    want, got = special_tokens(base), special_tokens(export)
    for key in sorted(set(want) | set(got)):
        if want.get(key) != got.get(key):
            shown = (lambda v: f"{len(v)} ids" if isinstance(v, tuple) else v)
            problems.append(f"{key} is {shown(got.get(key))} in the export but {shown(want.get(key))} in the base")
    for key, value in (("bos_token_id", tokenizer.bos_token_id), ("eos_token_id", tokenizer.eos_token_id)):
        if value is not None and got.get(key) != value:
            problems.append(f"{key} is {got.get(key)} in the export but training used {value}")

    llm = Llama(model_path=str(export), n_ctx=512, verbose=False)
    template = llm.metadata.get("tokenizer.chat_template")
    if not template:
        problems.append("the export has no chat template, so the chat would not format turns as training did")
    else:
        ids = rendered_ids(llm, template, probe, generation_prompt=False)
        if ids != training_ids:
            at = next((i for i, (a, b) in enumerate(zip(ids, training_ids)) if a != b), min(len(ids), len(training_ids)))
            piece = (lambda seq: llm.detokenize(seq[at : at + 4], special=True).decode("utf-8", "replace"))
            problems.append(f"the chat template renders a training conversation differently from training, from "
                            f"token {at}: {piece(ids)!r} where training had {piece(training_ids)!r}")
    question = probe[:-1] if probe[-1]["role"] == "assistant" else probe
    answer = ""
    if template:
        out = llm.create_chat_completion(question, max_tokens=PROBE_ANSWER_TOKENS, temperature=0.0)
        answer = out["choices"][0]["message"]["content"] or ""
        leaks = [m for m in LEAK_MARKERS if m in answer]
        if leaks or answer.lstrip().startswith(("model\n", "assistant\n", "user\n")):
            problems.append(f"a greedy answer shows template text {leaks or 'a role name'}: {answer[:80]!r}")
    del llm
    return FormatCheck(problems, answer)
