"""LanceDB imported with its REST client's validators deferred: validation still happens, on first call."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pydantic
import pytest

from indexer.lancedb_import import _deferred

ROOT = Path(__file__).resolve().parents[1]


def test_deferred_validate_call_validates_on_call() -> None:
    deferred = _deferred(pydantic.validate_call)

    @deferred
    def double(n: int) -> int:
        return n * 2

    @deferred(validate_return=True)
    def liar(n: int) -> int:
        return "not a number"  # type: ignore[return-value]

    class Api:
        @deferred
        def describe(self, name: pydantic.StrictStr) -> str:
            return name.upper()

    assert double(3) == 6 and double("4") == 8  # lax mode coerces, as pydantic does
    with pytest.raises(pydantic.ValidationError):
        double("four")
    with pytest.raises(pydantic.ValidationError):
        liar(1)
    assert Api().describe("a") == "A"
    with pytest.raises(pydantic.ValidationError):
        Api().describe(1)
    assert double.__name__ == "double" and double.raw_function(5) == 10


def test_import_lancedb_restores_pydantic_and_keeps_validation() -> None:
    """In a fresh interpreter: the REST client's methods still reject bad arguments (before any request), and
    `pydantic.validate_call` is pydantic's own again afterwards."""
    script = textwrap.dedent("""
        import pydantic
        eager = pydantic.validate_call
        from indexer.lancedb_import import import_lancedb
        lancedb = import_lancedb()
        assert pydantic.validate_call is eager, "validate_call left patched"
        assert import_lancedb() is lancedb
        from lance_namespace_urllib3_client import ApiClient, TableApi
        api = TableApi(ApiClient())
        try:
            api.describe_table(id=123, describe_table_request=None)
        except pydantic.ValidationError as e:
            print("rejected", e.error_count())
    """)
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("rejected")
