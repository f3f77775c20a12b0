"""The same words work on every screen (issue 14.1), in both profiles."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.core.intents import Kind, recognise
from storage.repositories import people
from tests.meetings.support import meetings_of
from tests.support.chat import Chat
from tests.support.chat_fixtures import World


@pytest.mark.parametrize("said", ["giúp", "help", "/help", "hướng dẫn", "Giup", "?"])
async def test_help_at_the_menu_explains_it_in_three_lines(chat: Chat, said: str) -> None:
    await chat.script([("user", "menu"), ("bot", "Chị muốn làm gì?")])
    await chat.script([("user", said), ("bot", "Menu là các việc em giúp chị")])
    (reply,) = chat.last
    assert len(chat.text().splitlines()) == 3
    assert "chưa hiểu" not in reply.text


async def test_a_misunderstood_message_gets_one_example_not_the_menu(chat: Chat) -> None:
    await chat.script([("user", "menu"), ("bot", "Chị muốn làm gì?")])
    (menu,) = chat.last
    await chat.script([("user", "con mèo nhà em"), ("bot", "em chưa hiểu ý chị")])
    text = chat.text()
    assert len(text.splitlines()) <= 4
    assert "ghi sinh hoạt" in text and '"menu"' in text
    assert "Chị muốn làm gì" not in text and "tôi" not in text
    # The menu shown before still answers to its numbers or taps.
    if chat.caps.buttons:
        await chat.send(chat.incoming(choice=menu.choices[0].key))
    else:
        await chat.say("1")
    assert "sinh hoạt ngày nào?" in chat.text()


@pytest.mark.parametrize("said", ["về menu", "menu chính", "thoát", "trang chủ", "Về Menu!"])
async def test_menu_words_leave_a_dialog_saying_what_was_dropped(
    world: World, chat: Chat, said: str
) -> None:
    await chat.script(
        [
            ("user", "ghi sinh hoạt"),
            ("bot", "ngày nào"),
            ("pick", "Hôm nay"),
            ("bot", "Có bao nhiêu hội viên dự?"),
            ("user", said),
            ("bot", 'Em đã dừng việc "Ghi sinh hoạt chi hội", chưa lưu gì'),
        ]
    )
    assert "Chị muốn làm gì" in chat.text()
    assert await meetings_of(world, "TH-QP-01") == []


async def test_menu_words_before_any_answer_just_show_the_menu(chat: Chat) -> None:
    await chat.script([("user", "ghi sinh hoạt"), ("bot", "ngày nào")])
    await chat.say("thoát")
    assert "Chị muốn làm gì" in chat.text() and "dừng" not in chat.text()


@pytest.mark.parametrize(
    ("said", "opens"),
    [
        ("ghi sinh hoạt", "sinh hoạt ngày nào?"),
        ("báo cáo", "Chi hội Thôn Đông"),
        ("nhắc lại sau", "nhắc"),
        ("/start", "Chị muốn làm gì?"),
    ],
)
async def test_task_words_inside_a_list_start_that_task(chat: Chat, said: str, opens: str) -> None:
    await chat.script(
        [
            ("user", "tìm hội viên"),
            ("bot", "Chị gõ một phần họ tên"),
            ("pick", "Xem cả danh sách"),
            ("bot", "Tìm thấy"),
        ]
    )
    await chat.say(said)
    text = chat.text()
    assert opens.lower() in text.lower()
    assert "số thứ tự" not in text and "chưa hiểu" not in text


async def test_back_on_a_read_only_list_goes_back_without_cancelling(chat: Chat) -> None:
    await chat.say("xem sinh hoạt")
    assert "Sinh hoạt của chi hội" in chat.text() or "Quý" in chat.text()
    await chat.say("quay lại")
    text = chat.text()
    assert "Chị muốn làm gì" in text
    assert "Đã huỷ" not in text


async def test_an_ordinary_word_is_still_an_answer_on_a_free_text_step(chat: Chat) -> None:
    await chat.script([("user", "tìm hội viên"), ("bot", "Chị gõ một phần họ tên")])
    # "sinh" is part of a menu entry's words but not the whole of any phrase: a search.
    await chat.say("hoạt")
    assert "Chị muốn làm gì" not in chat.text()
    assert "em chưa hiểu" not in chat.text()


async def test_language_names_switch_on_any_screen(world: World, chat: Chat) -> None:
    await chat.script([("user", "english"), ("bot", "Language changed to English.")])
    await chat.script(
        [
            ("user", "log meeting"),
            ("bot", "day"),
            ("user", "tiếng việt"),
            ("bot", "Đã chuyển sang tiếng Việt."),
        ]
    )
    async with world.session() as s:
        lan = await people.find_person(s, "web", "sim", "lan")
        assert lan is not None and lan.locale == "vi"


async def test_saying_digest_off_twice_keeps_it_off(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    hong = chat_as("hong")
    await hong.script([("user", "menu"), ("bot", "Bản tin tuần: đang bật")])
    await hong.script([("user", "tắt bản tin tuần"), ("bot", "Đã tắt bản tin tuần")])
    await hong.script([("user", "tắt bản tin tuần"), ("bot", "Bản tin tuần đang tắt rồi")])
    await hong.script([("user", "menu"), ("bot", "Bản tin tuần: đang tắt")])
    await hong.script([("user", "bật bản tin tuần"), ("bot", "Đã bật lại bản tin tuần")])
    async with world.session() as s:
        person = await people.find_person(s, "web", "sim", "hong")
        assert person is not None and person.mute_digests is False


def test_the_table_matches_whole_messages_only() -> None:
    assert recognise("Quay lại") == recognise("quay lai")
    assert recognise("quay lại")
    assert recognise("thoát") and recognise("thoát").kind == Kind.MENU  # type: ignore[union-attr]
    assert recognise("Nguyễn Thị Thoát") is None
    assert recognise("họp về menu ăn") is None
    lang = recognise("Tiếng Việt")
    assert lang is not None and (lang.kind, lang.arg) == (Kind.LANGUAGE, "vi")


async def test_a_branch_head_sees_overdue_tasks_first(world: World, chat: Chat) -> None:
    # 2 December: the branches' review deadline (25/11 less 5 days) passed unconfirmed.
    world.clock.set_local(2026, 12, 2)
    await chat.say("menu")
    lines = chat.last[0].text.splitlines()
    overdue = [i for i, line in enumerate(lines) if line.startswith("Quá hạn:")]
    assert "Quá hạn: xác nhận danh sách hội viên hạn ngày 20/11/2026" in chat.text()
    quarter = next(i for i, line in enumerate(lines) if line.startswith("Quý 4/2026"))
    assert overdue and max(overdue) < quarter


async def test_choices_on_a_count_question_are_lettered_not_bulleted(
    world: World, chat: Chat
) -> None:
    await chat.script(
        [
            ("user", "ghi sinh hoạt"),
            ("bot", "ngày nào"),
            ("pick", "Hôm nay"),
            ("bot", "Có bao nhiêu hội viên dự?"),
        ]
    )
    assert "•" not in chat.text()
    if not chat.caps.buttons:
        assert "a. Đánh dấu tên theo danh sách" in chat.text()
        await chat.say("a")  # the letter picks the tick-list
        assert "gõ số thứ tự những người có mặt" in chat.text()


async def test_a_branch_head_s_report_speaks_of_her_branch(world: World, chat: Chat) -> None:
    # Late November: the review and a commune leader's visit are due; no "0/1 chi hội".
    world.clock.set_local(2026, 11, 26)
    await chat.script([("user", "báo cáo"), ("bot", "Chi hội Thôn Đông")])
    text = chat.text()
    assert "/1 chi hội" not in text and "1 chi hội" not in text
    assert "Rà soát hội viên: chi hội chưa xác nhận danh sách (hạn 20/11/2026)" in text
    assert "Lãnh đạo Hội xã dự sinh hoạt của chi hội trong Quý 4/2026: chưa" in text
