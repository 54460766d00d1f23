"""The small error hierarchy of Hearth. Messages are written for the person using the app."""


class HearthError(Exception):
    """Base for errors that carry a user-facing message."""


class Cancelled(HearthError):
    """Long work was stopped on request; everything written before it is kept. `report` says what was done."""

    def __init__(self, message: str = "Cancelled.", report: object | None = None) -> None:
        super().__init__(message)
        self.report = report


class ConfigError(HearthError):
    """A setting or path is wrong; the message says which and what to do."""


class ModelNotFound(HearthError):
    """A model file or folder is missing."""


class FormatError(HearthError):
    """A file Hearth keeps (chats, folders, models registry) is damaged or from a newer Hearth."""
