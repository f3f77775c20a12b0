"""Read what branch heads type: counts, dates, phones, ID numbers, names, yes/no, tick-lists."""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

import dateparser
import vn_ident
import vn_text
from vn_numberwords import words_to_number

from bot.domain.enums import Gender
from bot.domain.textkeys import fold

# Longer text is a paste, not an answer; refusing it keeps regexes and dateparser cheap.
_MAX_INPUT = 200
# A count above this is a phone or ID number typed into the wrong question.
_MAX_COUNT = 999_999


def _light(text: str) -> str:
    # Like fold() but keeps "/", "-", "." and "," inside the text, so "5/3" and "5-9" survive.
    s = vn_text.strip_stroke(vn_text.deaccent(unicodedata.normalize("NFC", text))).lower()
    s = " ".join(s.split())
    return re.sub(r"^[^\w\-]+|[\W_]+$", "", s)  # a leading "-" may mean "minus"


# --- counts ------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Folded number words; vn_numberwords knows some of them only in other spellings.
_UNITS = _words("mot hai ba bon tu nam lam sau bay tam chin")
_NUMBER_WORDS = _UNITS | _words("khong muoi tram linh nghin trieu ty ruoi")
_WORD_ALIASES = {"ngan": "nghin", "nham": "lam", "chuc": "muoi", "ti": "ty", "le": "linh"}
# Matched before folding: "tầm" (about) must not become "tam" (eight).
_COUNT_FILLERS = _words(
    "khoảng khoang tầm chừng độ người nguoi ng hội hoi viên vien hv chị chi em có co "
    "được duoc dc ạ thôi thoi là la tổng tong cộng cong tất tat cả ca"
)
_DIGIT_RUN = re.compile(r"[0-9]+")
_NEGATIVE = re.compile(r"(?:^|\s)[-−–]\s*[0-9]|^(?:âm|am)\s")


def read_count(text: str) -> int | None:
    """A head count: "22", "22 người", "khoảng 20", "hai mươi lăm", "hai lăm" -> int, else None."""
    if len(text) > _MAX_INPUT:
        return None
    s = unicodedata.normalize("NFC", text).strip().lower()
    if _NEGATIVE.search(s):
        return None
    runs = _DIGIT_RUN.findall(s)
    if runs:
        # Two runs is a date, a range or a decimal, not a count.
        n = int(runs[0]) if len(runs) == 1 else _MAX_COUNT + 1
        return n if n <= _MAX_COUNT else None
    return _read_number_words(s)


def _read_number_words(s: str) -> int | None:
    tokens = [t for t in re.split(r"[\W_]+", s) if t and t not in _COUNT_FILLERS]
    words = [_WORD_ALIASES.get(f, f) for f in (fold(t) for t in tokens)]
    # vn_numberwords skips words it does not know and answers 0 for none, so
    # every word must be a number word before it is asked.
    if not words or any(w not in _NUMBER_WORDS for w in words):
        return None
    if "ruoi" in words[:-1] or (words[-1] == "ruoi" and words[-2:-1] != ["tram"]):
        return None
    # Spoken short forms: "một trăm hai" is 120 and "trăm rưỡi" 150 (the library reads 102).
    if len(words) >= 2 and words[-2] == "tram" and words[-1] in _UNITS | {"ruoi"}:
        words = [*words[:-1], "nam" if words[-1] == "ruoi" else words[-1], "muoi"]
    n = words_to_number(words)
    if not isinstance(n, int) or n < 0 or n > _MAX_COUNT:
        return None
    if n == 0 and set(words) != {"khong"}:
        return None
    return n


# --- dates -------------------------------------------------------------------

_NOT_MINE: Literal[False] = False  # a reader's "not my form", unlike None = "my form, invalid"
_Read = date | None | Literal[False]

_DAY_WORDS = (
    dict.fromkeys(("nay", "hom nay", "bua nay"), 0)
    | dict.fromkeys(("qua", "hom qua", "bua qua"), 1)
    | dict.fromkeys(("hom kia", "bua kia"), 2)
)
_PART_OF_DAY = re.compile(r"^(?:sang|trua|chieu|toi|dem)\s+")
_DM = r"(?:ngay|mung|mong)?\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})"
_NUMERIC = re.compile(rf"^{_DM}(?:\s*[/.\-]\s*(\d{{2}}|\d{{4}}))?$")
_NUM = r"([0-9]{1,2}|[a-z ]+?)"  # digits or number words, never a mix: "3 nam ngoai" is not 3
_WORDY = re.compile(
    rf"^(?:ngay|mung|mong)?\s*{_NUM}\s+thang\s+{_NUM}(?:\s+(?:nam\s+)?(\d{{2}}|\d{{4}}|nay|ngoai))?$"
)
_DAY_ONLY = re.compile(rf"^(?:(?:ngay|mung|mong)\s+{_NUM}|(\d{{1,2}}))$")
_MONTH_WORDS = {"gieng": 1, "chap": 12}
# Monday is "thứ hai" (day two); Sunday "chủ nhật" is 6 below.
_WEEKDAYS = {w: i for i, w in enumerate(("hai", "ba", "tu", "nam", "sau", "bay"))}
_WEEKDAYS |= {str(i + 2): i for i in range(6)}
_WEEKDAY = re.compile(
    r"^(?:vao\s+)?(?:thu\s*(hai|ba|tu|nam|sau|bay|[2-7])|t([2-7])|(chu\s*nhat|cn))"
    r"(?:\s+(tuan\s+(?:truoc|roi|qua|nay)|vua\s+(?:roi|qua)))?$"
)
_AGO = re.compile(r"^(.+?)\s+(ngay|hom|tuan|thang)\s+(?:truoc|qua|roi)$")
_VAGUE = re.compile(r"^(?:\d+|(?:tuan|thang|nam)\s+\S+)$")  # a week, month or year is not a day


def read_date(text: str, today: date) -> date | None:
    """A day: "hôm qua", "5/3", "12.3.26", "mùng 5 tháng 3", "thứ bảy tuần trước", "3 ngày trước".

    A day and month without a year is the most recent such day up to today.
    Relative forms count back from ``today`` (the user's local date).
    """
    if len(text) > _MAX_INPUT:
        return None
    s = _light(text)
    if not s:
        return None
    if re.fullmatch(r"(?:hôm|bữa)\s+kìa", text.strip().lower()):  # 3 days back; "hôm kia" is 2
        return today - timedelta(days=3)
    for reader in _DATE_READERS:
        got = reader(s, today)
        if got is not _NOT_MINE:
            return got
    return _read_with_dateparser(text, s, today)


def _read_day_word(s: str, today: date) -> _Read:
    back = _DAY_WORDS.get(_PART_OF_DAY.sub("", s))
    return _NOT_MINE if back is None else today - timedelta(days=back)


def _dmy(s: str) -> tuple[int, int, str | None] | None:
    # Day, month and the year's digits as typed: "5/3/26", "mùng 5 tháng ba năm 2026".
    if m := _NUMERIC.match(s):
        return int(m[1]), int(m[2]), m[3]
    if (m := _WORDY.match(s)) and (day := read_count(m[1])) is not None:
        month = _MONTH_WORDS.get(m[2]) or read_count(m[2])
        return None if month is None else (day, month, m[3])  # "2 tháng trước" is not a month
    return None


def _read_dmy(s: str, today: date) -> _Read:
    if (got := _dmy(s)) is None:
        return _NOT_MINE
    day, month, year = got
    if year is None:
        return _recent(today, month, day)
    return _make(_full_year(year, today, past_only=False), month, day)


def _read_day_only(s: str, today: date) -> _Read:
    if not (m := _DAY_ONLY.match(s)):
        return _NOT_MINE
    day = read_count(m[1] or m[2])
    if day is None or not 1 <= day <= 31:
        return None
    for back in range(12):  # the 31st may be a few months back
        if (got := _make(*_months_back(today, back), day)) and got <= today:
            return got
    return None


def _read_weekday(s: str, today: date) -> _Read:
    if not (m := _WEEKDAY.match(s)):
        return _NOT_MINE
    weekday = 6 if m[3] else _WEEKDAYS[m[1] or m[2]]
    which = m[4] or ""
    monday = today - timedelta(days=today.weekday())  # Vietnamese weeks run Monday to Sunday
    if which.startswith("tuan"):
        return monday + timedelta(days=weekday - (0 if which.endswith("nay") else 7))
    return today - timedelta(days=(today.weekday() - weekday) % 7)


def _read_ago(s: str, today: date) -> _Read:
    if not (m := _AGO.match(s)):
        return _NOT_MINE
    n = read_count(m[1])
    if n is None:
        return _NOT_MINE
    if n > 3660:
        return None
    if m[2] == "thang":
        year, month = _months_back(today, n)
        # 31 March less one month is the last day of February.
        return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))
    return today - timedelta(days=n * (7 if m[2] == "tuan" else 1))


_DATE_READERS = (_read_day_word, _read_dmy, _read_day_only, _read_weekday, _read_ago)
_DATEPARSER_SETTINGS = {"DATE_ORDER": "DMY", "PREFER_DATES_FROM": "past"}


def _read_with_dateparser(text: str, s: str, today: date) -> date | None:
    if _VAGUE.match(s):
        return None
    settings = {**_DATEPARSER_SETTINGS, "RELATIVE_BASE": datetime.combine(today, time(12))}
    try:
        got = dateparser.parse(
            unicodedata.normalize("NFC", text).strip().lower(), languages=["vi"], settings=settings
        )
    except Exception:  # dateparser raises on some odd input; user text must not end a turn
        return None
    if not isinstance(got, datetime):
        return None
    # dateparser ignores PREFER_DATES_FROM for some forms ("ngày 20" lands in the future).
    return got.date() if got.date() <= today else None


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _months_back(today: date, n: int) -> tuple[int, int]:
    year, month = divmod(today.year * 12 + today.month - 1 - n, 12)
    return year, month + 1


def _recent(today: date, month: int, day: int) -> date | None:
    # Look back a few years so that 29/2 finds the last leap year.
    for year in range(today.year, today.year - 5, -1):
        if (got := _make(year, month, day)) and got <= today:
            return got
    return None


def _full_year(digits: str, today: date, *, past_only: bool) -> int:
    if not digits.isdigit():  # "năm nay", "năm ngoái"
        return today.year - (digits == "ngoai")
    if len(digits) == 4:
        return int(digits)
    # Two digits: the latest such year not after today (birth dates), or not
    # more than five years ahead (meetings and plans).
    year = today.year - today.year % 100 + int(digits)
    return year - 100 if year > today.year + (0 if past_only else 5) else year


_BIRTH_PREFIX = re.compile(r"^(?:(?:ngay sinh|nam sinh|sinh ngay|sinh|khoang|tam)\s+)+")
_YEAR_ONLY = re.compile(r"^(?:nam\s+)?(\d{4})$|^nam\s+(\d{2})$")
_MONTH_YEAR = re.compile(r"^(?:thang\s+)?(\d{1,2})\s*(?:[/.\-]|\s+nam\s+)\s*(\d{4})$")


def read_birth_date(text: str, today: date) -> tuple[date, bool] | None:
    """A birth date and whether it is only approximate.

    "5/3/1975" -> (1975-03-05, False); "1975" or "năm 75" -> (1975-01-01, True).
    """
    if len(text) > _MAX_INPUT:
        return None
    s = _BIRTH_PREFIX.sub("", _light(text))
    got: tuple[date | None, bool]
    if m := _YEAR_ONLY.match(s):
        got = (_make(_full_year(m[1] or m[2], today, past_only=True), 1, 1), True)
    elif m := _MONTH_YEAR.match(s):
        got = (_make(int(m[2]), int(m[1]), 1), True)
    elif (dmy := _dmy(s)) and dmy[2]:
        got = (_make(_full_year(dmy[2], today, past_only=True), dmy[1], dmy[0]), False)
    else:
        return None
    born, approximate = got
    if born is None or born > today or born.year < today.year - 120:
        return None
    return born, approximate


# --- phones and ID numbers -------------------------------------------------------

_PHONE_CHARS = re.compile(r"^[0-9\s+().\-]+$")


def read_phone(text: str) -> str | None:
    """A Vietnamese mobile number as 10 digits: "+84 912 345 678" -> "0912345678", else None."""
    if len(text) > _MAX_INPUT or not _PHONE_CHARS.match(text):
        return None
    digits = re.sub(r"[^0-9]", "", text)
    if digits.startswith("0084"):
        digits = digits[2:]
    if len(digits) == 9 and not digits.startswith("0"):
        # vn_ident would strip a leading "84" from a trunkless 084… number.
        digits = "0" + digits
    phone = vn_ident.normalize_phone(digits)
    # normalize_phone checks the shape only; a carrier prefix makes it a mobile.
    if phone is None or vn_ident.detect_carrier(phone) is None:
        return None
    return phone


@dataclass(frozen=True)
class CccdCheck:
    """Result of check_cccd; ``reason`` is a machine code, never the number itself."""

    ok: bool
    kind: Literal["cccd", "cmnd"] | None
    reason: str | None


def normalize_cccd(text: str) -> str | None:
    """The digits of a 12-digit CCCD or 9-digit CMND, spaces, dots and dashes removed; else None."""
    digits = re.sub(r"[\s.\-]", "", text)
    return digits if re.fullmatch(r"[0-9]{9}|[0-9]{12}", digits) else None


def check_cccd(
    text: str,
    birth: date | None = None,
    gender: Gender | None = Gender.FEMALE,
    approximate_birth: bool = False,
    *,
    today: date | None = None,
) -> CccdCheck:
    """Check a citizen ID's shape and that it agrees with the member's birth year and gender.

    Args:
        text: what was typed.
        birth: the member's birth date, if known; only its year can be compared.
        gender: the member's gender (members are women), or None to skip.
        approximate_birth: the birth date is a guess (a year alone), so a year
            one off is tolerated.
        today: local date; defaults to today in UTC (only its year is compared).
    """
    digits = normalize_cccd(text)
    if digits is None:
        return CccdCheck(False, None, "format")
    if len(digits) == 9:
        # An old CMND carries no province, year or gender to compare.
        ok = vn_ident.is_valid_cmnd(digits)
        return CccdCheck(ok, "cmnd", None if ok else "format")
    card = vn_ident.parse_cccd(digits) if vn_ident.is_province_code(digits[:3]) else None
    if card is None:
        return CccdCheck(False, "cccd", "province")
    this_year = (today or datetime.now(UTC).date()).year
    if card.century > 21:  # 4th digit 4-9: born in the 2100s or later
        return CccdCheck(False, "cccd", "century_gender")
    # vn_ident happily yields future years (0383… -> 2088).
    if card.birth_year > this_year:
        return CccdCheck(False, "cccd", "birth_year")
    if birth is not None and abs(card.birth_year - birth.year) > (1 if approximate_birth else 0):
        return CccdCheck(False, "cccd", "birth_year")
    if gender is not None and card.gender != gender.value:
        return CccdCheck(False, "cccd", "gender")
    return CccdCheck(True, "cccd", None)


# --- names, yes/no, tick-lists -----------------------------------------------------

_NAME_JOINERS = "'’-"


def read_name(text: str) -> str | None:
    """A person's name, tidied: "nguyễn thị  LAN" -> "Nguyễn Thị Lan"; None if not a name."""
    # repair_mojibake: legacy systems write Đ as Ð (eth), which nobody can search for.
    s = vn_text.repair_mojibake(unicodedata.normalize("NFC", text))
    s = " ".join(s.split())
    if not s or len(s) > 100:
        return None
    if any(
        not (ch.isalpha() or ch in " " + _NAME_JOINERS or unicodedata.category(ch) == "Mn")
        for ch in s
    ):
        return None
    if sum(ch.isalpha() for ch in s) < 2:
        return None
    out, upper = [], True
    for ch in s:
        cased = ch.upper() if upper else ch.lower()
        out.append(cased if len(cased) == 1 else ch)  # "ß" -> "SS" would not read back the same
        # "H'Hen Niê" (Ê Đê names) capitalises after the apostrophe too.
        upper = ch == " " or ch in _NAME_JOINERS
    return unicodedata.normalize("NFC", "".join(out))


_YES = _words("co u uh uhm um ok oke okay okie dung vang yes y dongy roi duoc dc phai")
_NO = _words("khong ko k kg khg hong no n chua sai")
_POLITE = _words("a da nhe nha ha chi em oi")


def read_yes_no(text: str) -> bool | None:
    """True for "có", "ừ", "ok", "đúng rồi"…; False for "không", "ko", "chưa", "sai"…; else None."""
    if len(text) > _MAX_INPUT:
        return None
    words = fold(text).replace("dong y", "dongy").split()
    if not words:
        # fold() drops emoji, and a thumb is a common Zalo answer.
        if "👎" in text:
            return False
        return True if "👍" in text or "👌" in text else None
    if words == ["da"]:  # "dạ" alone is a polite yes
        return True
    words = [w for w in words if w not in _POLITE]
    if words and all(w in _YES for w in words):
        return True
    if words and words[0] in _NO and all(w in _YES | _NO for w in words[1:]):
        return False  # "không", "không đúng", "chưa có"
    return None


_ALL = re.compile(r"^(?:chon\s+)?tat\s*ca(\s+(?:ngoai\s+)?(?:tru|bo)(?:\s+ra)?(?:\s+(.+))?)?$")


def read_number_list(text: str, upper: int) -> set[int] | None:
    """Numbers ticked from a list of ``upper``: "1 3 5-9", "1,3,5", "tất cả", "tất cả trừ 4 7"."""
    if upper < 1 or len(text) > _MAX_INPUT:
        return None
    s = _light(text)
    s = re.sub(r"\s*(?:[-–—]|\bden\b|\btoi\b)\s*", "-", s)  # "5 - 9", "5 đến 9" -> "5-9"
    if m := _ALL.match(s):
        if m[1] is None:
            return set(range(1, upper + 1))
        left_out = _number_list(m[2], upper) if m[2] else None  # "tất cả trừ" alone is unfinished
        return None if not left_out else set(range(1, upper + 1)) - left_out
    return _number_list(s, upper) or None


def _number_list(s: str, upper: int) -> set[int] | None:
    picked: set[int] = set()
    for token in re.split(r"(?:[\s,;.]|\bva\b)+", s):
        if not token:
            continue
        if not (m := re.fullmatch(r"([0-9]{1,6})(?:-([0-9]{1,6}))?", token)):
            return None
        low, high = sorted((int(m[1]), int(m[2] or m[1])))
        if low < 1 or high > upper:
            return None
        picked.update(range(low, high + 1))
    return picked
