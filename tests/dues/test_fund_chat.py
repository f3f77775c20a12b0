"""The branch fund in chat, both profiles: income, spending, a correction that reverses an
entry (the old one stays), the statement in chat and its Excel file read back."""

from __future__ import annotations

import io
from collections.abc import Callable

from openpyxl import load_workbook
from sqlalchemy import select

from storage.models.dues import FundEntry
from tests.dues.support import actions
from tests.support.chat import Chat
from tests.support.chat_fixtures import World


async def entries(world: World) -> list[FundEntry]:
    async with world.maker() as s:
        return list((await s.scalars(select(FundEntry).order_by(FundEntry.id))).all())


async def test_income_spending_and_a_correction(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    """1.500.000 in, 200.000 out (balance 1.300.000); the 200.000 is cancelled by a new entry
    of +200.000, so the balance is 1.500.000 again and the book keeps three lines."""
    lan = chat_as("lan")
    await lan.script([
        ("user", "ghi quỹ"),
        ("bot", "Chị muốn ghi gì vào sổ quỹ?"),
        ("pick", "Thu"),
        ("bot", "Ngày nào chị?"),
        ("pick", "Hôm nay"),
        ("bot", "Số tiền là bao nhiêu?"),
        ("user", "1tr5"),
        ("bot", "Khoản này dùng vào việc gì?"),
        ("user", "Góp quỹ tiết kiệm"),
        ("bot", "• Thu: 1.500.000 đ"),
        ("pick", "Đúng, lưu"),
        ("bot", "Đã lưu. Quỹ chi hội hiện còn 1.500.000 đ."),
        ("user", "ghi quỹ"),
        ("bot", "Chị muốn ghi gì vào sổ quỹ?"),
        ("pick", "Chi"),
        ("bot", "Ngày nào chị?"),
        ("user", "25/3"),
        ("bot", "25/3 năm nay chưa tới"),
        ("user", "hôm qua"),
        ("bot", "Số tiền là bao nhiêu?"),
        ("user", "âm 5 nghìn"),
        ("bot", "Số tiền không thể là số âm"),
        ("user", "200k"),
        ("bot", "Khoản này dùng vào việc gì?"),
        ("user", "Thăm hội viên ốm"),
        ("bot", "• Chi: 200.000 đ"),
        ("pick", "Đúng, lưu"),
        ("bot", "Đã lưu. Quỹ chi hội hiện còn 1.300.000 đ."),
        ("user", "ghi quỹ"),
        ("bot", "Chị muốn ghi gì vào sổ quỹ?"),
        ("pick", "Sửa một khoản"),
        ("bot", "Khoản nào ghi nhầm?"),
        ("pick", "-200.000 đ Thăm"),
        ("bot", "Vì sao huỷ khoản này?"),
        ("user", "Ghi nhầm, chị em tự góp"),
        ("bot", "em ghi thêm một khoản 200.000 đ bên cạnh"),
        ("pick", "Đúng, lưu"),
        ("bot", "Đã lưu. Quỹ chi hội hiện còn 1.500.000 đ."),
    ])  # fmt: skip
    rows = await entries(world)
    assert [(e.amount, e.reverses_id) for e in rows] == [
        (1_500_000, None),
        (-200_000, None),
        (200_000, rows[1].id),
    ]
    assert [a.entity_id for a in await actions(world, "fund.entry")] == [rows[0].id, rows[1].id]
    (rev,) = await actions(world, "fund.reversal")
    assert rev.detail == {"reverses": rows[1].id, "amount": 200_000}
    await lan.script([
        ("user", "sổ quỹ"),
        ("bot", "Quỹ chi hội năm 2026 – Chi hội Thôn Đông"),
    ])  # fmt: skip
    (reply,) = lan.last
    assert "Thu: 1.700.000 đ" in reply.text and "Chi: 200.000 đ" in reply.text
    assert "Tồn quỹ: 1.500.000 đ" in reply.text
    assert reply.attachment is not None
    ws = load_workbook(io.BytesIO(reply.attachment.data)).worksheets[0]
    body = [r for r in ws.iter_rows(min_row=3, values_only=True)]
    # in date order: the spending was yesterday's
    assert [(r[1], r[2], r[3]) for r in body[1:4]] == [
        (None, 200_000, "Thăm hội viên ốm"),
        (1_500_000, None, "Góp quỹ tiết kiệm"),
        (200_000, None, "Ghi nhầm, chị em tự góp"),
    ]
    assert body[1][5] == "đã huỷ" and body[3][5] == f"huỷ khoản số {rows[1].id}"
    assert body[-2][:3] == ("Tổng", 1_700_000, 200_000)
    assert body[-1][:2] == ("Tồn quỹ", 1_500_000)


async def test_a_correction_cannot_be_corrected_twice(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    """Once reversed, an entry is no longer offered; nothing else is written."""
    lan = chat_as("lan")
    await lan.script([
        ("user", "ghi quỹ"),
        ("bot", "Chị muốn ghi gì vào sổ quỹ?"),
        ("pick", "Thu"),
        ("bot", "Ngày nào chị?"),
        ("pick", "Hôm nay"),
        ("bot", "Số tiền là bao nhiêu?"),
        ("user", "0"),
        ("bot", "Số tiền 0 đồng thì em không ghi được gì"),
        ("user", "100.000"),
        ("bot", "Khoản này dùng vào việc gì?"),
        ("user", "a"),
        ("bot", "Chị ghi vài chữ khoản tiền này dùng vào việc gì nhé."),
        ("user", "Ủng hộ"),
        ("bot", "• Thu: 100.000 đ"),
        ("pick", "Đúng, lưu"),
        ("bot", "Đã lưu."),
        ("user", "ghi quỹ"),
        ("bot", "Chị muốn ghi gì vào sổ quỹ?"),
        ("pick", "Sửa một khoản"),
        ("bot", "Khoản nào ghi nhầm?"),
        ("pick", "100.000 đ Ủng hộ"),
        ("bot", "Vì sao huỷ khoản này?"),
        ("user", "nhầm"),
        ("bot", "100.000 đ bên cạnh"),
        ("pick", "Đúng, lưu"),
        ("bot", "Quỹ chi hội hiện còn 0 đ."),
        ("user", "ghi quỹ"),
        ("bot", "Chị muốn ghi gì vào sổ quỹ?"),
    ])  # fmt: skip
    labels = [c.label for r in lan.last for c in r.choices]
    assert "Sửa một khoản đã ghi" not in labels
    assert len(await entries(world)) == 2
