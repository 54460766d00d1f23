"""End to end on the bundled Gemma 3 270M: fine-tune on facts it cannot know, export, load in llama.cpp."""

import json
from pathlib import Path

import pytest

from training.lora import TrainConfig

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
def test_fine_tune_export_and_verify(tmp_path):
    from engine.models import bundled_model_path
    from indexer.config import resolve_data_dir
    from training.finetune import fine_tune

    data = resolve_data_dir(tmp_path / "data").ensure()
    base = bundled_model_path(data)
    size_before = base.stat().st_size
    records = []
    for q, a, q2 in FACTS:
        records += [{"prompt": q, "completion": a}] * 3 + [{"prompt": q2, "completion": a}]
    path = tmp_path / "facts.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records))
    cfg = TrainConfig(epochs=3, batch_size=4, learning_rate=1e-3, held_out=0.25, checkpoint_every=0, seed=1)
    res = fine_tune(base, path, data.models_dir, data.runs_dir, "orla", cfg, quant="Q4_K_M")
    by_kind = {c.kind: c for c in res.exports}
    assert set(by_kind) == {"merged", "Q4_K_M", "adapter"}
    assert by_kind["merged"].correlation > 0.99 and by_kind["merged"].top1 >= 0.75
    for kind, check in by_kind.items():
        assert check.logprob > res.base_logprob + 0.5, (kind, check, res.base_logprob)
    assert by_kind["merged"].gain_kept > 0.9
    assert Path(res.model_path).exists() and (data.models_dir / "orla.json").exists()
    assert base.stat().st_size == size_before  # the base file is only read
    assert not list(Path(res.run_dir).glob("*.partial"))
