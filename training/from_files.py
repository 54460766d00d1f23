"""A training set made from the user's own files: the local model writes a question and an answer per chunk.

Filters keep what is worth training on: no near-empty or overlong pairs, no duplicate questions, and the
answer must be supported by its chunk (most of its words appear there).
"""

from __future__ import annotations

import json
import random
import re
import threading
from pathlib import Path
from typing import Callable

from common import atomic
from common.errors import Cancelled

PROMPT = (
    "Read the passage, then write one question a person might ask about it and its answer, using only the passage.\n\n"
    "Passage: The library opens at 9 am on weekdays and at 10 am on Saturdays.\n"
    "Question: When does the library open on Saturdays?\nAnswer: At 10 am.\n\n"
    "Passage: {passage}\nQuestion:"
)
_WORD = re.compile(r"\w+")


def supported(answer: str, passage: str, share: float = 0.7) -> bool:
    """Most of the answer's words occur in the passage (a cheap check that the model did not invent it)."""
    words = [w.lower() for w in _WORD.findall(answer)]
    if not words:
        return False
    present = set(w.lower() for w in _WORD.findall(passage))
    return sum(w in present for w in words) / len(words) >= share


def parse_pair(text: str) -> tuple[str, str] | None:
    q, sep, rest = text.partition("Answer:")
    if not sep:
        return None
    q, a = q.strip().split("\n")[0].strip(), rest.strip().split("\n")[0].strip()
    return (q, a) if 3 <= len(q.split()) <= 40 and 1 <= len(a.split()) <= 80 else None


def make_dataset(chunks: list[dict], complete: Callable[[str], str], out: Path, n: int, seed: int = 0,
                 on_progress: Callable[[int, int, str], None] | None = None,
                 cancel: threading.Event | None = None) -> int:
    """Write up to `n` {prompt, completion} records to `out` (JSONL); returns how many passed the filters."""
    rng = random.Random(seed)
    pool = [c for c in chunks if len(c["text"].split()) >= 25]
    rng.shuffle(pool)
    seen, records = set(), []
    for i, c in enumerate(pool[: n * 3]):
        if cancel is not None and cancel.is_set():
            raise Cancelled("Stopped making the training set.")
        if len(records) >= n:
            break
        passage = " ".join(c["text"].split()[:180])
        pair = parse_pair(complete(PROMPT.format(passage=passage)))
        if on_progress:
            on_progress(len(records), n, c["path"])
        if pair is None or pair[0].lower() in seen or not supported(pair[1], passage):
            continue
        seen.add(pair[0].lower())
        records.append({"prompt": pair[0], "completion": pair[1], "source": c["path"]})
    atomic.write_lines(Path(out), [json.dumps(r) for r in records])
    return len(records)
