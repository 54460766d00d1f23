"""Which embedding backend makes an index's vectors, and loading it: ONNX Runtime (int8 or fp32) by default,
sentence-transformers on torch as the fallback. An index records the kind of its vectors and never mixes two."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import shutil
from pathlib import Path
from typing import Union

from common import atomic
from common.errors import ConfigError, HearthError
from common.optional import bundle_dir, require_torch_embedder, torch_embedder_available
from common.paths import DataDir
from common.progress import ProgressFn, no_progress
from indexer.embedding import Embedder
from indexer.onnx_embedding import OnnxEmbedder

log = logging.getLogger(__name__)

TORCH = "torch-fp32"
ONNX_FP32 = "onnx-fp32"
ONNX_INT8 = "onnx-int8"
VECTOR_KINDS = (ONNX_INT8, ONNX_FP32, TORCH)
BACKEND_SETTINGS = ("auto", "onnx", "torch", *VECTOR_KINDS)
EXPORT_VERSION = 1  # bump when onnx_export.py changes what it writes
# Where exports are kept instead of the data dir's `embedders/` (the tests share one across data dirs).
CACHE_ENV = "HEARTH_EMBEDDER_CACHE"
_MODEL_FILES = {".json", ".safetensors", ".bin", ".txt", ".model"}

AnyEmbedder = Union[Embedder, OnnxEmbedder]


def cpu_int8_is_fast() -> bool:
    """int8 pays off with AVX2 or VNNI on x86 and on every 64-bit ARM; elsewhere fp32 is as fast and exact."""
    machine = platform.machine().lower()
    if machine in ("arm64", "aarch64"):
        return True
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return True  # not Linux: every x86-64 Mac or Windows PC of the last decade has AVX2
    return any(f in flags for f in (" avx2", " avx512_vnni", " avx_vnni"))


def nvidia_gpu_present() -> bool:
    """A cheap look for an NVIDIA driver, without importing torch (which costs seconds)."""
    return os.path.exists("/proc/driver/nvidia/version") or shutil.which("nvidia-smi") is not None


def onnx_cuda_available() -> bool:
    import onnxruntime as ort

    return "CUDAExecutionProvider" in ort.get_available_providers()


def resolve_kind(setting: str, stored: str | None, model_dir: Path, device: str = "auto") -> str:
    """The vector kind a new embedder should make. `auto` keeps what an existing index has (`stored`); a fresh
    index gets ONNX Runtime: fp32 on a CUDA provider, int8 on a CPU that runs it fast, fp32 otherwise. A GPU
    that ONNX Runtime cannot use goes to torch, and so does a model the exporter does not cover."""
    if setting not in BACKEND_SETTINGS:
        raise ConfigError(f"embed_backend must be one of {', '.join(BACKEND_SETTINGS)} (got {setting!r}).")
    if setting == "auto" and stored:
        return stored
    if setting in VECTOR_KINDS:
        return setting
    if setting == "torch":
        return TORCH
    from indexer.onnx_export import ExportUnsupported, pooling_mode

    try:
        pooling_mode(model_dir)
    except ExportUnsupported as e:
        if setting == "onnx":
            raise ConfigError(f"{e}. Set embed_backend to auto or torch.") from e
        log.info("%s; using torch", e)
        require_torch_embedder(f"The search model {model_dir} ({e})")
        return TORCH
    wants_gpu = device in ("auto", "cuda") and nvidia_gpu_present()
    if wants_gpu:
        if onnx_cuda_available():
            return ONNX_FP32
        if setting == "auto" and torch_embedder_available():
            return TORCH  # sentence-transformers on CUDA beats ONNX Runtime on the CPU
    # Without torch (the app bundle's core) only the shipped int8 export exists: slower on old CPUs, still right.
    return ONNX_INT8 if cpu_int8_is_fast() or not torch_embedder_available() else ONNX_FP32


def model_fingerprint(model_dir: Path, memo_file: Path | None = None) -> str:
    """sha256 over the folder's model files. Each file's digest is remembered by (size, mtime) in `memo_file`,
    so only a changed file is read again."""
    memo: dict = {}
    if memo_file and memo_file.exists():
        try:
            memo = json.loads(memo_file.read_text())
        except (OSError, ValueError):
            memo = {}
    total, changed = hashlib.sha256(), False
    for path in sorted(p for p in Path(model_dir).rglob("*") if p.is_file() and p.suffix in _MODEL_FILES):
        st = path.stat()
        key, sig = str(path.resolve()), [st.st_size, st.st_mtime_ns]
        entry = memo.get(key)
        if not entry or entry[:2] != sig:
            digest = hashlib.sha256()
            with open(path, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    digest.update(block)
            memo[key], changed = [*sig, digest.hexdigest()], True
        total.update(path.relative_to(model_dir).as_posix().encode() + b"\0" + memo[key][2].encode())
    if memo_file and changed:
        atomic.write_json(memo_file, memo)
    return total.hexdigest()


def export_name(model_dir: Path, fingerprint: str, kind: str) -> str:
    """The cache's file name for one model's export of one kind (packaging/build.py makes the same names)."""
    return f"{Path(model_dir).name}-{fingerprint}-v{EXPORT_VERSION}-{kind}.onnx"


def onnx_file(model_dir: Path, kind: str, data: DataDir, on_progress: ProgressFn = no_progress) -> Path:
    """The cached export of this model for this kind, built (tens of seconds, once) when missing. A bundled app
    ships the exports of its own model (`embedders/` beside its files), made when it was packaged."""
    cache = Path(os.environ[CACHE_ENV]) if os.environ.get(CACHE_ENV) else data.embedders_dir
    key = model_fingerprint(model_dir, cache / "fingerprints.json")[:16]
    name = export_name(model_dir, key, kind)
    shipped = bundle_dir()
    if shipped and (shipped / "embedders" / name).exists():
        return shipped / "embedders" / name
    path = cache / name
    if not path.exists():
        require_torch_embedder(f"Preparing the search model {model_dir} for ONNX Runtime")
        from indexer.onnx_export import export_onnx

        on_progress(0, 0, "preparing the fast embedder (once per model)")
        try:
            export_onnx(Path(model_dir), path, kind.removeprefix("onnx-"))
        except HearthError:
            raise
        except Exception as e:  # noqa: BLE001 (torch.onnx raises many unrelated classes)
            reason = str(e).strip().splitlines()[0][:200] if str(e).strip() else type(e).__name__
            raise HearthError(f"Could not export {model_dir} to ONNX ({reason}). Set embed_backend = \"torch\" in "
                              "config.toml and rebuild the index with `hearth index --rebuild`.") from e
    return path


def load_embedder(model_dir: Path, kind: str, data: DataDir, device: str = "auto", batch_size: int = 64,
                  on_progress: ProgressFn = no_progress) -> AnyEmbedder:
    """The embedder that makes vectors of `kind` (see `resolve_kind`)."""
    if kind == TORCH:
        require_torch_embedder("An index made with the torch embedding backend")
        return Embedder(model_dir, device, batch_size)
    if kind not in VECTOR_KINDS:
        raise ConfigError(f"Unknown vector kind {kind!r}.")
    path = onnx_file(model_dir, kind, data, on_progress)
    use_cuda = device in ("auto", "cuda") and kind == ONNX_FP32 and onnx_cuda_available()
    return OnnxEmbedder(model_dir, path, kind, use_cuda, batch_size)
