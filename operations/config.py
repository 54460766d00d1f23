"""Settings for the whole app, merged in one place: defaults < the data dir's config.toml < command-line flags.

The loaded `AppConfig` is never changed in place: a change makes a new one and is written at once."""

from __future__ import annotations

import dataclasses
import logging
import logging.handlers
import tomllib
from dataclasses import dataclass
from typing import Any

from engine.config import EngineConfig
from common.paths import DataDir, resolve_data_dir
from indexer.config import IndexConfig
from common import atomic
from common.errors import ConfigError

CONFIG_TEMPLATE = """# Hearth settings. Remove a line to get the default back.
[index]
# embed_model = ""        # a sentence-transformers folder; empty = bundled all-MiniLM-L6-v2
# chunk_tokens = 200
# chunk_overlap = 32
# max_file_mb = 50
# parse_timeout_s = 60
# ignore = ["*.log", "drafts/"]
# use_gitignore = true

[engine]
# model = ""              # a GGUF file; empty = bundled Gemma 3 270M
# n_ctx = 4096
# threads = 0             # 0 = all cores
# gpu_layers = 0
# top_k = 6
"""


@dataclass(frozen=True)
class AppConfig:
    data: DataDir
    index: IndexConfig
    engine: EngineConfig


def _build(cls: type, values: dict[str, Any], section: str) -> Any:
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - names)
    if unknown:
        raise ConfigError(f"Unknown setting(s) in [{section}]: {', '.join(unknown)}. Known: {', '.join(sorted(names))}.")
    try:
        return cls(**values)
    except TypeError as exc:
        raise ConfigError(f"Bad value in [{section}]: {exc}")


def load_config(data_dir: str | None = None, index: dict | None = None, engine: dict | None = None) -> AppConfig:
    """Resolve the data dir, read its config.toml (writing a commented template the first time), apply flags."""
    data = resolve_data_dir(data_dir).ensure()
    if not data.config_file.exists():
        atomic.write_text(data.config_file, CONFIG_TEMPLATE)
    try:
        file_values = tomllib.loads(data.config_file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{data.config_file} is not valid TOML ({exc}); fix it or delete it to get the defaults.")
    unknown = sorted(set(file_values) - {"index", "engine"})
    if unknown:
        raise ConfigError(f"Unknown section(s) in {data.config_file}: {', '.join(unknown)}.")
    # An index rebuilt with a tuned embedder names that embedder beside itself (see DataDir.index_pointer).
    pointer = {"embed_model": data.index_override()["embed_model"]} if "embed_model" in data.index_override() else {}
    idx = {**file_values.get("index", {}), **pointer, **(index or {})}
    eng = {**file_values.get("engine", {}), **(engine or {})}
    return AppConfig(data, _build(IndexConfig, idx, "index"), _build(EngineConfig, eng, "engine"))


def setup_logging(data: DataDir, verbose: bool = False) -> None:
    """Everything to the data dir's log file; warnings (or everything with -v) to stderr."""
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    for h in list(root.handlers):
        root.removeHandler(h)
    fh = logging.handlers.RotatingFileHandler(data.log_file, maxBytes=5_000_000, backupCount=3, encoding="utf-8")
    fh.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(fh)
    sh = logging.StreamHandler()
    sh.setLevel(logging.INFO if verbose else logging.WARNING)
    sh.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    root.addHandler(sh)
    for noisy in ("sentence_transformers", "httpx", "urllib3", "filelock", "watchdog"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'


def save_config(cfg: AppConfig) -> None:
    """Write the settings that differ from the defaults to config.toml (temp file, then rename)."""
    lines = ["# Hearth settings (written by the app; edit freely)."]
    for section, obj, default in (("index", cfg.index, IndexConfig()), ("engine", cfg.engine, EngineConfig())):
        lines.append(f"\n[{section}]")
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if value != getattr(default, f.name):
                lines.append(f"{f.name} = {_toml_value(value)}")
    atomic.write_text(cfg.data.config_file, "\n".join(lines) + "\n")


def save_settings(data: DataDir, index: dict | None = None, engine: dict | None = None) -> AppConfig:
    """Change some settings in config.toml, keeping the others as the file has them (not as flags had them)."""
    on_disk = load_config(str(data.root))
    try:
        cfg = AppConfig(data, dataclasses.replace(on_disk.index, **(index or {})),
                        dataclasses.replace(on_disk.engine, **(engine or {})))
    except TypeError as exc:
        raise ConfigError(f"Unknown setting: {exc}") from None
    save_config(cfg)
    return cfg
