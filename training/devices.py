"""Where a fine-tune runs and in what precision: CUDA (bf16, or fp16 on GPUs without bf16), then Apple's MPS,
then the CPU (fp32). Also whether the base is loaded in 4 bits (QLoRA), which a small GPU needs for 1-3B models."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from common.errors import ConfigError

log = logging.getLogger(__name__)

DEVICES = ("auto", "cuda", "mps", "cpu")
BASE_BITS = ("auto", "16", "4")
# LoRA's peak GPU memory per byte of fp32 base weights, measured with bench/train_gpu.py on Gemma 3 270M, 1B
# and 4B (batch 4, 256 tokens): 2.7, 2.3 and 2.0. QLoRA is chosen on its own when that estimate passes this
# share of the free memory (an 8 GB card trains 270M in 16 bits, 1B and up in 4).
LORA_PEAK_PER_WEIGHT_BYTE = 2.7
GPU_HEADROOM = 0.9
BNB_PIN = "bitsandbytes==0.50.2"


@dataclass(frozen=True)
class TrainDevice:
    device: str  # a torch device string
    compute_dtype: str  # what the forward and backward passes run in: bfloat16, float16 or float32
    name: str  # for people: "NVIDIA GeForce RTX 4060 Laptop GPU", "Apple GPU", "CPU"
    free_bytes: int = 0  # free accelerator memory when chosen (0 on the CPU)

    def describe(self) -> str:
        return f"{self.name} ({self.device}, {self.compute_dtype})"

    @property
    def needs_grad_scaler(self) -> bool:
        """fp16 gradients underflow without loss scaling; bf16 and fp32 do not need it."""
        return self.compute_dtype == "float16"


def pick_device(setting: str = "auto") -> TrainDevice:
    """`auto`: CUDA, then MPS, then CPU. An explicit device that is absent is an error, not a silent fallback."""
    import torch

    if setting not in DEVICES:
        raise ConfigError(f"device must be one of {', '.join(DEVICES)} (got {setting!r}).")
    cuda = torch.cuda.is_available()
    mps = bool(getattr(torch.backends, "mps", None) and torch.backends.mps.is_available())
    if setting == "cuda" and not cuda:
        raise ConfigError("No CUDA GPU is visible to torch (is the CUDA build of torch installed?); use device auto.")
    if setting == "mps" and not mps:
        raise ConfigError("Apple's MPS is not available on this machine; use device auto.")
    if cuda and setting in ("auto", "cuda"):
        free, _ = torch.cuda.mem_get_info()
        dtype = "bfloat16" if torch.cuda.is_bf16_supported() else "float16"
        chosen = TrainDevice("cuda", dtype, torch.cuda.get_device_name(), int(free))
    elif mps and setting in ("auto", "mps"):
        chosen = TrainDevice("mps", "float32", "Apple GPU")  # bf16 autocast on MPS is not dependable yet
    else:
        chosen = TrainDevice("cpu", "float32", "CPU")
    log.info("training on %s", chosen.describe())
    return chosen


def bitsandbytes_available() -> bool:
    try:
        import bitsandbytes  # noqa: F401
    except Exception:  # noqa: BLE001 (a broken CUDA setup raises more than ImportError)
        return False
    return True


def use_four_bit(setting: str, device: TrainDevice, n_params: int) -> bool:
    """Whether to load the base in 4 bits: `4` always, `16` never, `auto` on a GPU the base would crowd."""
    if setting not in BASE_BITS:
        raise ConfigError(f"base_bits must be one of {', '.join(BASE_BITS)} (got {setting!r}).")
    if setting == "16":
        return False
    if setting == "4":
        if not bitsandbytes_available():
            raise ConfigError(f"A 4-bit base (QLoRA) needs bitsandbytes: pip install {BNB_PIN}")
        return True
    crowded = device.device == "cuda" and n_params * 4 * LORA_PEAK_PER_WEIGHT_BYTE > GPU_HEADROOM * device.free_bytes
    if crowded and not bitsandbytes_available():
        log.warning("the base nearly fills the GPU; pip install %s to train it in 4 bits (QLoRA)", BNB_PIN)
        return False
    return crowded
