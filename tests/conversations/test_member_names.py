"""Names and categories are checked, not saved silently (issue 14.3), in both profiles."""

from __future__ import annotations

import pytest

from handlers.members_rules import Problem, check_name
from tests.support.chat import Chat

TO_NAME = [
    ("user", "thêm hội viên"),
    ("bot", "đồng ý"),
    ("user", "có"),
    ("bot", "Họ và tên"),
]


@pytest.mark.parametrize(
    ("said", "reason"),
    [
        ("ngày sinh", '"ngày sinh" chưa phải họ tên'),
        ("15/3/1980", "giống ngày tháng hoặc con số"),
        ("0912345678", "giống ngày tháng hoặc con số"),
        ("chị ấy tên là Lan ở xóm trên gần nhà văn hoá", "dài quá so với một họ tên"),
    ],
)
async def test_misplaced_answers_at_the_name_are_refused(
    chat: Chat, said: str, reason: str
) -> None:
    await chat.script([*TO_NAME, ("user", said), ("bot", reason)])
    assert "Ngày sinh của chị ấy" not in chat.text()


async def test_a_name_without_accents_is_offered_the_commune_s_spelling(chat: Chat) -> None:
    await chat.script(
        [
            *TO_NAME,
            ("user", "pham thi hue"),
            ("bot", "Trong xã có tên Phạm Thị Huệ. Có phải tên này không chị?"),
            ("user", "đúng"),
            ("bot", "Ngày sinh"),
        ]
    )


async def test_an_unknown_name_without_accents_is_confirmed_as_typed(chat: Chat) -> None:
    await chat.script(
        [
            *TO_NAME,
            ("user", "xyz abc"),
            ("bot", "Chị gõ Xyz Abc chưa có dấu"),
            ("user", "giữ nguyên"),
            ("bot", "Ngày sinh"),
        ]
    )


async def test_elderly_is_refused_for_a_woman_born_in_1985(chat: Chat) -> None:
    await chat.script(
        [
            *TO_NAME,
            ("user", "Phạm Thị Huệ"),
            ("bot", "Ngày sinh"),
            ("user", "5/3/1985"),
            ("bot", "mới kết nạp"),
            ("pick", "Hội viên mới kết nạp"),
            ("bot", "Số điện thoại"),
            ("pick", "Bỏ qua"),
            ("bot", "Số căn cước"),
            ("pick", "Bỏ qua"),
            ("bot", "thuộc nhóm nào"),
            ("user", "cao tuổi"),
            ("bot", 'Hội viên mới 41 tuổi: "Cao tuổi" dành cho hội viên từ 60 tuổi'),
        ]
    )


def test_check_name_keeps_real_names() -> None:
    assert check_name("nguyễn thị lan") == "Nguyễn Thị Lan"
    assert check_name("H'Hen Niê") == "H'Hen Niê"
    assert isinstance(check_name("số điện thoại"), Problem)
