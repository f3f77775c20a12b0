"""Answers people actually type (issue 14.3): counts in words, tick-lists by name, numbers
off the list named, in both profiles."""

from __future__ import annotations

import pytest

from bot.core.parsing import read_head_count, read_name_list
from tests.support.chat import Chat


async def _to_count(chat: Chat) -> None:
    await chat.script(
        [
            ("user", "ghi sinh hoạt"),
            ("bot", "ngày nào"),
            ("pick", "Hôm nay"),
            ("bot", "Có bao nhiêu hội viên dự?"),
        ]
    )


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        ("tất cả", "Có mặt: 10/10"),
        ("đủ", "Có mặt: 10/10"),
        ("đủ cả", "Có mặt: 10/10"),
        ("vắng 3", "Có mặt: 7/10"),
        ("chín người", "Có mặt: 9/10"),
        ("chín người có mặt", "Có mặt: 9/10"),
    ],
)
async def test_counts_people_type(chat: Chat, said: str, shown: str) -> None:
    await _to_count(chat)
    await chat.script([("user", said), ("bot", shown)])


@pytest.mark.parametrize(
    ("said", "asked"),
    [("0", "Chị ghi 0/10 hội viên dự"), ("hăm hai", "chị ghi 22 người dự")],
)
async def test_implausible_counts_are_read_then_asked_about(
    chat: Chat, said: str, asked: str
) -> None:
    await _to_count(chat)
    await chat.script([("user", said), ("bot", asked)])


async def test_the_tick_list_takes_names_and_names_a_number_off_the_list(chat: Chat) -> None:
    await _to_count(chat)
    await chat.script(
        [
            ("pick", "Đánh dấu tên"),
            ("bot", "Thu Linh"),
            ("user", "1 3 15"),
            ("bot", "Số 15 không có trong danh sách 10 người"),
            ("user", "quyen"),
            ("bot", 'Danh sách có nhiều người tên "quyen" (số 5, 6, 7, 8)'),
            ("user", "mai"),
            ("bot", "Trong danh sách không có ai tên mai"),
            ("user", "linh, hằng"),
            ("bot", "Có mặt: 2/10 hội viên (20%)"),
        ]
    )


def test_head_counts_and_name_lists_read_directly() -> None:
    assert read_head_count("vắng 3", 12) == 9
    assert read_head_count("hăm hai", 12) == 22
    assert read_head_count("vắng 30", 12) is None
    assert read_head_count("tất cả", 0) is None  # no member count to take everyone from
    found = read_name_list("Lan và thu hang", ["Nguyễn Thị Lan", "Lê Thu Hằng", "Lê Thị Hoa"])
    assert found is not None and found.picked == {1, 2}
    assert read_name_list("1 3", ["Lan"]) is None
