"""Fusion variants against today's equal-weight RRF, on three sets, all in one run.

    apt-get install manpages manpages-dev groff
    .venv/bin/python bench/retrieval_fusion.py [--pages 400]

1. Distinctive phrases: 24 long files, each holding one sentence of three uncommon words and a number inside
   ~1,300 characters of unrelated text, beside 48 short files that share most of those words. Query: the
   sentence. Made with seed 0 (the set the settings were chosen on) and seed 1 (held out, reported).
2. Paraphrases: the 66 hand-written questions of bench/data/answer_qa.jsonl over their man pages and
   distractors (relevant: the page that answers).
3. Man pages: each page's NAME description as the query, the NAME section removed (bench/retrieval_quality.py).
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from dataclasses import replace
from pathlib import Path

from benchlib import WORDS, Timer

from common.paths import resolve_data_dir
from engine.answer import Engine
from engine.config import EngineConfig
from engine.evaluation import EvalQuery, score
from indexer.config import IndexConfig
from indexer.embedding import Embedder, bundled_embedder_dir
from indexer.pipeline import Indexer
from answer_checks import QA_FILE, write_qa_pages
from retrieval_quality import write_man_pages

RARE = ("quokka zephyr marzipan obsidian tamarind gossamer kumquat narwhal sassafras fjord quince verdigris "
        "wolfram yarrow zither bergamot cormorant damask ermine filigree galangal heliotrope isinglass juniper "
        "lapis mandolin nutmeg ocelot papyrus rhubarb saffron tourmaline umber vellum walrus yucca zinnia "
        "abalone basalt cinnabar dulcimer egret fennel garnet hyssop indigo jackal kelp lichen mistral nacre "
        "oriole pumice quagga rosin sorrel tapir uakari vetch wombat").split()
VARIANTS = {
    "rrf (today)": dict(fusion="rrf", exact_bonus=0.0),
    "rrf, exact bonus 0.5": dict(fusion="rrf", exact_bonus=0.5),
    "convex a=0.3": dict(fusion="convex", fusion_alpha=0.3, exact_bonus=0.0),
    "convex a=0.5": dict(fusion="convex", fusion_alpha=0.5, exact_bonus=0.0),
    "convex a=0.7": dict(fusion="convex", fusion_alpha=0.7, exact_bonus=0.0),
    "convex a=0.5, exact 0.25": dict(fusion="convex", fusion_alpha=0.5, exact_bonus=0.25),
    "convex a=0.5, exact 0.5": dict(fusion="convex", fusion_alpha=0.5, exact_bonus=0.5),
    "convex a=0.5, exact 1.0": dict(fusion="convex", fusion_alpha=0.5, exact_bonus=1.0),
    "convex a=0.7, exact 0.5": dict(fusion="convex", fusion_alpha=0.7, exact_bonus=0.5),
}


def filler(rng: random.Random, chars: int) -> str:
    out = []
    while sum(len(s) + 1 for s in out) < chars:
        words = [rng.choice(WORDS) for _ in range(rng.randint(8, 16))]
        out.append(" ".join(words).capitalize() + ".")
    return " ".join(out)


def distinctive_corpus(folder: Path, seed: int, n: int = 24) -> list[EvalQuery]:
    """Long files with one distinctive sentence each, and short files sharing most of its words."""
    rng = random.Random(seed)
    rare = RARE[:]
    rng.shuffle(rare)
    queries = []
    for i in range(n):
        w1, w2, w3 = rare[(3 * i) % len(rare)], rare[(3 * i + 1) % len(rare)], rare[(3 * i + 2) % len(rare)]
        num = rng.randint(100, 9999)
        sentence = f"The {w1} {w2} ledger lists {num} {w3} crates."
        body = filler(rng, 650) + " " + sentence + " " + filler(rng, 650)
        long_file = folder / f"long-{seed}-{i:02}.txt"
        long_file.write_text(body + "\n")
        (folder / f"short-{seed}-{i:02}-a.txt").write_text(f"Notes on the {w1} and the {w2} ledger.\n")
        (folder / f"short-{seed}-{i:02}-b.txt").write_text(f"A {w2} ledger of {w3} crates.\n")
        queries.append(EvalQuery(sentence, [str(long_file)]))
    return queries


def top1(queries: list[EvalQuery], rank) -> float:
    return sum(rank(q.query)[:1] == q.relevant[:1] for q in queries) / len(queries)


def build_man_corpus(folder: Path, pages: int, seed: int) -> tuple[list[EvalQuery], list[EvalQuery]]:
    """(paraphrase questions, man-page NAME queries) over QA pages plus distractors."""
    qa = [json.loads(line) for line in QA_FILE.read_text().splitlines() if line.strip()]
    qa_pages = write_qa_pages(qa, folder)
    names = write_man_pages(folder, pages, seed, skip=frozenset(qa_pages))
    paraphrase = [EvalQuery(q["question"], [str(folder / f"{q['page']}.md")]) for q in qa]
    return paraphrase, names


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=400)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hearth-fusion-"))
    corpus = work / "docs"
    corpus.mkdir()
    tuned = distinctive_corpus(corpus, 0)
    held_out = distinctive_corpus(corpus, 1)
    paraphrase, names = build_man_corpus(corpus, args.pages, 0)
    emb = Embedder(bundled_embedder_dir(), "auto", 64)
    ix = Indexer(IndexConfig(), resolve_data_dir(work / "data"), emb)
    with Timer() as t:
        ix.index_folders([corpus])
    print(f"indexed {ix.store.chunk_count()} chunks in {t.seconds:.0f} s; distinctive {len(tuned)}+{len(held_out)}, "
          f"paraphrase {len(paraphrase)}, man pages {len(names)} queries")
    base = EngineConfig(vector_cache=False)
    results = {}
    for label, kw in VARIANTS.items():
        engine = Engine(replace(base, **kw), ix.data, ix.store, emb)

        def rank(q: str) -> list[str]:
            return [h.path for h in engine.retrieve(q, 30)]

        row = {"top1 tuned": top1(tuned, rank), "top1 held-out": top1(held_out, rank)}
        for name, qs in (("paraphrase", paraphrase), ("man pages", names)):
            r = score(qs, rank, 5)
            row[f"{name} MRR@10"], row[f"{name} hit@5"] = r.mrr10, r.hit_rate
        results[label] = row
        print(f"{label:26} " + "  ".join(f"{k} {v:.3f}" for k, v in row.items()), flush=True)
    today = results["rrf (today)"]
    print("\nratios against today's rrf, same run:")
    for label, row in results.items():
        print(f"{label:26} " + "  ".join(f"{k} {row[k] / today[k] if today[k] else float('inf'):.2f}x" for k in row))
    ix.close()


if __name__ == "__main__":
    main()
