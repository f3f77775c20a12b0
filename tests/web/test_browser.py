"""The simulator page in real headless Chromium on a phone-sized screen, served by uvicorn."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import os
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import uvicorn
from playwright.async_api import Page, Route, ViewportSize, async_playwright, expect
from starlette.applications import Starlette

from storage.db import transaction
from storage.repositories import outbox
from tests.support.chat_fixtures import World

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = ViewportSize(width=390, height=844)
# A 2x2 PNG, to check that a photo reply shows as an image.
PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGM4JBENRAwQCgAj"
    "dgTVp5krKQAAAABJRU5ErkJggg=="
)
SCREENSHOT = Path(os.environ.get("CHIHOI_SIM_SCREENSHOT", "/tmp/sim.png"))


def need_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} is required under CI=true (apt-get install chromium)")
    pytest.skip(f"{CHROMIUM} not installed")


@pytest.fixture
async def served(sim_app: Starlette) -> AsyncIterator[str]:
    """The app on a free port of 127.0.0.1 (the socket is bound first, so no port race)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(sim_app, lifespan="off", log_level="warning"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    async with asyncio.timeout(10):
        while not server.started:  # uvicorn offers no event; poll its flag, bounded
            await asyncio.sleep(0.02)
    yield f"http://127.0.0.1:{port}/?key={sim_app.state.sim_key}"
    server.should_exit = True
    await task
    sock.close()


async def test_chat_on_a_phone_in_both_styles(served: str, world: World) -> None:
    need_chromium()
    async with transaction(world.maker) as s:
        due = world.clock() + dt.timedelta(days=1)
        payload = {"text": "Nhắc chị ghi sinh hoạt tháng 3.", "choices": [["ok", "Ghi ngay"]]}
        await outbox.enqueue(
            s, "demo-reminder", "reminder", "web", "sim", "lan", payload, world.clock(), due
        )

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = await browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True)
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            await page.goto(served)
            await page.select_option("#person", "lan")

            bot = page.locator(".msg.bot:not(.pending)")
            await page.fill("#text", "menu")
            await page.click("#send")
            await expect(bot.last).to_contain_text("Chị muốn làm gì")
            await expect(bot.last.get_by_role("button", name="Ngôn ngữ / Language")).to_be_visible()

            await page.get_by_text("Kiểu Zalo").click()
            await page.fill("#text", "menu")
            await page.press("#text", "Enter")
            await expect(bot).to_have_count(2)
            await expect(bot.last).to_contain_text("1. ")
            await expect(bot.last).to_contain_text("Ngôn ngữ / Language")
            await expect(bot.last.get_by_role("button")).to_have_count(0)

            await page.get_by_text("Kiểu Telegram").click()
            await page.fill("#text", "menu")
            await page.click("#send")
            await expect(bot).to_have_count(3)
            await bot.last.get_by_role("button", name="Ngôn ngữ / Language").click()
            await expect(bot).to_have_count(4)
            await expect(bot.last.get_by_role("button", name="English")).to_be_visible()
            await expect(page.locator(".msg.me").last).to_have_text("Ngôn ngữ / Language")

            # Typed markup stays text.
            await page.fill("#text", "<b>đậm</b>")
            await page.click("#send")
            await expect(page.locator(".msg.me").last).to_have_text("<b>đậm</b>")
            await expect(bot).to_have_count(5)
            assert await page.locator("#chat b").count() == 0

            await page.locator("#outbox-panel summary").click()
            item = page.locator(".outbox-item")
            await expect(item).to_contain_text("Nhắc chị ghi sinh hoạt tháng 3.")
            await expect(item).to_contain_text("Chờ gửi")
            await expect(page.locator("#outbox-count")).to_have_text("1")

            width = await page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], "the page scrolls sideways on a phone"
            await page.locator("#outbox-panel summary").click()
            await page.screenshot(path=str(SCREENSHOT))
            await check_attachments(page)
            assert errors == []
        finally:
            await browser.close()


async def check_attachments(page: Page) -> None:
    """No feature sends files yet, so one /api/send answer is stubbed: the page's rendering
    of a photo (inline) and a document (download from base64) is what is checked here."""
    replies = [
        {
            "text": "Biểu đồ",
            "notice": False,
            "choices": [],
            "attachment": {
                "kind": "photo",
                "filename": "bieu-do.png",
                "caption": "Tháng 3",
                "data": PNG,
            },
        },
        {
            "text": "Báo cáo",
            "notice": False,
            "choices": [],
            "attachment": {
                "kind": "document",
                "filename": "bao-cao.csv",
                "caption": "",
                "data": base64.b64encode("Chi hội;Số hội viên\n".encode()).decode(),
            },
        },
    ]

    async def stub(route: Route) -> None:
        await route.fulfill(json={"replies": replies})

    await page.route("**/api/send", stub)
    await page.fill("#text", "báo cáo")
    await page.click("#send")
    image = page.locator(".msg.bot img[alt='Tháng 3']")
    await expect(image).to_be_visible()
    assert await image.evaluate("img => img.naturalWidth") == 2
    link = page.get_by_role("link", name="Tải về: bao-cao.csv")
    async with page.expect_download() as info:
        await link.click()
    download = await info.value
    assert download.suggested_filename == "bao-cao.csv"
    saved = await download.path()
    assert Path(saved).read_text(encoding="utf-8") == "Chi hội;Số hội viên\n"


async def test_a_delivered_reminder_shows_in_the_chat_and_its_button_works(
    served: str, world: World
) -> None:
    """The sender delivered a meeting reminder to Lan: it is in her chat (not a panel), its
    kind in words, and tapping its button opens the meeting dialog as a normal turn."""
    need_chromium()
    now = world.clock()
    text = "Chi hội Thôn Đông chưa ghi buổi sinh hoạt định kỳ nào trong Quý 1/2026."
    payload = {"text": text, "choices": [["go:log_meeting", "Ghi sinh hoạt"]], "numbered": False}
    async with transaction(world.maker) as s:
        await outbox.enqueue(s, "due", "meeting_due", "web", "sim", "lan", payload, now, now)
    async with transaction(world.maker) as s:  # as the sender does: claim, then mark sent
        (row,) = await outbox.claim(s, now, 5, dt.timedelta(minutes=2), None, None)
        assert await outbox.mark_sent(s, [row.id], now) == 1

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = await browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True)
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            await page.goto(served)
            await page.select_option("#person", "lan")
            push = page.locator("#chat .msg.bot.push")
            await expect(push).to_have_count(1)
            await expect(push).to_contain_text(text)
            await expect(page.locator("#chat .push-meta")).to_contain_text("nhắc sinh hoạt")
            assert "meeting_due" not in await page.locator("#chat").inner_text()
            assert "Đã gửi" not in await page.locator("body").inner_text()
            await expect(page.locator("#outbox-count")).to_have_text("0")
            await push.get_by_role("button", name="Ghi sinh hoạt").click()
            await expect(page.locator(".msg.me").last).to_have_text("Ghi sinh hoạt")
            reply = page.locator(".msg.bot:not(.pending):not(.push)").last
            await expect(reply).to_contain_text("Chi hội Thôn Đông sinh hoạt ngày nào")
            await expect(push).to_have_count(1)  # the refresh after the turn adds no copy
            await page.screenshot(path=str(SCREENSHOT.with_name("sim-push.png")))
            assert errors == []
        finally:
            await browser.close()
