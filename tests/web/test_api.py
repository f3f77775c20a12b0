"""The simulator's JSON API: people, a turn in both profiles, the outbox panel, bad input."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from starlette.applications import Starlette
from typer.testing import CliRunner

from bot.channels import web
from bot.cli import app
from bot.core.types import ZALO_CAPS, Attachment, Choice, Reply
from bot.domain.enums import OutboxStatus
from storage.db import transaction
from storage.models import Outbox
from storage.repositories import outbox
from tests.support.chat_fixtures import World


async def say(client: httpx.AsyncClient, user: str, profile: str, **message: str) -> Any:
    body = {"user": user, "profile": profile, "update_id": str(uuid.uuid4()), **message}
    response = await client.post("/api/send", json=body)
    assert response.status_code == 200, response.text
    return response.json()["replies"]


async def test_people_are_the_demo_officers_with_vietnamese_role_names(
    client: httpx.AsyncClient,
) -> None:
    people = (await client.get("/api/people")).json()
    assert [p["user"] for p in people] == ["lan", "hoa", "mai", "hong", "thu"]
    lan = people[0]
    assert lan["name"] == "Nguyễn Thị Lan"
    assert lan["roles"] == [
        {"role": "branch_head", "role_name": "chi hội trưởng", "unit": "Chi hội Thôn Đông"}
    ]


async def test_menu_in_buttons_profile_comes_with_buttons(client: httpx.AsyncClient) -> None:
    [reply] = await say(client, "lan", "buttons", text="menu")
    assert "Chị muốn làm gì" in reply["text"]
    labels = [c["label"] for c in reply["choices"]]
    assert "Ngôn ngữ / Language" in labels
    assert "1. Ngôn ngữ" not in reply["text"]


async def test_menu_in_text_profile_is_a_numbered_list(client: httpx.AsyncClient) -> None:
    [reply] = await say(client, "lan", "text", text="menu")
    assert reply["choices"] == []
    assert "\n1. " in reply["text"]
    assert "Ngôn ngữ / Language" in reply["text"]


async def test_a_pressed_button_key_is_a_choice(client: httpx.AsyncClient) -> None:
    [menu] = await say(client, "lan", "buttons", text="menu")
    key = next(c["key"] for c in menu["choices"] if c["label"] == "Ngôn ngữ / Language")
    [reply] = await say(client, "lan", "buttons", choice=key)
    assert [c["label"] for c in reply["choices"]] == ["Tiếng Việt", "English"]


async def test_a_replayed_update_id_sends_nothing(client: httpx.AsyncClient) -> None:
    body = {"user": "lan", "profile": "buttons", "update_id": "same-1", "text": "menu"}
    first = (await client.post("/api/send", json=body)).json()["replies"]
    again = (await client.post("/api/send", json=body)).json()["replies"]
    assert len(first) == 1
    assert again == []


async def test_a_stranger_is_told_about_invites(client: httpx.AsyncClient) -> None:
    [reply] = await say(client, "moi-khach-1", "text", text="xin chào")
    assert "mã mời" in reply["text"]


async def test_a_stranger_with_an_invite_code_joins_the_people(
    client: httpx.AsyncClient, world: World
) -> None:
    code = world.demo.invites[0][0]
    replies = await say(client, "moi-khach-2", "buttons", text=f"/start {code}", name="Chị Hạnh")
    assert "Chi hội Làng Nam" in replies[0]["text"]
    people = (await client.get("/api/people")).json()
    assert {"user": "moi-khach-2", "name": "Chị Hạnh"}.items() <= people[-1].items()


async def test_bad_requests_are_refused_with_a_reason(client: httpx.AsyncClient) -> None:
    cases: list[Any] = [
        {"profile": "buttons", "text": "menu"},
        {"user": "x" * 65, "text": "menu"},
        {"user": "lan", "profile": "fax", "text": "menu"},
        {"user": "lan", "text": "   "},
        {"user": "lan", "text": 5},
        {"user": "lan", "text": "a" * 5000},
        ["lan", "menu"],
    ]
    for body in cases:
        response = await client.post("/api/send", json=body)
        assert response.status_code == 400, body
        assert response.json()["error"]
    headers = {"Content-Type": "application/json"}
    for raw in (b"{not json", b'{"user": "\xff"}', b"[" * 100_000 + b"]" * 100_000):
        response = await client.post("/api/send", content=raw, headers=headers)
        assert response.status_code == 400, raw[:12]


async def test_outbox_lists_waiting_messages_first_in_local_time(
    client: httpx.AsyncClient, world: World
) -> None:
    now = world.clock()
    async with transaction(world.maker) as s:
        for key, hours in [("later", 48), ("soon", 3), ("other", 1)]:
            chat_id = "hoa" if key == "other" else "lan"
            payload = {"text": f"Nhắc việc {key}", "choices": [["snooze", "Nhắc lại sau"]]}
            await outbox.enqueue(
                s,
                key,
                "reminder",
                "web",
                "sim",
                chat_id,
                payload,
                now,
                not_before=now + dt.timedelta(hours=hours),
            )
        await outbox.enqueue(s, "done", "digest", "web", "sim", "lan", {"text": "Xong"}, now)
    async with transaction(world.maker) as s:
        await s.execute(update(Outbox).where(Outbox.key == "done").values(status=OutboxStatus.SENT))

    rows = (await client.get("/api/outbox", params={"user": "lan", "profile": "text"})).json()
    assert [r["parts"][0]["text"].split("\n")[0] for r in rows] == [
        "Nhắc việc soon",
        "Nhắc việc later",
        "Xong",
    ]
    assert [r["status"] for r in rows] == ["pending", "pending", "sent"]
    assert rows[0]["due_local"] == "20/03/2026 12:00"  # 09:00 + 3 h, Hà Nội time
    assert "1. Nhắc lại sau" in rows[0]["parts"][0]["text"]

    rows = (await client.get("/api/outbox", params={"user": "lan", "profile": "buttons"})).json()
    assert rows[0]["parts"][0]["choices"] == [{"key": "snooze", "label": "Nhắc lại sau"}]
    assert (await client.get("/api/outbox")).status_code == 400


def test_long_text_is_split_at_the_profile_limit_and_the_attachment_rides_last() -> None:
    text = "\n".join(f"dòng {i} " + "x" * 90 for i in range(40))  # ~4,000 characters
    photo = Attachment("photo", "chart.png", b"\x89PNG...", caption="Biểu đồ")
    parts = web.render(Reply(text, (Choice("a", "Được"),), attachment=photo), ZALO_CAPS)
    assert len(parts) == 2
    assert all(len(p["text"]) <= ZALO_CAPS.text_limit for p in parts)
    assert "attachment" not in parts[0]
    assert base64.b64decode(parts[1]["attachment"]["data"]) == b"\x89PNG..."
    assert parts[1]["text"].endswith("1. Được")


async def test_the_page_and_its_files_are_served_under_a_strict_policy(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/")
    assert page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "Tin nhắn hẹn giờ" in page.text
    for path in ("/sim.js", "/sim.css"):
        assert (await client.get(path)).status_code == 200
    assert (await client.get("/sim.py")).status_code == 404
    script = (await client.get("/sim.js")).text
    assert "innerHTML" not in script  # every bot and user text goes in as textContent


# --- who may drive the simulator (issue 15.2) ------------------------------------------


async def test_without_the_printed_link_nothing_is_served(sim_app: Starlette) -> None:
    transport = httpx.ASGITransport(app=sim_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8080") as c:
        for method, path in [("GET", "/"), ("GET", "/api/people"), ("GET", "/api/outbox?user=lan")]:
            response = await c.request(method, path)
            assert response.status_code == 401, path
            assert "Nguyễn" not in response.text
        sent = await c.post("/api/send", json={"user": "lan", "text": "menu"})
        assert sent.status_code == 401
        wrong = await c.get("/?key=guess")
        assert wrong.status_code == 401 and "chihoi_sim" not in wrong.headers.get("set-cookie", "")
        assert (await c.get("/sim.js")).status_code == 200  # no data in the script


async def test_the_key_becomes_a_strict_http_only_cookie_and_leaves_the_address(
    sim_app: Starlette,
) -> None:
    transport = httpx.ASGITransport(app=sim_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost:8080") as c:
        opened = await c.get(f"/?key={sim_app.state.sim_key}")
        assert opened.status_code == 303 and opened.headers["location"] == "/"
        cookie = opened.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        assert (await c.get("/")).status_code == 200
        assert (await c.get("/api/people")).status_code == 200


async def test_other_hosts_origins_and_content_types_are_refused(
    client: httpx.AsyncClient,
) -> None:
    body = {"user": "lan", "profile": "buttons", "text": "menu"}
    # DNS rebinding: a name that resolves to this machine but is not ours.
    rebound = await client.get("/api/people", headers={"Host": "evil.example:8080"})
    assert rebound.status_code == 403
    # A page on another origin posting to us (the cookie would ride along without SameSite).
    cross = await client.post("/api/send", json=body, headers={"Origin": "http://evil.example"})
    assert cross.status_code == 403
    other_port = await client.post(
        "/api/send", json=body, headers={"Origin": "http://127.0.0.1:9999"}
    )
    assert other_port.status_code == 403
    # A form post (no preflight) is not JSON.
    form = await client.post(
        "/api/send", content=b'{"user":"lan","text":"menu"}', headers={"Content-Type": "text/plain"}
    )
    assert form.status_code == 415
    same = await client.post("/api/send", json=body, headers={"Origin": "http://127.0.0.1:8080"})
    assert same.status_code == 200


def test_a_public_address_needs_an_explicit_setting(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("CHIHOI_WEB_HOST", "0.0.0.0")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.delenv("ZALO_BOTS", raising=False)
    result = CliRunner().invoke(app, ["run"])
    assert result.exit_code == 1
    assert "CHIHOI_SIMULATOR_PUBLIC=1" in result.output
