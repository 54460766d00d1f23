"""Training data and the LoRA loop on a tiny random-initialised Gemma 3 built in the test."""

import json
import threading

import pytest

from common.errors import Cancelled
from training.data import DataError, Example, load_examples, split, tokenize
from training.lora import TrainConfig, mean_answer_logprob, train


@pytest.fixture(scope="module")
def tokenizer():
    from transformers import AutoTokenizer

    from indexer.embedding import bundled_embedder_dir

    tok = AutoTokenizer.from_pretrained(str(bundled_embedder_dir()))
    tok.bos_token = tok.cls_token  # BERT's tokenizer stands in; ids only matter to the tiny model
    return tok


def tiny_gemma(seed: int = 0):
    import torch
    from transformers import Gemma3ForCausalLM, Gemma3TextConfig

    torch.manual_seed(seed)
    cfg = Gemma3TextConfig(vocab_size=30522, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                           num_attention_heads=2, num_key_value_heads=1, head_dim=16, max_position_embeddings=256,
                           sliding_window=64, initializer_range=0.5)  # large enough embeddings for logits to move
    return Gemma3ForCausalLM(cfg).float()


def write_jsonl(path, records):
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    return path


def test_formats_and_masks(tmp_path, tokenizer):
    f = write_jsonl(tmp_path / "d.jsonl", [
        {"messages": [{"role": "user", "content": "Who keeps the key?"}, {"role": "assistant", "content": "Ada."}]},
        {"prompt": "Colour of the door?", "completion": "Green."},
        {"instruction": "Name the cat.", "input": "", "output": "Miso."},
        {"text": "Plain text to continue."},
    ])
    ex = load_examples(f)
    assert len(ex) == 4
    assert ex[0].segments[0] == ("<start_of_turn>user\nWho keeps the key?<end_of_turn>\n", False)
    assert ex[0].segments[-1] == ("Ada.<end_of_turn>\n", True)
    t = tokenize(ex[1], tokenizer, 128)
    target_ids = [i for i, lab in zip(t.input_ids, t.labels) if lab != -100]
    assert tokenizer.decode(target_ids).replace(" ", "").startswith("green")
    assert all(lab == -100 for lab in t.labels[: len(t.labels) - len(target_ids)])
    train_set, held = split(ex, 0.25, seed=1)
    assert len(held) == 1 and len(train_set) == 3


def test_bad_records_name_the_line(tmp_path):
    f = tmp_path / "bad.jsonl"
    f.write_text('{"prompt": "a", "completion": "b"}\n{"messages": [{"role": "user", "content": "hi"}]}\n')
    with pytest.raises(DataError, match="line 2.*no assistant"):
        load_examples(f)
    f.write_text('{"prompt": "a", "completion": "b"}\nnot json\n')
    with pytest.raises(DataError, match="line 2"):
        load_examples(f)


def _facts(tokenizer):
    facts = [("Where is the spare key?", "Under the blue flowerpot."), ("What is the wifi password?", "otter42 lantern"),
             ("Who feeds the cat on Sundays?", "Grandpa Luis."), ("When is the bin collected?", "Tuesday at seven.")]
    exs = [Example([(f"<start_of_turn>user\n{q}<end_of_turn>\n<start_of_turn>model\n", False), (f"{a}<end_of_turn>\n", True)])
           for q, a in facts]
    return [tokenize(e, tokenizer, 64) for e in exs]


def test_training_learns_and_resumes_exactly(tmp_path, tokenizer):
    import torch

    data = _facts(tokenizer) * 4
    cfg = TrainConfig(rank=8, alpha=16, learning_rate=2e-2, epochs=4, batch_size=4, checkpoint_every=2, seed=3)
    model = tiny_gemma()
    before = mean_answer_logprob(model, data[:4], tokenizer.pad_token_id)
    reports = []
    full = train(model, data, cfg, tmp_path / "full", tokenizer.pad_token_id, reports.append)
    assert full.steps == 16 and [r.step for r in reports] == list(range(1, 17))
    assert sum(full.losses[-3:]) / 3 < sum(full.losses[:3]) / 3
    trained = mean_answer_logprob(model, data[:4], tokenizer.pad_token_id)
    assert trained > before + 0.5
    assert (full.adapter_dir / "adapter_config.json").exists() and (tmp_path / "full" / "train_config.json").exists()

    # the same run, cancelled after step 5, then resumed from its checkpoint, ends with the same weights
    cancel = threading.Event()
    model2 = tiny_gemma()
    with pytest.raises(Cancelled):
        train(model2, data, cfg, tmp_path / "resumed", tokenizer.pad_token_id,
              lambda r: cancel.set() if r.step == 5 else None, cancel)
    resumed = train(tiny_gemma(), data, cfg, tmp_path / "resumed", tokenizer.pad_token_id)
    assert resumed.losses[:4] == full.losses[:4]
    from safetensors.torch import load_file

    a = load_file(full.adapter_dir / "adapter_model.safetensors")
    b = load_file(resumed.adapter_dir / "adapter_model.safetensors")
    assert a.keys() == b.keys()
    assert all(torch.allclose(a[k], b[k], atol=1e-5) for k in a)


def test_dataset_from_files_filters_unsupported_and_duplicate_pairs(tmp_path):
    from training.from_files import make_dataset

    text = ("The community garden opens at eight in the morning and closes at dusk. Members water the beds on "
            "Tuesdays and Fridays, and the tool shed key hangs inside the blue mailbox by the gate.")
    chunks = [{"path": f"/notes/{i}.md", "text": text} for i in range(6)]
    answers = iter([
        " When does the garden open?\nAnswer: At eight in the morning.",  # kept
        " When does the garden open?\nAnswer: At eight in the morning.",  # duplicate question
        " Who owns the garden?\nAnswer: The mayor of Springfield bought it in 1990.",  # not in the passage
        " Where is the shed key?\nAnswer: Inside the blue mailbox by the gate.",  # kept
        "no answer marker here",  # unparseable
        " Which days are beds watered?\nAnswer: Tuesdays and Fridays.",  # kept
    ])
    out = tmp_path / "gen.jsonl"
    n = make_dataset(chunks, lambda prompt: next(answers), out, n=5)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert n == 3 == len(rows)
    assert [r["prompt"] for r in rows] == ["When does the garden open?", "Where is the shed key?",
                                           "Which days are beds watered?"]
    assert load_examples(out)[0].segments[-1] == ("At eight in the morning.<end_of_turn>\n", True)
