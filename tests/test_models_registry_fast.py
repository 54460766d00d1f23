"""The list of added models stays whole when processes add to it at once (fast tier)."""

import multiprocessing

from common.paths import resolve_data_dir
from engine.models import registered_paths
from tests.fakes import fake_gguf

PROCESSES = 4
MODELS_EACH = 6


def _add_many(data_root: str, files: list[str]) -> None:
    from engine.models import add_model

    data = resolve_data_dir(data_root)
    for f in files:
        add_model(data, f)


def test_concurrent_adds_lose_nothing(tmp_path):
    data = resolve_data_dir(tmp_path / "data").ensure()
    files = [[str(fake_gguf(tmp_path / "elsewhere" / f"m{p}_{i}.gguf")) for i in range(MODELS_EACH)]
             for p in range(PROCESSES)]
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_add_many, args=(str(data.root), chunk)) for chunk in files]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert all(p.exitcode == 0 for p in procs)
    assert sorted(registered_paths(data)) == sorted(f for chunk in files for f in chunk)
