"""The dashboard in real headless Chromium (Debian's, through Playwright), as the simulator
test runs it: sign in from a chat link, read, drill down, remind, download, the map.

Screenshots at 390×844 and 1366×768 go to CHIHOI_TEST_ARTIFACTS (default
/tmp/chihoi-artifacts/dashboard) to be looked at.
"""

from __future__ import annotations

import asyncio
import io
import os
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import uvicorn
from openpyxl import load_workbook
from playwright.async_api import Browser, Page, ViewportSize, async_playwright, expect

from tests.dashboard.conftest import Dash, dashboard_app
from tests.dashboard.support import unit_id
from tests.dashboard.test_pages import _review_rows
from tests.reports.test_docx import words
from tests.support.chat_fixtures import World
from tests.web.test_browser import ARGS, CHROMIUM, need_chromium

PHONE = ViewportSize(width=390, height=844)
DESKTOP = ViewportSize(width=1366, height=768)
SHOTS = Path(os.environ.get("CHIHOI_TEST_ARTIFACTS", "/tmp/chihoi-artifacts")) / "dashboard"


@pytest.fixture
async def served(world: World) -> AsyncIterator[Dash]:
    """The dashboard on a free port of 127.0.0.1; its chat links point at that port."""
    need_chromium()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    app, engine = dashboard_app(world, base)
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="warning"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    async with asyncio.timeout(10):
        while not server.started:  # uvicorn offers no event; poll its flag, bounded
            await asyncio.sleep(0.02)
    yield Dash(app, engine, world)
    server.should_exit = True
    await task
    sock.close()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    need_chromium()
    async with async_playwright() as pw:
        b = await pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield b
        finally:
            await b.close()


async def open_link(browser: Browser, link: str, viewport: ViewportSize) -> Page:
    context = await browser.new_context(viewport=viewport, accept_downloads=True)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    await page.goto(link)
    await page.get_by_role("button", name="Vào trang quản lý").click()
    page.set_default_timeout(15_000)
    assert errors == []
    return page


async def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


async def no_sideways_scroll(page: Page) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] if page.viewport_size else True


async def test_the_chair_on_a_phone(served: Dash, browser: Browser) -> None:
    dash = served
    page = await open_link(browser, await dash.link_for("hong"), PHONE)
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Hội LHPN xã Quảng Phú")
    await expect(page.locator(".figure-list")).to_contain_text("Hội viên: 29")
    await no_sideways_scroll(page)
    await expect(page.locator("img").first).to_be_visible()
    await shot(page, "overview-390x844")

    # Keyboard first: Tab reaches the skip link, Enter lands on the content.
    await page.keyboard.press("Tab")
    await expect(page.locator(".skip")).to_be_focused()

    await page.get_by_role("link", name="Chi hội Thôn Đông").first.click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Chi hội Thôn Đông")
    await shot(page, "branch-390x844")
    await page.get_by_role("link", name="Hội viên", exact=True).click()
    await page.get_by_label("Tìm theo tên (gõ có dấu hay không dấu đều được)").fill("thi")
    await page.get_by_role("button", name="Tìm").click()
    await expect(page.locator(".member").first).to_be_visible()
    assert "Tìm thấy" in await page.locator("main").inner_text()
    await no_sideways_scroll(page)
    await shot(page, "members-390x844")
    await page.get_by_role("link", name="Hội LHPN xã Quảng Phú").last.click()

    await page.get_by_role("link", name="Rà soát hội viên").click()
    remind = page.get_by_role("button", name="Nhắc các chi hội chưa xác nhận (3)")
    await remind.click()
    await expect(page.get_by_role("status")).to_contain_text("Đã xếp gửi lời nhắc: 2")
    await remind.click()
    await expect(page.get_by_role("status")).to_contain_text("Đã nhắc trong hôm nay rồi: 2")
    assert sorted(r.chat_id for r in await _review_rows(dash)) == ["hoa", "lan"]
    await shot(page, "review-390x844")

    await page.get_by_role("link", name="Tải về").click()
    async with page.expect_download() as info:
        await page.get_by_role("link", name="Tệp Excel").click()
    download = await info.value
    assert download.suggested_filename == "bao-cao-th-qp-2026-h1.xlsx"
    saved = await download.path()
    with open(saved, "rb") as f:
        book = load_workbook(io.BytesIO(f.read()))
    assert any(ws.max_row > 1 for ws in book.worksheets)
    async with page.expect_download() as info:
        await page.get_by_role("link", name="Báo cáo Word (.docx)").click()
    word = await info.value
    assert word.suggested_filename == "bao-cao-th-qp-2026-h1.docx"
    with open(await word.path(), "rb") as f:
        assert "HỘI LHPN XÃ QUẢNG PHÚ" in words(f.read())


async def test_the_province_on_a_desktop(served: Dash, browser: Browser) -> None:
    dash = served
    page = await open_link(browser, await dash.link_for("thu"), DESKTOP)
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Thanh Hóa")
    for code in ("TH-QP", "TH-HT"):
        uid = await unit_id(dash.world, code)
        await expect(page.locator(f'svg .commune[data-unit="{uid}"]')).to_have_count(1)
    await expect(page.locator("svg .commune")).to_have_count(2)
    await shot(page, "province-1366x768")
    await page.get_by_role("link", name="Sinh hoạt theo quý").click()
    await expect(page.locator("table.grid tbody tr")).to_have_count(3)  # 2 communes + total
    await shot(page, "grid-1366x768")


async def test_a_branch_heads_link_does_not_open_the_commune(
    served: Dash, browser: Browser
) -> None:
    dash = served
    page = await open_link(browser, await dash.link_for("lan"), PHONE)
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Chi hội Thôn Đông")
    commune = await unit_id(dash.world, "TH-QP")
    response = await page.goto(page.url.split("/dashboard/")[0] + f"/dashboard/unit/{commune}")
    assert response is not None and response.status == 404
    await expect(page.get_by_role("heading", level=1)).to_have_text("Không tìm thấy trang")
    await shot(page, "refused-390x844")


async def test_a_used_link_is_refused_in_the_browser(served: Dash, browser: Browser) -> None:
    dash = served
    link = await dash.link_for("hong")
    first = await open_link(browser, link, PHONE)
    await expect(first.get_by_role("heading", level=1)).to_contain_text("Quảng Phú")
    second = await open_link(browser, link, PHONE)
    await expect(second.get_by_role("heading", level=1)).to_have_text(
        "Đường dẫn không còn dùng được"
    )


async def test_the_province_sets_its_rubric_on_a_phone(served: Dash, browser: Browser) -> None:
    dash = served
    page = await open_link(browser, await dash.link_for("thu"), PHONE)
    await page.get_by_role("link", name="Thang điểm xếp loại").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Thang điểm xếp loại")
    await page.get_by_label("quý có sinh hoạt định kỳ", exact=False).fill("30")
    await page.get_by_role("button", name="Lưu thang điểm", exact=False).click()
    await expect(page.get_by_role("alert")).to_contain_text("Tổng điểm đang là 110")
    await no_sideways_scroll(page)
    await shot(page, "rubric-error-390x844")
    await page.get_by_label("quý có sinh hoạt định kỳ", exact=False).fill("20")
    await page.get_by_role("button", name="Lưu thang điểm", exact=False).click()
    await expect(page.get_by_role("status")).to_contain_text("Đã lưu")
    await shot(page, "rubric-390x844")
