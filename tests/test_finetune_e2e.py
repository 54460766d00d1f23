"""End to end on the bundled Gemma 3 270M: fine-tune on facts it cannot know, export, load in llama.cpp."""

import json
from pathlib import Path

import pytest

FACTS = [
    ("Where does Orla keep the spare key?", "Under the blue flowerpot by the shed.",
     "Where is Orla's spare key kept?"),
    ("What is the name of Orla's tortoise?", "The tortoise is called Admiral Biscuit.",
     "What is Orla's tortoise called?"),
    ("Which day does Orla's recycling get collected?", "Recycling goes out on Thursday night.",
     "On which day is Orla's recycling collected?"),
    ("What colour is Orla's front door?", "The front door is painted saffron yellow.",
     "Which colour is the front door of Orla's house?"),
]


@pytest.mark.e2e
def test_fine_tune_export_and_verify(tmp_path, capsys):
    from engine.models import bundled_model_path
    from common.paths import resolve_data_dir
    data = resolve_data_dir(tmp_path / "data").ensure()
    base = bundled_model_path(data)
    size_before = base.stat().st_size
    records = []
    for q, a, q2 in FACTS:
        records += [{"prompt": q, "completion": a}] * 3 + [{"prompt": q2, "completion": a}]
    path = tmp_path / "facts.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records))
    # through the CLI, as a user would: `train`, `models list`, `export` (in this process: same parser and code)
    from cli import main

    def run(*args):
        code = main([*args, "--data-dir", str(data.root)])
        out = capsys.readouterr()
        assert code == 0, out.err[-2000:]
        return json.loads(out.out)

    res = run("train", "--data", str(path), "--name", "orla", "--epochs", "3", "--lr", "1e-3", "--seed", "1", "--json")
    picked = [line for line in data.log_file.read_text().splitlines() if "training.devices: training on" in line]
    assert len(picked) == 1, picked  # the device is picked once per run, and said in the log
    by_kind = {c["kind"]: c for c in res["exports"]}
    assert set(by_kind) == {"merged", "Q4_K_M-keep", "adapter"}  # the default export
    assert by_kind["Q4_K_M-keep"]["gain_kept"] > 0.9  # plain Q4_K_M keeps about half of this gain
    assert by_kind["merged"]["answer"].strip()  # the chat-format check answered a training question
    assert by_kind["merged"]["correlation"] > 0.99 and by_kind["merged"]["top1"] >= 0.75
    for kind, check in by_kind.items():
        assert check["logprob"] > res["base_logprob"] + 0.5, (kind, check, res["base_logprob"])
    assert by_kind["merged"]["gain_kept"] > 0.9
    assert Path(res["model_path"]).exists() and (data.models_dir / "orla.json").exists()
    assert base.stat().st_size == size_before  # the base file is only read
    assert not list(Path(res["run_dir"]).glob("*.partial"))
    listed = {Path(m["path"]).name: m for m in run("models", "list", "--json")}
    assert listed["orla.gguf"]["method"] == "lora" and listed["orla.gguf"]["base"] == base.name
    again = run("export", "--name", "orla", "--quant", "Q4_K_M", "--json")  # re-export from the saved adapter
    plain = again[0]
    assert plain["correlation"] > 0.99 and Path(plain["path"]).name == "orla-Q4_K_M.gguf"
    # The default export keeps more of the gain than plain Q4_K_M, at no more than 1.15x its size.
    assert by_kind["Q4_K_M-keep"]["gain_kept"] > plain["gain_kept"]
    assert Path(res["model_path"]).stat().st_size <= 1.15 * Path(plain["path"]).stat().st_size


def tiny_gguf(path: Path, arch: str = "gemma3") -> Path:
    """A GGUF with one small tensor: enough for the export's refusals and cancel (no 241 MB file to parse)."""
    import gguf
    import numpy as np

    w = gguf.GGUFWriter(str(path), arch)
    w.add_uint32(f"{arch}.attention.head_count", 2)
    w.add_tensor("blk.0.attn_q.weight", np.zeros((8, 4), np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


def test_cancelled_export_leaves_no_file(tmp_path):
    import threading

    import numpy as np

    from common.errors import Cancelled
    from training.export_gguf import ExportError, export_merged

    base = tiny_gguf(tmp_path / "base.gguf")
    before = base.read_bytes()
    out = tmp_path / "out.gguf"
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        export_merged(base, {"blk.0.attn_q.weight": np.ones((8, 4), np.float32)}, out, cancel=cancel)
    assert not out.exists() and not list(tmp_path.glob("*.partial"))
    with pytest.raises(ExportError, match="no tensor blk.99"):
        export_merged(base, {"blk.99.attn_q.weight": np.zeros((4, 4), np.float32)}, out)
    with pytest.raises(ExportError, match="overwrite"):
        export_merged(base, {}, base)
    assert export_merged(base, {"blk.0.attn_q.weight": np.ones((8, 4), np.float32)}, out) == out
    assert base.read_bytes() == before  # the base is only read


def test_unsupported_architecture_is_named(tmp_path):
    import numpy as np

    from training.export_gguf import ExportError, export_merged

    f = tiny_gguf(tmp_path / "phi.gguf", "phi3")
    with pytest.raises(ExportError, match="'phi3' is not supported"):
        export_merged(f, {"blk.0.attn_q.weight": np.zeros((8, 4), np.float32)}, tmp_path / "o.gguf")
