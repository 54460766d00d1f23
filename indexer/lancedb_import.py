"""Import LanceDB without building its REST client's argument validators up front.

`import lancedb` took 1.0-1.2 s here, 0.7 s of it pydantic building validators for the ~370 methods of
lance-namespace's REST client (`@validate_call`), which a local index never calls. While lancedb is first
imported, `pydantic.validate_call` builds each validator on the method's first call instead: validation is
kept, only deferred. This is what brings a cold `hearth search` under 1.5 s (docs/benchmarks.md).
"""

from __future__ import annotations

import functools
import sys
import threading
from types import ModuleType
from typing import Any, Callable

_lock = threading.Lock()


def import_lancedb() -> ModuleType:
    """`import lancedb`, with validators deferred to first use the first time."""
    if "lancedb" in sys.modules:
        return sys.modules["lancedb"]
    import pydantic

    with _lock:
        eager = pydantic.validate_call
        pydantic.validate_call = _deferred(eager)
        try:
            import lancedb
        finally:
            pydantic.validate_call = eager
    return lancedb


def _deferred(eager: Callable[..., Any]) -> Callable[..., Any]:
    """A `validate_call` with pydantic's signature whose wrapper builds the real one when first called."""

    def validate_call(func: Callable[..., Any] | None = None, /, **options: Any) -> Any:
        def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
            built: list[Callable[..., Any]] = []

            @functools.wraps(function)
            def call(*args: Any, **kwargs: Any) -> Any:
                if not built:
                    built.append(eager(**options)(function))
                return built[0](*args, **kwargs)

            call.raw_function = function  # type: ignore[attr-defined]  # as pydantic's wrapper has
            return call

        return decorate(func) if func is not None else decorate

    return validate_call
