"""The one place where errors become dialogs: user-facing messages for Hearth errors, a pointer to the log else."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox, QWidget

from common.errors import Cancelled, HearthError

log = logging.getLogger(__name__)


def error_text(exc: BaseException, log_file: str = "") -> str | None:
    """What to tell the user, or None when there is nothing to say (a cancel the user asked for)."""
    if isinstance(exc, Cancelled):
        return None
    if isinstance(exc, HearthError):
        return str(exc)
    where = f" Details are in {log_file}." if log_file else ""
    return f"Something went wrong: {type(exc).__name__}: {exc}.{where}"


def show_error(parent: QWidget | None, exc: BaseException, log_file: str = "") -> None:
    text = error_text(exc, log_file)
    if text is not None:
        QMessageBox.warning(parent, "Hearth", text)
