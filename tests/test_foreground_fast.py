"""Answers go first: indexing steps aside while an answer is being made, in the same process or another on the
same data dir (fast tier)."""

import threading
import time

import numpy as np

from common.foreground import Foreground
from tests.conftest import write

HOLD_S = 0.5


def _hold(fg: Foreground, seconds: float, entered: threading.Event, ending: list[float]) -> None:
    with fg.busy():
        entered.set()
        time.sleep(seconds)
        ending.append(time.monotonic())  # the busy mark is dropped only after this


def _busy_for(fg: Foreground, seconds: float, ending: list[float] | None = None) -> threading.Thread:
    entered = threading.Event()
    th = threading.Thread(target=_hold, args=(fg, seconds, entered, [] if ending is None else ending))
    th.start()
    entered.wait(5)
    return th


def test_waiting_ends_when_the_foreground_work_ends():
    fg = Foreground()
    assert fg.wait_while_busy() < 0.05 and not fg.is_busy
    th = _busy_for(fg, HOLD_S)
    assert fg.is_busy
    waited = fg.wait_while_busy()
    th.join()
    assert HOLD_S * 0.8 <= waited < HOLD_S + 1.0 and not fg.is_busy


def test_cancel_or_the_limit_end_the_wait_early():
    fg = Foreground()
    th = _busy_for(fg, 2.0)
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    assert fg.wait_while_busy(cancel) < 1.0
    assert fg.wait_while_busy(limit_s=0.2) < 1.0
    th.join()


class _RunsEmbedder:
    """The fake embedder run as the real ones are: in runs of a few texts, `pause` called before each."""

    RUN = 8

    def __init__(self, inner, on_first_run=None):
        self.inner, self.starts, self.on_first_run = inner, [], on_first_run

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def embed(self, texts, pause=None):
        parts = []
        for start in range(0, len(texts), self.RUN):
            if pause is not None:
                pause()
            self.starts.append(time.monotonic())
            if self.on_first_run is not None:
                self.on_first_run, first = None, self.on_first_run
                first()
            parts.append(self.inner.embed(texts[start : start + self.RUN]))
        return np.concatenate(parts) if parts else self.inner.embed([])


def _notes(folder, n=40):
    for i in range(n):
        write(folder / f"n{i:02d}.md", f"Note {i} on harbour {i}: " + "the tide turns at dusk. " * (1 + i % 7))


def test_indexing_started_during_an_answer_waits_for_it(tmp_path, fake_embedder):
    from operations import Workspace

    emb = _RunsEmbedder(fake_embedder)
    ws = Workspace.open(tmp_path / "data", embedder=emb)
    try:
        _notes(tmp_path / "docs")
        ending: list[float] = []
        th = _busy_for(ws.foreground, HOLD_S, ending)
        ws.add_folder(tmp_path / "docs")
        th.join()
        assert emb.starts and min(emb.starts) >= ending[0]
    finally:
        ws.close()


def test_an_answer_starting_mid_batch_stops_embedding_until_it_ends(tmp_path, fake_embedder):
    from operations import Workspace

    ending: list[float] = []
    holds: list[threading.Thread] = []
    emb = _RunsEmbedder(fake_embedder)
    ws = Workspace.open(tmp_path / "data", embedder=emb)
    emb.on_first_run = lambda: holds.append(_busy_for(ws.foreground, HOLD_S, ending))
    try:
        _notes(tmp_path / "docs")
        ws.add_folder(tmp_path / "docs")
        holds[0].join()
        assert len(emb.starts) > 2
        assert emb.starts[0] < ending[0] <= emb.starts[1]  # the first run was under way; the next one waited
        assert len(ws.search("tide harbour dusk", k=50, hybrid=False)) == 40
    finally:
        ws.close()


def test_an_answer_marks_the_foreground_busy_while_it_is_made(tmp_path, fake_embedder):
    from operations import Workspace
    from tests.fakes import ScriptedGenerator

    seen = []
    holder = {}

    def reply(prompt):
        seen.append(holder["ws"].foreground.is_busy)
        return "The tide turns at dusk [1]."

    ws = Workspace.open(tmp_path / "data", embedder=fake_embedder, generator=ScriptedGenerator(reply))
    holder["ws"] = ws
    try:
        write(tmp_path / "docs" / "tide.md", "The tide turns at dusk in the harbour.")
        ws.add_folder(tmp_path / "docs")
        assert not ws.foreground.is_busy
        ws.ask("When does the tide turn in the harbour?")
        assert seen == [True] and not ws.foreground.is_busy
    finally:
        ws.close()


def test_cancelling_indexing_during_an_answer_stops_the_wait_and_keeps_what_was_parsed(tmp_path, fake_embedder):
    from operations import Workspace

    cancel = threading.Event()
    holds: list[threading.Thread] = []
    emb = _RunsEmbedder(fake_embedder)
    ws = Workspace.open(tmp_path / "data", embedder=emb)

    def answer_starts_then_user_cancels():
        holds.append(_busy_for(ws.foreground, 3.0))
        threading.Timer(0.2, cancel.set).start()

    emb.on_first_run = answer_starts_then_user_cancels
    try:
        _notes(tmp_path / "docs")
        t0 = time.monotonic()
        report = ws.add_folder(tmp_path / "docs", cancel=cancel)
        assert time.monotonic() - t0 < 2.5  # did not sit out the 3 s answer
        # The 40 small notes were all parsed before the one flush at the end: cancelled then, they are all kept.
        assert report.files_indexed == 40 == len(ws.search("tide harbour dusk", k=50, hybrid=False))
        holds[0].join()
    finally:
        ws.close()


# -- across processes: `hearth ask` in a terminal while the app indexes, or `hearth index` while the app answers

_ANSWERING_CHILD = """
import sys
from pathlib import Path
from common.foreground import Foreground
fg = Foreground(Path(sys.argv[1]))
with fg.busy():
    print("answering", flush=True)
    sys.stdin.readline()  # until the test says the answer is done
"""


def _answering_process(marker):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    child = subprocess.Popen([sys.executable, "-c", _ANSWERING_CHILD, str(marker)], cwd=root, text=True,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert child.stdout.readline().strip() == "answering"
    return child


def test_an_answer_in_another_process_makes_indexing_here_wait_until_it_ends(tmp_path):
    marker = tmp_path / "data" / "answering.lock"
    fg = Foreground(marker)
    assert not fg.is_busy and fg.wait_while_busy() < 0.05
    child = _answering_process(marker)
    try:
        assert fg.is_busy
        waited: list[float] = []
        th = threading.Thread(target=lambda: waited.append(fg.wait_while_busy()))
        th.start()
        time.sleep(HOLD_S)
        assert th.is_alive()  # still stepping aside
        child.stdin.write("done\n")
        child.stdin.flush()
        th.join(5)
        assert not th.is_alive() and HOLD_S <= waited[0] < HOLD_S + 2.0
        assert not fg.is_busy
    finally:
        child.kill()
        child.wait()
        fg.close()


def test_a_killed_answering_process_leaves_nothing_to_wait_for(tmp_path):
    marker = tmp_path / "answering.lock"
    fg = Foreground(marker)
    child = _answering_process(marker)
    assert fg.is_busy
    child.kill()
    child.wait()
    assert not fg.is_busy and fg.wait_while_busy() < 0.05
    fg.close()


def test_workspaces_on_one_data_dir_see_each_others_answers_but_not_their_own(tmp_path, fake_embedder):
    from operations import Workspace

    app = Workspace.open(tmp_path / "data", embedder=fake_embedder)
    command = Workspace.open(tmp_path / "data", embedder=fake_embedder)
    elsewhere = Workspace.open(tmp_path / "other", embedder=fake_embedder)
    try:
        with command.foreground.busy():
            assert app.indexer.foreground.is_busy  # the app's indexing steps aside for the command's answer
            assert not elsewhere.foreground.is_busy  # another data dir is another index
            with command.foreground.busy():  # nested answers take the marker once, and keep it until the last ends
                pass
            assert app.foreground.is_busy
        assert not app.foreground.is_busy and not command.foreground.is_busy
    finally:
        for ws in (app, command, elsewhere):
            ws.close()
