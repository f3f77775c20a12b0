"""Signing in with the chat's one-time link: once, within 10 minutes, for her only; sessions
end when idle or from the chat ("đăng xuất mọi nơi")."""

from __future__ import annotations

import httpx

from bot.core.types import ZALO_CAPS
from storage.db import transaction
from storage.repositories import dashboard as sessions
from tests.dashboard.conftest import Dash, dashboard_app, sign_in
from tests.support.chat import Chat
from tests.support.chat_fixtures import World


async def test_the_link_signs_her_in_once(dash: Dash) -> None:
    link = await dash.link_for("hong")
    async with dash.client() as c:
        opened = await sign_in(c, link)
        assert opened.status_code == 303
        cookie = opened.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/dashboard" in cookie
        assert "Secure" not in cookie  # served over http here
        page = await c.get("/dashboard/", follow_redirects=True)
        assert page.status_code == 200
        assert "Phạm Thị Hồng" in page.text and "Hội LHPN xã Quảng Phú" in page.text
    async with dash.client() as other:
        again = await sign_in(other, link)
        assert again.status_code == 403
        assert "chihoi_dash" not in again.headers.get("set-cookie", "")
        assert (await other.get("/dashboard/")).status_code == 401


async def test_an_expired_link_is_refused(dash: Dash) -> None:
    link = await dash.link_for("hong")
    dash.world.clock.advance(minutes=10, seconds=1)
    async with dash.client() as c:
        refused = await sign_in(c, link)
        assert refused.status_code == 403
        assert "set-cookie" not in refused.headers
        assert "10 phút" in refused.text


async def test_a_made_up_link_is_refused(dash: Dash) -> None:
    async with dash.client() as c:
        refused = await sign_in(c, "http://x/dashboard/login?t=not-a-real-token")
        assert refused.status_code == 403


async def test_the_link_is_stored_hashed(dash: Dash) -> None:
    link = await dash.link_for("hong")
    token = link.split("t=", 1)[1]
    async with transaction(dash.world.maker) as s:
        assert await sessions.redeem_link(s, sessions.token_hash(token), dash.world.clock()) is None
        assert await sessions.redeem_link(s, token, dash.world.clock()) is not None


async def test_a_session_ends_after_the_idle_time(dash: Dash) -> None:
    c = await dash.signed_in("hong")
    dash.world.clock.advance(minutes=29)
    assert (await c.get("/dashboard/", follow_redirects=True)).status_code == 200
    dash.world.clock.advance(minutes=29)  # 29 idle minutes again: still in
    assert (await c.get("/dashboard/", follow_redirects=True)).status_code == 200
    dash.world.clock.advance(minutes=30)
    assert (await c.get("/dashboard/")).status_code == 401
    await c.aclose()


async def test_signing_out_everywhere_from_the_chat(dash: Dash) -> None:
    first = await dash.signed_in("hong")
    second = await dash.signed_in("hong")
    unused = await dash.link_for("hong")
    chat = Chat(dash.engine, ZALO_CAPS, "hong", dash.world.clock)
    replies = await chat.say("đăng xuất mọi nơi")
    assert "2 máy" in replies[-1].text
    for c in (first, second):
        assert (await c.get("/dashboard/")).status_code == 401
        await c.aclose()
    async with dash.client() as c:
        assert (await sign_in(c, unused)).status_code == 403


async def test_the_cookie_is_secure_on_https(world: World) -> None:
    app, engine = dashboard_app(world, "https://chihoi.example.org")
    dash = Dash(app, engine, world)
    link = await dash.link_for("hong")
    assert link.startswith("https://chihoi.example.org/dashboard/login?t=")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://chihoi.example.org") as c:
        opened = await sign_in(c, link)
        assert "Secure" in opened.headers["set-cookie"]


async def test_without_a_public_address_the_bot_says_it_is_off(world: World) -> None:
    chat = Chat(world.engine, ZALO_CAPS, "hong", world.clock)
    replies = await chat.say("mở trang quản lý")
    assert "chưa được bật" in replies[-1].text
    assert "http" not in replies[-1].text


async def test_sign_out_needs_the_form_token(dash: Dash, chair: httpx.AsyncClient) -> None:
    refused = await chair.post("/dashboard/logout", data={"csrf": "0" * 32})
    assert refused.status_code == 403
    assert (await chair.get("/dashboard/", follow_redirects=True)).status_code == 200


async def test_another_site_cannot_post_a_link(dash: Dash) -> None:
    """Login CSRF: a page elsewhere posting a link of its own must not sign her in."""
    token = (await dash.link_for("hong")).split("t=", 1)[1]
    async with dash.client() as c:
        refused = await c.post(
            "/dashboard/login", data={"t": token}, headers={"origin": "https://evil.example"}
        )
        assert refused.status_code == 403 and "set-cookie" not in refused.headers
        assert (await sign_in(c, "x?t=" + token)).status_code == 303  # still unspent
