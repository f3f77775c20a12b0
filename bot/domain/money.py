"""Money as branch heads type it, read exactly into integer đồng (never floats).

"50k", "50.000", "50 000", "50000đ", "1,5tr", "1tr5", "2 triệu", "năm mươi nghìn" all read;
a negative amount, zero or text that is not money comes back as a `MoneyProblem` so the
dialog can say what is wrong. Limits (10 million đồng for dues, issue 17) are the caller's.
"""

from __future__ import annotations

import enum
import re
import unicodedata

from vn_numberwords import words_to_number

from bot.domain.textkeys import fold

# Dues above this are a typing slip (issue 17: "absurd (over 10 million đồng for dues)").
DUES_MAX = 10_000_000
# A fund entry above this is asked about as a slip too (a branch fund is small).
FUND_MAX = 1_000_000_000
# A bare number below this has lost its "k" ("50" for 50.000): asked, never guessed.
BARE_MIN = 1_000


class MoneyProblem(enum.StrEnum):
    NEGATIVE = "negative"
    ZERO = "zero"
    NOT_MONEY = "not_money"
    NO_UNIT = "no_unit"  # "50": 50 đồng or 50.000?


_UNITS = {
    "k": 1_000,
    "nghin": 1_000,
    "ngan": 1_000,
    "ng": 1_000,
    "tr": 1_000_000,
    "trieu": 1_000_000,
    "cu": 1_000_000,
    "m": 1_000_000,
}
_CURRENCY = re.compile(r"\s*(?:vnd|vnđ|dong|đồng|đ|d)\.?$")
_GROUPED = re.compile(r"^[0-9]{1,3}(?:[., ][0-9]{3})+$")
_WITH_UNIT = re.compile(r"^([0-9]+)(?:[.,]([0-9]+))?\s*([a-z]+)\s*([0-9]{1,3})?$")
_WORD_FILLERS = frozenset({"dong", "chan", "thoi", "a", "tien"})
_NUMBER_WORDS = frozenset(
    [
        "khong",
        "mot",
        "hai",
        "ba",
        "bon",
        "tu",
        "nam",
        "lam",
        "sau",
        "bay",
        "tam",
        "chin",
        "muoi",
        "tram",
        "linh",
        "le",
        "nghin",
        "ngan",
        "trieu",
        "ty",
        "mot",
        "muoi",
        "mươi",
    ]
)


def read_money(text: str) -> int | MoneyProblem:
    """An amount in đồng, or why it is not one."""
    if len(text) > 60:
        return MoneyProblem.NOT_MONEY
    raw = unicodedata.normalize("NFC", text).strip().lower()
    if re.match(r"^(?:[-−–]|âm\s|am\s)", raw):
        return MoneyProblem.NEGATIVE
    s = fold(raw) if not re.search(r"[0-9]", raw) else _light(raw)
    s = _CURRENCY.sub("", s).strip()
    if not s:
        return MoneyProblem.NOT_MONEY
    value = _digits(s)
    if value is None:
        value = _words(s)
    if isinstance(value, MoneyProblem):
        return value
    if value is None:
        return MoneyProblem.NOT_MONEY
    return MoneyProblem.ZERO if value == 0 else value


def _light(s: str) -> str:
    # "đ" is kept apart from its word so "50.000đ" and "50k" both read; accents go.
    s = s.replace("đồng", " dong").replace("đ", " d")
    return " ".join(fold(part) if not part[:1].isdigit() else part for part in s.split())


def _digits(s: str) -> int | MoneyProblem | None:
    compact = s.replace(" ", "") if re.fullmatch(r"[0-9 ]+", s) and _GROUPED.match(s) else s
    if re.fullmatch(r"[0-9]+", compact):
        n = int(compact)
        return MoneyProblem.NO_UNIT if 0 < n < BARE_MIN else n
    if _GROUPED.match(s):
        return int(re.sub(r"[., ]", "", s))
    m = _WITH_UNIT.match(s.replace(" ", "") if " " in s and s[-1:].isalpha() else s)
    if m is None:
        m = _WITH_UNIT.match(s)
    if m is None:
        return None
    whole, frac, unit, tail = m.groups()
    if unit not in _UNITS or (frac and tail):
        return None
    scale = _UNITS[unit]
    extra = frac or tail or ""
    # "1,5tr" and "1tr5" are both 1.500.000: the digits after the unit are its tenths.
    amount = int(whole) * scale
    if extra:
        part = int(extra) * scale
        if part % 10 ** len(extra):
            return None  # finer than one đồng
        amount += part // 10 ** len(extra)
    return amount


def _words(s: str) -> int | None:
    tokens = [t for t in re.split(r"[\W_]+", s) if t and t not in _WORD_FILLERS]
    tokens = ["nghin" if t == "ngan" else t for t in tokens]
    if not tokens or any(t not in _NUMBER_WORDS for t in tokens):
        return None
    if not any(t in ("nghin", "trieu", "ty", "tram") for t in tokens):
        return None  # "năm mươi" alone lacks its unit, like a bare "50"
    n = words_to_number(tokens)
    return n if isinstance(n, int) and n > 0 else None


def money_digits(amount: int) -> str:
    """50000 -> "50.000" (Vietnamese grouping; the chat's own format adds " đ")."""
    sign = "-" if amount < 0 else ""
    return sign + f"{abs(amount):,}".replace(",", ".")
