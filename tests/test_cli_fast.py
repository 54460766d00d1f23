"""The CLI in process on a data dir with no models loaded (fast tier): parsing, shapes, exit codes."""

import json

import pytest

from cli import build_parser, main
from tests.conftest import write


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_folders_models_chats_without_loading_a_model(tmp_path, capsys):
    data = str(tmp_path / "data")
    docs = tmp_path / "docs"
    write(docs / "a.md", "hello")
    assert run(capsys, "folders", "add", str(docs), "--data-dir", data)[0] == 0
    assert run(capsys, "folders", "pause", str(docs), "--data-dir", data)[0] == 0
    code, out, _ = run(capsys, "models", "list", "--json", "--data-dir", data)
    models = json.loads(out)
    assert code == 0 and models[0]["label"] == "Gemma 3 270M (bundled)" and models[0]["chosen"]
    code, out, _ = run(capsys, "chats", "list", "--json", "--data-dir", data)
    assert code == 0 and json.loads(out) == []
    code, _, err = run(capsys, "chats", "show", "--data-dir", data)
    assert code == 1 and err.strip() == "error: `chats show` needs a chat id."
    code, _, err = run(capsys, "models", "use", str(tmp_path / "none.gguf"), "--data-dir", data)
    assert code == 1 and "does not exist" in err and len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "folders", "resume", str(tmp_path / "elsewhere"), "--data-dir", data)
    assert code == 1 and "not a watched folder" in err


def test_common_flags_count_before_the_verb_as_after_it(tmp_path, capsys):
    parse = build_parser().parse_args
    for argv in (["--data-dir", "X", "-v", "index", "docs"], ["index", "docs", "--data-dir", "X", "-v"]):
        args = parse(argv)
        assert (args.data_dir, args.verbose) == ("X", True), argv
    assert (parse(["index", "docs"]).data_dir, parse(["index", "docs"]).verbose) == (None, False)
    data = tmp_path / "data"
    assert run(capsys, "--data-dir", str(data), "folders", "add", str(tmp_path))[0] == 0
    assert (data / "folders.json").exists()  # not the platform's user data dir


def test_train_flags_come_from_train_config():
    import dataclasses

    from operations import TrainConfig

    args = build_parser().parse_args(["train", "--data", "x.jsonl", "--lr", "1e-3", "--max-len", "64",
                                      "--method", "dora"])
    from cli.train import train_config_from

    cfg = train_config_from(args)
    assert (cfg.learning_rate, cfg.max_len, cfg.method, cfg.rank) == (1e-3, 64, "dora", TrainConfig().rank)
    plain = {f.name for f in dataclasses.fields(TrainConfig) if str(f.type) in ("int", "float", "str")}
    assert {k[3:] for k in vars(args) if k.startswith("tc_")} == plain
    with pytest.raises(SystemExit):
        build_parser().parse_args(["train", "--data", "x", "--method", "ia3"])
