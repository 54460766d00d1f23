"""ONNX Runtime embeddings: they agree with torch, an index keeps one kind of vectors, and searching needs no torch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from common.errors import ConfigError
from indexer import embedders
from indexer.config import IndexConfig
from indexer.embedders import ONNX_FP32, ONNX_INT8, TORCH, load_embedder, model_fingerprint, resolve_kind
from indexer.embedding import bundled_embedder_dir
from indexer.pipeline import Indexer

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "docs"


def sample_texts() -> list[str]:
    """Real prose of different lengths: each sample file's paragraphs, and a few short queries."""
    out = ["how long does the dough rise?", "chain lubrication", "phone number of the plumber"]
    for f in sorted(SAMPLE.iterdir()):
        out += [p for p in f.read_text(encoding="utf-8").split("\n\n") if len(p.split()) > 3]
    return out


@pytest.mark.parametrize("kind, floor", [(ONNX_FP32, 0.99), (ONNX_INT8, 0.97)])
def test_onnx_vectors_agree_with_torch_per_chunk(kind, floor, torch_embedder, data_dir):
    onnx = load_embedder(bundled_embedder_dir(), kind, data_dir, "cpu")
    texts = sample_texts()
    a, b = onnx.embed(texts), torch_embedder.embed(texts)
    cos = (a * b).sum(1)
    assert a.shape == b.shape and a.dtype == np.float32
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-4)
    assert cos.min() >= floor, f"{kind}: least cosine {cos.min():.4f} on {texts[int(cos.argmin())][:60]!r}"
    # Padding must not change a vector: one text alone against the same text in a mixed batch. Exact for fp32;
    # int8 quantizes activations with one scale per batch, so a vector moves a little with its batch-mates.
    alone = onnx.embed([texts[5]])[0]
    assert float(alone @ a[5]) > (0.9999 if kind == ONNX_FP32 else floor)


@pytest.mark.parametrize("which", ["embedder", "torch_embedder"])
def test_a_pause_between_runs_leaves_the_vectors_as_they_were(which, request):
    """Indexing pauses between runs of the model while an answer is made; the vectors must not notice."""
    emb = request.getfixturevalue(which)
    texts = sample_texts() * 4  # more than one run of either backend (8 and 64 texts a run on the CPU)
    pauses = []
    paused = emb.embed(texts, lambda: pauses.append(1))
    assert len(pauses) == -(-len(texts) // emb.batch_size) > 1
    assert np.allclose(paused, emb.embed(texts), atol=1e-5)


def test_an_index_keeps_one_kind_of_vectors(embedder, data_dir, tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# Kettle\n\nDescale the kettle with vinegar once a month.\n")
    ix = Indexer(IndexConfig(), data_dir, embedder)
    ix.index_folders([tmp_path / "docs"])
    ix.close()
    assert json.loads((data_dir.index_dir / "meta.json").read_text())["vectors"] == embedder.kind == ONNX_INT8

    with pytest.raises(ConfigError, match="never mixed.*search-model --backend"):
        Indexer(IndexConfig(embed_backend="torch"), data_dir)
    again = Indexer(IndexConfig(embed_backend="auto"), data_dir)  # auto keeps what the index has
    assert again.vector_kind == ONNX_INT8
    again.close()


def test_an_index_from_before_vector_kinds_counts_as_torch(embedder, data_dir, tmp_path):
    ix = Indexer(IndexConfig(), data_dir, embedder)
    ix.close()
    meta = data_dir.index_dir / "meta.json"
    old = {k: v for k, v in json.loads(meta.read_text()).items() if k != "vectors"}
    meta.write_text(json.dumps(old))
    assert Indexer(IndexConfig(), data_dir).vector_kind == TORCH  # an upgrade keeps answering from the old index
    with pytest.raises(ConfigError, match="torch-fp32, not onnx-int8"):
        Indexer(IndexConfig(embed_backend=ONNX_INT8), data_dir)


def test_search_imports_neither_torch_nor_sentence_transformers(embedder, data_dir, tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "b.md").write_text("# Boiler\n\nThe boiler service is due every October.\n")
    ix = Indexer(IndexConfig(), data_dir, embedder)
    ix.index_folders([tmp_path / "docs"])
    ix.close()
    probe = (
        "import sys, cli\n"
        f"sys.argv = ['hearth', 'search', '--data-dir', {str(data_dir.root)!r}, '--json', 'when is the boiler service']\n"
        "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
        "print('LOADED', sorted(m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "b.md" in out.stdout, out.stderr[-2000:]
    assert "LOADED []" in out.stdout


# -- the fast tier: the choice of backend and the cache key -------------------------------------------
def test_auto_picks_onnx_int8_on_this_cpu_and_torch_for_a_gpu_onnx_cannot_use(monkeypatch):
    model = bundled_embedder_dir()
    monkeypatch.setattr(embedders, "nvidia_gpu_present", lambda: False)
    monkeypatch.setattr(embedders, "cpu_int8_is_fast", lambda: True)
    assert resolve_kind("auto", None, model) == ONNX_INT8
    assert resolve_kind("auto", TORCH, model) == TORCH  # an existing index keeps its kind
    assert resolve_kind("torch", None, model) == TORCH
    monkeypatch.setattr(embedders, "cpu_int8_is_fast", lambda: False)
    assert resolve_kind("onnx", None, model) == ONNX_FP32
    monkeypatch.setattr(embedders, "nvidia_gpu_present", lambda: True)
    monkeypatch.setattr(embedders, "onnx_cuda_available", lambda: False)
    assert resolve_kind("auto", None, model) == TORCH
    assert resolve_kind("auto", None, model, device="cpu") == ONNX_FP32
    monkeypatch.setattr(embedders, "onnx_cuda_available", lambda: True)
    assert resolve_kind("auto", None, model) == ONNX_FP32
    with pytest.raises(ConfigError, match="embed_backend must be one of"):
        resolve_kind("tensorrt", None, model)


def test_a_model_the_exporter_does_not_cover_stays_on_torch(tmp_path):
    model = tmp_path / "dense-model"
    model.mkdir()
    (model / "modules.json").write_text(json.dumps([
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "2_Dense", "type": "sentence_transformers.models.Dense"},
    ]))
    assert resolve_kind("auto", None, model) == TORCH
    with pytest.raises(ConfigError, match="Dense"):
        resolve_kind("onnx", None, model)


def test_fingerprint_follows_content_and_rereads_only_changed_files(tmp_path, monkeypatch):
    model = tmp_path / "m"
    model.mkdir()
    (model / "config.json").write_text('{"hidden_size": 8}')
    (model / "model.safetensors").write_bytes(b"weights-1")
    memo = tmp_path / "fingerprints.json"
    first = model_fingerprint(model, memo)
    assert model_fingerprint(model, memo) == first
    (model / "model.safetensors").write_bytes(b"weights-2")
    second = model_fingerprint(model, memo)
    assert second != first
    opened = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda p, *a, **k: (opened.append(str(p)), real_open(p, *a, **k))[1])
    assert model_fingerprint(model, memo) == second
    assert not [p for p in opened if "safetensors" in p]  # unchanged files are not read again


def test_switching_the_vector_kind_reembeds_beside_while_the_old_index_answers(real_workspace, tmp_path):
    """`hearth search-model --backend onnx-fp32` on an int8 index: searches keep working during the copy, the
    switch is one write, nothing is parsed again, and a restart opens the new index with the new kind."""
    from operations import Workspace

    ws = real_workspace
    docs = tmp_path / "docs"
    docs.mkdir()
    for i, line in enumerate(["Descale the kettle with vinegar once a month.", "The boiler service is due in October.",
                              "Bleed the radiators before the first frost."]):
        (docs / f"n{i}.md").write_text(f"# Note {i}\n\n{line}\n")
    ws.add_folder(docs)
    old_dir = ws.data.index_dir
    assert ws.indexer.vector_kind == ONNX_INT8
    during = []

    def progress(done, total, message):
        if message == "embedding the index again":
            during.append(ws.search("kettle vinegar", k=1)[0].path)  # the old index, mid-copy

    result = ws.switch_search_model("", "onnx-fp32", progress)
    assert result.vectors == ONNX_FP32 and result.chunks == 3
    assert during and set(during) == {str(docs / "n0.md")}
    assert ws.data.index_dir != old_dir and not old_dir.exists()
    assert json.loads((ws.data.index_dir / "meta.json").read_text())["vectors"] == ONNX_FP32
    assert ws.search("when is the boiler serviced", k=1)[0].path == str(docs / "n1.md")
    assert ws.indexer.embedder.kind == ONNX_FP32

    again = Workspace.open(ws.data.root)  # a restart reads the pointer and the saved backend
    try:
        assert again.indexer.vector_kind == ONNX_FP32
        assert again.search("radiators frost", k=1)[0].path == str(docs / "n2.md")
        assert again.index([str(docs)]).files_unchanged == 3  # nothing to embed again
    finally:
        again.close()
