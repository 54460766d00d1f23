"""Answers go first: indexing in the same process steps aside while an answer is being made (fast tier)."""

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
