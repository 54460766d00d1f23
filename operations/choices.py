"""Fixed choices the CLI and the GUI offer, in a module light enough to import for `--help`."""

# What an export can be requantized to (or None: the merged file as is). "-keep": Q4_K_M with the tensors the
# fine-tune changed most kept at Q8_0, within 1.15x the size (training/mixed_quant.py).
QUANTS = ("Q4_K_M-keep", "Q4_K_M", "Q5_K_M", "Q8_0")
DEFAULT_QUANT = QUANTS[0]
# Size against plain Q4_K_M and share of a fine-tune's held-out gain kept, measured on Gemma 3 270M with twelve
# facts (bench/export_variants.py, docs/benchmarks.md). Shown beside the choice in the Fine-tune tab.
QUANT_NOTES = {
    "Q4_K_M-keep": "1.15× the size of Q4_K_M; kept 99 % of the fine-tune's gain (measured)",
    "Q4_K_M": "the smallest; kept only 19 % of the fine-tune's gain (measured)",
    "Q5_K_M": "1.03× the size of Q4_K_M; kept 88 % of the gain (measured)",
    "Q8_0": "1.15× Q4_K_M on this 270M model, about 1.9× on larger ones; kept 98 % (measured)",
    "none": "the merged file as it is (F16 where the fine-tune changed it): 1.52×, all of the gain",
}
