"""Member data rules shared by the chat and the spreadsheet import: one validator per field."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import vn_ident

from bot.core.choices import match_typed
from bot.core.dates import read_birth_date, read_date
from bot.core.i18n import N_, Msg, _, format_date, tr
from bot.core.parsing import check_cccd, normalize_cccd, read_name, read_number_list, read_phone
from bot.domain import audiences
from bot.domain.enums import Residence
from bot.domain.textkeys import fold
from bot.reports.audience_names import LABELS, labels

ADULT = 18
# Young woman and elderly: the thresholds and their sources live with the audience table.
YOUNG_UNDER = audiences.YOUNG_UNDER
ELDERLY_FROM = audiences.ELDERLY_FROM

# Stored audience codes (member.categories): the tickable rows of the audience table (DOMAIN
# rule 11); the derived ones (young, working far away, temporary resident) are never stored.
# The six flags of before keep their numbers (branch heads know "2 cao tuổi"); the new
# audiences follow them.
_FIRST = ("elderly", "disabled", "worker", "trader", "religious", "ethnic_minority")
CATEGORIES: dict[str, Msg] = {
    code: LABELS[code] for code in (*_FIRST, *(c for c in audiences.TICKABLE if c not in _FIRST))
}
SENSITIVE = audiences.SENSITIVE
CORE = "core"
CORE_LABEL = N_("Core member")
YOUNG_LABEL = LABELS["young"]
# The tick-list the chat shows: core member first (the one most branches use), then categories.
TICKS: list[tuple[str, Msg]] = [(CORE, CORE_LABEL), *CATEGORIES.items()]
# Residence (004 §II.1.2 (1), footnote 1) as the registration tick-list's last items, so a
# permanent resident (most members) costs no reply; "away" is set later as a change.
RESIDENCE: dict[Residence, Msg] = {
    Residence.PERMANENT: N_("Permanent resident"),
    Residence.TEMPORARY_LONG: N_("Temporary resident, 6 months or more"),
    Residence.TEMPORARY_SHORT: N_("Temporary resident, under 6 months"),
    Residence.AWAY: N_("Living elsewhere"),
}
TEMPORARY = (Residence.TEMPORARY_LONG, Residence.TEMPORARY_SHORT)
REGISTER_TICKS: list[tuple[str, Msg]] = [*TICKS, *((r.value, RESIDENCE[r]) for r in TEMPORARY)]

MEMBERSHIP = "membership"  # consent purpose: store her data to manage Union membership
SENSITIVE_PURPOSE = "sensitive"  # consent purpose: ethnicity and religion for special audiences


@dataclass(frozen=True)
class Problem:
    """Why a value was refused, already translated for the user."""

    reason: str


@dataclass(frozen=True)
class Birth:
    day: dt.date
    approx: bool

    def show(self) -> str:
        if self.approx:
            return _("{year} (year only)").format(year=self.day.year)
        return format_date(self.day)


# Answers to other questions typed at the name: field names, yes/no, skip words.
MISPLACED_NAME_WORDS = frozenset(
    [
        "ngay sinh",
        "nam sinh",
        "so dien thoai",
        "dien thoai",
        "sdt",
        "cccd",
        "cmnd",
        "can cuoc",
        "ho ten",
        "ho va ten",
        "ten",
        "bo qua",
        "khong",
        "co",
        "dung",
        "sai",
        "khong nho",
        "hoi vien moi",
        "da la hoi vien",
        "nong cot",
        "cao tuoi",
        "khuyet tat",
        "tieu thuong",
        "xong",
        "tiep",
        "hom nay",
        "hom qua",
    ]
)
# Vietnamese full names have 2 to 5 words, rarely 6 or 7 (ethnic-minority names).
MAX_NAME_WORDS = 7


def check_name(text: str) -> str | Problem:
    """A full name, refusing answers meant for another question (a date, a number, a field
    name like "ngày sinh") and sentences (more than 7 words)."""
    folded = fold(text)
    if re.search(r"[0-9]", text):
        return Problem(
            _("That looks like a date or a number, not a name. Please type her full name.")
        )
    if folded in MISPLACED_NAME_WORDS:
        msg = _('"{typed}" is not a name. Please type her full name, e.g. Nguyễn Thị Lan.')
        return Problem(msg.format(typed=text.strip()))
    name = read_name(text)
    if name is not None and len(name.split()) > MAX_NAME_WORDS:
        return Problem(_("That is too long for a name. Please type only her full name."))
    if name is None or len(name.split()) < 2:
        return Problem(_("Please type her full name (family name, middle name and given name)."))
    return name


def has_accents(name: str) -> bool:
    """Whether a name carries any Vietnamese mark (tone, hat, horn or đ)."""
    return fold(name) != " ".join(name.lower().split())


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def check_birth(text: str, today: dt.date, joined_on: dt.date | None = None) -> Birth | Problem:
    """A birth date (or a year alone, marked approximate) of a woman 18 or older on `joined_on`."""
    got = read_birth_date(text, today)
    if got is None:
        if _is_future(text, today):
            return Problem(_("That date is in the future. Please check the year."))
        return Problem(
            _(
                "Please type the date of birth as day/month/year, for example 05/03/1985, "
                "or only the year, for example 1985."
            )
        )
    return check_age(Birth(*got), joined_on or today)


def check_age(birth: Birth, on: dt.date) -> Birth | Problem:
    if birth.approx:
        years = on.year - birth.day.year
        if years == ADULT:
            return Problem(
                _(
                    "She turns 18 this year. Please type her full date of birth, for example "
                    "05/03/{year}, so I can check she is 18 already."
                ).format(year=birth.day.year)
            )
    else:
        years = age_on(birth.day, on)
    if years < ADULT:
        return Problem(
            _("She is {age} years old: members must be 18 or older.").format(age=max(years, 0))
        )
    return birth


def _is_future(text: str, today: dt.date) -> bool:
    if m := re.fullmatch(r"\s*(?:năm\s+)?(\d{4})\s*", text.lower()):
        return int(m[1]) > today.year
    day = read_date(text, today)
    return day is not None and day > today


def check_phone(text: str) -> str | Problem:
    phone = read_phone(text)
    if phone is None:
        return Problem(
            _("A mobile number has 10 digits and starts with 0, for example 0912 345 678.")
        )
    return phone


def check_id(text: str, birth: Birth | None, today: dt.date) -> str | Problem:
    """The digits of a CCCD (checked against her birth year and gender) or an old CMND."""
    digits = normalize_cccd(text)
    born = birth.day if birth else None
    approx = birth.approx if birth else False
    result = check_cccd(text, born, approximate_birth=approx, today=today)
    if result.ok and digits is not None:
        return digits
    if result.reason == "province":
        return Problem(
            _("The first 3 digits of this ID number are not a province code. Please check it.")
        )
    if result.reason == "birth_year" and digits is not None and birth is not None:
        card = vn_ident.parse_cccd(digits)
        if card is not None and card.birth_year <= today.year:
            return Problem(
                _(
                    "This ID number is for someone born in {card_year}, but her birth year is "
                    "{year}. Please check both."
                ).format(card_year=card.birth_year, year=birth.day.year)
            )
    if result.reason in ("birth_year", "century_gender"):
        return Problem(
            _("Digits 4 to 6 of this ID number do not give a birth year. Please check it.")
        )
    if result.reason == "gender":
        return Problem(_("This ID number belongs to a man. Please check it."))
    return Problem(
        _("An ID number has 12 digits (CCCD) or 9 digits (old CMND), for example 038 188 001 234.")
    )


_NONE_WORDS = {"0", "khong", "khong co", "khong thuoc nhom nao", "none", "no"}


def read_ticks(text: str, ticks: list[tuple[str, Msg]] = TICKS) -> set[str] | Problem:
    """Tick-list answer: "1 3", "1, 4", "cao tuổi, khuyết tật", or "0"/"không" for none."""
    if fold(text) in _NONE_WORDS:
        return set()
    numbers = read_number_list(text, len(ticks))
    if numbers is not None:
        return {ticks[n - 1][0] for n in numbers}
    labels = [tr(label) for _key, label in ticks]
    picked: set[str] = set()
    for part in re.split(r"[,;\n]+|\s+và\s+|\s+va\s+", text):
        if not part.strip():
            continue
        idx = match_typed(part, labels, allow_number=False)
        if idx is None:
            return Problem(
                _("Please type the numbers of the groups, for example 1 3, or 0 for none.")
            )
        picked.add(ticks[idx][0])
    return picked


def residence_ticked(ticks: set[str] | list[str]) -> Residence | Problem:
    """The residence a registration tick-list gives: permanent unless one temporary item."""
    got = [r for r in TEMPORARY if r.value in ticks]
    if len(got) > 1:
        return Problem(_("Please tick only one kind of temporary residence."))
    return got[0] if got else Residence.PERMANENT


def check_ticks_age(
    ticks: set[str] | list[str], birth: Birth | None, on: dt.date
) -> Problem | None:
    """A ticked audience her age contradicts ("Cao tuổi" at 41) is asked about: the reason
    says how to keep it anyway (the same answer again, see `parse_ticks`)."""
    if birth is None:
        return None
    doubt = audiences.age_doubt(ticks, birth.day, birth.approx, on)
    if doubt is None:
        return None
    age = audiences.age_of(birth.day, birth.approx, on)
    if doubt == "elderly":
        msg = _(
            'She is {age} years old: "Elderly" is for members 60 or older. To keep it '
            "anyway, send the same answer again; otherwise leave it out."
        )
    else:
        msg = _(
            'She is {age} years old: please check "{audience}". To keep it anyway, send the '
            "same answer again."
        )
    return Problem(msg.format(age=age, audience=tr(LABELS[doubt])))


def is_young(born: dt.date | None, on: dt.date) -> bool:
    return born is not None and age_on(born, on) < YOUNG_UNDER


def category_names(
    categories: set[str] | list[str], born: dt.date | None, on: dt.date
) -> list[str]:
    """Her audiences as names: the ticked ones and those her age gives (young, elderly)."""
    return labels(audiences.audiences_of(categories, born, on))


def show_phone(phone: str) -> str:
    return f"{phone[:4]} {phone[4:7]} {phone[7:]}" if len(phone) == 10 else phone


def mask_phone(phone: str) -> str:
    """The first four and last two digits: "0912 *** *78"."""
    return f"{phone[:4]} *** *{phone[-2:]}" if len(phone) >= 8 else "***"


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def read_categories_cell(text: str) -> set[str] | Problem:
    """Spreadsheet form of the tick-list: category names separated by commas (no numbers)."""
    if not text.strip():
        return set()
    got = read_ticks(text)
    if isinstance(got, Problem) or CORE in got:
        return Problem(_("Unknown group name; use the names listed in the template."))
    return got


# Answers that mean "a member from before records began" (chat and spreadsheet).
BEFORE_RECORDS_WORDS = frozenset(
    {
        "khong nho",
        "khong biet",
        "cu",
        "hoi vien cu",
        "da la hoi vien",
        "truoc khi co so",
        "old",
        "existing",
        "unknown",
    }
)


@dataclass(frozen=True)
class Joined:
    """Her joining day; None: before records began. `approx`: only the year is known."""

    day: dt.date | None
    approx: bool = False

    def show(self) -> str:
        if self.day is None:
            return _("before the register was kept")
        if self.approx:
            return _("{year} (year only)").format(year=self.day.year)
        return format_date(self.day)


def check_joined(text: str, today: dt.date, birth: Birth | None = None) -> Joined | Problem:
    """A joining day, a year (approximate), or "không nhớ"; never in the future or before 18."""
    if fold(text) in BEFORE_RECORDS_WORDS:
        return Joined(None)
    if text.strip().isdigit() and len(text.strip()) <= 2:
        # "3" alone is no joining date (a day of this month? an option's number?).
        return Problem(
            _('Please type the day or the year she joined, or "không nhớ" if nobody remembers.')
        )
    got = read_birth_date(text, today)
    day, approx = got if got is not None else (read_date(text, today), False)
    if day is None:
        if _is_future(text, today):
            return Problem(_("That date is in the future. Please check the year."))
        return Problem(
            _('Please type the day or the year she joined, or "không nhớ" if nobody remembers.')
        )
    if approx and day.year == today.year:
        return Problem(_("She joined this year: please type the day she joined."))
    if birth is not None and _too_young(birth, day, approx):
        return Problem(
            _(
                "She was not yet 18 then ({year}): members join at 18 or older. "
                "Please check the joining date."
            ).format(year=day.year)
        )
    return Joined(day, approx)


def _too_young(birth: Birth, joined: dt.date, approx: bool) -> bool:
    # With a year on either side only the years are compared (she may have turned 18 by 31/12).
    if birth.approx or approx:
        return joined.year - birth.day.year < ADULT
    return age_on(birth.day, joined) < ADULT


_AWAY_WORDS = ("vang", "khong o dia phuong", "o noi khac", "noi khac", "away")


def read_residence_cell(text: str) -> Residence | Problem:
    """Spreadsheet "Cư trú": empty or thường trú, tạm trú từ / dưới 6 tháng, or vắng."""
    key = fold(text)
    if not key or "thuong tru" in key or key == "permanent":
        return Residence.PERMANENT
    if key.startswith("tam tru"):
        if "duoi" in key:
            return Residence.TEMPORARY_SHORT
        if "6 thang" in key or "tren" in key:
            return Residence.TEMPORARY_LONG
        return Problem(_("Temporary residence: write from 6 months or under 6 months."))
    if any(key.startswith(w) for w in _AWAY_WORDS):
        return Residence.AWAY
    return Problem(
        _("Write thường trú, tạm trú từ 6 tháng, tạm trú dưới 6 tháng or vắng (or leave it empty).")
    )
