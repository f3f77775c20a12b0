"""Member tests run with a known data key (tests/conftest.py gives every test one)."""

from __future__ import annotations

from tests.conftest import TEST_KEY

__all__ = ["TEST_KEY"]
