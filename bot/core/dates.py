"""Read the days branch heads type: "hôm nay", "hôm kia", "5/3", "mùng 5 tháng 3", birth dates."""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Literal

from bot.core.dialogs import Retry, Values
from bot.core.i18n import _, format_date
from bot.core.lazy import lazy
from bot.core.parsing import MAX_INPUT, light, read_count, read_yes_no

if TYPE_CHECKING:
    import dateparser
else:  # loaded by warm_up() once the bot serves, or by the first date it reads
    dateparser = lazy("dateparser")

_NOT_MINE: Literal[False] = False  # a reader's "not my form", unlike None = "my form, invalid"
_Read = date | None | Literal[False]

_DAY_WORDS = (
    dict.fromkeys(("nay", "hom nay", "bua nay", "homnay"), 0)
    | dict.fromkeys(("qua", "hom qua", "bua qua", "homqua", "hqua"), 1)
    | dict.fromkeys(("hom kia", "bua kia", "homkia"), 2)
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
    if len(text) > MAX_INPUT:
        return None
    s = light(text)
    if not s:
        return None
    if re.fullmatch(r"(?:hôm|bữa)\s+kìa", text.strip().lower()):  # 3 days back; "hôm kia" is 2
        return today - timedelta(days=3)
    for reader in _DATE_READERS:
        got = reader(s, today)
        if got is not _NOT_MINE:
            return got
    return _read_with_dateparser(text, s, today)


# The day a yearless date was taken to mean, kept while she is asked about it (ISO text).
PENDING = "_ahead_day"


def past_day(text: str, today: date, values: Values) -> date | Retry | None:
    """A past day for a step, asking once about a day and month without a year whose day
    this year has not come ("15/12" typed on 2 December) or does not exist ("29/2").

    Returns the day, a Retry asking "did you mean 15/12/2025?" (a "yes" then takes that
    day; a new date is read afresh), or None when the text is no date.
    """
    pending = values.pop(PENDING, None)
    if pending is not None and read_yes_no(text) is True:
        return date.fromisoformat(str(pending))
    got = _dmy(light(text)) if len(text) <= MAX_INPUT else None
    if got is not None and got[2] is None:
        day, month, _year = got
        this_year = _make(today.year, month, day)
        earlier = _recent(today, month, day)
        if (this_year is None or this_year > today) and earlier is not None:
            values[PENDING] = earlier.isoformat()
            typed = f"{day}/{month}"
            msg = (
                _("{typed} has not come yet this year; do you mean {date}?")
                if this_year is not None
                else _("There is no {typed} this year; do you mean {date}?")
            )
            hint = _('Answer "yes", or type the date with its year.')
            return Retry(msg.format(typed=typed, date=format_date(earlier)) + "\n" + hint)
    read = read_date(text, today)
    if read is not None and read.month != today.month and text.strip().isdigit():
        # A number alone ("22", maybe a head count typed a step early) read as a day of
        # an earlier month is asked about, not taken.
        values[PENDING] = read.isoformat()
        msg = _("Do you mean {date}?").format(date=format_date(read))
        hint = _('Answer "yes", or type the day with its month, e.g. 5/3.')
        return Retry(msg + "\n" + hint)
    return read


def day_done(text: str, today: date, values: Values) -> date | Retry:
    """A day that has come (today or before), as typed at a "which day?" step: past_day's
    question about a yearless day ahead, a hint with an example when the text is no date, and
    a refusal of a day still to come."""
    day = past_day(text, today, values)
    if isinstance(day, Retry):
        return day
    if day is None:
        return Retry(_("Please type the day, for example: hôm qua, 5/3 or 05/03/2026."))
    if day > today:
        return Retry(
            _("{date} has not come yet. Please check the day.").format(date=format_date(day))
        )
    return day


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


def warm_up() -> None:
    """Load dateparser and its Vietnamese data (a quarter second) before a turn needs them."""
    _read_with_dateparser("20 tháng 3", "20 thang 3", date(2026, 3, 25))


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
    if len(text) > MAX_INPUT:
        return None
    s = _BIRTH_PREFIX.sub("", light(text))
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
