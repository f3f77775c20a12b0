"""The one personal-data check (bot.domain.pii) used by logs, topic suggestions and groups."""

from __future__ import annotations

import pytest

from bot import logs
from bot.domain.pii import MASK, NameMarks, has_number, is_personal, redact

NUMBERS = [
    "038/188/001/234",
    "038188001234",
    "038 188 001 234",
    "0912/345/678",
    "0912.345.678",
    "0912 345 678",
    "0912-345-678",
    "0912 - 345 - 678",
    "+84 912 345 678",
    "CMND 123/456/789",
]
NOT_NUMBERS = ["Họp ngày 12/03/2026", "Quý 3/2026 có 25 người", "2026-12-03 06:14:31", "Tổ 12"]
MARKS = NameMarks.of(["Lê Ngọc Huệ", "Trần Thị Mai", "Hoa"])


@pytest.mark.parametrize("number", NUMBERS)
def test_numbers_in_any_separator_style_are_personal(number: str) -> None:
    assert has_number(f"Gọi chị ấy: {number}, cảm ơn")
    assert number not in redact(f"Gọi chị ấy: {number}, cảm ơn")
    # the log scrubber uses the same definition
    assert number not in logs.SCRUBBER.scrub(f"x {number} y")


@pytest.mark.parametrize("text", NOT_NUMBERS)
def test_dates_and_counts_are_not(text: str) -> None:
    assert not is_personal(text, MARKS)


@pytest.mark.parametrize(
    "text", ["Thăm chị Lê Ngọc Huệ", "tham chi le ngoc hue", "Thăm chị Lê Huệ", "chị Huệ Lê ốm"]
)
def test_a_full_name_or_surname_given_pair_is_personal(text: str) -> None:
    assert is_personal(text, MARKS)
    assert MASK in redact(text, MARKS)


@pytest.mark.parametrize("text", ["Lễ hội hoa", "Mai vàng ngày Tết", "Nuôi con khỏe", "Hoa"])
def test_single_words_and_topics_are_not(text: str) -> None:
    assert not is_personal(text, MARKS)
    assert redact(text, MARKS) == text


def test_redact_keeps_the_rest() -> None:
    got = redact("Thăm chị Lê Ngọc Huệ bị ốm, CCCD 038/188/001/234.", MARKS)
    assert got == f"Thăm chị {MASK} bị ốm, CCCD {MASK}."
