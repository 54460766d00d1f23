"""Parts a download of Hearth may leave out, and where a bundled app keeps its own files.

The app bundle's core variant (packaging/) ships without torch: chat, indexing and search run on llama.cpp and
ONNX Runtime, while fine-tuning, the torch embedding fallback and tuning the search model need torch."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from common.errors import HearthError

TRAINING_MODULES = ("torch", "transformers", "peft")
TRAINING_MISSING = (
    "{what} needs torch, which this download of Hearth leaves out to stay small. Use the full download "
    "(hearth-full-<version>-linux-x86_64.tar.gz, same app plus fine-tuning), or install Hearth from source "
    "(`make run` in a checkout, or `pip install .`).")


class FeatureMissing(HearthError):
    """The feature asked for is not part of this installation; the message says how to get it."""


def training_available() -> bool:
    """Whether torch, transformers and peft can be imported (found without importing them: that takes seconds)."""
    return all(importlib.util.find_spec(name) is not None for name in TRAINING_MODULES)


def torch_embedder_available() -> bool:
    """Whether the sentence-transformers (torch) embedding backend can be used."""
    return all(importlib.util.find_spec(name) is not None for name in ("torch", "sentence_transformers"))


def require_training(what: str = "Fine-tuning") -> None:
    if not training_available():
        raise FeatureMissing(TRAINING_MISSING.format(what=what))


def require_torch_embedder(what: str) -> None:
    if not torch_embedder_available():
        raise FeatureMissing(TRAINING_MISSING.format(what=what))


def bundle_dir() -> Path | None:
    """The folder of a bundled (PyInstaller) app's own files, or None when Hearth runs from Python."""
    root = getattr(sys, "_MEIPASS", None)
    return Path(root) if getattr(sys, "frozen", False) and root else None
