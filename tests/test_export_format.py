"""The export's chat format: template, BOS/EOS and special tokens as training used them, and no template text
in a greedy answer. A faithful export passes; deliberately broken copies are caught with the reason."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e  # the bundled GGUF, its tokenizer and llama.cpp

PROBE = [{"role": "user", "content": "What colour is the front door of the cottage?"},
         {"role": "assistant", "content": "The front door is painted dark green."}]


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    from transformers import AutoTokenizer

    from common.paths import resolve_data_dir
    from engine.models import bundled_model_path
    from training.data import Example, _chat_segments, tokenize
    from training.export_gguf import export_merged
    from training.gguf_read import fast_gguf_reads, read_gguf

    tmp = tmp_path_factory.mktemp("format")
    base = bundled_model_path(resolve_data_dir(tmp / "data").ensure())
    with fast_gguf_reads():
        tok = AutoTokenizer.from_pretrained(str(base.parent), gguf_file=base.name)
    ids = tokenize(Example(_chat_segments(PROBE, None, tok), PROBE), tok, 1 << 30).input_ids
    good = export_merged(base, {}, tmp / "good.gguf")  # the base's weights as an export (template added)
    return base, tok, ids, good, read_gguf(good), tmp


def test_a_faithful_export_passes(setup):
    from training.verify import check_format

    base, tok, ids, good, _, _ = setup
    found = check_format(good, base, tok, PROBE, ids)
    assert found.problems == []
    assert found.answer.strip()  # the base model answered something, with no turn markers in it


@pytest.mark.parametrize("broken, reason", [
    ("chatml", "renders a training conversation differently"),
    ("eos", "eos_token_id is 106 in the export but 1 in the base"),
    ("no template", "has no chat template"),
])
def test_a_broken_export_is_caught_with_the_reason(setup, broken, reason):
    import gguf

    from training.export_gguf import write_gguf
    from training.verify import check_format

    base, tok, ids, _, reader, tmp = setup
    fields, drop = {}, frozenset()
    if broken == "chatml":
        chatml = ("{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
                  "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")
        fields = {"tokenizer.chat_template": (chatml, gguf.GGUFValueType.STRING)}
    elif broken == "eos":
        fields = {"tokenizer.ggml.eos_token_id": (106, gguf.GGUFValueType.UINT32)}
    else:
        drop = frozenset({"tokenizer.chat_template"})
    bad = write_gguf(reader, tmp / f"bad-{broken.replace(' ', '-')}.gguf", fields, drop=drop)
    found = check_format(bad, base, tok, PROBE, ids)
    assert any(reason in p for p in found.problems), found.problems
