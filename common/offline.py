"""Hugging Face libraries must never reach for the network: Hearth ships its models."""

import logging
import os


def offline_mode() -> None:
    """Set the variables that keep transformers, huggingface_hub and tokenizers offline and quiet."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # bitsandbytes' CPU backend offers to fetch a faster kernel from the Hub ("pip install kernels") whenever
    # peft imports it; Hearth never downloads, so that advice is noise.
    logging.getLogger("bitsandbytes.backends.cpu.ops").setLevel(logging.ERROR)
