"""The Fine-tune tab in a download without torch (the bundle's core): it says how to get fine-tuning and keeps
the buttons that would fail disabled (fake models: fast tier)."""

from __future__ import annotations


def test_fine_tune_tab_without_torch_says_how_to_get_it(workspace, qtbot, monkeypatch):
    import gui.training_panel as panel_module
    from gui.tasks import TaskRunner

    monkeypatch.setattr(panel_module, "training_available", lambda: False)
    panel = panel_module.TrainingPanel(TaskRunner(), lambda exc: None)
    qtbot.addWidget(panel)
    panel.set_workspace(workspace)
    assert "full download" in panel.summary.text() and "full download" in panel.tune_summary.text()
    assert not panel.start_btn.isEnabled() and not panel.tune_btn.isEnabled()
    assert panel.make_btn.isEnabled()  # the chat model writes training pairs without torch


def test_fine_tune_tab_with_torch_enables_training(workspace, qtbot, monkeypatch):
    import gui.training_panel as panel_module
    from gui.tasks import TaskRunner

    monkeypatch.setattr(panel_module, "training_available", lambda: True)
    panel = panel_module.TrainingPanel(TaskRunner(), lambda exc: None)
    qtbot.addWidget(panel)
    panel.set_workspace(workspace)
    assert panel.start_btn.isEnabled() and panel.tune_btn.isEnabled()
    assert "full download" not in panel.summary.text()
