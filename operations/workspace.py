"""The Workspace: one data dir's config, index, answer engine, chats, models, training runs and evaluation.

Each user action is one method. Long actions take `on_progress(done, total, message)` and a cancel flag
(`threading.Event`) and raise `Cancelled` when it is set. The indexer, embedder and chat model load on first
use, so a command that only lists chats never loads a model. The config is replaced, never mutated: a
change (the model choice, settings) is written to config.toml the moment it is made.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import sys
import threading
from pathlib import Path
from typing import Callable

from common.errors import ConfigError
from common.foreground import Foreground
from common.optional import require_training
from common.paths import DataDir
from common.progress import CancelFlag, ProgressFn, no_progress
from engine.answer import Engine, chunk_context
from engine.chats import Chat, ChatStore
from engine.evaluation import EvalReport
from engine.generation import Generator
from engine.models import ModelInfo, bundled_model_path, list_models, resolve_model
from engine.retrieval import Filters, Hit
from indexer import folders as folder_list
from indexer.embedders import AnyEmbedder
from indexer.pipeline import Indexer, IndexReport
from operations.choices import DEFAULT_QUANT
from operations.config import AppConfig, load_config, save_settings, setup_logging
from operations.results import ChatAnswer, DatasetResult, FolderInfo, Problem, SearchModelSwitch, Status
from training.embedder_tune import TuneResult

log = logging.getLogger(__name__)

def _sample_docs() -> Path:
    """The sample folder: in a checkout or a bundle beside the code, after `pip install .` in share/hearth."""
    beside = Path(__file__).resolve().parent.parent / "examples" / "docs"
    installed = Path(sys.prefix) / "share" / "hearth" / "examples" / "docs"
    return beside if beside.is_dir() or not installed.is_dir() else installed


SAMPLE_DOCS = _sample_docs()
EVAL_QUESTION_TOKENS = 40  # one question written by the local model for `eval --generate`
DATASET_PAIR_TOKENS = 96  # one question-answer pair written by the local model for a training set
DATASET_EXAMPLES = 40
DATASET_FILE = "from-my-files.jsonl"


class Workspace:
    """Everything one data dir holds, behind one call per user action."""

    def __init__(self, cfg: AppConfig, *, embedder: AnyEmbedder | None = None, generator: Generator | None = None,
                 long_lived: bool = False) -> None:
        """`embedder` and `generator` replace the real models (tests pass fakes). `long_lived` (the app) keeps
        vectors in memory for fast retrieval; one-shot commands skip that reload."""
        self._cfg = cfg
        self._embedder, self._generator = embedder, generator
        self.long_lived = long_lived
        self._indexer: Indexer | None = None
        self._engine: Engine | None = None
        self._watcher = None
        # Answers go first: indexing waits while one is made, in this process or another on the data dir.
        self.foreground = Foreground(cfg.data.answering_marker)
        self._lock = threading.RLock()
        self.chats = ChatStore(cfg.data.chats_dir)

    @classmethod
    def open(cls, data_dir: str | os.PathLike | None = None, *, model: str | None = None, verbose: bool = False,
             **kwargs) -> "Workspace":
        """Load the data dir's settings (with a `model` flag over them) and set up logging."""
        cfg = load_config(str(data_dir) if data_dir else None, engine={"model": model} if model else None)
        setup_logging(cfg.data, verbose)
        return cls(cfg, **kwargs)

    # -- what it holds ------------------------------------------------------------------------------
    @property
    def cfg(self) -> AppConfig:
        return self._cfg

    @property
    def data(self) -> DataDir:
        return self._cfg.data

    @property
    def indexer(self) -> Indexer:
        with self._lock:
            if self._indexer is None:
                self._indexer = Indexer(self._cfg.index, self._cfg.data, self._embedder, foreground=self.foreground)
            return self._indexer

    @property
    def engine(self) -> Engine:
        with self._lock:
            if self._engine is None:
                ix = self.indexer
                cfg = dataclasses.replace(self._cfg.engine, vector_cache=self._cfg.engine.vector_cache and self.long_lived)
                self._engine = Engine(cfg, self._cfg.data, ix.store, ix.embedder, self._generator, self.foreground)
            return self._engine

    def needs_model_preparation(self) -> bool:
        """Whether `prepare` has to assemble the bundled chat model first (a minute on the first run)."""
        from engine.models import bundled_model_ready

        return not self.chosen_model and not bundled_model_ready(self.data)

    def prepare(self, on_progress: ProgressFn = no_progress) -> None:
        """Assemble the bundled chat model if it is the one in use, then load the index and the embedder."""
        if not self._cfg.engine.model:
            on_progress(0, 0, "preparing the bundled chat model")
            bundled_model_path(self.data)
        on_progress(0, 0, "loading the embedding model")
        self.engine  # noqa: B018 (loads the indexer, the store and the embedder)

    def close(self) -> None:
        """Stop watching and release the parse workers; everything written stays written."""
        self.stop_watching()
        with self._lock:
            if self._indexer is not None:
                self._indexer.close()
        self.foreground.close()

    # -- folders and the index ----------------------------------------------------------------------
    def folders(self, records: dict | None = None) -> list[FolderInfo]:
        """Watched folders with their state and counts (`records`: the files table, when already read)."""
        summary = self.indexer.summary(records)
        out = []
        for f in folder_list.load_folders(self.data.folders_file):
            s = summary.get(f.path, {})
            state = "paused" if f.paused else ("missing" if not os.path.isdir(f.path) else "watching")
            out.append(FolderInfo(f.path, f.paused, state, s.get("files", 0), s.get("chunks", 0), s.get("problems", 0)))
        return out

    def add_folder(self, path: str | os.PathLike, index: bool = True, on_progress: ProgressFn = no_progress,
                   cancel: CancelFlag | None = None) -> IndexReport | None:
        """Watch a folder from now on and (with `index`) index it now."""
        folder = folder_list.add_folder(self.data.folders_file, path)
        return self.indexer.index_folders([folder.path], on_progress, cancel) if index else None

    def remove_folder(self, path: str | os.PathLike) -> int:
        """Stop watching a folder and forget everything indexed from it; returns how many files were dropped."""
        folder = folder_list.remove_folder(self.data.folders_file, path)
        return self.indexer.remove_folder(folder.path)

    def pause_folder(self, path: str | os.PathLike, paused: bool = True) -> None:
        """Pause or resume watching a folder (the watcher reads the list, so this takes effect at once)."""
        if not any(f.path == folder_list.normalize(path) for f in folder_list.load_folders(self.data.folders_file)):
            raise ConfigError(f"{folder_list.normalize(path)} is not a watched folder (see `folders list`).")
        folder_list.set_paused(self.data.folders_file, path, paused)

    def index(self, paths: list[str] | None = None, on_progress: ProgressFn = no_progress,
              cancel: CancelFlag | None = None, rebuild: bool = False) -> IndexReport:
        """Index folders or single files once (folders are watched from then on); all unpaused folders when
        `paths` is None. `rebuild` drops the index first."""
        if rebuild:
            self._drop_index()
        for p in paths or []:
            if Path(p).is_dir():
                folder_list.add_folder(self.data.folders_file, p)
            elif not Path(p).exists():
                raise ConfigError(f"{p} does not exist.")
        if paths is None:
            paths = [f.path for f in folder_list.load_folders(self.data.folders_file) if not f.paused]
        return self.indexer.index_folders(paths, on_progress, cancel)

    def _drop_index(self) -> None:
        from indexer.store import Store

        with self._lock:
            if self._indexer is not None:
                self._indexer.close()
            self._indexer = self._engine = None
            Store.destroy(self.data.index_dir)

    def status(self) -> Status:
        """Files per status, chunks, folders and every problem with its reason."""
        records = self.indexer.store.file_records()
        counts: dict[str, int] = {}
        for r in records.values():
            counts[r.status] = counts.get(r.status, 0) + 1
        return Status(str(self.data.root), self.folders(records), counts, self.indexer.store.chunk_count(),
                      self.problems(records))

    def problems(self, records: dict | None = None) -> list[Problem]:
        """Files that failed or were skipped, with their reasons (`records`: the files table, when already read)."""
        return [Problem(p["path"], p["status"], p["reason"]) for p in self.indexer.problems(records)]

    def retry(self, paths: list[str], on_progress: ProgressFn = no_progress,
              cancel: CancelFlag | None = None) -> IndexReport:
        """Index files with problems again even though they did not change."""
        return self.indexer.retry(paths, on_progress, cancel)

    def start_watching(self, on_report: Callable[[IndexReport], None] | None = None,
                       on_progress: ProgressFn | None = None):
        """Reconcile what changed while Hearth was closed, then keep the index current until `stop_watching`."""
        from indexer.watcher import FolderWatcher

        with self._lock:
            if self._watcher is None:
                self._watcher = FolderWatcher(self.indexer, on_report=on_report, on_progress=on_progress or no_progress)
                self._watcher.start()
            return self._watcher

    def stop_watching(self) -> None:
        with self._lock:
            watcher, self._watcher = self._watcher, None
        if watcher is not None:
            watcher.stop()

    # -- search and chats ---------------------------------------------------------------------------
    def search(self, query: str, k: int = 8, filters: Filters | None = None, hybrid: bool | None = None) -> list[Hit]:
        """Retrieval only: the best matching chunks, best first."""
        return self.engine.retrieve(query, k, filters, hybrid=hybrid)

    def ask(self, question: str, chat: str | None = None, on_token: Callable[[str], None] | None = None,
            cancel: CancelFlag | None = None, filters: Filters | None = None) -> ChatAnswer:
        """Answer from the files. With `chat` (an id, or "new") the history is used and the turn is saved."""
        conversation = None
        if chat:
            conversation = self.chats.create() if chat == "new" else self.chats.get(chat)
        ans = self.engine.ask(question, on_token, cancel, conversation.history() if conversation else None, filters)
        if conversation is not None:
            self.chats.append_turn(conversation, question, ans.to_json())
        return ChatAnswer(ans, conversation)

    def source_context(self, path: str, chunk: int) -> tuple[str, str, str]:
        """A cited chunk with the text before and after it, for showing the source in place."""
        return chunk_context(self.indexer.store, path, chunk)

    def list_chats(self) -> list[Chat]:
        return self.chats.list()

    def new_chat(self) -> Chat:
        return self.chats.create()

    def get_chat(self, chat_id: str) -> Chat:
        return self.chats.get(chat_id)

    def rename_chat(self, chat_id: str, title: str) -> Chat:
        if not title.strip():
            raise ConfigError("A chat title cannot be empty.")
        return self.chats.rename(chat_id, title.strip())

    def delete_chat(self, chat_id: str) -> None:
        self.chats.delete(chat_id)

    # -- models -------------------------------------------------------------------------------------
    def models(self) -> list[ModelInfo]:
        """Every chat model on offer: bundled, added files, and the models folder (fine-tunes included)."""
        return list_models(self.data)

    @property
    def chosen_model(self) -> str:
        """The configured chat model's path ("" for the bundled one)."""
        return self._cfg.engine.model

    def use_model(self, path: str) -> None:
        """Chat with this GGUF from now on ("" for the bundled one); the choice is saved at once."""
        if path:
            resolve_model(path, self.data)  # refuses a missing or non-GGUF file before anything changes
        save_settings(self.data, engine={"model": path})
        self._cfg = dataclasses.replace(self._cfg, engine=dataclasses.replace(self._cfg.engine, model=path))
        with self._lock:
            if self._engine is not None:
                self._engine.use_model(path)

    def add_model(self, path: str | os.PathLike) -> ModelInfo:
        """Offer a GGUF file from elsewhere from now on, and chat with it."""
        from engine.models import add_model

        info = add_model(self.data, path)
        self.use_model(info.path)
        return info

    def remove_model(self, name: str) -> Path:
        """Forget an added model or delete one in the models folder; the chat falls back to the bundled one."""
        from engine.models import remove_model

        removed = remove_model(self.data, name)
        if self.chosen_model and Path(self.chosen_model).absolute() == removed.absolute():
            self.use_model("")
        return removed

    def load_model(self) -> Generator:
        """Load the chosen chat model now rather than on the first question."""
        return self.engine.load_model()

    # -- fine-tuning --------------------------------------------------------------------------------
    def make_dataset(self, n: int = DATASET_EXAMPLES, out: Path | None = None, on_progress: ProgressFn = no_progress,
                     cancel: CancelFlag | None = None) -> DatasetResult:
        """A training set of question-answer pairs the local model writes from the indexed files."""
        from training.from_files import make_dataset

        out = Path(out or self.data.runs_dir / DATASET_FILE)
        chunks = self.indexer.store.chunk_rows(columns=["path", "text"])
        gen = self.engine.generator
        count = make_dataset(chunks, lambda p: gen.complete(p, DATASET_PAIR_TOKENS, stop=["\n\n", "Passage:"]), out,
                             n, on_progress=on_progress, cancel=cancel)
        return DatasetResult(str(out), count)

    def fine_tune(self, data_path: str | os.PathLike, name: str | None = None, train_cfg=None,
                  quant: str | None = DEFAULT_QUANT, base: str | None = None, on_report=None,
                  on_progress: ProgressFn | None = None, cancel: CancelFlag | None = None):
        """LoRA on the chat model (or `base`), exported to GGUF, verified and registered as a chat model."""
        require_training()
        from training.finetune import fine_tune
        from training.lora import TrainConfig

        if not Path(data_path).is_file():
            raise ConfigError(f"Training data {data_path} does not exist. Make a set from your indexed files in the "
                              "Fine-tune tab, or write a JSONL file of question-answer pairs.")
        cfg = train_cfg or TrainConfig()
        name = name or f"{Path(data_path).stem}-{cfg.method}"
        base_path = resolve_model(base if base is not None else self.chosen_model, self.data)
        return fine_tune(base_path, Path(data_path), self.data.models_dir, self.data.runs_dir, name, cfg, quant,
                         on_report, on_progress, cancel)

    def export(self, name: str, quant: str | None = DEFAULT_QUANT, base: str | None = None,
               on_progress: ProgressFn | None = None, cancel: CancelFlag | None = None):
        """Export a finished training run again (another quantization), verified and registered."""
        require_training("Exporting a fine-tune")
        from training.finetune import export_run

        base_path = resolve_model(base if base is not None else self.chosen_model, self.data)
        return export_run(base_path, self.data.runs_dir / name, self.data.models_dir, name, quant, on_progress, cancel)

    # -- evaluation ---------------------------------------------------------------------------------
    def evaluate(self, queries_file: str | os.PathLike, k: int = 5) -> EvalReport:
        """Hit rate, recall, MRR and nDCG of retrieval on a JSONL file of queries with their relevant files."""
        from engine.evaluation import load_queries, score

        base = next((Path(f.path) for f in folder_list.load_folders(self.data.folders_file)), None)
        queries = load_queries(Path(queries_file), base)
        depth = max(10, k)
        return score(queries, lambda q: [h.path for h in self.engine.retrieve(q, depth * 3)], k)

    def generate_eval(self, n: int, out: str | os.PathLike, on_progress: ProgressFn = no_progress,
                      cancel: CancelFlag | None = None) -> int:
        """Write `n` questions the local model makes from the index into a queries file for `evaluate`."""
        import json

        from common import atomic
        from common.progress import check_cancel
        from engine.evaluation import generate_queries

        chunks = self.indexer.store.chunk_rows(columns=["path", "text"])
        written = []

        def write_question(prompt: str) -> str:
            check_cancel(cancel)
            written.append(1)
            on_progress(len(written), n, "writing questions")
            return self._write_question(prompt)

        queries = generate_queries(chunks, write_question, n)
        atomic.write_lines(Path(out), [json.dumps({"query": q.query, "relevant": q.relevant}) for q in queries])
        return len(queries)

    def _write_question(self, prompt: str, cancel: CancelFlag | None = None) -> str:
        """One question about a passage, by the chat model (for eval sets and embedder training)."""
        return self.engine.generator.complete(prompt, EVAL_QUESTION_TOKENS, stop=["\n"], cancel=cancel)

    def tune_embedder(self, source: str = "auto", switch: bool = True, on_progress: ProgressFn = no_progress,
                      cancel: CancelFlag | None = None) -> "TuneResult":
        """Tune the embedding model on this index's chunks and measure it on held-out files. When it retrieves
        better (MRR@10), re-embed the index beside the old one and switch to both in one atomic write; the old
        index answers until then. `source`: questions by the chat model, by headings, or `auto` (headings: they
        did better in bench/embedder_tune.py, with many more pairs from the same files)."""
        import time as _time

        from indexer.embedders import load_embedder

        require_training("Tuning the search model")
        from training.embedder_tune import tune

        if source not in ("auto", "model", "headings"):
            raise ConfigError(f"source must be auto, model or headings (got {source!r}).")
        ix = self.indexer
        chunks = ix.store.chunk_rows(columns=["path", "text", "heading"])
        stamp = _time.strftime("%Y%m%d-%H%M%S")
        out = self.data.embedders_dir / f"tuned-{stamp}"
        writer = (lambda prompt: self._write_question(prompt, cancel)) if source == "model" else None
        result = tune(ix.model_dir, chunks, out, writer, device=self._cfg.index.device, on_progress=on_progress,
                      cancel=cancel)
        if not switch or result.after.mrr_at_10 <= result.before.mrr_at_10:
            return result
        embedder = load_embedder(out, ix.vector_kind, self.data, self._cfg.index.device, on_progress=on_progress)
        target, _ = self._rebuild_beside(ix, embedder, on_progress, cancel)
        self._switch_index(target, str(out))
        result.switched = True
        return result

    def switch_search_model(self, model: str = "", backend: str = "auto", on_progress: ProgressFn = no_progress,
                            cancel: CancelFlag | None = None) -> SearchModelSwitch:
        """Re-embed the index with another search model (a sentence-transformers folder; "" is the bundled one)
        or vector kind (`backend`, as `embed_backend`), beside the current index, then switch to it in one
        atomic write. Nothing is parsed again, and the current index answers searches until the switch."""
        import time as _time

        from indexer.embedders import load_embedder, resolve_kind
        from indexer.embedding import embedder_dir

        started = _time.perf_counter()
        ix = self.indexer
        model_dir = embedder_dir(model)
        kind = resolve_kind(backend, None, model_dir, self._cfg.index.device)
        embedder = load_embedder(model_dir, kind, self.data, self._cfg.index.device, on_progress=on_progress)
        target, chunks = self._rebuild_beside(ix, embedder, on_progress, cancel)
        self._switch_index(target, model, backend)
        return SearchModelSwitch(model, kind, chunks, _time.perf_counter() - started)

    def _rebuild_beside(self, ix: Indexer, embedder: AnyEmbedder, on_progress: ProgressFn,
                        cancel: CancelFlag | None) -> tuple[Path, int]:
        """A copy of the index with `embedder`'s vectors in a new folder, and its chunk count; nothing of it is
        left on failure."""
        import shutil
        import time as _time

        target = self.data.root / f"index-{_time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{_time.monotonic_ns() % 10**6}"
        try:
            copy = ix.copy_with(embedder, target, on_progress, cancel)
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        return target, copy.chunk_count()

    def _switch_index(self, target: Path, embed_model: str, backend: str | None = None) -> None:
        """Make `target` the index (one atomic write of index.json, naming its search model), drop the old one,
        and let the watcher follow. The new index opens when it is next used."""
        import shutil

        from common import atomic

        old = self.data.index_dir
        with self._lock:
            watcher = self._watcher
            self.stop_watching()
            if self._indexer is not None:
                self._indexer.close()
            atomic.write_json(self.data.index_pointer, {"dir": target.name, "embed_model": embed_model})
            index = dataclasses.replace(self._cfg.index, embed_model=embed_model)
            if backend is not None:
                save_settings(self.data, {"embed_backend": backend})
                index = dataclasses.replace(index, embed_backend=backend)
            # What load_config reads from the pointer from now on; the rest (a --model flag) stays as it was.
            self._cfg = dataclasses.replace(self._cfg, index=index)
            self._indexer = self._engine = None
            self._embedder = None
        shutil.rmtree(old, ignore_errors=True)
        if watcher is not None:  # the watcher follows the new index, with the same listeners
            self.start_watching(watcher.on_report, watcher.on_progress)

    # -- settings -----------------------------------------------------------------------------------
    def save_settings(self, index: dict | None = None, engine: dict | None = None) -> AppConfig:
        """Change settings in config.toml; most take effect the next time Hearth starts."""
        saved = save_settings(self.data, index, engine)
        model = (engine or {}).get("model", self._cfg.engine.model)  # a --model flag outlives a settings change
        self._cfg = dataclasses.replace(self._cfg, index=saved.index, engine=dataclasses.replace(saved.engine, model=model))
        return self._cfg
