"""Reading GGUF files fast: the `gguf` package's reader, with its metadata parsed without numpy.memmap's
Python-level slicing.

The stock reader takes every one of a vocabulary's 262,144 tokens, scores and types as separate memmap
slices; for the bundled Gemma that is about 16 s per read, and loading a base through transformers read it
three times (51 s of the 83 s `load_base` took). The fields and tensors it returns are the same
(tests/test_gguf_read_fast.py compares them with the stock reader's).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, Iterator

import gguf
import numpy as np
from gguf import GGUFValueType

_LENGTH = np.dtype(np.uint64)  # a GGUF string's length prefix and an array's element count


class FastGGUFReader(gguf.GGUFReader):
    """`gguf.GGUFReader`, read-only. Flat arrays (all a model file holds) are parsed in one pass; nested ones,
    which no GGUF llama.cpp writes holds, the stock way."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(path, mode="r")

    def _plain(self) -> np.ndarray:
        # A plain ndarray over the same map: slicing it runs in C, a memmap's slicing runs Python per slice.
        plain = getattr(self, "_plain_data", None)
        if plain is None:  # the stock __init__ sets self.data, then reads through _get
            plain = self._plain_data = self.data.view(np.ndarray)
        return plain

    def _get(self, offset: int, dtype: Any, count: int = 1, override_order: str | None = None) -> np.ndarray:
        dtype, count = np.dtype(dtype), int(count)
        arr = self._plain()[offset : offset + dtype.itemsize * count].view(dtype)[:count]
        return arr.view(arr.dtype.newbyteorder(self.byte_order if override_order is None else override_order))

    def _get_field_parts(self, orig_offs: int, raw_type: int) -> tuple[int, list[np.ndarray], list[int], list]:
        """An array of scalars or strings in one pass, with the parts the stock reader gives (one per element;
        two per string: its length and its bytes)."""
        if GGUFValueType(raw_type) != GGUFValueType.ARRAY:
            return super()._get_field_parts(orig_offs, raw_type)
        raw_itype = self._get(orig_offs, np.uint32)
        alen = self._get(orig_offs + raw_itype.nbytes, np.uint64)
        itype, count = GGUFValueType(int(raw_itype[0])), int(alen[0])
        nptype = self.gguf_scalar_to_np.get(itype)
        if count == 0 or (nptype is None and itype != GGUFValueType.STRING):  # empty or nested: the stock way
            return super()._get_field_parts(orig_offs, raw_type)
        offs = orig_offs + raw_itype.nbytes + alen.nbytes
        parts: list[np.ndarray] = [raw_itype, alen]
        if nptype is not None:
            values = self._get(offs, nptype, count)
            parts += [values[i : i + 1] for i in range(count)]
            return int(offs - orig_offs + values.nbytes), parts, list(range(2, 2 + count)), \
                [GGUFValueType.ARRAY, itype]
        plain, length = self._plain(), _LENGTH.newbyteorder(self.byte_order)
        for _ in range(count):
            size = plain[offs : offs + _LENGTH.itemsize].view(length)
            n = int(size[0])
            parts += [size, plain[offs + _LENGTH.itemsize : offs + _LENGTH.itemsize + n]]
            offs += _LENGTH.itemsize + n
        return offs - orig_offs, parts, list(range(3, 2 + 2 * count, 2)), [GGUFValueType.ARRAY, GGUFValueType.STRING]


def read_gguf(path: str | Path) -> FastGGUFReader:
    """A GGUF's metadata and tensors (the tensors stay on disk until read)."""
    return FastGGUFReader(path)


@contextlib.contextmanager
def fast_gguf_reads() -> Iterator[None]:
    """Within the block, code that reads GGUFs through `gguf.GGUFReader` (transformers' `from_pretrained` with
    `gguf_file`) gets the fast reader, and each file is parsed once however often it is opened."""
    stock = gguf.GGUFReader
    opened: dict[tuple[str, int, int], FastGGUFReader] = {}

    def reader(path: str | Path, mode: str = "r") -> gguf.GGUFReader:
        if mode != "r":
            return stock(path, mode)
        st = Path(path).stat()
        key = (str(Path(path).resolve()), st.st_size, st.st_mtime_ns)
        if key not in opened:
            opened[key] = FastGGUFReader(path)
        return opened[key]

    gguf.GGUFReader = reader  # transformers does `from gguf import GGUFReader` when it loads a GGUF
    try:
        yield
    finally:
        gguf.GGUFReader = stock
