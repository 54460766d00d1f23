"""User operations: every action a person can take is one `Workspace` method that the CLI, the GUI and the
tests share. Nothing above this layer wires the indexer, engine or training together itself, and nothing above
it imports them: the types the CLI and the GUI need are re-exported here."""

from engine.retrieval import Filters
from operations.workspace import QUANTS, SAMPLE_DOCS, Workspace
from training.lora import TrainConfig

__all__ = ["Filters", "QUANTS", "SAMPLE_DOCS", "TrainConfig", "Workspace"]
