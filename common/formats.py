"""Versioned JSON files for user data (chats, watched folders, the models registry).

A file is an envelope `{"format": KIND, "version": N, "migrations": [names], "data": ...}`. Its version is
the number of named migrations applied to it. A file without an envelope is version 0 (what Hearth wrote
before formats were versioned). Reading an older file applies the missing migrations in order, records
their names and writes the result back atomically; a file from a newer Hearth is refused, never rewritten.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from common import atomic
from common.errors import FormatError


@dataclass(frozen=True)
class Migration:
    """One step from version N to N+1; `name` is recorded in the file once it has been applied."""

    name: str
    apply: Callable[[Any], Any]


@dataclass(frozen=True)
class Format:
    """A kind of file and the migrations that bring any older version of it to the current one."""

    kind: str
    migrations: tuple[Migration, ...]

    @property
    def version(self) -> int:
        return len(self.migrations)

    def envelope(self, data: Any) -> dict:
        return {"format": self.kind, "version": self.version,
                "migrations": [m.name for m in self.migrations], "data": data}

    def save(self, path: Path, data: Any) -> None:
        atomic.write_json(Path(path), self.envelope(data), indent=1)

    def upgrade(self, doc: Any, where: str = "") -> tuple[Any, list[str]]:
        """The current-version data of a parsed document, and the names of the migrations it needed."""
        if isinstance(doc, dict) and "format" in doc:
            if doc["format"] != self.kind:
                raise FormatError(f"{where} holds {doc['format']!r}, not {self.kind!r}.")
            version, data = int(doc.get("version", 0)), doc.get("data")
        else:
            version, data = 0, doc
        if version > self.version:
            raise FormatError(f"{where} was written by a newer Hearth (format {self.kind} version {version}; "
                              f"this one reads up to {self.version}). Update Hearth to open it.")
        applied = []
        for m in self.migrations[version:]:
            data = m.apply(data)
            applied.append(m.name)
        return data, applied

    def load(self, path: Path, default: Any = None) -> Any:
        """Read `path` (or return `default` when it does not exist), migrating and rewriting it when older."""
        path = Path(path)
        if not path.exists():
            return default
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            data, applied = self.upgrade(doc, str(path))
        except FormatError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise FormatError(f"{path} is damaged ({exc}); fix it or move it away.") from None
        if applied:
            self.save(path, data)
        return data
