"""The fast GGUF reader gives exactly what gguf's stock reader gives, in either byte order."""

from __future__ import annotations

import gguf
import numpy as np
import pytest

from training.gguf_read import FastGGUFReader, fast_gguf_reads, read_gguf


def write_sample(path, endianess=gguf.GGUFEndian.LITTLE):
    """A GGUF with every kind of field a model file holds: scalars, strings, flat arrays of numbers and of
    strings (empty and non-ASCII ones among them), an empty array, a nested array, and tensors."""
    w = gguf.GGUFWriter(str(path), "llama", endianess=endianess)
    w.add_uint32("llama.block_count", 2)
    w.add_float32("llama.attention.layer_norm_rms_epsilon", 1e-6)
    w.add_bool("tokenizer.ggml.add_bos_token", True)
    w.add_string("general.name", "sample ✓")
    tokens = ["<pad>", "", "▁the", "héllo", "日本語"] + [f"tok{i}" for i in range(300)]
    w.add_array("tokenizer.ggml.tokens", tokens)
    w.add_array("tokenizer.ggml.scores", [float(-i) / 7 for i in range(len(tokens))])
    w.add_array("tokenizer.ggml.token_type", [1 + i % 3 for i in range(len(tokens))])
    w.add_array("sample.flags", [True, False, True])
    w.add_array("sample.empty", [])
    w.add_array("sample.nested", [[1, 2], [3, 4, 5]])
    rng = np.random.default_rng(0)
    w.add_tensor("token_embd.weight", rng.standard_normal((8, 16)).astype(np.float32))
    w.add_tensor("blk.0.attn_q.weight", rng.standard_normal((16, 16)).astype(np.float16))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


@pytest.mark.parametrize("endianess", [gguf.GGUFEndian.LITTLE, gguf.GGUFEndian.BIG])
def test_the_fast_reader_gives_the_stock_readers_fields_and_tensors(tmp_path, endianess):
    path = write_sample(tmp_path / "sample.gguf", endianess)
    fast, stock = read_gguf(path), gguf.GGUFReader(str(path))
    assert list(fast.fields) == list(stock.fields)
    for name, want in stock.fields.items():
        got = fast.fields[name]
        assert (got.offset, got.types, got.data) == (want.offset, want.types, want.data), name
        assert len(got.parts) == len(want.parts), name
        for a, b in zip(got.parts, want.parts):
            assert a.dtype == b.dtype and a.tobytes() == b.tobytes(), name
        assert got.contents() == want.contents(), name
    assert fast.fields["tokenizer.ggml.tokens"].contents()[:5] == ["<pad>", "", "▁the", "héllo", "日本語"]
    assert [t.name for t in fast.tensors] == [t.name for t in stock.tensors]
    for got, want in zip(fast.tensors, stock.tensors):
        assert (got.tensor_type, got.data_offset, got.n_bytes) == (want.tensor_type, want.data_offset, want.n_bytes)
        assert got.data.dtype == want.data.dtype and np.array_equal(got.data, want.data)


def test_within_fast_reads_gguf_opens_each_file_once_and_the_stock_reader_returns_after(tmp_path):
    path = write_sample(tmp_path / "sample.gguf")
    stock = gguf.GGUFReader
    with fast_gguf_reads():
        first, again = gguf.GGUFReader(str(path)), gguf.GGUFReader(path)
        assert isinstance(first, FastGGUFReader) and again is first  # what transformers' loaders get
    assert gguf.GGUFReader is stock
    with pytest.raises(RuntimeError), fast_gguf_reads():
        raise RuntimeError("a failed load")
    assert gguf.GGUFReader is stock
