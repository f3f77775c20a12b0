"""Recording dues in chat, both profiles: a batch in one reply, partial amounts, re-asks.

Thôn Đông (Lan's branch in the demo) has 10 members; with dues of 30.000 đ and members of
60 and over exempt, 6 are exempt and 4 owe.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select

from bot.domain.dues import DuesStatus
from storage.models.dues import DuesPayment, DuesRelief
from tests.dues.support import actions, roster, set_rate
from tests.support.chat import Chat
from tests.support.chat_fixtures import World


async def payments(world: World) -> int:
    async with world.maker() as s:
        return int(await s.scalar(select(func.count()).select_from(DuesPayment)) or 0)


async def test_a_batch_in_one_reply_then_the_rest_in_full(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    await set_rate(world)
    before = await roster(world)
    assert (before.count(DuesStatus.EXEMPT), before.count(DuesStatus.UNPAID)) == (6, 4)
    lan = chat_as("lan")
    await lan.script([
        ("user", "thu hội phí"),
        ("bot", "Hội phí năm 2026: 30.000 đ mỗi hội viên. Đã đóng hoặc được miễn: 6/10."),
        ("user", "tất cả trừ 9"),
        ("bot", "Số 9 không có trong danh sách 4 người"),
        ("user", "tất cả trừ 3"),
        ("bot", "Mỗi chị đã đóng bao nhiêu?"),
        ("user", "-5k"),
        ("bot", "Số tiền không thể là số âm. Chị gõ lại nhé."),
        ("user", "20 triệu"),
        ("bot", "20.000.000 đ nhiều hơn 10.000.000 đ, có vẻ bị gõ nhầm"),
        ("user", "50"),
        ("bot", 'Em chưa chắc "50" là bao nhiêu. Chị thêm chữ "k"'),
        ("user", "nhiều lắm"),
        ("bot", "Em chưa đọc được số tiền này"),
        ("user", "năm mươi nghìn"),
        ("bot", "50.000 đ nhiều hơn số chị"),
        ("user", "20.000đ"),
        ("bot", "Hội phí năm 2026: 3 hội viên, tổng 60.000 đ."),
        ("pick", "Đúng, lưu"),
        ("bot", "Đã ghi 3 hội viên đóng (60.000 đ). Hội phí năm 2026: 0 đã đóng, 6 được miễn, 4 chưa đóng đủ."),
    ])  # fmt: skip
    mid = await roster(world)
    assert sorted(r.paid for r in mid.rows if r.owed) == [0, 20_000, 20_000, 20_000]
    assert mid.count(DuesStatus.PARTIAL) == 3
    await lan.script([
        ("user", "thu hội phí"),
        ("bot", "(còn thiếu 10.000 đ)"),
        ("user", "tất cả"),
        ("bot", "Mỗi chị đã đóng bao nhiêu?"),
        ("pick", "Đóng đủ"),
        ("bot", "Hội phí năm 2026: 4 hội viên, tổng 60.000 đ."),
        ("pick", "Đúng, lưu"),
        ("bot", "Hội phí năm 2026: 4 đã đóng, 6 được miễn, 0 chưa đóng đủ."),
        ("user", "thu hội phí"),
        ("bot", "Tất cả hội viên đã đóng hội phí năm 2026. Em cảm ơn chị!"),
        ("bot", "Chị muốn làm gì?"),
    ])  # fmt: skip
    after = await roster(world)
    assert after.collected == 120_000 and after.settled == 10
    assert [a.detail["total"] for a in await actions(world, "dues.recorded")] == [60_000, 60_000]


async def test_cancelled_at_the_summary_writes_nothing(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    await set_rate(world)
    lan = chat_as("lan")
    await lan.script([
        ("user", "thu hội phí"),
        ("bot", "Những chị nào đã đóng?"),
        ("user", "1 2"),
        ("bot", "Mỗi chị đã đóng bao nhiêu?"),
        ("user", "30k"),
        ("bot", "tổng 60.000 đ"),
        ("user", "huỷ"),
        ("bot", "Đã huỷ"),
    ])  # fmt: skip
    assert await payments(world) == 0
    assert await actions(world, "dues.recorded") == []


async def test_no_rate_no_collection(world: World, chat_as: Callable[[str], Chat]) -> None:
    lan = chat_as("lan")
    await lan.say("thu hội phí")
    assert "Hội chưa đặt mức hội phí năm 2026" in lan.text()
    assert await payments(world) == 0


async def test_the_chair_sets_the_rate_with_rules(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    hong = chat_as("hong")
    await hong.script([
        ("user", "mức hội phí"),
        ("bot", "Hội phí năm 2026 mỗi hội viên đóng bao nhiêu?"),
        ("user", "không"),
        ("bot", "Em chưa đọc được số tiền này"),
        ("user", "24k"),
        ("bot", "Hội viên cao tuổi (từ 60 tuổi)"),
        ("pick", "Miễn"),
        ("bot", "Hộ có nhiều hội viên"),
        ("user", "30k"),
        ("bot", "Mức giảm phải thấp hơn 24.000 đ"),
        ("user", "12k"),
        ("bot", "Hội phí năm 2026: 24.000 đ mỗi hội viên"),
        ("pick", "Đúng, lưu"),
        ("bot", "Đã lưu. Em cảm ơn chị!"),
    ])  # fmt: skip
    (audit,) = await actions(world, "dues_rate.set")
    assert audit.detail == {
        "year": 2026,
        "amount": 24_000,
        "elderly": 0,
        "household": 12_000,
        "before": None,
    }
    d = await roster(world)
    assert d.rate is not None and d.rate.amount == 24_000


async def test_a_decision_exempts_a_member_with_its_reason(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    await set_rate(world)
    owing = next(i for i, r in enumerate((await roster(world)).rows, 1) if r.owed == 30_000)
    lan = chat_as("lan")
    await lan.script([
        ("user", "miễn giảm hội phí"),
        ("bot", "Hội phí năm 2026 của chị nào?"),
        ("user", str(owing)),
        ("bot", "Các chị ấy được miễn, giảm thế nào?"),
        ("pick", "Giảm theo quyết định"),
        ("bot", "Năm nay mỗi chị ấy đóng bao nhiêu?"),
        ("user", "10k"),
        ("bot", "Lý do là gì"),
        ("user", "x"),
        ("bot", "Chị ghi lý do vài chữ nhé"),
        ("user", "Hoàn cảnh khó khăn, Hội xã đồng ý"),
        ("bot", "Hội phí năm 2026: Giảm theo quyết định: 10.000 đ"),
        ("pick", "Đúng, lưu"),
        ("bot", "Đã lưu. Em cảm ơn chị!"),
    ])  # fmt: skip
    async with world.maker() as s:
        (relief,) = (await s.scalars(select(DuesRelief))).all()
    assert (relief.kind, relief.amount) == ("reduced", 10_000)
    d = await roster(world)
    assert sorted(r.owed for r in d.rows if r.owed) == [10_000, 30_000, 30_000, 30_000]


async def test_a_batch_typed_by_mistake_is_undone_by_reversing_rows(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    await set_rate(world)
    lan = chat_as("lan")
    await lan.say("thu hội phí")
    await lan.say("1 2")
    await lan.pick("Đóng đủ")
    await lan.pick("Đúng, lưu")
    assert "Đã ghi 2 hội viên đóng (60.000 đ)" in lan.text()
    await lan.script([
        ("user", "huỷ ghi hội phí"),
        ("bot", "Lần ghi nào bị nhầm?"),
        ("pick", "2 hội viên, 60.000 đ"),
        ("bot", "Em sẽ ghi thêm các khoản huỷ 2 khoản đóng này (60.000 đ)"),
        ("pick", "Đúng, lưu"),
        ("bot", "Dạ, em đã huỷ 2 khoản đóng hội phí."),
        ("user", "huỷ ghi hội phí"),
        ("bot", "Năm nay chưa có lần ghi hội phí nào để huỷ ạ."),
        ("bot", "Chị muốn làm gì?"),
    ])  # fmt: skip
    assert await payments(world) == 4  # two payments and their two reversals
    assert (await roster(world)).collected == 0
    (undo,) = await actions(world, "dues.reversed")
    assert undo.detail["members"] == 2
