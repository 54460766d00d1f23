"""Where everything Hearth writes lives. The data dir comes from `--data-dir`, then `HEARTH_HOME`, then the
platform's user data dir."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DataDir:
    """The data dir's layout: config, index, watched folders, chats, models and their registry, runs, logs."""

    root: Path

    @property
    def config_file(self) -> Path:
        return self.root / "config.toml"

    @property
    def index_pointer(self) -> Path:
        """Which index folder is current, and the embedding model that made it, once an index was rebuilt
        beside the old one (a tuned embedder). Writing this one file atomically is the switch."""
        return self.root / "index.json"

    def index_override(self) -> dict:
        """The pointer's contents: {"dir": folder name, "embed_model": path}, or {} when there is none."""
        try:
            value = json.loads(self.index_pointer.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return value if isinstance(value, dict) and isinstance(value.get("dir"), str) else {}

    @property
    def index_dir(self) -> Path:
        return self.root / self.index_override().get("dir", "index")

    @property
    def folders_file(self) -> Path:
        return self.root / "folders.json"

    @property
    def models_dir(self) -> Path:
        return self.root / "models"

    @property
    def models_registry(self) -> Path:
        """GGUF files the person added from elsewhere (exports in `models_dir` need no entry)."""
        return self.root / "models.json"

    @property
    def chats_dir(self) -> Path:
        return self.root / "chats"

    @property
    def runs_dir(self) -> Path:
        return self.root / "runs"

    @property
    def embedders_dir(self) -> Path:
        """ONNX exports of embedding models, built once per model and precision."""
        return self.root / "embedders"

    @property
    def answering_marker(self) -> Path:
        """Locked (shared) by every process while it makes an answer, so indexing elsewhere steps aside."""
        return self.root / "answering.lock"

    @property
    def log_file(self) -> Path:
        return self.root / "logs" / "hearth.log"

    def ensure(self) -> "DataDir":
        for d in (self.root, self.index_dir, self.models_dir, self.chats_dir, self.log_file.parent):
            d.mkdir(parents=True, exist_ok=True)
        return self


def resolve_data_dir(flag: str | os.PathLike | None = None) -> DataDir:
    """`--data-dir` wins, then `HEARTH_HOME`, then the platform's user data dir."""
    if flag:
        return DataDir(Path(flag).expanduser().resolve())
    env = os.environ.get("HEARTH_HOME")
    if env:
        return DataDir(Path(env).expanduser().resolve())
    import platformdirs

    return DataDir(Path(platformdirs.user_data_dir("Hearth", appauthor=False)))
