"""`hearth export --name RUN`: export a finished training run again (another quantization)."""

from __future__ import annotations

from dataclasses import asdict

from cli.common import ctrl_c_cancels, print_json, progress_bar, verb, workspace
from operations.choices import DEFAULT_QUANT, QUANTS


def add_parser(sub, common) -> None:
    p = verb(sub, common, "export", "export a finished training run again (another quantization)", run)
    p.add_argument("--name", required=True, help="the run's name (as given to `train`)")
    p.add_argument("--base", help="the GGUF the run was trained on (default: the configured chat model)")
    p.add_argument("--quant", choices=[*QUANTS, "none"], default=DEFAULT_QUANT)
    p.add_argument("--json", action="store_true")


def run(args) -> int:
    with workspace(args) as ws, ctrl_c_cancels("this stage") as cancel, progress_bar(not args.json, "stage") as bar:
        checks = ws.export(args.name, None if args.quant == "none" else args.quant, args.base, bar, cancel)
    if args.json:
        print_json([asdict(c) for c in checks])
        return 0
    for c in checks:
        kept = "" if c.gain_kept != c.gain_kept else f", keeps {c.gain_kept:.0%} of the gain"
        print(f"registered {c.path} (logit correlation with the trained model {c.correlation:.4f}{kept})")
    return 0
