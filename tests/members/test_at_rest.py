"""Issue 15.9: a member's phone and ID number never sit in clear in the database file."""

from __future__ import annotations

from pathlib import Path

from storage import crypto
from storage.repositories import members
from tests.members.support import member_named
from tests.members.test_register import CCCD, FULL
from tests.support.chat import Chat
from tests.support.chat_fixtures import World

PHONE = "0912345678"
# As stored and as typed; the digits alone also catch any other spacing in one column.
NEEDLES = [PHONE, "912345678", "0912 345 678", CCCD, "038 190 001 234", "190001234"]


def _bytes_at_rest(sqlite_url: str) -> bytes:
    path = Path(sqlite_url.split("///", 1)[1])
    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-journal")]
    data = b"".join(f.read_bytes() for f in files if f.exists())
    assert len(data) > 10_000  # a real database file (and its WAL) was read
    return data


async def test_registered_phone_and_id_are_not_in_the_file_or_its_wal(
    world: World, chat: Chat, sqlite_url: str
) -> None:
    await chat.script(FULL)
    m = await member_named(world, "Trần Thị Bích")
    assert members.phone_of(m) == PHONE and m.phone_enc is not None
    assert m.phone_index == crypto.phone_index(PHONE) != crypto.blind_index(PHONE)
    async with world.session() as s:  # found by its blind index, nothing decrypted
        assert await members.with_phone(s, PHONE) == [m.id]
        assert await members.with_phone(s, "0912345679") == []
    data = _bytes_at_rest(sqlite_url)
    found = [n for n in NEEDLES if n.encode() in data or n.encode("utf-16-le") in data]
    assert found == []
    # the test can see plaintext when it is there: the name is stored in clear
    assert "Trần Thị Bích".encode() in data
