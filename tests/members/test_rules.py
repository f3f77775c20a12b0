"""The field rules shared by chat and import, and the crypto under the ID numbers."""

from __future__ import annotations

import datetime as dt

import pytest

from handlers import members_rules as rules
from handlers.members_rules import Birth, Problem
from storage import crypto

TODAY = dt.date(2026, 3, 20)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05/03/1990", Birth(dt.date(1990, 3, 5), False)),
        ("5-3-90", Birth(dt.date(1990, 3, 5), False)),
        ("1975", Birth(dt.date(1975, 1, 1), True)),
        ("năm 75", Birth(dt.date(1975, 1, 1), True)),
        ("20/03/2008", Birth(dt.date(2008, 3, 20), False)),  # 18 today
    ],
)
def test_adult_birth_dates(text: str, expected: Birth) -> None:
    assert rules.check_birth(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("21/03/2008", "17 years old"),  # 18 tomorrow
        ("2008", "turns 18 this year"),
        ("2010", "16 years old"),
        ("5/3/2030", "in the future"),
        ("2031", "in the future"),
        ("hôm qua", "day/month/year"),
        ("abc", "day/month/year"),
    ],
)
def test_refused_birth_dates_say_why(text: str, reason: str) -> None:
    from bot.core.i18n import language

    with language("en"):
        got = rules.check_birth(text, TODAY)
    assert isinstance(got, Problem) and reason in got.reason


def test_age_is_checked_on_the_joining_day() -> None:
    assert isinstance(rules.check_birth("01/06/2000", TODAY, dt.date(2018, 1, 1)), Problem)
    assert rules.check_birth("01/06/2000", TODAY, dt.date(2018, 6, 1)) == Birth(
        dt.date(2000, 6, 1), False
    )


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("038190001234", True),
        ("038 190 001 234", True),
        ("172345678", True),
        ("038185001234", False),
        ("038090001234", False),
        ("999190001234", False),
        ("03819000123", False),
    ],
)
def test_id_numbers_against_her_birth(text: str, ok: bool) -> None:
    got = rules.check_id(text, Birth(dt.date(1990, 3, 5), False), TODAY)
    assert (not isinstance(got, Problem)) is ok


def test_an_approximate_year_tolerates_one_year() -> None:
    assert rules.check_id("038189001234", Birth(dt.date(1990, 1, 1), True), TODAY) == "038189001234"
    assert isinstance(
        rules.check_id("038188001234", Birth(dt.date(1990, 1, 1), True), TODAY), Problem
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 3", {"core", "disabled"}),
        ("0", set()),
        ("không", set()),
        ("2-4", {"elderly", "disabled", "worker"}),
        ("cao tuổi, khuyết tật", {"elderly", "disabled"}),
        ("dan toc thieu so va theo ton giao", {"ethnic_minority", "religious"}),
    ],
)
def test_tick_list_answers(text: str, expected: set[str]) -> None:
    assert rules.read_ticks(text) == expected


def test_young_is_derived_not_stored() -> None:
    assert rules.is_young(dt.date(1991, 3, 21), TODAY) and not rules.is_young(
        dt.date(1991, 3, 20), TODAY
    )
    assert rules.category_names(["elderly"], dt.date(1960, 1, 1), TODAY) == ["Cao tuổi"]


def test_sub_keys_are_independent_and_ciphertexts_random() -> None:
    k = crypto.derive("a-long-enough-master-secret")
    assert k.enc != k.index and "a-long" not in repr(k)
    one, two = crypto.encrypt_id("038190001234", k), crypto.encrypt_id("038190001234", k)
    assert one != two and b"038190001234" not in one
    assert crypto.decrypt_id(one, k) == crypto.decrypt_id(two, k) == "038190001234"
    assert crypto.blind_index("038190001234", k) == crypto.blind_index("038190001234", k)
    other = crypto.derive("another-long-master-secret")
    assert crypto.blind_index("038190001234", k) != crypto.blind_index("038190001234", other)
    with pytest.raises(crypto.KeyMismatch) as err:
        crypto.decrypt_id(one, other)
    assert "038190001234" not in str(err.value)
    with pytest.raises(crypto.KeyMissing):
        crypto.derive("short")
