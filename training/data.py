"""Training examples from JSONL chats, prompt/completion pairs, Alpaca records or a folder of plain text.

Every example becomes segments of text marked as context or target; tokenizing keeps the target mask so the
loss counts answer tokens only. Bad records raise an error that names the file and line.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common.errors import HearthError
from common.jsonl import parse_jsonl

# Gemma's turn format, for Gemma files without tokenizer.chat_template (the bundled base model).
GEMMA_TURN = "<start_of_turn>{role}\n{content}<end_of_turn>\n"


@dataclass
class Example:
    segments: list[tuple[str, bool]]  # (text, is_target)
    messages: list[dict] | None = None  # the conversation it was rendered from (None for plain text)


class DataError(HearthError):
    pass


def _chat_segments(messages: list[dict], template: str | None, tokenizer: Any = None) -> list[tuple[str, bool]]:
    """Render a conversation; assistant turns are targets. Uses the tokenizer's template when it has one."""
    if template is None:
        segs: list[tuple[str, bool]] = []
        for m in messages:
            role = {"assistant": "model", "system": "user"}.get(m["role"], m["role"])
            if m["role"] == "assistant":
                segs.append(("<start_of_turn>model\n", False))
                segs.append((f"{m['content'].strip()}<end_of_turn>\n", True))
            else:
                segs.append((GEMMA_TURN.format(role=role, content=m["content"].strip()), False))
        return segs
    # With a template: render growing prefixes and mark what each assistant message added.
    segs, previous = [], ""
    for i, m in enumerate(messages):
        rendered = tokenizer.apply_chat_template(messages[: i + 1], tokenize=False,
                                                 add_generation_prompt=m["role"] != "assistant")
        if not rendered.startswith(previous):
            raise DataError("the model's chat template does not render conversations incrementally")
        segs.append((rendered[len(previous):], m["role"] == "assistant"))
        previous = rendered
    return segs


def parse_record(rec: Any, template: str | None, tokenizer: Any = None) -> Example:
    if not isinstance(rec, dict):
        raise DataError("expected a JSON object")
    if "messages" in rec:
        msgs = rec["messages"]
        if not isinstance(msgs, list) or not msgs or not all(
                isinstance(m, dict) and m.get("role") in ("system", "user", "assistant") and isinstance(m.get("content"), str)
                for m in msgs):
            raise DataError("'messages' must be a list of {role: system|user|assistant, content: str}")
        if not any(m["role"] == "assistant" for m in msgs):
            raise DataError("the conversation has no assistant message to learn from")
        return Example(_chat_segments(msgs, template, tokenizer), msgs)
    if "prompt" in rec and "completion" in rec:
        msgs = [{"role": "user", "content": str(rec["prompt"])}, {"role": "assistant", "content": str(rec["completion"])}]
        return Example(_chat_segments(msgs, template, tokenizer), msgs)
    if "instruction" in rec and "output" in rec:
        prompt = str(rec["instruction"]) + (f"\n\n{rec['input']}" if rec.get("input") else "")
        msgs = [{"role": "user", "content": prompt}, {"role": "assistant", "content": str(rec["output"])}]
        return Example(_chat_segments(msgs, template, tokenizer), msgs)
    if "text" in rec:
        return Example([(str(rec["text"]), True)])
    raise DataError("unknown record: use {messages}, {prompt, completion}, {instruction, input, output} or {text}")


def load_examples(path: Path, template: str | None = None, tokenizer: Any = None) -> list[Example]:
    """A JSONL file of records, or a folder of .txt/.md files (continued pre-training on the text itself)."""
    path = Path(path)
    if path.is_dir():
        out = [Example([(p.read_text(encoding="utf-8", errors="replace"), True)])
               for p in sorted(path.rglob("*")) if p.suffix.lower() in (".txt", ".md") and p.is_file()]
        if not out:
            raise DataError(f"{path} has no .txt or .md files to train on.")
        return out
    out = parse_jsonl(path, lambda rec: parse_record(rec, template, tokenizer), DataError)
    if not out:
        raise DataError(f"{path} has no records.")
    return out


def split(examples: list[Example], held_out: float, seed: int) -> tuple[list[Example], list[Example]]:
    """A shuffled train / held-out split; at least one held-out example when there are two or more."""
    items = list(examples)
    random.Random(seed).shuffle(items)
    n = max(1, round(len(items) * held_out)) if len(items) > 1 and held_out > 0 else 0
    return items[n:], items[:n]


@dataclass
class Tokenized:
    input_ids: list[int]
    labels: list[int]  # -100 where no loss is taken


def tokenize(example: Example, tokenizer: Any, max_len: int) -> Tokenized:
    ids: list[int] = [tokenizer.bos_token_id] if tokenizer.bos_token_id is not None else []
    labels: list[int] = [-100] * len(ids)
    for text, target in example.segments:
        piece = tokenizer(text, add_special_tokens=False)["input_ids"]
        ids += piece
        labels += piece if target else [-100] * len(piece)
    return Tokenized(ids[:max_len], labels[:max_len])
