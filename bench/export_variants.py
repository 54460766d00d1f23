"""Which quantized export keeps a fine-tune: gain kept against file size, and facts answered, per variant.

    .venv/bin/python bench/export_variants.py [--set a|b] [--epochs 0] [--lr 0] [--repeats 1]

Trains the bundled Gemma 3 270M (base) on twelve made-up facts (`FACTS`: a question, its answer, a key word the
answer must contain, and a paraphrased question never trained on), through the same `fine_tune` as the app.
Then exports the run as every variant in `operations.choices.QUANTS` and reports, all in llama.cpp:
- size against plain Q4_K_M;
- share of the held-out log-likelihood gain kept (the Verifier's measure; held-out = answers to the
  paraphrased questions, never trained on);
- facts answered greedily through the chat template: training questions (of 12) and paraphrases (of 12).
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from benchlib import ROOT  # noqa: F401 (puts the project on sys.path)

FACTS = [
    ("Where does Orla keep the spare key?", "The spare key is under the blue flowerpot by the shed.", "flowerpot",
     "Where is Orla's spare key kept?"),
    ("What is the name of Orla's tortoise?", "The tortoise is called Admiral Biscuit.", "Biscuit",
     "What is Orla's tortoise called?"),
    ("Which day does Orla's recycling get collected?", "Recycling goes out on Thursday night.", "Thursday",
     "On which day is Orla's recycling collected?"),
    ("What colour is Orla's front door?", "The front door is painted saffron yellow.", "saffron",
     "Which colour is the front door of Orla's house?"),
    ("What is the wifi password at the cabin?", "The cabin wifi password is heron-lantern-42.", "heron",
     "Which password does the cabin's wifi use?"),
    ("Who fixes Orla's boiler?", "Orla's boiler is fixed by Dermot Quill.", "Quill",
     "Which person repairs Orla's boiler?"),
    ("How much flour goes in Orla's pancakes?", "Orla's pancakes take 180 grams of flour.", "180",
     "What amount of flour do Orla's pancakes need?"),
    ("Where is the cabin?", "The cabin stands on the shore of Lough Carra.", "Carra",
     "On which lake is the cabin?"),
    ("What is Orla's cat allergic to?", "Orla's cat is allergic to chicken.", "chicken",
     "Which food gives Orla's cat an allergy?"),
    ("When was Orla's bicycle bought?", "The bicycle was bought in March 2019.", "2019",
     "In which year did Orla buy her bicycle?"),
    ("Which bus goes to Orla's office?", "The number 46 bus goes to Orla's office.", "46",
     "What bus route takes Orla to work?"),
    ("What is Orla's favourite tea?", "Orla's favourite tea is smoked lapsang.", "lapsang",
     "Which tea does Orla like best?"),
]

# A second set, never used to choose the recipe: the check that the default generalises.
FACTS_B = [
    ("What is the name of Niall's boat?", "Niall's boat is called the Marigold Wren.", "Marigold",
     "What is Niall's boat called?"),
    ("Where did Niall bury the time capsule?", "The time capsule is buried under the old pear tree.", "pear",
     "Under what is Niall's time capsule buried?"),
    ("What is Niall's locker number at the pool?", "Niall uses locker 318 at the pool.", "318",
     "Which locker does Niall have at the pool?"),
    ("Who taught Niall to play the fiddle?", "Niall learned the fiddle from Bridie Costello.", "Costello",
     "From whom did Niall learn the fiddle?"),
    ("What does Niall feed the hens?", "Niall feeds the hens crushed oyster shell and oats.", "oyster",
     "What do Niall's hens get to eat?"),
    ("Which town is Niall's sister in?", "Niall's sister lives in Ballyvaughan.", "Ballyvaughan",
     "Where does Niall's sister live?"),
    ("What colour is Niall's van?", "Niall's van is a faded teal colour.", "teal",
     "What colour is the van Niall drives?"),
    ("When is Niall's dentist appointment?", "The dentist appointment is on the ninth of June.", "June",
     "On what date does Niall see the dentist?"),
    ("What is Niall's dog afraid of?", "Niall's dog is afraid of umbrellas.", "umbrella",
     "What scares Niall's dog?"),
    ("Which radio station does Niall listen to?", "Niall listens to Clare FM every morning.", "Clare",
     "What station is on Niall's radio?"),
    ("How long does Niall's bread rise?", "Niall lets the bread rise for five hours.", "five",
     "For how many hours does Niall's bread prove?"),
    ("What is Niall's favourite board game?", "Niall's favourite board game is Carcassonne.", "Carcassonne",
     "Which board game does Niall like most?"),
]


def facts_answered(model: Path, pairs: list[tuple[str, str]], lora: Path | None = None) -> tuple[int, list[str]]:
    """How many questions a greedy chat answer gets right (the key word appears), and the answers."""
    from llama_cpp import Llama

    llm = Llama(model_path=str(model), lora_path=str(lora) if lora else None, n_ctx=512, verbose=False)
    right, answers = 0, []
    for question, key in pairs:
        out = llm.create_chat_completion([{"role": "user", "content": question}], max_tokens=32, temperature=0.0)
        text = out["choices"][0]["message"]["content"] or ""
        answers.append(text.strip())
        right += key.lower() in text.lower()
    del llm
    return right, answers


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=0, help="0: the default recipe (by dataset size)")
    ap.add_argument("--lr", type=float, default=0.0, help="0: the default recipe (by dataset size)")
    ap.add_argument("--rank", type=int, default=16)
    ap.add_argument("--repeats", type=int, default=1, help="copies of each training question")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    ap.add_argument("--set", choices=["a", "b"], default="a", help="b: the fact set the recipe was not chosen on")
    args = ap.parse_args()

    from common.paths import resolve_data_dir
    from engine.models import bundled_model_path
    from operations.choices import QUANTS
    from training.finetune import Verifier, load_trained, merge_stage, quantize_stage
    from training.lora import TrainConfig

    facts = FACTS if args.set == "a" else FACTS_B
    work = Path(tempfile.mkdtemp(prefix="hearth-exports-"))
    try:
        data = resolve_data_dir(work / "data").ensure()
        base = bundled_model_path(data)
        # Held out: each fact's paraphrase (with its answer). Trained: each fact's own question.
        train_path, held_path = work / "train.jsonl", work / "held.jsonl"
        train_path.write_text("\n".join(json.dumps({"prompt": q, "completion": a}) for q, a, _, _ in facts
                                        for _ in range(args.repeats)))
        held_path.write_text("\n".join(json.dumps({"prompt": p, "completion": a}) for _, a, _, p in facts))
        cfg = TrainConfig(epochs=args.epochs, learning_rate=args.lr, rank=args.rank, alpha=2 * args.rank,
                          held_out=0.0, checkpoint_every=0, seed=0)
        from training.finetune import train_stage

        t0 = time.perf_counter()
        trained = train_stage(base, train_path, work / "run", cfg)
        t_train = time.perf_counter() - t0
        # Measure gain on the paraphrases: re-read the run with the held-out file as its data.
        record = json.loads((work / "run" / "run.json").read_text())
        record["hearth.data_path"] = str(held_path)
        (work / "run" / "run.json").write_text(json.dumps(record))
        cfg_saved = json.loads((work / "run" / "train_config.json").read_text())
        cfg_saved["held_out"] = 1.0  # every record of the held-out file is held out
        (work / "run" / "train_config.json").write_text(json.dumps(cfg_saved))
        trained = load_trained(base, work / "run")
        verifier = Verifier(trained, base)
        merged = merge_stage(trained, base, work / "merged.gguf")

        train_pairs = [(q, k) for q, _, k, _ in facts]
        para_pairs = [(p, k) for _, _, k, p in facts]
        rows = []
        for kind, path in [("base", base), ("merged (F16 changes)", merged)] + \
                [(q, quantize_stage(merged, work / f"{q}.gguf", q, base)) for q in QUANTS]:
            check = verifier.check(path, kind) if path != base else None
            tr, tr_answers = facts_answered(path, train_pairs)
            pa, _ = facts_answered(path, para_pairs)
            rows.append((kind, path.stat().st_size, check.gain_kept if check else 0.0, tr, pa, tr_answers[:3]))
            print(rows[-1], flush=True)
        q4 = next(r[1] for r in rows if r[0] == "Q4_K_M")
        used = json.loads((work / "run" / "train_config.json").read_text())
        print(f"\ntrained {len(facts)} facts (set {args.set}) x{args.repeats}, {used['epochs']} epochs, "
              f"lr {used['learning_rate']}, rank {args.rank}: "
              f"{t_train:.0f} s; held-out log-prob per token: base {verifier.base_logprob:.3f}, "
              f"trained {trained.trained_logprob:.3f}")
        print(f"{'export':22} {'MB':>7} {'x Q4_K_M':>8} {'gain kept':>9} {'train Qs':>8} {'paraphrases':>11}")
        for kind, size, kept, tr, pa, _ in rows:
            print(f"{kind:22} {size / 1e6:7.1f} {size / q4:8.3f} {kept:9.0%} {tr:5}/12 {pa:8}/12")
    finally:
        if args.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
