"""Small helpers for the dashboard tests: unit ids by code, the CSRF token of a page."""

from __future__ import annotations

import re

from storage.db import transaction
from storage.repositories import org
from tests.support.chat_fixtures import World

CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


async def unit_id(world: World, code: str) -> int:
    async with transaction(world.maker) as s:
        unit = await org.by_code(s, code)
        assert unit is not None
        return unit.id


def csrf(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF field on the page"
    return found.group(1)
