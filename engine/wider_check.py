"""A second look for a failed main claim: check it against the whole files its sources come from.

Retrieval gives the model a few chunks (about three sources within the token budget). When the chunk that
states the value is not among them, a right answer fails its check only because the check read too little of the
file it cites. So when the main claim fails for want of evidence, the check reads every chunk of the files the
answer cites and of the passage that best answers the question, and the answer is supported when a passage
there supports it, under the same rules; when it fails there too, the evidence shown first is the best of those
whole files. The chunks a verdict or the lead rests on join the sources (as retrieved, not cited), so the
reader can open the sentence that supports the answer.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from engine.answering import Embed, Vectors
from engine.checks import CheckConfig, Evidence, SentenceCheck, check_answer, main_claim, wants_evidence
from engine.claim_text import citations
from engine.prompting import Source
from indexer.store import Store

MAX_FILES = 3  # files read again: the cited ones and the evidence's (a question is answered from one or two)
MAX_FILE_CHUNKS = 400  # chunks read of one file (about 400 KB of text); of a longer one, those nearest the hits
_COLUMNS = ["path", "chunk_no", "text", "page", "heading"]


def files_to_read(sources: Sequence[Source], cited: Sequence[int], evidence: Evidence | None) -> list[str]:
    """The files the answer cites and the file of the passage that best answers the question (another
    retrieved file's rest is as likely to answer a like question about something else)."""
    wanted = list(cited) + ([evidence.source] if evidence else [])
    paths = {s.n: s.path for s in sources}
    return list(dict.fromkeys(paths[n] for n in wanted if n in paths))[:MAX_FILES]


def rest_of_files(store: Store, sources: Sequence[Source], paths: Sequence[str]) -> list[Source]:
    """The chunks of these files that no source already holds, as sources numbered after them; of a file
    longer than MAX_FILE_CHUNKS, those nearest the retrieved chunks."""
    held: dict[str, list[Source]] = {}
    for s in sources:
        held.setdefault(s.path, []).append(s)
    unheld: dict[str, list[dict]] = {path: [] for path in paths}
    for r in store.chunks_of(paths, _COLUMNS):
        if not any(r["text"] in s.text for s in held[r["path"]]):
            unheld[r["path"]].append(r)
    rows: list[dict] = []
    for path, mine in unheld.items():
        mine.sort(key=lambda r: min(abs(r["chunk_no"] - s.chunk) for s in held[path]))
        rows += sorted(mine[:MAX_FILE_CHUNKS], key=lambda r: r["chunk_no"])
    return [Source(len(sources) + i + 1, r["path"], r["chunk_no"], r["page"], r["heading"], r["text"])
            for i, r in enumerate(rows)]


def check_in_whole_files(answer: str, question: str, sources: list[Source], first: list[SentenceCheck],
                         evidence: Evidence | None, store: Store, embed: Embed | None, cfg: CheckConfig,
                         vectors: Vectors | None = None,
                         ) -> tuple[list[Source], list[SentenceCheck], Evidence | None] | None:
    """The sources (with the chunks the verdicts and the lead rest on added), checks and lead, all made over
    the whole files: the main claim holds there, or the evidence shown first is their best. None when the files
    hold nothing more, or when the retrieved passage said otherwise (`first`, the checks on the retrieved
    sources): another passage of the file does not overturn that. `evidence` is the lead those gave."""
    more = rest_of_files(store, sources, files_to_read(sources, citations(answer), evidence))
    if not more:
        return None
    checks, lead = check_answer(answer, question, sources + more, embed, cfg, vectors)
    claim = main_claim(first)
    if lead is None and claim is not None and not wants_evidence(claim):
        return None
    return _keep_used(sources, more, checks, lead)


def _keep_used(sources: list[Source], more: list[Source], checks: list[SentenceCheck], lead: Evidence | None,
               ) -> tuple[list[Source], list[SentenceCheck], Evidence | None]:
    """Only the added chunks a verdict or the lead rests on stay, numbered on from the retrieved sources."""
    rests_on = [c.source for c in checks] + [lead.source if lead else None]
    used = sorted({n for n in rests_on if n is not None and n > len(sources)})
    renumber = {old: len(sources) + i + 1 for i, old in enumerate(used)}
    by_n = {s.n: s for s in more}
    kept = [replace(by_n[old], n=new) for old, new in renumber.items()]
    checks = [replace(c, source=renumber.get(c.source, c.source)) for c in checks]
    if lead is not None:
        lead = replace(lead, source=renumber.get(lead.source, lead.source))
    return sources + kept, checks, lead
