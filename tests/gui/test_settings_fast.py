"""The Settings dialog writes what it shows to config.toml (with the fake models: fast tier)."""

from __future__ import annotations


def test_turning_ocr_off_in_settings_is_saved(workspace, qtbot):
    from gui.settings_dialog import SettingsDialog

    dlg = SettingsDialog(workspace)
    qtbot.addWidget(dlg)
    assert dlg.ocr.isChecked()  # on by default
    dlg.ocr.setChecked(False)
    dlg.save()
    assert workspace.cfg.index.ocr is False
    assert "ocr = false" in workspace.data.config_file.read_text()


def test_a_new_search_model_is_work_to_do_not_a_setting_to_save(workspace, qtbot, tmp_path):
    """Saving it would leave config.toml naming a model the index was not built with (refused at next start);
    the window re-embeds with it instead (Workspace.switch_search_model)."""
    from gui.settings_dialog import SettingsDialog

    dlg = SettingsDialog(workspace)
    qtbot.addWidget(dlg)
    dlg.save()
    assert dlg.new_search_model is None  # unchanged: nothing to do
    dlg = SettingsDialog(workspace)
    qtbot.addWidget(dlg)
    dlg.embed_model.setText(str(tmp_path / "my-model"))
    dlg.save()
    assert dlg.new_search_model == str(tmp_path / "my-model")
    assert "my-model" not in workspace.data.config_file.read_text()
    assert workspace.cfg.index.embed_model == ""
