"""User operations: every action a person can take is one `Workspace` method that the CLI, the GUI and the
tests share. Nothing above this layer wires the indexer, engine or training together itself, and nothing above
it imports them: the types the CLI and the GUI need are re-exported here (loaded on first use, so that
`hearth --help` stays instant)."""

from operations.choices import DEFAULT_QUANT, QUANT_NOTES, QUANTS

_LAZY = {"Workspace": "operations.workspace", "SAMPLE_DOCS": "operations.workspace",
         "Filters": "engine.retrieval", "TrainConfig": "training.lora",
         "training_available": "common.optional", "TRAINING_MISSING": "common.optional"}

__all__ = ["DEFAULT_QUANT", "Filters", "QUANT_NOTES", "QUANTS", "SAMPLE_DOCS", "TRAINING_MISSING", "TrainConfig",
           "Workspace", "training_available"]


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'operations' has no attribute {name!r}")
