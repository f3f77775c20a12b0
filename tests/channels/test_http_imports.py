"""httpcore's per-request `import sniffio` fails at once when sniffio is not installed."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import Any

import pytest
from httpcore._synchronization import current_async_library

from bot.channels.http_imports import settle_missing_sniffio


def test_a_missing_sniffio_is_marked_absent_and_httpcore_still_finds_asyncio(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    searches: list[str] = []

    def find_spec(name: str, *args: Any) -> None:
        searches.append(name)
        return None  # as when it is not installed

    before = sys.modules.pop("sniffio", "absent")
    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    try:
        settle_missing_sniffio()
        settle_missing_sniffio()
        assert searches == ["sniffio"]  # looked for once
        assert sys.modules["sniffio"] is None
        with pytest.raises(ImportError):
            importlib.import_module("sniffio")
        assert current_async_library() == "asyncio"
    finally:
        sys.modules.pop("sniffio", None)
        if before != "absent":
            sys.modules["sniffio"] = before  # type: ignore[assignment]


def test_an_installed_sniffio_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "sniffio", raising=False)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: object())
    settle_missing_sniffio()
    assert "sniffio" not in sys.modules
