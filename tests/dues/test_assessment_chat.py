"""The quarterly "3 có, 3 biết", the yearly submission and the chair's approval in chat,
both profiles; and "1+1" pairs recorded by the commune."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from bot.domain.assessment import Grade
from storage.models.dues import BranchAssessment, HelpPair, SelfAssessment
from tests.dues.support import actions, unit_id
from tests.support.chat import Chat
from tests.support.chat_fixtures import World


async def test_three_has_three_knows_in_one_reply(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    lan = chat_as("lan")
    await lan.script([
        ("user", "3 có 3 biết"),
        ("bot", "“3 có, 3 biết” Quý 1/2026: chi hội đã làm được những mục nào?"),
        ("user", "1 2 9"),
        ("bot", "Chị gõ số từ 1 đến 6"),
        ("user", "1 2 4"),
        ("bot", "Chi hội Thôn Đông, Quý 1/2026: đạt 3/6 mục"),
        ("pick", "Đúng, lưu"),
        ("bot", "Đã lưu. Em cảm ơn chị!"),
    ])  # fmt: skip
    async with world.maker() as s:
        (row,) = (await s.scalars(select(SelfAssessment))).all()
    assert (row.quarter, row.ticked) == ("2026-Q1", ["faces", "monthly", "pioneers"])


async def test_submitted_then_adjusted_with_a_reason(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    world.clock.set_local(2026, 12, 10)
    lan, hong = chat_as("lan"), chat_as("hong")
    await lan.script([
        ("user", "gửi xếp loại"),
        ("bot", "Chi hội Thôn Đông, xếp loại năm 2026:"),
        ("pick", "Đúng, lưu"),
        ("bot", "Đã gửi Chủ tịch Hội xã. Em cảm ơn chị!"),
    ])  # fmt: skip
    branch = await unit_id(world, "TH-QP-01")
    async with world.maker() as s:
        row = await s.get(BranchAssessment, (branch, 2026))
        assert row is not None and not row.approved
        computed = row.computed
    await hong.script([
        ("user", "duyệt xếp loại"),
        ("bot", "Chị duyệt xếp loại của chi hội nào?"),
        ("pick", "Thôn Đông"),
        ("bot", "Chị có duyệt xếp loại này không?"),
        ("pick", "Điều chỉnh"),
        ("bot", "Xếp loại nào?"),
        ("pick", "Khá"),
        ("bot", "Đây có phải chi hội điển hình không chị?"),
        ("pick", "Không"),
        ("bot", "Vì sao chị điều chỉnh xếp loại?"),
        ("user", "ok"),
        ("bot", "Điều chỉnh xếp loại cần có lý do"),
        ("user", "Chi hội đã vận động được nhiều chị em khó khăn"),
        ("bot", "Chi hội Thôn Đông: khá"),
        ("pick", "Đúng, lưu"),
        ("bot", "Đã duyệt. Em cảm ơn chị!"),
        ("user", "duyệt xếp loại"),
        ("bot", "Chưa có chi hội nào gửi xếp loại chờ duyệt"),
        ("bot", "Chị muốn làm gì?"),
    ])  # fmt: skip
    async with world.maker() as s:
        row = await s.get(BranchAssessment, (branch, 2026))
        assert row is not None
        assert (row.approved, row.grade, row.computed, row.adjust_reason) == (
            True, Grade.FAIR, computed, "Chi hội đã vận động được nhiều chị em khó khăn"
        )  # fmt: skip
    (audit,) = await actions(world, "assessment.approved")
    assert audit.detail["adjusted"] is True and audit.detail["grade"] == "fair"
    await lan.script([
        ("user", "gửi xếp loại"),
        ("bot", "xếp loại năm 2026"),
        ("pick", "Đúng, lưu"),
        ("bot", "Chủ tịch Hội xã đã duyệt xếp loại rồi ạ, em chưa lưu gì."),
    ])  # fmt: skip
    await lan.script([
        ("user", "báo cáo hội phí"),
        ("bot", "Lý do của Chủ tịch Hội xã: Chi hội đã vận động được nhiều chị em khó khăn"),
    ])  # fmt: skip


async def test_the_chair_approves_as_submitted(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    world.clock.set_local(2026, 12, 10)
    lan, hong = chat_as("lan"), chat_as("hong")
    await lan.say("gửi xếp loại")
    await lan.pick("Đúng, lưu")
    await hong.script([
        ("user", "duyệt xếp loại"),
        ("bot", "Chị duyệt xếp loại của chi hội nào?"),
        ("pick", "Thôn Đông"),
        ("bot", "Chị có duyệt xếp loại này không?"),
        ("pick", "Duyệt"),
        ("bot", "Chi hội Thôn Đông:"),
        ("pick", "Đúng, lưu"),
        ("bot", "Đã duyệt."),
    ])  # fmt: skip
    async with world.maker() as s:
        row = await s.get(BranchAssessment, (await unit_id(world, "TH-QP-01"), 2026))
        assert row is not None and row.approved and row.grade == row.computed
        assert row.adjust_reason is None


async def test_a_pair_of_a_branch_with_itself_is_re_asked(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    hong = chat_as("hong")
    await hong.script([
        ("user", "ghép cặp"),
        ("bot", "Cặp “1+1” loại nào?"),
        ("pick", "Chi hội giúp chi hội"),
        ("bot", "Chi hội nào giúp?"),
        ("pick", "Thôn Đông"),
        ("bot", "Chi hội nào được giúp?"),
        ("pick", "Thôn Đông"),
        ("bot", "Một chi hội không tự giúp chính mình được"),
        ("pick", "Làng Nam"),
        ("bot", "“1+1”: Chi hội Thôn Đông giúp Chi hội Làng Nam"),
        ("pick", "Đúng, lưu"),
        ("bot", "Đã lưu. Mỗi quý em sẽ hỏi hai bên kết quả giúp nhau."),
    ])  # fmt: skip
    async with world.maker() as s:
        (pair,) = (await s.scalars(select(HelpPair))).all()
    assert (pair.helper_unit_id, pair.helped_unit_id) == (
        await unit_id(world, "TH-QP-01"),
        await unit_id(world, "TH-QP-03"),
    )
    lan = chat_as("lan")
    await lan.script([
        ("user", "trả lời cặp"),
        ("bot", "Quý 1/2026: hai bên trong cặp đã gặp và giúp nhau chưa chị?"),
        ("pick", "Có, đã giúp nhau"),
        ("bot", "Đã lưu. Em cảm ơn chị!"),
    ])  # fmt: skip
    assert len(await actions(world, "pair.check_in")) == 1


async def test_a_mentor_pair(world: World, chat_as: Callable[[str], Chat]) -> None:
    hong = chat_as("hong")
    await hong.script([
        ("user", "ghép cặp"),
        ("bot", "Cặp “1+1” loại nào?"),
        ("pick", "Kèm cặp"),
        ("bot", "Họ tên đầy đủ của người kèm cặp là gì?"),
        ("user", "123"),
        ("bot", "Chị gõ họ tên đầy đủ của người kèm cặp nhé."),
        ("user", "Đỗ Văn Minh"),
        ("bot", "Chi hội nào được giúp?"),
        ("pick", "Thôn Tây"),
        ("bot", "“1+1”: Đỗ Văn Minh giúp Chi hội Thôn Tây"),
        ("pick", "Đúng, lưu"),
        ("bot", "Đã lưu."),
    ])  # fmt: skip
    async with world.maker() as s:
        (pair,) = (await s.scalars(select(HelpPair))).all()
    assert (pair.kind, pair.mentor_name, pair.helper_unit_id) == ("mentor", "Đỗ Văn Minh", None)
