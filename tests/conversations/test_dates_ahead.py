"""A day and month without a year that lies ahead is asked about, never saved silently
(issue 14.2), in both profiles."""

from __future__ import annotations

import datetime as dt

from bot.core.dates import PENDING, past_day
from bot.core.dialogs import Retry
from tests.support.chat import Chat
from tests.support.chat_fixtures import World

TODAY = dt.date(2026, 12, 2)


async def test_a_day_not_yet_come_this_year_is_asked_about(world: World, chat: Chat) -> None:
    world.clock.set_local(2026, 12, 2)
    await chat.script(
        [
            ("user", "ghi sinh hoạt"),
            ("bot", "ngày nào"),
            ("user", "15/12"),
            ("bot", "15/12 năm nay chưa tới; chị muốn ghi 15/12/2025?"),
            ("user", "đúng"),
            ("bot", "Có bao nhiêu hội viên dự?"),
        ]
    )
    assert "15/12/2025" in chat.text()  # the count question names the day taken


async def test_a_new_date_after_the_question_is_read_afresh(world: World, chat: Chat) -> None:
    world.clock.set_local(2026, 12, 2)
    await chat.script(
        [
            ("user", "ghi sinh hoạt"),
            ("bot", "ngày nào"),
            ("user", "3/12"),
            ("bot", "3/12 năm nay chưa tới; chị muốn ghi 03/12/2025?"),
            ("user", "1/12"),
            ("bot", "Có bao nhiêu hội viên dự?"),
        ]
    )
    await chat.say("huỷ")


async def test_29_february_in_a_common_year_is_asked_about(world: World, chat: Chat) -> None:
    world.clock.set_local(2026, 12, 2)
    await chat.script(
        [
            ("user", "ghi sinh hoạt"),
            ("bot", "ngày nào"),
            ("user", "29/2"),
            ("bot", "Năm nay không có ngày 29/2; chị muốn ghi 29/02/2024?"),
        ]
    )


def test_past_day_reads_plain_days_and_asks_only_about_yearless_ones() -> None:
    values: dict[str, object] = {}
    assert past_day("1/12", TODAY, values) == dt.date(2026, 12, 1)
    assert past_day("15/12/2025", TODAY, values) == dt.date(2025, 12, 15)
    asked = past_day("15/12", TODAY, values)
    assert isinstance(asked, Retry) and values[PENDING] == "2025-12-15"
    assert past_day("có", TODAY, values) == dt.date(2025, 12, 15)
    assert PENDING not in values
    assert past_day("có", TODAY, values) is None  # nothing was asked: "có" is no date


async def test_a_joining_day_not_yet_come_is_asked_about(world: World, chat: Chat) -> None:
    """Registering a member who joined before: "25/3" typed on 20 March 2026 is not taken as
    25/03/2026 (ahead) nor silently as 25/03/2025; the same question as the meeting day's."""
    await chat.script(
        [
            ("user", "thêm hội viên"),
            ("bot", "đồng ý"),
            ("pick", "Có, chị ấy đồng ý"),
            ("bot", "Họ và tên"),
            ("user", "Trần Thị Bích"),
            ("bot", "Ngày sinh"),
            ("user", "05/03/1990"),
            ("bot", "hội viên mới"),
            ("pick", "Đã là hội viên"),
            ("bot", "Chị ấy vào Hội"),
            ("user", "25/3"),
            ("bot", "25/3 năm nay chưa tới; chị muốn ghi 25/03/2025?"),
            ("user", "đúng"),
            ("bot", "Số điện thoại"),
            ("user", "bỏ qua"),
            ("bot", "CCCD"),
            ("user", "không có"),
            ("bot", "thuộc nhóm nào"),
            ("user", "0"),
            ("bot", "Vào Hội: 25/03/2025"),
        ]
    )


async def test_a_bare_number_for_a_day_of_an_earlier_month_is_asked_about(
    world: World, chat: Chat
) -> None:
    """ "22" (a head count typed one step early?) on 20 March would be 22/02/2026."""
    await chat.script(
        [
            ("user", "ghi sinh hoạt"),
            ("bot", "ngày nào"),
            ("user", "22"),
            ("bot", "Có phải chị muốn ghi ngày 22/02/2026?"),
            ("user", "có"),
            ("bot", "Ngày 22/02/2026"),
        ]
    )
