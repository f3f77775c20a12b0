"""Typed answers matched to offered choices: the slips the confused-user corpus found."""

from __future__ import annotations

from bot.core.choices import match_typed

GROUPS = ["Cả chi hội", "Tổ 1", "Tổ 2"]
LEADERS = ["Không có", "Phạm Thị Hồng", "Lê Thị Vân"]


def test_numbers_pick_by_position_and_words_by_label() -> None:
    assert match_typed("2", GROUPS) == 1  # the second option
    assert match_typed("số 2", GROUPS) == 1
    assert match_typed("hai", GROUPS) == 1
    assert match_typed("tổ 1", GROUPS) == 1
    assert match_typed("to mot", GROUPS) == 1  # number words read as the label's digits
    assert match_typed("ca chi hoi", GROUPS) == 0


def test_a_label_s_own_number_is_never_an_option_s_position() -> None:
    assert match_typed("tổ 3", GROUPS) is None  # was option 3, "Tổ 2"
    assert match_typed("quý 1", ["Xem chi tiết", "Kỳ khác"]) is None


def test_yes_never_picks_a_label_that_says_no() -> None:
    assert match_typed("có", LEADERS) is None  # was "Không có"
    assert match_typed("không có", LEADERS) == 0


def test_a_title_before_a_name_and_a_bare_number_inside_a_label() -> None:
    assert match_typed("chị Hồng", LEADERS) == 1
    assert match_typed("0", ["☐ 1. Lan", "✔ Xong (0 có mặt)"]) is None  # "0" ticked nobody
