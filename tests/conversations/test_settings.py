"""Personal settings: the language chosen from the menu holds from its own confirmation on."""

from __future__ import annotations

from collections.abc import Callable

from tests.support.chat import Chat


async def test_switching_to_english_and_back(chat_as: Callable[[str], Chat]) -> None:
    lan = chat_as("lan")
    await lan.script(
        [
            ("user", "menu"),
            ("bot", "Chị muốn làm gì?"),
            ("pick", "Ngôn ngữ"),
            ("bot", "Chọn ngôn ngữ."),
            ("pick", "English"),
            ("bot", "Language changed to English."),
        ]
    )
    # The menu choices that come with the confirmation speak the new language too.
    (confirmation,) = lan.last
    labels = [c.label for c in confirmation.choices]
    assert "Log a branch meeting" in labels
    assert "Ghi sinh hoạt chi hội" not in labels
    await lan.script([("user", "menu"), ("bot", "What would you like to do?")])
    await lan.script(
        [
            ("pick", "Language"),
            ("bot", "Choose a language."),
            ("pick", "Tiếng Việt"),
            ("bot", "Đã chuyển sang tiếng Việt."),
        ]
    )
    assert "Ghi sinh hoạt chi hội" in [c.label for c in lan.last[-1].choices]
