"""Which paths under a watched folder are never indexed: defaults, user globs, and .gitignore files (the folder's
own and those in folders below it, the deepest one with a matching rule deciding, as git does)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import pathspec

log = logging.getLogger(__name__)

IGNORED_DIR_NAMES = frozenset(
    {"node_modules", "__pycache__", "venv", "site-packages", "$RECYCLE.BIN", "System Volume Information"}
)
# Office lock files, editor swap and backup files, partial downloads: never the user's content.
DEFAULT_FILE_GLOBS = (
    "~$*", ".~lock.*#", "*.swp", "*.swo", "*.swx", "*~", "*.tmp", "*.temp", "*.part", "*.crdownload",
    "#*#", ".#*", "4913", "*.lnk", "Thumbs.db", "desktop.ini",
)


@dataclass
class IgnoreRules:
    """Decides per path, relative to one watched root. Hidden files and folders are ignored too."""

    root: Path
    user_globs: tuple[str, ...] = ()
    use_gitignore: bool = True

    def __post_init__(self) -> None:
        self.root = Path(self.root)
        self._always = pathspec.GitIgnoreSpec.from_lines(list(DEFAULT_FILE_GLOBS) + list(self.user_globs))
        self._gitignores: dict[Path, pathspec.GitIgnoreSpec | None] = {}  # per folder, read once per instance

    def _gitignore(self, folder: Path) -> pathspec.GitIgnoreSpec | None:
        if folder not in self._gitignores:
            gi, spec = folder / ".gitignore", None
            try:
                spec = pathspec.GitIgnoreSpec.from_lines(gi.read_text(encoding="utf-8", errors="replace").splitlines())
            except (FileNotFoundError, NotADirectoryError):
                pass
            except OSError as exc:
                log.warning("could not read %s: %s", gi, exc)
            self._gitignores[folder] = spec
        return self._gitignores[folder]

    def ignored(self, path: Path, is_dir: bool) -> bool:
        """True when `path` (absolute, under root) must not be indexed or descended into."""
        try:
            rel = path.relative_to(self.root)
        except ValueError:
            return True
        parts = rel.parts
        if not parts:
            return False
        for i, part in enumerate(parts):
            part_is_dir = is_dir or i < len(parts) - 1
            if part.startswith("."):
                return True
            if part_is_dir and (part in IGNORED_DIR_NAMES):
                return True
        if is_dir and (path / "pyvenv.cfg").exists():
            return True
        if self._always.match_file(rel.as_posix() + ("/" if is_dir else "")):
            return True
        if not self.use_gitignore:
            return False
        for depth in range(len(parts) - 1, -1, -1):  # the deepest .gitignore with an opinion decides
            spec = self._gitignore(self.root.joinpath(*parts[:depth]))
            if spec is not None:
                verdict = spec.check_file("/".join(parts[depth:]) + ("/" if is_dir else "")).include
                if verdict is not None:
                    return verdict
        return False
