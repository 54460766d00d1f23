"""Parsers turn a file into structured blocks (text with page and heading). One module per family of formats.

`parse_path` is the single entry point; `SUPPORTED` lists the extensions the registry knows.
"""

from indexer.parsers.registry import SUPPORTED, file_type_of, parse_path

# Importing the modules registers their parsers.
from indexer.parsers import documents, mail, markup, ocr, office, plain  # noqa: F401,E402

__all__ = ["SUPPORTED", "file_type_of", "parse_path"]
