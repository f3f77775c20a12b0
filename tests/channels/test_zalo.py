"""Zalo over the fake platform: typed errors, one update per poll, limits, bots, files, webhook."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from bot.channels.outbound import Address, Unreachable
from bot.channels.zalo import ZaloChannel, render, to_incoming
from bot.channels.zalo_client import ZaloClient, ZaloError, parse_update
from bot.core.types import Attachment, ChatKind, Choice, Reply
from storage.models import ChannelIdentity, ProcessedUpdate
from tests.channels.harness import ZALO_TOKEN, start_zalo
from tests.channels.test_contract import new_invite
from tests.channels.wire import WireChat, ZaloSide, ZaloUser
from tests.fakes.server import ManualClock
from tests.fakes.zalo import FakeZalo
from tests.support.chat_fixtures import World

POLLING = pytest.mark.parametrize("mode", ["polling"])
WEBHOOK = pytest.mark.parametrize("mode", ["webhook"])


def address(user: ZaloUser) -> Address:
    return Address("zalo", "987654", user.chat_id)


@POLLING
async def test_errors_are_typed_and_never_none(
    zalo: ZaloSide, zalo_server: tuple[FakeZalo, str]
) -> None:
    _fake, url = zalo_server
    stranger = ZaloClient("111:not-a-bot", url)
    with pytest.raises(ZaloError) as caught:
        await stranger.get_me()
    assert (caught.value.error_code, caught.value.description) == (401, "Unauthorized")
    client = ZaloClient(ZALO_TOKEN, url)
    with pytest.raises(ZaloError) as caught:
        await client.call("sendFlowers", {"chat_id": "x"})
    assert caught.value.error_code == 404
    with pytest.raises(ZaloError) as caught:
        await client.call("sendMessage", {"chat_id": "x", "text": "a" * 2001})
    assert caught.value.error_code == 400
    with pytest.raises(ValueError, match="split"):
        await client.send_message("x", "a" * 2001)  # refused before it leaves
    await client.aclose()
    await stranger.aclose()


async def test_one_update_per_poll_and_408_when_idle(
    world: World, zalo_server: tuple[FakeZalo, str]
) -> None:
    fake, url = zalo_server
    fake.reset()
    bot = fake.add_bot(ZALO_TOKEN)
    await fake.push(bot, fake.message("a", "một"))
    await fake.push(bot, fake.message("b", "hai"))
    client = ZaloClient(ZALO_TOKEN, url)
    first, second, idle = [await client.get_updates(timeout=1) for _ in range(3)]
    assert [u.text for u in first + second] == ["một", "hai"]
    assert idle == []
    assert [c.status for c in fake.calls] == [200, 200, 408]
    await client.aclose()


@POLLING
async def test_the_same_message_twice_is_answered_once(zalo: ZaloSide, zalo_user: ZaloUser) -> None:
    update = zalo.fake.message(zalo_user.chat_id, "xin chào", message_id="m-1")
    await zalo_user.send(update)
    await zalo_user.send(update)
    assert len(zalo.fake.to_chat(zalo_user.chat_id)) == 1
    async with zalo.world.session() as s:
        assert await s.scalar(select(func.count()).select_from(ProcessedUpdate)) == 1


@POLLING
async def test_long_replies_are_split_at_2000_with_the_numbered_list_last(
    zalo: ZaloSide, zalo_user: ZaloUser
) -> None:
    lines = [f"{i:03d} Nguyễn Thị Lan — Thôn Đông, tổ 3" for i in range(130)]  # ~5,000 chars
    reply = Reply("\n".join(lines), (Choice("1.0", "Trang sau"), Choice("1.1", "Xong")))
    await zalo.channel.deliver(address(zalo_user), reply)
    sent = [m.text for m in zalo.fake.to_chat(zalo_user.chat_id)]
    assert len(sent) == 3 and all(len(t) <= 2000 for t in sent)
    assert "\n".join(sent).split("\n")[:130] == lines
    assert sent[-1].endswith("1. Trang sau\n2. Xong")


@POLLING
async def test_bursts_and_server_errors_are_backed_off(
    zalo: ZaloSide, zalo_user: ZaloUser, manual: ManualClock
) -> None:
    zalo.fake.burst = (2, 1.0)
    zalo.fake.failures["sendMessage"] = [500]
    for n in range(4):
        await zalo.channel.deliver(address(zalo_user), Reply(f"tin {n}"))
    assert [m.text for m in zalo.fake.to_chat(zalo_user.chat_id)] == [f"tin {n}" for n in range(4)]
    statuses = [c.status for c in zalo.fake.calls if c.method == "sendMessage"]
    assert statuses.count(429) >= 1 and statuses.count(500) == 1
    assert len(manual.slept) == statuses.count(429) + 1
    assert all(0.5 <= s <= 30 for s in manual.slept)


@POLLING
async def test_blocked_means_unreachable(zalo: ZaloSide, zalo_user: ZaloUser) -> None:
    code = await new_invite(zalo.world)
    await WireChat(zalo_user).script([("user", code), ("bot", "Chào mừng"), ("bot", "Chị muốn")])
    zalo.fake.blocked.add(zalo_user.chat_id)
    with pytest.raises(Unreachable):
        await zalo.channel.deliver(address(zalo_user), Reply("Nhắc sinh hoạt"))
    async with zalo.world.session() as s:
        row = (
            await s.scalars(select(ChannelIdentity).where(ChannelIdentity.channel == "zalo"))
        ).one()
    assert row.unreachable and row.external_id == zalo_user.chat_id


@WEBHOOK
async def test_webhook_needs_its_secret_and_a_known_bot(
    zalo: ZaloSide, zalo_user: ZaloUser
) -> None:
    hook = zalo.bot.webhook
    assert hook is not None and hook["url"].endswith("/zalo/987654")
    update = zalo.fake.message(zalo_user.chat_id, "xin chào")
    assert await zalo.fake.post_webhook(zalo.bot, update, secret="guessing-it") == 403
    assert await zalo.fake.post_webhook(zalo.bot, update, secret="") == 403
    other = hook["url"].replace("/zalo/987654", "/zalo/555")
    async with httpx.AsyncClient() as client:
        headers = {"X-Bot-Api-Secret-Token": hook["secret_token"]}
        assert (await client.post(other, json=update, headers=headers)).status_code == 404
    assert zalo.fake.sent == [] and zalo.channel.progress.count == 0


async def test_each_zalo_bot_has_its_own_people(
    world: World, zalo_server: tuple[FakeZalo, str], manual: ManualClock
) -> None:
    fake, url = zalo_server
    fake.reset(clock=manual)
    first, second = fake.add_bot("1001:token-a"), fake.add_bot("1002:token-b")
    a, stop_a = await start_zalo(world.engine, world.maker, url, "polling", token=first.token)
    b, stop_b = await start_zalo(world.engine, world.maker, url, "polling", token=second.token)
    code = await new_invite(world)
    await fake.push(first, fake.message("u1", code))
    await a.progress.wait_for(1)
    await fake.push(second, fake.message("u1", "menu"))
    await b.progress.wait_for(1)
    await stop_a()
    await stop_b()
    on_a = [m.text for m in fake.sent if m.bot_id == "1001"]
    on_b = [m.text for m in fake.sent if m.bot_id == "1002"]
    assert "Chào mừng" in on_a[0] and "Chị muốn làm gì" in on_a[1]
    assert len(on_b) == 1 and "mã mời" in on_b[0]  # same user id, other bot: a stranger there


@POLLING
async def test_photos_go_by_short_lived_link_and_documents_as_a_link(
    zalo: ZaloSide, zalo_user: ZaloUser
) -> None:
    chart = Attachment("photo", "bieu-do.png", b"\x89PNG chart", caption="Quý 1")
    sheet = Attachment("document", "bao-cao.xlsx", b"PK sheet")
    await zalo.channel.deliver(address(zalo_user), Reply("Biểu đồ:", attachment=chart))
    await zalo.channel.deliver(address(zalo_user), Reply("Báo cáo:", attachment=sheet))
    text, photo, _report, link = zalo.fake.to_chat(zalo_user.chat_id)
    assert (text.text, photo.method, photo.params["caption"]) == ("Biểu đồ:", "sendPhoto", "Quý 1")
    assert "một giờ" in link.text
    url = next(w for w in link.text.split() if w.startswith("http"))
    async with httpx.AsyncClient() as client:
        assert (await client.get(photo.params["photo"])).content == b"\x89PNG chart"
        got = await client.get(url)
        assert got.content == b"PK sheet" and "attachment" in got.headers["content-disposition"]
        assert (await client.get(url.replace("/files/", "/files/x"))).status_code == 404


@POLLING
async def test_without_a_public_address_files_become_a_note(
    zalo: ZaloSide, zalo_user: ZaloUser
) -> None:
    zalo.channel.shelf = None
    sheet = Attachment("document", "bao-cao.xlsx", b"PK sheet")
    await zalo.channel.deliver(address(zalo_user), Reply("", attachment=sheet))
    [note] = zalo.fake.to_chat(zalo_user.chat_id)
    assert "Zalo không nhận được tệp bao-cao.xlsx" in note.text


def test_updates_flat_or_wrapped_and_groups() -> None:
    fake = FakeZalo()
    body = fake.message("g1", "@Bot Chi Hội giúp", user_id="u9", group=True, name="Hoa")
    flat, wrapped = parse_update(body), parse_update({"ok": True, "result": body})
    assert flat == wrapped and flat is not None
    inc = to_incoming("987654", flat, "Bot Chi Hội")
    assert (inc.chat_kind, inc.addressed, inc.text, inc.user_id, inc.chat_id) == (
        ChatKind.GROUP, True, "giúp", "u9", "g1"
    )  # fmt: skip
    assert inc.display_name == "Hoa" and not inc.caps.buttons
    assert parse_update({"event_name": "message.text.received"}) is None
    assert parse_update(["garbage"]) is None
    assert render(Reply("Chọn:", (Choice("1.0", "Có"),), numbered=True)) == ["Chọn:\n\n1. Có"]


async def test_webhook_methods_chat_action_and_a_refused_token(
    world: World, zalo_server: tuple[FakeZalo, str]
) -> None:
    fake, url = zalo_server
    fake.reset()
    fake.add_bot(ZALO_TOKEN)
    client = ZaloClient(ZALO_TOKEN, url)
    with pytest.raises(ValueError, match="8 to 256"):
        await client.set_webhook("https://bot.example.org/zalo/987654", "short")
    with pytest.raises(ZaloError, match="https"):
        await client.set_webhook("http://bot.example.org/zalo/987654", "long-enough-secret")
    await client.set_webhook("https://bot.example.org/zalo/987654", "long-enough-secret")
    assert (await client.get_webhook_info())["url"].endswith("/zalo/987654")
    with pytest.raises(ZaloError) as caught:
        await client.get_updates(timeout=1)  # no polling while a webhook is set
    assert caught.value.error_code == 400
    await client.delete_webhook()
    assert (await client.get_webhook_info())["url"] == ""
    assert await client.send_chat_action("u1", "typing") is True
    await client.aclose()
    refused = ZaloChannel(
        ZaloClient("5:wrong", url), world.engine, world.maker, bot_id="5", secret="x" * 8
    )
    assert await refused.start() is False
    await refused.close()
