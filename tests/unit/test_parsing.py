"""Tables of what branch heads type and what the parsers read from it."""

from __future__ import annotations

from datetime import date

import dateparser
import pytest

from bot.core.dates import read_birth_date, read_date
from bot.core.parsing import (
    CccdCheck,
    check_cccd,
    normalize_cccd,
    read_count,
    read_name,
    read_number_list,
    read_phone,
    read_yes_no,
)
from bot.domain.enums import Gender
from bot.domain.textkeys import fold, mask_id, sort_key

# A Wednesday.
TODAY = date(2026, 3, 18)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nguyễn Thị Lan", "nguyen thi lan"),
        ("  Đặng   Thị  MAI ", "dang thi mai"),
        ("Hà Nội, Việt Nam!", "ha noi viet nam"),
        ("", ""),
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_sort_key_orders_by_given_name_then_full_name() -> None:
    names = ["Trần Thị Mai", "Nguyễn Thị Lan", "Lê Văn Đức", "Lê Thị Dung", "Phạm Lan"]
    assert sorted(names, key=sort_key) == [
        "Lê Thị Dung",
        "Lê Văn Đức",
        "Nguyễn Thị Lan",
        "Phạm Lan",
        "Trần Thị Mai",
    ]


def test_sort_key_follows_vietnamese_letter_and_tone_order() -> None:
    assert sort_key("Dung") < sort_key("Đức")  # D before Đ, whatever follows
    assert sort_key("Thị Thao") < sort_key("Thị Thảo")
    assert sort_key("Thị Anh") < sort_key("Thị Ánh") < sort_key("Thị Bình")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22", 22),
        ("22 người", 22),
        ("20 nguoi", 20),
        ("20ng", 20),
        ("khoảng 20", 20),
        ("tầm 30 chị", 30),
        ("0", 0),
        ("không", 0),
        ("khong co", 0),
        ("hai mươi", 20),
        ("hai muoi", 20),
        ("hai mươi lăm", 25),
        ("hai muoi lam", 25),
        ("hai lăm", 25),
        ("hai mươi tư", 24),
        ("ba mốt", 31),
        ("mười chín", 19),
        ("muoi chin", 19),
        ("một trăm", 100),
        ("một trăm linh năm", 105),
        ("một trăm lẻ năm", 105),
        ("một trăm hai", 120),
        ("trăm rưỡi", 150),
        ("hai chục", 20),
        ("tầm hai mươi người", 20),
        ("tám", 8),
        ("Hai Mươi Hai!", 22),
        ("một ngàn", 1000),
    ],
)
def test_read_count(text: str, expected: int) -> None:
    assert read_count(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "-5",
        "- 5",
        "âm năm",
        "chuối",
        "không biết",
        "nhiều lắm",
        "5/3",
        "20-25",
        "2.5",
        "0912345678",
        "rưỡi",
        "hai rưỡi",
        "x" * 300,
    ],
)
def test_read_count_refuses(text: str) -> None:
    assert read_count(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hôm nay", date(2026, 3, 18)),
        ("hom nay", date(2026, 3, 18)),
        ("Hôm nay.", date(2026, 3, 18)),
        ("hôm qua", date(2026, 3, 17)),
        ("tối qua", date(2026, 3, 17)),
        ("hôm kia", date(2026, 3, 16)),
        ("5/3", date(2026, 3, 5)),
        ("20/3", date(2025, 3, 20)),  # the 20th of this March is still to come
        ("05/03/2026", date(2026, 3, 5)),
        ("5-3-26", date(2026, 3, 5)),
        ("12.3.26", date(2026, 3, 12)),
        ("5/3/1999", date(1999, 3, 5)),
        ("2026-03-05", date(2026, 3, 5)),
        ("29/2", date(2024, 2, 29)),
        ("ngày 5 tháng 3", date(2026, 3, 5)),
        ("ngay 5 thang 3", date(2026, 3, 5)),
        ("mùng 5 tháng 3", date(2026, 3, 5)),
        ("mồng 5/3", date(2026, 3, 5)),
        ("ngày 5 tháng ba", date(2026, 3, 5)),
        ("ngày 5 tháng 3 năm 2025", date(2025, 3, 5)),
        ("ngày 5 tháng 3 năm ngoái", date(2025, 3, 5)),
        ("mùng mười tháng hai", date(2026, 2, 10)),
        ("ngày 1 tháng giêng", date(2026, 1, 1)),
        ("5/3/2027", date(2027, 3, 5)),  # a full date is taken as written; the caller judges
        ("22", date(2026, 2, 22)),  # the latest 22nd up to today
        ("hôm kìa", date(2026, 3, 15)),
        ("mùng 5", date(2026, 3, 5)),
        ("ngày 20", date(2026, 2, 20)),
        ("thứ bảy tuần trước", date(2026, 3, 14)),
        ("thu 7 tuan truoc", date(2026, 3, 14)),
        ("chủ nhật tuần trước", date(2026, 3, 15)),
        ("thứ hai tuần trước", date(2026, 3, 9)),
        ("thứ hai", date(2026, 3, 16)),
        ("thứ 2", date(2026, 3, 16)),
        ("thứ tư", date(2026, 3, 18)),  # today is a Wednesday
        ("thứ năm", date(2026, 3, 12)),
        ("chủ nhật", date(2026, 3, 15)),
        ("3 ngày trước", date(2026, 3, 15)),
        ("3 ngay truoc", date(2026, 3, 15)),
        ("ba hôm trước", date(2026, 3, 15)),
        ("2 tuần trước", date(2026, 3, 4)),
    ],
)
def test_read_date(text: str, expected: date) -> None:
    assert read_date(text, TODAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "31/2",
        "31/4/2026",
        "5/13",
        "32/1",
        "0/3",
        "tháng 3",
        "tuần trước",  # a week, a month or a year is not a day
        "tháng trước",
        "2026",
        "chuối",
        "có",
        "ngày mai",
        "ngay 5 abc",
        "thứ 7 kìa",
        "5/3/202",
    ],
)
def test_read_date_refuses(text: str) -> None:
    assert read_date(text, TODAY) is None


def test_read_date_answers_common_forms_without_dateparser(monkeypatch: pytest.MonkeyPatch) -> None:
    # dateparser's first call is slow; the common forms must never reach it.
    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("dateparser called")

    monkeypatch.setattr(dateparser, "parse", boom)
    for text in [
        "hôm nay",
        "hôm qua",
        "5/3",
        "05/03/2026",
        "12.3.26",
        "mùng 5 tháng 3",
        "thứ bảy tuần trước",
        "3 ngày trước",
    ]:
        assert read_date(text, TODAY) is not None, text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5/3/1975", (date(1975, 3, 5), False)),
        ("05-03-1975", (date(1975, 3, 5), False)),
        ("5/3/75", (date(1975, 3, 5), False)),
        ("5.3.20", (date(2020, 3, 5), False)),
        ("ngày 5 tháng 3 năm 1975", (date(1975, 3, 5), False)),
        ("1975", (date(1975, 1, 1), True)),
        ("năm 1975", (date(1975, 1, 1), True)),
        ("sinh năm 75", (date(1975, 1, 1), True)),
        ("3/1975", (date(1975, 3, 1), True)),
    ],
)
def test_read_birth_date(text: str, expected: tuple[date, bool]) -> None:
    assert read_birth_date(text, TODAY) == expected


@pytest.mark.parametrize("text", ["", "5/3", "75", "1880", "2027", "5/3/2027", "31/2/1975", "abc"])
def test_read_birth_date_refuses(text: str) -> None:
    assert read_birth_date(text, TODAY) is None


@pytest.mark.parametrize(
    "text",
    [
        "0912345678",
        "0912 345 678",
        "+84 912345678",
        "+84912345678",
        "84912345678",
        "0912.345.678",
        "0912-345-678",
        "(+84) 912 345 678",
        "0084 912 345 678",
        "912345678",
    ],
)
def test_read_phone(text: str) -> None:
    assert read_phone(text) == "0912345678"


def test_read_phone_keeps_a_trunkless_084_number() -> None:
    assert read_phone("845 123 456") == "0845123456"


@pytest.mark.parametrize(
    "text",
    ["", "09123456", "091234567890", "0301234567", "0241234567", "sđt 0912345678", "abc"],
)
def test_read_phone_refuses(text: str) -> None:
    assert read_phone(text) is None


OK_CARD = CccdCheck(True, "cccd", None)


@pytest.mark.parametrize(
    ("text", "kwargs", "expected"),
    [
        ("038188001234", {}, OK_CARD),
        ("038 188 001 234", {}, OK_CARD),
        ("038.188.001.234", {}, OK_CARD),
        ("038188001234", {"birth": date(1988, 5, 1)}, OK_CARD),
        ("038188001234", {"birth": date(1987, 5, 1)}, CccdCheck(False, "cccd", "birth_year")),
        ("038188001234", {"birth": date(1987, 1, 1), "approximate_birth": True}, OK_CARD),
        (
            "038188001234",
            {"birth": date(1986, 1, 1), "approximate_birth": True},
            CccdCheck(False, "cccd", "birth_year"),
        ),
        ("038088001234", {}, CccdCheck(False, "cccd", "gender")),
        ("038088001234", {"gender": Gender.MALE}, OK_CARD),
        ("038188001234", {"gender": Gender.MALE}, CccdCheck(False, "cccd", "gender")),
        ("038188001234", {"gender": None}, OK_CARD),
        ("001305001234", {"birth": date(2005, 1, 1)}, OK_CARD),
        ("038388001234", {}, CccdCheck(False, "cccd", "birth_year")),  # born 2088
        ("038527001234", {}, CccdCheck(False, "cccd", "century_gender")),  # born 2127
        ("003188001234", {}, CccdCheck(False, "cccd", "province")),
        ("097188001234", {}, CccdCheck(False, "cccd", "province")),
        ("000000000000", {}, CccdCheck(False, "cccd", "province")),
        ("123456789", {}, CccdCheck(True, "cmnd", None)),
        ("123 456 789", {"birth": date(1960, 1, 1)}, CccdCheck(True, "cmnd", None)),
        ("12345", {}, CccdCheck(False, None, "format")),
        ("0381880012345", {}, CccdCheck(False, None, "format")),
        ("03818800123a", {}, CccdCheck(False, None, "format")),
        ("", {}, CccdCheck(False, None, "format")),
    ],
)
def test_check_cccd(text: str, kwargs: dict[str, object], expected: CccdCheck) -> None:
    assert check_cccd(text, **kwargs, today=TODAY) == expected  # type: ignore[arg-type]


def test_check_cccd_defaults_to_todays_date() -> None:
    assert check_cccd("038188001234").ok


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("038188001234", "038188001234"),
        (" 038 188 001 234 ", "038188001234"),
        ("038-188-001-234", "038188001234"),
        ("123.456.789", "123456789"),
        ("12345678", None),
        ("0381880012", None),
        ("03818800123x", None),
    ],
)
def test_normalize_cccd(text: str, expected: str | None) -> None:
    assert normalize_cccd(text) == expected


@pytest.mark.parametrize(
    ("digits", "expected"),
    [("038188001234", "038******234"), ("123456789", "123***789"), ("1234", "****"), ("", "")],
)
def test_mask_id(digits: str, expected: str) -> None:
    assert mask_id(digits) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nguyễn thị LAN", "Nguyễn Thị Lan"),
        ("  đặng   thị   mai ", "Đặng Thị Mai"),
        ("ĐINH THỊ ÚT", "Đinh Thị Út"),
        ("nguyen thi lan", "Nguyen Thi Lan"),
        ("h'hen niê", "H'Hen Niê"),
        ("Ðặng Văn An", "Đặng Văn An"),  # an eth typed for Đ
        ("Ly", "Ly"),
        ("Nguye\u0302\u0303n Thi\u0323 Lan", "Nguyễn Thị Lan"),  # decomposed input
    ],
)
def test_read_name(text: str, expected: str) -> None:
    assert read_name(text) == expected


@pytest.mark.parametrize(
    "text", ["", "   ", "a", "Lan 2", "0912345678", "lan@gmail.com", "Lan!", "ă" * 101]
)
def test_read_name_refuses(text: str) -> None:
    assert read_name(text) is None


YES = [
    "có",
    "co",
    "ừ",
    "u",
    "ok",
    "okay",
    "đúng",
    "dung",
    "vâng",
    "vang",
    "yes",
    "y",
    "đồng ý",
    "dong y",
    "rồi",
    "roi",
    "Có!",
    "OK.",
    "có ạ 😊",
    "dạ",
    "dạ vâng",
    "đúng rồi",
    "👍",
]
NO = [
    "không",
    "khong",
    "ko",
    "k",
    "no",
    "n",
    "chưa",
    "chua",
    "sai",
    "KHÔNG!!",
    "không đúng",
    "không đồng ý",
    "chưa có",
    "không ạ",
]


@pytest.mark.parametrize(("text", "expected"), [(t, True) for t in YES] + [(t, False) for t in NO])
def test_read_yes_no(text: str, expected: bool) -> None:
    assert read_yes_no(text) is expected


@pytest.mark.parametrize("text", ["", "có không", "ok không", "có lẽ", "maybe", "22", "🙂"])
def test_read_yes_no_refuses(text: str) -> None:
    assert read_yes_no(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 3 5-9", {1, 3, 5, 6, 7, 8, 9}),
        ("1,3,5", {1, 3, 5}),
        ("1, 3 và 5", {1, 3, 5}),
        ("5 - 7", {5, 6, 7}),
        ("5 đến 7", {5, 6, 7}),
        ("10", {10}),
        ("tất cả", set(range(1, 11))),
        ("tat ca", set(range(1, 11))),
        ("Tất cả.", set(range(1, 11))),
        ("tất cả trừ 4 7", {1, 2, 3, 5, 6, 8, 9, 10}),
        ("tat ca tru 4,7", {1, 2, 3, 5, 6, 8, 9, 10}),
        ("tất cả trừ 1-10", set()),
    ],
)
def test_read_number_list(text: str, expected: set[int]) -> None:
    assert read_number_list(text, 10) == expected


@pytest.mark.parametrize(
    "text", ["", "0", "11", "1 11", "3-12", "-3", "abc", "1 abc", "tất cả trừ", "tất cả trừ 11"]
)
def test_read_number_list_refuses(text: str) -> None:
    assert read_number_list(text, 10) is None


def test_read_number_list_needs_a_list() -> None:
    assert read_number_list("1", 0) is None
