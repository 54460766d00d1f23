"""Reading JSON-lines files where every bad line is reported with its number."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, TypeVar

T = TypeVar("T")


def parse_jsonl(path: Path, parse: Callable[[Any], T], error: type[Exception]) -> list[T]:
    """`parse` each non-blank line's JSON value; a line that fails raises `error` naming the file and line."""
    out: list[T] = []
    try:
        f = open(path, encoding="utf-8")
    except OSError as exc:
        raise error(f"Cannot read {path}: {exc.strerror or exc}.") from None
    with f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                out.append(parse(json.loads(line)))
            except (ValueError, KeyError, TypeError, error) as exc:
                raise error(f"{path}, line {n}: {exc}") from None
    return out
