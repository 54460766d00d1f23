"""Errors of the parsing stage only; app-wide errors live in `common.errors`."""


class SkipFile(Exception):
    """A file is deliberately not indexed (unsupported, binary, empty, too large)."""


class ParseFailed(Exception):
    """A file of a supported type could not be read; the message is the reason shown to the user."""
