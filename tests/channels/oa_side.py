"""The OA channel wired to the fake OA server: a woman writing through signed webhook events."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import httpx

from bot.channels.zalo_oa import ZaloOaChannel
from bot.channels.zalo_oa_client import OaClient
from bot.channels.zalo_oa_tokens import TokenKeeper
from bot.domain.textkeys import fold
from storage.db import transaction
from storage.repositories import oa_state
from tests.fakes.server import Running
from tests.fakes.zalo_oa import FakeZaloOa
from tests.support.chat_fixtures import World


@dataclass
class OaSide:
    fake: FakeZaloOa
    channel: ZaloOaChannel
    world: World
    hook: Running  # the channel's webhook, served on its own port
    http: httpx.AsyncClient

    async def post(self, raw: bytes, headers: dict[str, str]) -> int:
        response = await self.http.post(
            f"{self.hook.url}/zalo-oa/{self.fake.oa_id}", content=raw, headers=headers
        )
        return response.status_code

    async def deliver(self, body: dict[str, Any]) -> None:
        """Post a signed event, then let the worker handle what was queued."""
        raw, headers = self.fake.signed(body)
        assert await self.post(raw, headers) == 200
        await self.channel.drain()


def make_channel(fake: FakeZaloOa, url: str, world: World, ahead_hours: float = 3) -> ZaloOaChannel:
    client = OaClient(
        fake.app_id, fake.app_secret, api_url=f"{url}/openapi", oauth_url=f"{url}/oauth/v4"
    )
    keeper = TokenKeeper(
        world.maker, client, fake.oa_id, ahead=dt.timedelta(hours=ahead_hours), clock=world.clock
    )
    return ZaloOaChannel(
        client, keeper, world.engine, world.maker, oa_id=fake.oa_id,
        sign_ids=[fake.app_id], sign_secrets=[fake.oa_secret_key], clock=world.clock,
    )  # fmt: skip


async def store_pair(world: World, fake: FakeZaloOa) -> tuple[str, str]:
    access, refresh = fake.issue()
    now = world.clock()
    async with transaction(world.maker) as s:
        await oa_state.save_token(
            s, fake.oa_id, access, refresh, now + dt.timedelta(seconds=90000), now
        )
    return access, refresh


@dataclass
class OaUser:
    side: OaSide
    chat_id: str

    async def say(self, text: str) -> None:
        await self.side.deliver(self.side.fake.event(self.chat_id, text))

    async def pick(self, label: str) -> None:
        """Tap the button like `label` on the newest message (a hidden payload); where it
        has more choices than buttons, type the number of the listed option, as on Zalo."""
        sent = self.side.fake.to_user(self.chat_id)
        assert sent, "nothing to answer"
        last = sent[-1]
        found = [b for b in last.buttons if fold(label) in fold(b["title"])]
        if last.buttons:
            assert len(found) == 1, f"no single button like {label!r} in {last.buttons}"
            await self.say(found[0]["payload"])
            return
        options = re.findall(r"^(\d+)\. (.+)$", last.text, flags=re.MULTILINE)
        numbers = [n for n, text in options if fold(label) in fold(text)]
        assert len(numbers) == 1, f"no single option like {label!r} in {options}"
        await self.say(numbers[0])

    def seen(self) -> list[str]:
        return [
            m.text + "".join(f"\n[{b['title']}]" for b in m.buttons)
            for m in self.side.fake.to_user(self.chat_id)
        ]
