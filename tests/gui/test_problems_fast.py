"""The problems dialog is a model and a view: 100k problems open quickly, filter, and retry what is selected."""

from __future__ import annotations

from types import SimpleNamespace

PROBLEMS = 100_000


def test_problems_dialog_filters_and_retries_at_100k(qtbot):
    from PySide6.QtCore import QItemSelectionModel

    from gui.folders_panel import ProblemsDialog

    problems = [SimpleNamespace(path=f"/home/me/docs/file-{i:06d}.pdf", status="failed",
                                reason="encrypted PDF" if i % 1000 == 7 else "not a PDF") for i in range(PROBLEMS)]
    dlg = ProblemsDialog(problems)
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.table.model().rowCount() == PROBLEMS  # one view over the model, no per-row widgets
    dlg.filter.setText("ENCRYPTED")
    assert [r[0] for r in dlg.shown_rows()][:2] == ["/home/me/docs/file-000007.pdf", "/home/me/docs/file-001007.pdf"]
    assert dlg.model.rowCount() == PROBLEMS // 1000
    dlg.table.selectionModel().select(dlg.model.index(1, 0),
                                      QItemSelectionModel.Select | QItemSelectionModel.Rows)
    with qtbot.waitSignal(dlg.retry_requested) as sig:
        dlg._retry()
    assert sig.args[0] == ["/home/me/docs/file-001007.pdf"]
