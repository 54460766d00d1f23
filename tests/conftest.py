"""Shared fixtures: the real embedder loaded once per session, a temp data dir per test, thread-leak checks."""

from __future__ import annotations

import os
import tempfile
import threading
import time
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# One ONNX export of the bundled embedder for every test data dir and subprocess of a run (about 10 s each).
os.environ.setdefault("HEARTH_EMBEDDER_CACHE", str(Path(tempfile.gettempdir()) / f"hearth-test-embedders-{os.getuid()}"))

from common.paths import resolve_data_dir
from indexer.config import IndexConfig# noqa: E402


@pytest.fixture(scope="session")
def embedder(tmp_path_factory):
    """The embedder a new index gets by default (ONNX Runtime int8 on this CPU), on the CPU."""
    from indexer.embedders import load_embedder, resolve_kind
    from indexer.embedding import bundled_embedder_dir

    model = bundled_embedder_dir()
    data = resolve_data_dir(tmp_path_factory.mktemp("embedder")).ensure()
    return load_embedder(model, resolve_kind("auto", None, model, "cpu"), data, "cpu", 64)


@pytest.fixture(scope="session")
def torch_embedder():
    """sentence-transformers on torch: the fallback backend, and the reference ONNX vectors are checked against."""
    from indexer.embedding import Embedder, bundled_embedder_dir

    return Embedder(bundled_embedder_dir(), "cpu", 64)


@pytest.fixture
def data_dir(tmp_path):
    return resolve_data_dir(tmp_path / "data").ensure()


@pytest.fixture
def make_indexer(data_dir, embedder):
    """Build Indexers on the test's data dir that share the session embedder; all are closed afterwards."""
    from indexer.pipeline import Indexer

    made = []

    def make(**cfg) -> Indexer:
        cfg.setdefault("parse_timeout_s", 30)
        ix = Indexer(IndexConfig(**cfg), data_dir, embedder)
        made.append(ix)
        return ix

    yield make
    for ix in made:
        ix.close()


# Process-wide helper threads that libraries start once and keep.
LIBRARY_SINGLETONS = {"tqdm_monitor", "LanceDBBackgroundEventLoop"}


@pytest.fixture(autouse=True)
def no_leaked_threads():
    """A test must stop every thread it started (watchers, observers, workers)."""
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 5
    while True:
        leaked = [t for t in set(threading.enumerate()) - before if t.is_alive() and t.name not in LIBRARY_SINGLETONS
                  and not isinstance(t, threading._DummyThread)]  # Qt pool threads are checked by the GUI tests
        if not leaked or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert not leaked, f"threads left running: {[t.name for t in leaked]}"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)
    return path


def random_examples(seed: int, n: int = 8) -> list:
    """Tiny training examples for the tiny models: 21 random token ids each, the loss on the last 11."""
    import random

    from training.data import Tokenized

    rng = random.Random(seed)
    out = []
    for _ in range(n):
        ids = [2] + [rng.randrange(300, 5000) for _ in range(20)]
        out.append(Tokenized(ids, [-100] * 10 + ids[10:]))
    return out


def search_paths(ix, query: str, k: int = 5) -> list[str]:
    from engine.retrieval import vector_search

    return [h.path for h in vector_search(ix.store, ix.embedder.embed_query(query), k)]


# -- the fast tier: fakes instead of real models -------------------------------------------------------
@pytest.fixture
def fake_embedder():
    from tests.fakes import WordEmbedder

    return WordEmbedder()


@pytest.fixture
def fake_generator():
    from tests.fakes import ScriptedGenerator

    return ScriptedGenerator()


@pytest.fixture
def workspace(tmp_path, fake_embedder, fake_generator):
    """A Workspace on a temp data dir with the fake embedder and scripted generator; closed afterwards."""
    from operations import Workspace

    ws = Workspace.open(tmp_path / "data", embedder=fake_embedder, generator=fake_generator)
    yield ws
    ws.close()


@pytest.fixture
def real_workspace(tmp_path, embedder, fake_generator):
    """A Workspace with the real bundled embedder (ONNX int8) and the scripted generator: end-to-end search."""
    from operations import Workspace

    ws = Workspace.open(tmp_path / "data", embedder=embedder, generator=fake_generator)
    yield ws
    ws.close()


# Fixtures that load a real model: a test using any of them belongs to the end-to-end tier.
REAL_MODEL_FIXTURES = {"embedder", "real_workspace", "torch_embedder", "make_indexer", "generator", "sample_engine", "chat_model", "window", "tokenizer",
                       "vocab_gguf"}


def pytest_collection_modifyitems(config, items):
    """Mark every test that loads a real model (by its fixtures, or its module's `pytestmark`) as e2e, so that
    `-m "not e2e"` is the fast tier."""
    for item in items:
        if REAL_MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.e2e)
