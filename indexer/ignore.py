"""Which paths under a watched folder are never indexed: defaults, user globs, the folder's .gitignore."""

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
        lines = list(DEFAULT_FILE_GLOBS) + list(self.user_globs)
        if self.use_gitignore:
            gi = self.root / ".gitignore"
            try:
                lines += gi.read_text(encoding="utf-8", errors="replace").splitlines()
            except FileNotFoundError:
                pass
            except OSError as exc:
                log.warning("could not read %s: %s", gi, exc)
        self._spec = pathspec.GitIgnoreSpec.from_lines(lines)

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
        rel_posix = rel.as_posix() + ("/" if is_dir else "")
        return self._spec.match_file(rel_posix)
