"""Retrieval quality on Debian's man pages, and calibration of the refusal thresholds.

    apt-get install manpages manpages-dev    # the corpus (Debian packages; not needed by the app)
    .venv/bin/python bench/retrieval_quality.py [--pages 400] [--multi-query 60]

Each page's NAME line gives the query (its description, e.g. "sort an array") and that page is the relevant
document; the NAME section is removed from the indexed text so the query is not a verbatim copy. Compares
BM25 alone, vector alone, hybrid, and hybrid + the optional stages. Grounding is checked with man-page
queries (answerable) and the sample folder's questions (not answerable from man pages).
"""

from __future__ import annotations

import argparse
import gzip
import random
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from benchlib import ROOT, Timer

from engine.answer import Engine, drop_near_duplicates
from engine.config import EngineConfig
from engine.evaluation import EvalQuery, score
from engine.retrieval import fulltext_search, vector_search
from common.paths import resolve_data_dir
from indexer.config import IndexConfig
from indexer.embedding import Embedder, bundled_embedder_dir
from indexer.pipeline import Indexer

SAMPLE_QUESTIONS = [
    "how long to bake the loaf", "chain lubrication", "walking route around Buttermere", "vet for the cat",
    "How often should the chain be oiled?", "What is the phone number of the plumber?", "When should garlic be planted?",
    "tyre pressure for a road bike", "how much salt goes in the dough", "when to sow carrots",
    "who did the kitchen rewiring", "what to pack for the lake district",
]
ABSENT = [
    "How long should sourdough dough rise?", "What tyre pressure do road bikes need?", "When should garlic be planted?",
    "What is the phone number of the plumber?", "Who won the 1998 football world cup?", "What is the capital of Australia?",
    "symptoms of the flu", "how to bake a chocolate cake", "best time to visit Japan", "how do whales sleep",
    "train timetable to Vienna", "recipe for apricot jam", "how to fix a bicycle puncture", "when to sow carrots",
    "what to pack for a hiking trip", "how many calories in a banana", "history of the Roman empire",
    "how to tie a tie", "what is the tallest mountain in Africa", "how to care for a cat",
]


def man_pages(limit: int, seed: int) -> list[Path]:
    files = subprocess.run(["dpkg", "-L", "manpages", "manpages-dev"], capture_output=True, text=True).stdout.split()
    pages = [Path(f) for f in files if re.search(r"/man[1-8]/[^/]+\.gz$", f)]
    real = []
    for p in pages:
        with gzip.open(p, "rt", errors="replace") as f:
            if not f.read(200).lstrip().startswith(".so"):
                real.append(p)
    random.Random(seed).shuffle(real)
    return real[:limit]


def render(page: Path) -> tuple[str, str] | None:
    """Plain text of a man page with the NAME section cut out, and the NAME description as the query."""
    text = subprocess.run(["groff", "-man", "-Tutf8", "-P-cbou", str(page)] if not page.suffix == ".gz" else
                          ["sh", "-c", f"zcat '{page}' | groff -man -Tutf8 -P-cbou 2>/dev/null"],
                          capture_output=True, text=True).stdout
    m = re.search(r"^NAME\n(.*?)\n(?=^[A-Z][A-Z ]+$)", text, re.M | re.S)
    if not m:
        return None
    name = " ".join(m.group(1).split())
    if " - " not in name:
        return None
    query = name.split(" - ", 1)[1].strip()
    body = text[: m.start()] + text[m.end():]
    body = re.sub(r"^([A-Z][A-Z ]+)$", r"# \1", body, flags=re.M)  # section titles → Markdown headings
    return query, body


def write_man_pages(folder: Path, pages: int, seed: int, skip: frozenset[str] = frozenset()) -> list[EvalQuery]:
    """Render up to `pages` man pages (not those named in `skip`) into `folder` as Markdown; each page's NAME
    description is a query with that page as the relevant document."""
    queries = []
    for page in man_pages(pages, seed):
        name = page.name.removesuffix(".gz")
        r = None if name in skip else render(page)
        if r is not None:
            out = folder / f"{name}.md"
            out.write_text(r[1], encoding="utf-8")
            queries.append(EvalQuery(r[0], [str(out)]))
    return queries


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=400)
    ap.add_argument("--multi-query", type=int, default=60, help="queries to run with model-written variants")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hearth-man-"))
    try:
        corpus = work / "man"
        corpus.mkdir()
        queries = write_man_pages(corpus, args.pages, args.seed)
        emb = Embedder(bundled_embedder_dir(), "auto", 64)
        ix = Indexer(IndexConfig(), resolve_data_dir(work / "data"), emb)
        with Timer() as t:
            rep = ix.index_folders([corpus])
        print(f"corpus: {len(queries)} man pages, {ix.store.chunk_count()} chunks, indexed in {t.seconds:.0f} s "
              f"({len(rep.errors) + len(rep.skipped)} not indexed)")

        def engine(**kw) -> Engine:
            return Engine(EngineConfig(n_ctx=2048, **kw), ix.data, ix.store, emb)

        modes = {
            "BM25 only": lambda q: [h.path for h in fulltext_search(ix.store, q, 30)],
            "vector only": lambda q: [h.path for h in vector_search(ix.store, emb.embed_query(q), 30)],
            "hybrid (RRF)": lambda q: [h.path for h in engine().retrieve(q, 30)],
            "hybrid, near-dups dropped*": lambda q: [h.path for h in drop_near_duplicates(engine().retrieve(q, 30))],
        }
        print(f"\n{'mode':28} {'hit@5':>7} {'recall@5':>9} {'MRR@10':>7} {'nDCG@10':>8}  ms/query")
        results = {}
        for name, rank in modes.items():
            emb._queries.clear()  # every mode pays for its query embeddings
            with Timer() as t:
                r = score(queries, rank, k=5)
            results[name] = r
            print(f"{name:28} {r.hit_rate:7.3f} {r.recall:9.3f} {r.mrr10:7.3f} {r.ndcg10:8.3f}  {1000 * t.seconds / len(queries):6.1f}")
        hyb, bm, vec = results["hybrid (RRF)"], results["BM25 only"], results["vector only"]
        print(f"hybrid MRR@10 vs BM25: {hyb.mrr10 / bm.mrr10:.2f}x, vs vector: {hyb.mrr10 / vec.mrr10:.2f}x")
        print("* near-duplicate removal is a context stage; shown here only for what it would cost a ranking")

        if args.multi_query:
            sub = queries[: args.multi_query]
            mq = engine(multi_query=True)
            base = score(sub, lambda q: [h.path for h in engine().retrieve(q, 30)], k=5)
            with Timer() as t:
                r = score(sub, lambda q: [h.path for h in mq.retrieve(q, 30)], k=5)
            print(f"\nmulti-query on {len(sub)} queries: MRR@10 {r.mrr10:.3f} vs {base.mrr10:.3f} without "
                  f"({r.mrr10 / base.mrr10:.2f}x), {1000 * t.seconds / len(sub):.0f} ms/query with the model")

        # Grounding, calibrated on two corpora: man pages (their queries answerable, everyday questions not)
        # and the sample folder (its questions answerable, man-page queries not).
        sample = Indexer(IndexConfig(), resolve_data_dir(work / "sample"), emb)
        sample.index_folders([ROOT / "examples" / "docs"])
        sets = {
            "man pages": (engine(), [q.query for q in queries], ABSENT),
            "sample folder": (Engine(EngineConfig(), sample.data, sample.store, emb), SAMPLE_QUESTIONS,
                              [q.query for q in queries[:40]]),
        }
        scored = {}
        for name, (e, pos_q, neg_q) in sets.items():
            def best(q, e=e):
                hits = e.retrieve(q)
                return (max([h.vector_score or 0 for h in hits] or [0]),
                        max([h.vector_score or 0 for h in hits if h.lexical] or [0]))
            scored[name] = ([best(q) for q in pos_q], [best(q) for q in neg_q])

        def rates(t_vec, t_lex):
            ok = lambda v, lx: v >= t_vec or lx >= t_lex  # noqa: E731
            return {n: (sum(ok(*p) for p in pos) / len(pos), sum(not ok(*x) for x in neg) / len(neg))
                    for n, (pos, neg) in scored.items()}

        def show(label, t):
            r = rates(*t)
            print(f"{label} min_score={t[0]:.2f}, min_score_lexical={t[1]:.2f}: " + "; ".join(
                f"{n}: answers {a:.1%} of answerable, refuses {b:.1%} of unanswerable" for n, (a, b) in r.items()))

        cfg = EngineConfig()
        print()
        show("grounding at the defaults", (cfg.min_score, cfg.min_score_lexical))
        grid = [(tv / 100, tl / 100) for tv in range(25, 61, 5) for tl in range(10, 41, 5) if tl <= tv]
        best_t = max(grid, key=lambda t: (min(x for pair in rates(*t).values() for x in pair),
                                          sum(x for pair in rates(*t).values() for x in pair)))
        show("best grid point (max of the worst rate)", best_t)
        sample.close()
        ix.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
