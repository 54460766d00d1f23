"""Tuning the embedder on the person's chunks: held-out files retrieve better, the index is re-embedded beside the
old one and switched in one atomic write, and a failure before that write leaves the old index in use."""

from __future__ import annotations

import json
import random

import pytest

pytestmark = pytest.mark.e2e  # trains the real bundled embedder (about a minute on two cores)

TOPICS = "kettle boiler gutter hedge piano bicycle compost chimney freezer lawnmower roof window fence pond".split()
ASPECTS = "cleaning repair cost schedule warranty parts noise safety".split()
FILLER = ("the and of to in is it that for on with as was at by this be from or an are which but not have had we "
          "they there when one all were her his more some time can so about out what up into other").split()


def make_notes(folder, n_files: int = 48, seed: int = 0) -> None:
    """House notes whose sections differ mostly by their headings: the base model is distracted by the filler
    text, and the tuned one learns to read the heading, on files it never saw."""
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    for i in range(n_files):
        topic = TOPICS[i % len(TOPICS)]
        parts = [f"# {topic.title()} notes {i}"]
        for aspect in rng.sample(ASPECTS, 3):
            parts += [f"## {topic.title()} {aspect}", " ".join(rng.choice(FILLER) for _ in range(150)) + f" {topic}."]
        (folder / f"{topic}-{i:02}.md").write_text("\n\n".join(parts))


def test_tuned_embedder_retrieves_better_and_the_index_switches_atomically(tmp_path, embedder, monkeypatch):
    from operations import Workspace

    make_notes(tmp_path / "notes")
    ws = Workspace.open(tmp_path / "data", embedder=embedder)
    try:
        ws.add_folder(tmp_path / "notes")
        old_dir = ws.data.index_dir
        n_chunks = ws.indexer.store.chunk_count()

        # A failure while the new index is built leaves everything as it was.
        from indexer.pipeline import Indexer

        def broken(self, *a, **k):
            raise RuntimeError("disk full")

        monkeypatch.setattr(Indexer, "copy_with", broken)
        with pytest.raises(RuntimeError, match="disk full"):
            ws.tune_embedder(source="headings")
        assert ws.data.index_dir == old_dir and not ws.data.index_pointer.exists()
        assert not [p for p in ws.data.root.iterdir() if p.name.startswith("index-")]
        monkeypatch.undo()

        steps = []
        result = ws.tune_embedder(source="headings", on_progress=lambda d, t, m: steps.append(m))
        assert result.source == "headings" and result.held_out_queries >= 10
        assert result.after.mrr_at_10 > result.before.mrr_at_10 + 0.05, result
        assert result.after.recall_at_5 >= result.before.recall_at_5
        assert result.switched and any("tuning the embedder" in s for s in steps)

        pointer = json.loads(ws.data.index_pointer.read_text())
        assert ws.data.index_dir.name == pointer["dir"] != old_dir.name and not old_dir.exists()
        assert ws.cfg.index.embed_model == pointer["embed_model"] == result.model_dir
        assert ws.indexer.store.chunk_count() == n_chunks  # every chunk carried over, none parsed again
        assert ws.indexer.embedder.model_dir.name == pointer["embed_model"].rsplit("/", 1)[-1]
        hit = ws.search("Piano warranty", k=1)[0]
        assert "piano" in hit.path
    finally:
        ws.close()
    again = Workspace.open(tmp_path / "data")  # a restart reads the pointer: same index, same embedder
    try:
        assert again.cfg.index.embed_model == result.model_dir and again.indexer.store.chunk_count() == n_chunks
    finally:
        again.close()
