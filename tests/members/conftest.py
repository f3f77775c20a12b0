"""Member tests run with a known data key, so ID numbers can be sealed and opened."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from storage import crypto

TEST_KEY = "test-data-key-0123456789abcdefghij"


@pytest.fixture(autouse=True)
def data_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("CHIHOI_DATA_KEY", TEST_KEY)
    crypto.reset()
    yield TEST_KEY
    crypto.reset()
