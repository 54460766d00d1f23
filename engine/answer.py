"""Answering: retrieve → drop near-duplicates → expand to neighbours → fit the budget → prompt → stream → cite."""

from __future__ import annotations

import dataclasses
import logging
import threading
from dataclasses import dataclass, field
from typing import Callable

from engine.answering import Vectors
from engine.checks import CheckConfig, Evidence, SentenceCheck, check_answer
from engine.claim_text import citations, remove_missing_citations
from engine.collection import CollectionAnswer, answer_collection, route
from engine.config import EngineConfig
from engine.generation import Generator
from engine.models import resolve_model
from engine.prompting import Source, chat_messages, completion_prompt
from engine.rerank import Reranker, make_reranker
from engine.retrieval import (Filters, Hit, VectorCache, cjk_search, fill_vector_scores, fulltext_search, fuse,
                              rrf_fuse, vector_search)
from engine.wider_check import check_in_whole_files
from common.foreground import Foreground
from common.paths import DataDir
from indexer.embedders import AnyEmbedder
from indexer.store import Store

log = logging.getLogger(__name__)

REFUSAL = "Your files do not seem to contain this, so I won't guess. Try other words, or add the folder that has it."
NO_TEXT = "The model gave no answer; the sources below are the passages of your files that match best."
EVIDENCE_LABEL = "Your files say:"


@dataclass
class Answer:
    answer: str  # the model's text (citations to missing sources removed)
    sources: list[Source]
    refused: bool
    cited: list[int] = field(default_factory=list)
    cancelled: bool = False
    checks: list[SentenceCheck] = field(default_factory=list)  # one verdict per answer sentence
    lead: Evidence | None = None  # shown first when the main claim failed its check
    removed_citations: list[int] = field(default_factory=list)
    collection: CollectionAnswer | None = None  # set when the question was about the collection itself

    @property
    def lead_text(self) -> str | None:
        """"Your files say: «…» [n]", or None when the model's answer leads."""
        return f"{EVIDENCE_LABEL} «{self.lead.text}» [{self.lead.source}]" if self.lead else None

    @property
    def shown(self) -> str:
        """What a reader sees first: the evidence when the main claim failed, else the answer."""
        return self.lead_text or self.answer

    def to_json(self) -> dict:
        return {
            "answer": self.answer, "refused": self.refused, "lead": self.lead_text,
            "sources": [{"n": s.n, "path": s.path, "chunk": s.chunk, "page": s.page, "cited": s.n in self.cited}
                        for s in self.sources],
            "checks": [c.to_json() for c in self.checks],
            **({"files": [f.to_json() for f in self.collection.files], "count": self.collection.count}
               if self.collection is not None else {}),
        }


def search(store: Store, embedder: AnyEmbedder, query: str, k: int, hybrid: bool = True, where: str | None = None) -> list[Hit]:
    """Vector search, fused with full-text search by reciprocal rank when `hybrid`."""
    return rrf_fuse(search_lists(store, embedder, query, max(k, 20), hybrid, where), k) if hybrid else \
        vector_search(store, embedder.embed_query(query), k, where)


def search_lists(store: Store, embedder: AnyEmbedder, query: str, depth: int, hybrid: bool, where: str | None,
                 cache: VectorCache | None = None) -> list[list[Hit]]:
    """The vector list and (when hybrid) the full-text list; both searches run at once (LanceDB frees the GIL)."""
    if not hybrid:
        return [vector_search(store, embedder.embed_query(query), depth, where, cache)]
    text_hits: list[Hit] = []
    worker = threading.Thread(target=lambda: text_hits.extend(fulltext_search(store, query, depth, where)),
                              name="hearth-fts", daemon=True)
    worker.start()
    vec_hits = vector_search(store, embedder.embed_query(query), depth, where, cache)
    worker.join()
    cjk_hits = cjk_search(store, query, depth, where)
    return [vec_hits, text_hits] + ([cjk_hits] if cjk_hits else [])


def _shingles(text: str) -> set[str]:
    words = text.lower().split()
    return {" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))}


def drop_near_duplicates(hits: list[Hit], threshold: float = 0.8) -> list[Hit]:
    """Keep the first of any hits whose word 3-gram Jaccard similarity is above `threshold` (copies of a file)."""
    kept: list[tuple[Hit, set[str]]] = []
    for h in hits:
        sh = _shingles(h.text)
        if all(len(sh & s) / max(1, len(sh | s)) < threshold for _, s in kept):
            kept.append((h, sh))
    return [h for h, _ in kept]


def expand_neighbours(store: Store, hit: Hit, n: int) -> str:
    """The hit's text with `n` chunks on each side, joined on their character offsets (no repeated overlap)."""
    if n <= 0:
        return hit.text
    rows = store.chunks_near(hit.path, hit.chunk, n, ["chunk_no", "text", "start", "end", "page"])
    rows = sorted((r for r in rows if r["page"] == hit.page), key=lambda r: r["start"])
    if not rows:
        return hit.text
    out, pos = [], rows[0]["start"]
    for r in rows:
        if r["end"] <= pos:
            continue
        if r["start"] > pos:  # the blank line between blocks belongs to neither chunk
            out.append("\n\n")
        out.append(r["text"][max(0, pos - r["start"]) :])
        pos = r["end"]
    return "".join(out)


def chunk_context(store: Store, path: str, chunk_no: int, n: int = 1) -> tuple[str, str, str]:
    """A chunk with the text before and after it (its neighbours), for showing a source in place."""
    rows = sorted(store.chunks_near(path, chunk_no, n, ["chunk_no", "text", "start", "end"]),
                  key=lambda r: r["chunk_no"])
    me = next((r for r in rows if r["chunk_no"] == chunk_no), None)
    if me is None:
        return "", "", ""
    before = "".join(r["text"][: max(0, me["start"] - r["start"])] + ("\n\n" if r["end"] < me["start"] else "")
                     for r in rows if r["chunk_no"] < chunk_no)
    after = "".join(("\n\n" if r["start"] > me["end"] else "") + r["text"][max(0, me["end"] - r["start"]):]
                    for r in rows if r["chunk_no"] > chunk_no)
    return before[-1500:], me["text"], after[:1500]


def recent_turns(history: list[dict], n: int) -> list[dict]:
    """The last `n` user and assistant messages of a chat (what the model and condensing see)."""
    return [m for m in history if m["role"] in ("user", "assistant")][-n:] if n > 0 else []


def edges_first(items: list) -> list:
    """Strongest items at both ends of the context, weakest in the middle ("lost in the middle")."""
    front, back = [], []
    for i, item in enumerate(items):
        (front if i % 2 == 0 else back).append(item)
    return front + back[::-1]


class Engine:
    """Holds the store, the embedder and (loaded on first real question) the generator."""

    def __init__(self, cfg: EngineConfig, data: DataDir, store: Store, embedder: AnyEmbedder,
                 generator: Generator | None = None, foreground: Foreground | None = None) -> None:
        """`foreground` is marked busy while an answer is made, so indexing in this process steps aside."""
        self.cfg, self.data, self.store, self.embedder = cfg, data, store, embedder
        self.foreground = foreground or Foreground()
        self._generator = generator
        self._reranker: Reranker | None = None
        self._lock = threading.Lock()
        self.vector_cache = VectorCache(store) if cfg.vector_cache else None

    @property
    def generator(self) -> Generator:
        with self._lock:
            if self._generator is None:
                self._generator = Generator(resolve_model(self.cfg.model, self.data), self.cfg)
            return self._generator

    def use_model(self, path: str) -> None:
        """Switch the chat model; the new one loads on the next question (or `load_model`)."""
        with self._lock:
            self.cfg = dataclasses.replace(self.cfg, model=path)  # the caller's config is never changed
            self._generator = None

    def load_model(self) -> Generator:
        return self.generator

    def retrieve(self, question: str, k: int | None = None, filters: Filters | None = None,
                 hybrid: bool | None = None) -> list[Hit]:
        """Search (+ variants) → fuse → rerank → top k. Ranking only: `ask` judges relevance and drops duplicates.
        `hybrid=False` skips full-text search for this call."""
        k = k or self.cfg.top_k
        hybrid = self.cfg.hybrid if hybrid is None else hybrid and self.cfg.hybrid
        where = filters.where() if filters else None
        queries = [question] + (self.query_variants(question) if self.cfg.multi_query else [])
        lists = [lst for q in queries for lst in search_lists(self.store, self.embedder, q, max(20, 3 * k),
                                                                 hybrid, where, self.vector_cache)]
        hits = fuse(lists, 3 * k, self.cfg.fusion, self.cfg.fusion_alpha, query=question,
                    exact_bonus=self.cfg.exact_bonus) if len(lists) > 1 else lists[0][: 3 * k]
        hits = self.reranker(question, hits)
        return fill_vector_scores(self.store, self.embedder.embed_query(question), hits[:k])

    def relevant(self, hit: Hit) -> bool:
        """Grounding test for one chunk: semantically close, or somewhat close and sharing the question's words."""
        sim = hit.vector_score if hit.vector_score is not None else 0.0
        return sim >= self.cfg.min_score or (hit.lexical and sim >= self.cfg.min_score_lexical)

    @property
    def reranker(self) -> Reranker:
        if self._reranker is None:
            self._reranker = make_reranker(self.cfg.rerank_model)
        return self._reranker

    def query_variants(self, question: str, n: int = 2) -> list[str]:
        """Other phrasings of the question, written by the local model (multi-query retrieval)."""
        prompt = (
            "Rewrite the question in different words, one version per line.\n\n"
            "Question: When does the library open on Saturdays?\n"
            "Versions:\nWhat are the Saturday opening hours of the library?\nAt what time can I get into the library on a Saturday?\n\n"
            f"Question: {question}\nVersions:\n"
        )
        text = self.generator.complete(prompt, 64, stop=["\n\n", "Question:"])
        lines = [ln.strip(" -*0123456789.") for ln in text.splitlines()]
        return [ln for ln in lines if len(ln.split()) >= 3 and ln.lower() != question.lower()][:n]

    def condense(self, question: str, history: list[dict]) -> str:
        """A follow-up question rewritten to stand alone, using the chat history (what retrieval needs)."""
        turns = recent_turns(history, self.cfg.history_turns)
        if not turns or not self.cfg.condense:
            return question
        convo = "\n".join(f"{'User' if m['role'] == 'user' else 'Assistant'}: {m['content'][:300]}" for m in turns)
        prompt = (
            "Rewrite the last question so that it can be understood without the conversation.\n\n"
            "Conversation:\nUser: Who repaired the boiler?\nAssistant: HeatRight did [1].\n"
            "Last question: what is their phone number?\nStandalone question: What is the phone number of HeatRight?\n\n"
            f"Conversation:\n{convo}\nLast question: {question}\nStandalone question:"
        )
        rewritten = self.generator.complete(prompt, 48, stop=["\n"]).strip()
        return rewritten if len(rewritten.split()) >= 3 else question

    def build_sources(self, hits: list[Hit], budget_tokens: int, count: Callable[[str], int]) -> list[Source]:
        """Number the hits, expand each with neighbours while the token budget allows, and stop at the budget."""
        sources, used = [], 0
        for h in hits:
            text = expand_neighbours(self.store, h, self.cfg.neighbours)
            cost = count(text) + 24
            if used + cost > budget_tokens:
                text, cost = h.text, count(h.text) + 24
                if used + cost > budget_tokens:
                    break
            sources.append(Source(len(sources) + 1, h.path, h.chunk, h.page, h.heading, text))
            used += cost
        return sources

    def ask(self, question: str, on_token: Callable[[str], None] | None = None,
            cancel: threading.Event | None = None, history: list[dict] | None = None,
            filters: Filters | None = None) -> Answer:
        """Answer from the files, or refuse without calling the model when nothing relevant is found."""
        with self.foreground.busy():
            return self._ask(question, on_token, cancel, history, filters)

    def _ask(self, question: str, on_token: Callable[[str], None] | None, cancel: threading.Event | None,
             history: list[dict] | None, filters: Filters | None) -> Answer:
        if self.cfg.collection_questions:
            query = route(question)
            if query is not None:
                found = answer_collection(self.store, query, filters.folder if filters else None)
                if on_token:
                    on_token(found.text())
                return Answer(found.text(), [], False, collection=found)
        standalone = self.condense(question, history) if history else question
        hits = [h for h in self.retrieve(standalone, filters=filters) if self.relevant(h)]
        if not hits:
            log.info("refused: no relevant chunk for %r", standalone)
            return Answer(REFUSAL, [], True)
        if self.cfg.dedupe:  # after ranking: a copy adds nothing to the context (but would hide a file in a ranking)
            hits = drop_near_duplicates(hits)
        gen = self.generator
        past = recent_turns(history or [], self.cfg.history_turns)
        history_text = "".join(f"{'Question' if m['role'] == 'user' else 'Answer'}: {m['content']}\n" for m in past)
        budget = min(self.cfg.max_source_tokens, gen.n_ctx - self.cfg.max_answer_tokens - 400
                     - gen.count_tokens(question) - gen.count_tokens(history_text))
        sources = self.build_sources(edges_first(hits), budget, gen.count_tokens)
        if gen.has_chat_template:
            prompt = chat_messages(question, sources, past)
            stop = None
        else:
            prompt = completion_prompt(question, sources, history_text)
            stop = ["\nQuestion:", "\n\n", "<source", "</source", "<end_of_turn>"]
        text = gen.complete(prompt, self.cfg.max_answer_tokens, stop, on_token, cancel).strip()
        cancelled = bool(cancel and cancel.is_set())
        if not text and not cancelled:
            text = NO_TEXT
        text, removed = remove_missing_citations(text, len(sources))
        ans = Answer(text, sources, False, sorted(set(citations(text))), cancelled, removed_citations=removed)
        if self.cfg.check_answers and text != NO_TEXT and not cancelled:
            self.check(question, ans)
        return ans

    def check(self, question: str, ans: Answer) -> Answer:
        """Check each sentence against its sources; when the main claim fails, check it again against the whole
        files (engine/wider_check.py), and lead with the evidence if it still fails."""
        cfg = CheckConfig(self.cfg.check_lexical_weight, self.cfg.check_threshold)
        vectors = Vectors(self.embedder.embed)
        ans.checks, ans.lead = check_answer(ans.answer, question, ans.sources, self.embedder.embed, cfg, vectors)
        if ans.lead is not None and self.cfg.check_whole_files and self.store is not None:
            wider = check_in_whole_files(ans.answer, question, ans.sources, ans.checks, ans.lead, self.store,
                                         self.embedder.embed, cfg, vectors)
            if wider is not None:
                ans.sources, ans.checks, ans.lead = wider
        return ans
