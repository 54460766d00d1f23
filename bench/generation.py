"""Generation through the engine vs raw llama-cpp-python on the same prompt; time to first token at full context.

    .venv/bin/python bench/generation.py [--tokens 128] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from benchlib import ROOT

from engine.config import EngineConfig
from engine.generation import Generator
from engine.models import bundled_model_path
from common.paths import resolve_data_dir

PROMPT = (ROOT / "examples" / "docs" / "sourdough-bread.md").read_text() + "\n\nQuestion: How long is the bulk rise?\nAnswer:"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tokens", type=int, default=128)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    data = resolve_data_dir(os.environ.get("HEARTH_HOME") or Path(tempfile.gettempdir()) / "hearth-bench").ensure()
    model = bundled_model_path(data)
    cfg = EngineConfig(n_ctx=4096, temperature=0.0)
    gen = Generator(model, cfg)

    def raw_run() -> tuple[int, float]:
        gen.llm.reset()  # no prompt-cache reuse between runs: both sides evaluate the prompt
        t0 = time.perf_counter()
        n = 0
        for c in gen.llm.create_completion(PROMPT, max_tokens=args.tokens, temperature=0.0, stream=True,
                                           repeat_penalty=1.15):
            n += 1
        return n, time.perf_counter() - t0

    def engine_run() -> tuple[int, float]:
        gen.llm.reset()
        t0 = time.perf_counter()
        n = sum(1 for _ in gen.stream(PROMPT, args.tokens))
        return n, time.perf_counter() - t0

    rates = {"raw llama-cpp-python": [], "engine (Generator.stream)": []}
    for _ in range(args.repeats):  # interleaved so drift hits both
        for name, fn in (("raw llama-cpp-python", raw_run), ("engine (Generator.stream)", engine_run)):
            n, s = fn()
            rates[name].append(n / s)
    for name, r in rates.items():
        print(f"{name:28} {max(r):6.1f} tokens/s (best of {args.repeats}, prompt {gen.count_tokens(PROMPT)} tokens)")
    ratio = max(rates["engine (Generator.stream)"]) / max(rates["raw llama-cpp-python"])
    print(f"ratio engine / raw: {ratio:.3f}x (target >= 0.95x)")

    filler = " ".join(["The dough rises slowly in a cool kitchen."] * 400)
    long_prompt = gen.llm.detokenize(gen.llm.tokenize(filler.encode())[: cfg.n_ctx - 300]).decode(errors="ignore")
    n_prompt = gen.count_tokens(long_prompt)
    gen.llm.reset()
    t0 = time.perf_counter()
    for _ in gen.stream(long_prompt + "\nQuestion: where does the dough rise?\nAnswer:", 1):
        break
    ttft = time.perf_counter() - t0
    print(f"time to first token with a {n_prompt}-token prompt: {ttft:.2f} s ({n_prompt / ttft:.0f} prompt tokens/s)")


if __name__ == "__main__":
    main()
