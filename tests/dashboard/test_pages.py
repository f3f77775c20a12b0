"""The pages' content: figures worst first, drill-down, the review's reminders through the
outbox (pressing twice sends once), members without CCCD in clear, files, admin pages."""

from __future__ import annotations

import io
import re

import httpx
from openpyxl import load_workbook
from sqlalchemy import select

from bot.core.types import ZALO_CAPS
from bot.domain.enums import OutboxStatus, RoleKind
from bot.reports.docx_report import DOCX_MIME
from storage.db import transaction
from storage.models import Outbox
from storage.repositories import audit, dues, members, outbox, people
from tests.dashboard.conftest import Dash
from tests.dashboard.support import csrf, unit_id
from tests.reports.test_docx import words
from tests.support.chat import Chat

ROW = r'<th scope="row" data-label="[^"]*"><a href="[^"]*">([^<]+)</a>'


async def test_the_overview_ranks_the_branches_worst_first(
    dash: Dash, chair: httpx.AsyncClient
) -> None:
    """Quảng Phú on 20/03/2026 (2026-H1): no branch has logged a Q1 meeting in the demo
    world, so the order is the chat's tie-break by attendance, leader visits and code; the
    page shows the same figure lines as the chat report ("Hội viên: 29")."""
    qp = await unit_id(dash.world, "TH-QP")
    page = await chair.get(f"/dashboard/unit/{qp}")
    assert page.status_code == 200
    assert "Hội viên: 29" in page.text
    names = re.findall(ROW, page.text)
    assert names[:3] == ["Chi hội Thôn Đông", "Chi hội Thôn Tây", "Chi hội Làng Nam"]
    by_name = await chair.get(f"/dashboard/unit/{qp}?sort=name&dir=desc")
    names = re.findall(ROW, by_name.text)
    assert names == ["Chi hội Thôn Tây", "Chi hội Thôn Đông", "Chi hội Làng Nam"]  # Đ after T
    branch = await unit_id(dash.world, "TH-QP-01")
    drill = await chair.get(f"/dashboard/unit/{branch}?period=2026-H1")
    assert drill.status_code == 200
    assert "Chi hội Thôn Đông" in drill.text
    assert f'href="/dashboard/unit/{qp}"' in drill.text  # the way back up


async def test_remind_twice_queues_one_message_per_late_branch(
    dash: Dash, chair: httpx.AsyncClient
) -> None:
    """2026-H1 on 20/03: none of Quảng Phú's three branches confirmed its list. Thôn Đông
    (Lan) and Thôn Tây (Hoa) have a reachable head; Làng Nam's head has not joined yet, so
    two messages, and pressing again the same day adds none."""
    qp = await unit_id(dash.world, "TH-QP")
    page = await chair.get(f"/dashboard/unit/{qp}/review")
    assert page.status_code == 200
    assert "0/3 chi hội đã xác nhận" in page.text
    token = csrf(page.text)
    first = await chair.post(
        f"/dashboard/unit/{qp}/review/remind?period=2026-H1", data={"csrf": token}
    )
    assert first.status_code == 303
    again = await chair.post(
        f"/dashboard/unit/{qp}/review/remind?period=2026-H1", data={"csrf": token}
    )
    shown = await chair.get(again.headers["location"])
    assert "Đã nhắc trong hôm nay rồi: 2" in shown.text
    rows = await _review_rows(dash)
    assert sorted(r.chat_id for r in rows) == ["hoa", "lan"]
    assert all("Hội xã đang chờ" in r.payload["text"] for r in rows)
    assert {r.payload["check"]["what"] for r in rows} == {"review"}
    dash.world.clock.advance(days=1)
    chair = await dash.signed_in("hong")  # the old session went idle overnight
    later = await chair.get(f"/dashboard/unit/{qp}/review")
    await chair.post(
        f"/dashboard/unit/{qp}/review/remind?period=2026-H1", data={"csrf": csrf(later.text)}
    )
    assert len(await _review_rows(dash)) == 4  # a new day, a new reminder each
    await chair.aclose()


async def _review_rows(dash: Dash) -> list[Outbox]:
    async with transaction(dash.world.maker) as s:
        stmt = select(Outbox).where(Outbox.kind == "review_due", Outbox.key.contains("dashboard-"))
        return list((await s.scalars(stmt)).all())


async def test_a_forged_csrf_token_changes_nothing(dash: Dash, chair: httpx.AsyncClient) -> None:
    qp = await unit_id(dash.world, "TH-QP")
    other = await dash.signed_in("hong")  # her second browser: its own token
    other_token = csrf((await other.get(f"/dashboard/unit/{qp}/review")).text)
    for data in ({"csrf": "f" * 32}, {}, {"csrf": other_token}):
        refused = await chair.post(f"/dashboard/unit/{qp}/review/remind", data=data)
        assert refused.status_code == 403
    page = await chair.get(f"/dashboard/unit/{qp}/review")
    cross = await chair.post(
        f"/dashboard/unit/{qp}/review/remind",
        data={"csrf": csrf(page.text)},
        headers={"origin": "https://evil.example"},
    )
    assert cross.status_code == 403
    assert await _review_rows(dash) == []
    await other.aclose()


async def test_members_search_without_accents_and_masked_ids(dash: Dash) -> None:
    branch = await unit_id(dash.world, "TH-QP-01")
    async with transaction(dash.world.maker) as s:
        await members.add_member(
            s, branch, "Đặng Thị Ngọc Ánh", None, dash.world.clock(), birth_year=1980,
            phone="0912345678", cccd="038180001234", ethnicity="Mường", consents=("membership", "sensitive"),
        )  # fmt: skip
    chair = await dash.signed_in("hong")
    page = await chair.get(f"/dashboard/unit/{branch}/members?q=dang+thi+ngoc+anh")
    assert "Tìm thấy 1 hội viên" in page.text and "Đặng Thị Ngọc Ánh" in page.text
    assert "038180001234" not in page.text and "038******234" in page.text
    assert "0912345678" not in page.text and "0912 *** *78" in page.text
    assert "Mường" not in page.text  # sensitive: the branch's own officers only
    lan = await dash.signed_in("lan")
    own = await lan.get(f"/dashboard/unit/{branch}/members?q=anh")
    assert "0912 345 678" in own.text and "Mường" in own.text and "038******234" in own.text
    everyone = await chair.get(f"/dashboard/unit/{branch}/members")
    assert everyone.status_code == 200
    assert everyone.text.count('class="member"') == min(20, _total(everyone.text))
    for c in (chair, lan):
        await c.aclose()


def _total(html: str) -> int:
    found = re.search(r"Tìm thấy (\d+) hội viên", html)
    assert found
    return int(found.group(1))


async def test_downloads_give_the_workbook_and_the_charts(
    dash: Dash, chair: httpx.AsyncClient
) -> None:
    qp = await unit_id(dash.world, "TH-QP")
    page = await chair.get(f"/dashboard/unit/{qp}/downloads?period=2025-H2")
    assert page.status_code == 200
    book = await chair.get(f"/dashboard/unit/{qp}/report.xlsx?period=2025-H2")
    assert book.status_code == 200
    assert "bao-cao-th-qp-2025-h2.xlsx" in book.headers["content-disposition"]
    wb = load_workbook(io.BytesIO(book.content))
    cells = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value]
    assert any("Thôn Đông" in v for v in cells)
    for name in re.findall(r"/chart/([a-z-]+)\.png\?period=2025-H2", page.text):
        png = await chair.get(f"/dashboard/unit/{qp}/chart/{name}.png?period=2025-H2")
        assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"


async def test_admin_pages(dash: Dash) -> None:
    """The audit log names the officer and the action, never the detail's values; a failed
    message shows its kind and error, never its text, and goes back to pending on retry."""
    th = await unit_id(dash.world, "TH")
    async with transaction(dash.world.maker) as s:
        hong = await people.find_person(s, "web", "sim", "hong")
        thu = await people.find_person(s, "web", "sim", "thu")
        assert hong is not None and thu is not None
        detail = {"field": "Đinh Thị Secret"}
        await audit.record(s, dash.world.clock(), hong.id, "member_correct", "member", 7, detail)
        payload = {"text": "Chị Secret ơi"}
        now = dash.world.clock()
        await outbox.enqueue(s, "k1", "reminder", "web", "sim", "lan", payload, now)
        (row,) = (await s.scalars(select(Outbox).where(Outbox.key == "k1"))).all()
        row.status, row.last_error = OutboxStatus.FAILED, "HTTP 500"
        await people.grant_role(s, thu.id, th, RoleKind.ADMIN)
    chair = await dash.signed_in("hong")
    assert (await chair.get("/dashboard/admin/audit")).status_code == 404
    admin = await dash.signed_in("thu")
    log = await admin.get("/dashboard/admin/audit")
    assert log.status_code == 200
    assert "member_correct" in log.text and "Phạm Thị Hồng" in log.text
    assert "Secret" not in log.text
    failed = await admin.get("/dashboard/admin/failed")
    assert "HTTP 500" in failed.text and "Secret" not in failed.text
    form = {"csrf": csrf(failed.text), "id": str(row.id)}
    retried = await admin.post("/dashboard/admin/failed/retry", data=form)
    assert retried.status_code == 303
    async with transaction(dash.world.maker) as s:
        again = await s.get(Outbox, row.id)
        assert again is not None and again.status == OutboxStatus.PENDING
    for c in (chair, admin):
        await c.aclose()


async def test_the_province_map_shows_each_commune_once(dash: Dash) -> None:
    """Thanh Hóa's demo communes carry official positions: Quảng Phú at 64,4% (≥ 60%) is
    drawn in the top band, Hạc Thành (weak in the demo) in the lowest, each exactly once."""
    thu = await dash.signed_in("thu")
    th = await unit_id(dash.world, "TH")
    page = await thu.get(f"/dashboard/unit/{th}")
    assert page.status_code == 200
    for code in ("TH-QP", "TH-HT"):
        assert page.text.count(f'data-unit="{await unit_id(dash.world, code)}"') == 1
    assert page.text.count('class="commune"') == 2
    assert 'data-band="met"' in page.text
    png = await thu.get(f"/dashboard/unit/{th}/map.png")
    assert png.content[:4] == b"\x89PNG"
    await thu.aclose()


async def test_the_map_in_chat(dash: Dash) -> None:
    chat = Chat(dash.engine, ZALO_CAPS, "thu", dash.world.clock)
    replies = await chat.say("bản đồ tỷ lệ tập hợp")
    photo = replies[-1].attachment
    assert photo is not None and photo.kind == "photo" and photo.data[:4] == b"\x89PNG"
    assert "Bản đồ tỷ lệ tập hợp" in replies[-1].text


async def test_a_province_review_lists_its_communes(dash: Dash) -> None:
    """Above a commune the review shows each unit below with its count (Thanh Hóa: Quảng Phú
    0/3, Hạc Thành 0/2 on 20/03/2026), each opening its own review."""
    thu = await dash.signed_in("thu")
    th = await unit_id(dash.world, "TH")
    page = await thu.get(f"/dashboard/unit/{th}/review")
    assert "0/5 chi hội đã xác nhận" in page.text
    qp = await unit_id(dash.world, "TH-QP")
    assert f'href="/dashboard/unit/{qp}/review?period=2026-H1">Hội LHPN xã Quảng Phú' in page.text
    assert "3 chưa xác nhận" in page.text and "2 chưa xác nhận" in page.text
    assert "Chi hội Thôn Đông" not in page.text
    await thu.aclose()


async def test_the_page_switches_to_english_and_back(dash: Dash, chair: httpx.AsyncClient) -> None:
    """The page follows her language, the same setting as the chat's."""
    qp = await unit_id(dash.world, "TH-QP")
    page = await chair.get(f"/dashboard/unit/{qp}")
    assert "Tổng quan" in page.text
    back = f"/dashboard/unit/{qp}"
    form = {"csrf": csrf(page.text), "lang": "en", "back": back}
    switched = await chair.post("/dashboard/language", data=form)
    assert switched.status_code == 303 and switched.headers["location"] == back
    english = await chair.get(back)
    assert "Overview" in english.text and "Members: 29" in english.text
    elsewhere = {**form, "lang": "en", "back": "https://evil.example/"}
    assert (await chair.post("/dashboard/language", data=elsewhere)).status_code == 404
    await chair.post("/dashboard/language", data={**form, "lang": "vi"})
    assert "Tổng quan" in (await chair.get(back)).text


async def test_downloads_give_the_word_report(dash: Dash, chair: httpx.AsyncClient) -> None:
    """The same report as the chat's "Gửi báo cáo Word", scoped like the other files, with
    the sections of what was entered: Quảng Phú's 29 members owe 24.000 đ each for 2026 and
    none has paid by 20/03/2026 → 0 of 29 × 24.000 = 696.000 đ collected."""
    qp = await unit_id(dash.world, "TH-QP")
    async with transaction(dash.world.maker) as s:
        await dues.set_rate(s, qp, 2026, 24_000, None, None, None, dash.world.clock())
    page = await chair.get(f"/dashboard/unit/{qp}/downloads?period=2026-H1")
    assert f"/dashboard/unit/{qp}/report.docx?period=2026-H1" in page.text
    assert "Báo cáo Word (.docx)" in page.text
    got = await chair.get(f"/dashboard/unit/{qp}/report.docx?period=2026-H1")
    assert got.status_code == 200
    assert got.headers["content-type"] == DOCX_MIME
    assert 'filename="bao-cao-th-qp-2026-h1.docx"' in got.headers["content-disposition"]
    text = words(got.content)  # opened with python-docx
    assert "HỘI LHPN XÃ QUẢNG PHÚ" in text
    assert "- Hội viên: 29 (0 so với đầu kỳ)" in text
    assert "6. Hội phí và quỹ chi hội" in text
    assert (
        "- Hội phí: 0 đã đóng, 0 đóng một phần, 0 được miễn, 29 chưa đóng trên 29; "
        "đã thu 0 đ/696.000 đ"
    ) in text
    other = await unit_id(dash.world, "TH-HT")
    refused = await chair.get(f"/dashboard/unit/{other}/report.docx?period=2026-H1")
    assert refused.status_code == 404 and "Hạc Thành" not in refused.text
