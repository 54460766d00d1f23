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
