"""Properties of the parsers over generated input: round trips, idempotence, no crashes."""

from __future__ import annotations

from datetime import date

import vn_ident
from hypothesis import given
from hypothesis import strategies as st
from vn_numberwords import number_to_words

from bot.core.dates import read_birth_date, read_date
from bot.core.parsing import (
    check_cccd,
    read_count,
    read_name,
    read_number_list,
    read_phone,
    read_yes_no,
)
from bot.domain.enums import Gender
from bot.domain.textkeys import fold

TODAY = date(2026, 3, 18)
PROVINCE_CODES = [code for code, _ in vn_ident.PROVINCES]
MOBILE_PREFIXES = [prefix for _, prefixes in vn_ident.CARRIERS for prefix in prefixes]
VIETNAMESE_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩị" + (
    "óòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
)


@given(st.integers(0, 999))
def test_number_words_read_back(n: int) -> None:
    words = number_to_words(n)  # "một trăm linh năm", "hai mươi mốt"
    assert read_count(words) == n
    assert read_count(fold(words)) == n  # typed without diacritics
    assert read_count(words.upper()) == n


@given(st.integers(0, 999_999), st.sampled_from(["", " người", " nguoi", " hội viên", "ng"]))
def test_digits_read_back(n: int, suffix: str) -> None:
    assert read_count(f"{n}{suffix}") == n


@given(st.text(max_size=60))
def test_read_count_never_raises_nor_goes_negative(text: str) -> None:
    n = read_count(text)
    assert n is None or n >= 0


@st.composite
def day_and_today(draw: st.DrawFn) -> tuple[date, date]:
    today = draw(st.dates(date(2020, 1, 1), date(2080, 12, 31)))
    return draw(st.dates(date(1990, 1, 1), today)), today


@given(day_and_today())
def test_written_dates_read_back(case: tuple[date, date]) -> None:
    day, today = case
    for text in (
        f"{day.day}/{day.month}/{day.year}",
        f"{day.day:02}-{day.month:02}-{day.year % 100:02}",
        f"{day.day:02}.{day.month:02}.{day.year}",
    ):
        assert read_date(text, today) == day, text


@given(day_and_today())
def test_day_and_month_is_the_latest_such_day_up_to_today(case: tuple[date, date]) -> None:
    day, today = case
    got = read_date(f"{day.day}/{day.month}", today)
    assert got is not None
    assert got <= today
    assert (got.day, got.month) == (day.day, day.month)
    assert got >= day  # never older than a matching day we know is past


@given(st.dates(date(1907, 1, 1), TODAY))
def test_birth_dates_read_back(born: date) -> None:
    assert read_birth_date(f"{born.day}/{born.month}/{born.year}", TODAY) == (born, False)
    assert read_birth_date(str(born.year), TODAY) == (date(born.year, 1, 1), True)


@given(st.text(max_size=40))
def test_read_date_never_raises(text: str) -> None:
    read_date(text, TODAY)
    read_birth_date(text, TODAY)


@st.composite
def cards(draw: st.DrawFn) -> tuple[str, date, Gender]:
    born = draw(st.dates(date(1900, 1, 1), TODAY))
    gender = draw(st.sampled_from(Gender))
    century_digit = (born.year // 100 - 19) * 2 + (1 if gender is Gender.FEMALE else 0)
    province = draw(st.sampled_from(PROVINCE_CODES))
    serial = draw(st.text("0123456789", min_size=6, max_size=6))
    return f"{province}{century_digit}{born.year % 100:02}{serial}", born, gender


@given(cards(), st.integers(-150, 150).filter(lambda d: d != 0))
def test_generated_cards_match_their_owner(card: tuple[str, date, Gender], shift: int) -> None:
    code, born, gender = card
    assert check_cccd(code, born, gender, today=TODAY).ok
    assert check_cccd(code, None, None, today=TODAY).ok
    spaced = " ".join(code[i : i + 3] for i in range(0, 12, 3))
    assert check_cccd(spaced, born, gender, today=TODAY).ok
    other_year = date(min(max(born.year + shift, 1), 9999), 1, 1)
    assert check_cccd(code, other_year, gender, today=TODAY).reason == "birth_year"
    other = Gender.MALE if gender is Gender.FEMALE else Gender.FEMALE
    assert check_cccd(code, born, other, today=TODAY).reason == "gender"


@st.composite
def written_phones(draw: st.DrawFn) -> tuple[str, str]:
    number = draw(st.sampled_from(MOBILE_PREFIXES)) + draw(
        st.text("0123456789", min_size=7, max_size=7)
    )
    lead = draw(st.sampled_from(["0", "+84", "+84 ", "84", "0084 ", "(+84) ", ""]))
    written = lead
    for digit in number[1:]:
        written += draw(st.sampled_from(["", "", " ", ".", "-"])) + digit
    return written, number


@given(written_phones())
def test_written_phones_normalise(case: tuple[str, str]) -> None:
    written, number = case
    assert read_phone(written) == number


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(st.text(VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper() + "  '-", max_size=60))
def test_read_name_is_idempotent_on_names(text: str) -> None:
    name = read_name(text)
    if name is not None:
        assert read_name(name) == name
        assert fold(name) == fold(text)


@given(st.text(max_size=120))
def test_read_name_is_idempotent(text: str) -> None:
    name = read_name(text)
    if name is not None:
        assert read_name(name) == name


@given(st.text(max_size=40))
def test_yes_no_and_lists_never_raise(text: str) -> None:
    read_yes_no(text)
    picked = read_number_list(text, 30)
    assert picked is None or picked <= set(range(1, 31))


@given(st.sets(st.integers(1, 40), min_size=1))
def test_number_lists_read_back(picked: set[int]) -> None:
    assert read_number_list(", ".join(map(str, sorted(picked))), 40) == picked
    assert read_number_list("tất cả trừ " + " ".join(map(str, picked)), 40) == (
        set(range(1, 41)) - picked
    )
