"""Tune the embedding model on the person's own chunks: (question, chunk) pairs, MultipleNegativesRankingLoss
(every other chunk in a batch is a negative), measured on held-out files before and after.

Questions come from the local chat model (`model_pairs`) or, when it is too weak to write them, from the
chunks' headings (`heading_pairs`). Files, not chunks, are held out, so no near-copy of an evaluation chunk is
trained on.
"""

from __future__ import annotations

import hashlib
import logging
import random
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from common import atomic
from common.errors import Cancelled, HearthError
from common.progress import CancelFlag, ProgressFn, no_progress
from engine.evaluation import QUESTION_MIN_CHUNK_WORDS, chunk_questions
from indexer.chunking import embed_text

log = logging.getLogger(__name__)

HELD_OUT_SHARE = 0.25  # of files
MIN_PAIRS = 16
BATCH_SIZE = 32  # in-batch negatives: a larger batch is a harder task
LEARNING_RATE = 2e-5
EPOCHS = 2


@dataclass
class Pair:
    query: str
    text: str  # what the index embeds for the chunk
    path: str  # its file: the relevant item when measuring


@dataclass
class Retrieval:
    recall_at_5: float
    mrr_at_10: float


@dataclass
class TuneResult:
    model_dir: str
    source: str  # "model" or "headings"
    train_pairs: int
    held_out_queries: int
    before: Retrieval
    after: Retrieval
    seconds: float
    device: str
    switched: bool = False  # whether the index now uses the tuned model


def chunk_text(row: dict) -> str:
    """What the index embeds for a chunk row (the indexer's own rule)."""
    return embed_text(row["text"], row.get("heading"))


def heading_pairs(chunks: list[dict]) -> list[Pair]:
    """A query from each chunk's heading path and file name: what a weak model cannot write, the document says."""
    out = []
    for c in chunks:
        heading = (c.get("heading") or "").replace(" > ", " ").strip()
        if heading and heading != c["text"].strip() and len(c["text"].split()) >= QUESTION_MIN_CHUNK_WORDS:
            out.append(Pair(f"{heading} ({Path(c['path']).stem.replace('-', ' ').replace('_', ' ')})", chunk_text(c),
                            c["path"]))
    return out


def model_pairs(chunks: list[dict], write_question: Callable[[str], str], n: int, seed: int = 0) -> list[Pair]:
    """A question the local model writes for each of `n` sampled chunks (what `eval --generate` writes)."""
    return [Pair(q, chunk_text(c), c["path"]) for q, c in chunk_questions(chunks, write_question, n, seed)]


def held_out_file(path: str, share: float = HELD_OUT_SHARE) -> bool:
    """A stable, seed-free split by file name hash."""
    return int(hashlib.sha256(path.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF < share


def retrieval(embed: Callable[[list[str]], np.ndarray], pairs: list[Pair], corpus: list[dict]) -> Retrieval:
    """File-level recall@5 and MRR@10 of the pairs' queries against every chunk of the corpus."""
    docs = embed([chunk_text(c) for c in corpus])
    paths = [c["path"] for c in corpus]
    queries = embed([p.query for p in pairs])
    hits, rr = 0, 0.0
    for q, p in zip(queries, pairs):
        ranked, seen = [], set()
        for i in np.argsort(-(docs @ q)):
            if paths[i] not in seen:
                seen.add(paths[i])
                ranked.append(paths[i])
            if len(ranked) == 10:
                break
        hits += p.path in ranked[:5]
        rr += 1.0 / (ranked.index(p.path) + 1) if p.path in ranked else 0.0
    return Retrieval(hits / max(len(pairs), 1), rr / max(len(pairs), 1))


def train_embedder(model_dir: Path, pairs: list[Pair], out_dir: Path, device: str = "auto",
                   on_progress: ProgressFn = no_progress, cancel: CancelFlag | None = None,
                   epochs: int = EPOCHS, seed: int = 0) -> str:
    """Fine-tune the sentence-transformers model in `model_dir` on `pairs` and save it to `out_dir` (written to a
    temp folder and renamed). Returns the device it trained on."""
    from common.offline import offline_mode

    offline_mode()
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss

    from indexer.embedding import pick_device

    if len(pairs) < MIN_PAIRS:
        raise HearthError(f"Only {len(pairs)} question–chunk pairs could be made; {MIN_PAIRS} are needed to tune "
                          "the embedder. Index more files first.")
    chosen = pick_device(device)
    torch.manual_seed(seed)
    model = SentenceTransformer(str(model_dir), device=chosen, local_files_only=True)
    loss = MultipleNegativesRankingLoss(model)
    opt = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE)
    rng = random.Random(seed)
    plan = []
    for _ in range(epochs):
        order = list(pairs)
        rng.shuffle(order)
        plan += [order[i : i + BATCH_SIZE] for i in range(0, len(order), BATCH_SIZE) if len(order[i : i + BATCH_SIZE]) > 1]
    prepare = getattr(model, "preprocess", None) or model.tokenize  # renamed in sentence-transformers 6
    model.train()
    for step, batch in enumerate(plan, start=1):
        if cancel is not None and cancel.is_set():
            raise Cancelled("Tuning the embedder was cancelled; the index still uses the model it had.")
        features = [{k: v.to(model.device) if hasattr(v, "to") else v for k, v in prepare(texts).items()}
                    for texts in ([p.query for p in batch], [p.text for p in batch])]
        value = loss(features, None)
        opt.zero_grad(set_to_none=True)
        value.backward()
        opt.step()
        on_progress(step, len(plan), f"tuning the embedder, loss {value.item():.3f}")
    model.eval()
    tmp = out_dir.with_name(out_dir.name + atomic.PARTIAL_SUFFIX)
    shutil.rmtree(tmp, ignore_errors=True)
    model.save(str(tmp))
    if out_dir.exists():
        shutil.rmtree(out_dir)
    tmp.rename(out_dir)
    return chosen


def tune(model_dir: Path, chunks: list[dict], out_dir: Path, write_question: Callable[[str], str] | None,
         n_questions: int = 400, device: str = "auto", on_progress: ProgressFn = no_progress,
         cancel: CancelFlag | None = None) -> TuneResult:
    """Make pairs (from the model when `write_question` is given, else from headings), train on the training
    files' pairs, and measure the held-out files' queries with the old and the tuned model (torch, fp32)."""
    from indexer.embedding import Embedder

    t0 = time.perf_counter()
    source = "model" if write_question else "headings"
    if write_question:
        on_progress(0, 0, "writing questions")
        pairs = model_pairs(chunks, write_question, n_questions)
    else:
        pairs = heading_pairs(chunks)
    train = [p for p in pairs if not held_out_file(p.path)]
    held = [p for p in pairs if held_out_file(p.path)]
    if not held:
        raise HearthError("No held-out file has questions, so the tuned embedder could not be measured. Index more files.")
    on_progress(0, 0, "measuring the current embedder")
    old = Embedder(model_dir, device)
    before = retrieval(old.embed, held, chunks)
    del old
    used = train_embedder(model_dir, train, out_dir, device, on_progress, cancel)
    on_progress(0, 0, "measuring the tuned embedder")
    after = retrieval(Embedder(out_dir, device).embed, held, chunks)
    log.info("embedder tuned on %d pairs (%s): recall@5 %.3f -> %.3f, MRR@10 %.3f -> %.3f", len(train), source,
             before.recall_at_5, after.recall_at_5, before.mrr_at_10, after.mrr_at_10)
    return TuneResult(str(out_dir), source, len(train), len(held), before, after, time.perf_counter() - t0, used)
