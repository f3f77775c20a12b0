"""The dialog engine on a small sample dialog: back, cancel, help, menu, retries, edits, replays."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.core.context import Ctx
from bot.core.dates import read_date
from bot.core.dialogs import Ask, Choose, Confirm, Dialog, Option, Retry, Values
from bot.core.engine import Engine
from bot.core.features import Feature, MenuEntry, Registry
from bot.core.i18n import N_
from bot.core.parsing import read_count
from bot.core.types import TELEGRAM_CAPS, Capabilities, Reply
from handlers import onboarding
from storage.models import Audit, ProcessedUpdate
from storage.repositories import audit
from tests.support.chat import Chat
from tests.support.chat_fixtures import World


def _count(text: str, ctx: Ctx, values: Values) -> int | Retry:
    n = read_count(text)
    if n is None:
        return Retry("Chị gõ một con số nhé.")
    if n > 100:
        return Retry("Số này lớn quá.")
    return n


def _day(text: str, ctx: Ctx, values: Values) -> dt.date | Retry:
    day = read_date(text, ctx.today)
    if day is None:
        return Retry("Chị gõ ngày theo kiểu 5/3 nhé.")
    if day > ctx.today:
        return Retry("Ngày này chưa tới.")
    return day


async def _summary(ctx: Ctx, values: Values) -> str:
    return f"Ngày {values['day']:%d/%m/%Y}, {values['count']} người, loại {values['kind']}"


async def _save(ctx: Ctx, values: Values) -> list[Reply]:
    detail: dict[str, Any] = {"count": values["count"], "kind": values["kind"]}
    await audit.record(ctx.session, ctx.now, ctx.person_id, "sample_saved", "sample", None, detail)
    return [Reply("Đã lưu mẫu.")]


SAMPLE = Dialog(
    "sample",
    steps=[
        Ask("day", "Ngày nào?", parse=_day, example=N_("Choose a language."), label=N_("Cancel")),
        Choose(
            "kind",
            "Loại nào?",
            [Option("a", "Định kỳ"), Option("b", "Chuyên đề")],
            label=N_("Member"),
        ),
        Ask(
            "count",
            "Bao nhiêu người?",
            parse=_count,
            number_selects=False,
            label=N_("Correct a field"),
        ),
        Confirm(_summary),
    ],
    on_done=_save,
)
SAMPLE_FEATURE = Feature("sample", menu=[MenuEntry("sample", N_("Member"), SAMPLE, words=("mau",))])


@pytest.fixture
def sample_chat(world: World, caps: Capabilities) -> Chat:
    engine = Engine(
        world.maker,
        Registry([onboarding.FEATURE, SAMPLE_FEATURE]),
        world.engine.rules,
        clock=world.clock,
    )
    return Chat(engine, caps, "lan", world.clock)


async def saved(world: World) -> int:
    async with world.session() as s:
        stmt = select(func.count()).select_from(Audit).where(Audit.action == "sample_saved")
        return int(await s.scalar(stmt) or 0)


async def test_whole_dialog_from_the_menu(world: World, sample_chat: Chat) -> None:
    await sample_chat.script(
        [
            ("user", "menu"),
            ("bot", "Chị muốn làm gì"),
            ("pick", "Hội viên"),
            ("bot", "Ngày nào?"),
            ("user", "hôm qua"),
            ("bot", "Loại nào?"),
            ("pick", "Chuyên đề"),
            ("bot", "Bao nhiêu người?"),
            ("user", "hai mươi hai"),
            ("bot", "Ngày 19/03/2026, 22 người, loại b"),
            ("pick", "Đúng, lưu"),
            ("bot", "Đã lưu mẫu."),
        ]
    )
    assert await saved(world) == 1


async def test_words_open_the_dialog_and_typed_words_pick_a_choice(sample_chat: Chat) -> None:
    await sample_chat.script(
        [
            ("user", "mẫu"),
            ("bot", "Ngày nào?"),
            ("user", "5/3"),
            ("bot", "Loại nào?"),
            ("user", "dinh ky"),
            ("bot", "Bao nhiêu người?"),
            ("user", "1"),
            ("bot", "1 người, loại a"),  # a number here is a count, not choice 1
        ]
    )


async def test_wrong_answers_re_ask_with_reason_and_keep_earlier_answers(sample_chat: Chat) -> None:
    await sample_chat.script(
        [
            ("user", "mau"),
            ("bot", "Ngày nào?"),
            ("user", "5/3"),
            ("bot", "Loại nào?"),
            ("user", "1"),
            ("bot", "Bao nhiêu người?"),
            ("user", "nhiều lắm"),
            ("bot", "Chị gõ một con số nhé."),
            ("user", "500"),
            ("bot", "Số này lớn quá."),
            ("user", "abc"),
            ("bot", 'gõ "giúp"'),  # third wrong answer offers help
            ("user", "giúp"),
            ("bot", "quay lại"),
            ("bot", "Bao nhiêu người?"),
            ("user", "20"),
            ("bot", "Ngày 05/03/2026, 20 người, loại a"),
        ]
    )


async def test_a_future_date_is_refused(sample_chat: Chat) -> None:
    await sample_chat.script(
        [
            ("user", "mau"),
            ("bot", "Ngày nào?"),
            ("user", "25/12/2026"),
            ("bot", "Ngày này chưa tới."),
        ]
    )


async def test_back_returns_to_the_previous_question(sample_chat: Chat) -> None:
    await sample_chat.script(
        [
            ("user", "mau"),
            ("bot", "Ngày nào?"),
            ("user", "5/3"),
            ("bot", "Loại nào?"),
            ("user", "quay lại"),
            ("bot", "Chị đã trả lời: 05/03/2026\nNgày nào?"),
            ("user", "6/3"),
            ("bot", "Loại nào?"),
            ("user", "2"),
            ("bot", "Bao nhiêu người?"),
            ("user", "back"),
            ("bot", "Chị đã trả lời: Chuyên đề\nLoại nào?"),
            ("user", "2"),
            ("bot", "Bao nhiêu người?"),
            ("user", "7"),
            ("bot", "Ngày 06/03/2026, 7 người, loại b"),
        ]
    )


@pytest.mark.parametrize("stop_after", [0, 1, 2, 3])
async def test_cancel_at_any_step_saves_nothing(
    world: World, sample_chat: Chat, stop_after: int
) -> None:
    answers = [("5/3", "Loại nào?"), ("1", "Bao nhiêu người?"), ("9", "Thông tin đã đúng chưa?")]
    script: list[tuple[str, str]] = [("user", "mau"), ("bot", "Ngày nào?")]
    for text, expected in answers[:stop_after]:
        script += [("user", text), ("bot", expected)]
    script += [("user", "huỷ"), ("bot", "Đã huỷ. Chưa có gì được lưu.")]
    await sample_chat.script(script)
    assert await saved(world) == 0
    # The dialog is gone: "9" is not understood, with a short hint rather than an answer.
    await sample_chat.script([("user", "9"), ("bot", "menu")])
    assert "Ngày nào" not in sample_chat.text()


async def test_menu_word_leaves_the_dialog(world: World, sample_chat: Chat) -> None:
    await sample_chat.script(
        [
            ("user", "mau"),
            ("bot", "Ngày nào?"),
            ("user", "menu"),
            ("bot", "Chị muốn làm gì"),
        ]
    )
    assert await saved(world) == 0


async def test_confirm_can_correct_one_field(world: World, sample_chat: Chat) -> None:
    await sample_chat.script(
        [
            ("user", "mau"),
            ("bot", "Ngày nào?"),
            ("user", "5/3"),
            ("bot", "Loại nào?"),
            ("user", "1"),
            ("bot", "Bao nhiêu người?"),
            ("user", "9"),
            ("bot", "9 người"),
            ("pick", "Sửa một mục"),
            ("bot", "Chị muốn sửa mục nào?"),
            ("pick", "Sửa một mục"),
            ("bot", "Bao nhiêu người?"),  # the count's label in this sample
            ("user", "12"),
            ("bot", "Ngày 05/03/2026, 12 người, loại a"),
            ("user", "đúng"),
            ("bot", "Đã lưu mẫu."),
        ]
    )
    assert await saved(world) == 1


async def test_a_replayed_update_changes_nothing_and_sends_nothing(
    world: World, sample_chat: Chat
) -> None:
    await sample_chat.script(
        [
            ("user", "mau"),
            ("bot", "Ngày nào?"),
            ("user", "5/3"),
            ("bot", "Loại nào?"),
            ("user", "1"),
            ("bot", "Bao nhiêu người?"),
            ("user", "9"),
            ("bot", "9 người"),
        ]
    )
    final = sample_chat.incoming(text="đúng", update_id="replayed-1")
    first = await sample_chat.send(final)
    again = await sample_chat.send(final)
    assert "Đã lưu mẫu." in first[0].text
    assert again == []
    assert await saved(world) == 1
    async with world.session() as s:
        n = await s.scalar(
            select(func.count())
            .select_from(ProcessedUpdate)
            .where(ProcessedUpdate.update_id == "replayed-1")
        )
    assert n == 1


async def test_a_stale_button_answers_that_the_menu_expired(world: World) -> None:
    lan = Chat(world.engine, TELEGRAM_CAPS, "lan", world.clock)  # buttons exist only there
    old = await lan.say("menu")
    old_key = old[0].choices[0].key
    await lan.say("menu")  # a newer menu replaces the old one
    replies = await lan.send(lan.incoming(choice=old_key))
    assert "đã cũ" in replies[0].text
    assert "Chị muốn làm gì" in replies[1].text
