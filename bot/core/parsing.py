"""Read what branch heads type: counts, phones, ID numbers, names, yes/no, tick-lists (dates: dates.py)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

import vn_ident
import vn_text
from vn_numberwords import words_to_number

from bot.domain.enums import Gender
from bot.domain.rules import DEFAULT_TZ
from bot.domain.textkeys import fold

# Longer text is a paste, not an answer; refusing it keeps regexes and dateparser cheap.
MAX_INPUT = 200
# A count above this is a phone or ID number typed into the wrong question.
_MAX_COUNT = 999_999


def light(text: str) -> str:
    """Like fold() but keeps "/", "-", "." and "," inside the text, so "5/3" and "5-9" survive."""

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
    "được duoc dc ạ thôi thoi là la tổng tong cộng cong tất tat cả ca "
    "mặt mat đến den dự tham gia hôm nay"
)
# Spoken tens: "hăm hai" is 22, "băm mốt" 31.
_TENS_SHORT = {"ham": ["hai", "muoi"], "bam": ["ba", "muoi"]}
_DIGIT_RUN = re.compile(r"[0-9]+")
_NEGATIVE = re.compile(r"(?:^|\s)[-−–]\s*[0-9]|^(?:âm|am)\s")


def read_count(text: str) -> int | None:
    """A head count: "22", "22 người", "khoảng 20", "hai mươi lăm", "hai lăm" -> int, else None."""
    if len(text) > MAX_INPUT:
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
    words = [w for word in words for w in _TENS_SHORT.get(word, [word])]
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


_EVERYONE = frozenset(
    ("tat ca", "du", "du ca", "day du", "du het", "co mat du", "den du", "ca chi hoi", "toan bo")
)
_ABSENT = re.compile(r"^(?:vang|vang mat|thieu)\s+(.+?)(?:\s+(?:nguoi|chi))?$")


def read_head_count(text: str, members: int) -> int | None:
    """A head count against ``members``: "22", "chín người có mặt", "hăm hai", "0", and
    "tất cả" / "đủ" (everyone) or "vắng 3" (members less 3); None if not a count."""
    s = fold(text)
    if members > 0 and s in _EVERYONE:
        return members
    if members > 0 and (m := _ABSENT.match(s)):
        away = read_count(m[1])
        return members - away if away is not None and away <= members else None
    return read_count(text)


# --- phones and ID numbers -------------------------------------------------------

_PHONE_CHARS = re.compile(r"^[0-9\s+().\-]+$")


def read_phone(text: str) -> str | None:
    """A Vietnamese mobile number as 10 digits: "+84 912 345 678" -> "0912345678", else None."""
    if len(text) > MAX_INPUT or not _PHONE_CHARS.match(text):
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
        today: local date; defaults to today in the Union's zone (only its year is compared).
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
    this_year = (today or datetime.now(DEFAULT_TZ).date()).year
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


_YES = _words("co u uh uhm um ok oke okay okie dung vang yes y dongy roi duoc dc phai luu")
_NO = _words("khong ko k kg khg hong no n chua sai")
_POLITE = _words("a da nhe nha ha chi em oi di luon ay")


def read_yes_no(text: str) -> bool | None:
    """True for "có", "ừ", "ok", "đúng rồi"…; False for "không", "ko", "chưa", "sai"…; else None."""
    if len(text) > MAX_INPUT:
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
    if upper < 1 or len(text) > MAX_INPUT:
        return None
    s = light(text)
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


def out_of_list(text: str, upper: int) -> list[int]:
    """The numbers typed that are not on a list of ``upper`` ("15" on a list of 12)."""
    if len(text) > MAX_INPUT:
        return []
    return sorted({n for n in map(int, re.findall(r"[0-9]{1,6}", text)) if n < 1 or n > upper})


@dataclass(frozen=True)
class NamePicks:
    """What a tick-list typed as names found: 1-based positions, and the parts that named
    nobody or more than one person (with their positions)."""

    picked: frozenset[int]
    unknown: tuple[str, ...]
    ambiguous: tuple[tuple[str, tuple[int, ...]], ...]


def read_name_list(text: str, names: list[str]) -> NamePicks | None:
    """Names or parts of names, accents optional: "lan, hoa", "Lan và Thu Hằng".

    A part matches the names holding all its words as whole words; a part naming nobody is
    tried word by word ("lan hoa" = Lan and Hoa). None when the text has digits (a number list).
    """
    if len(text) > MAX_INPUT or re.search(r"[0-9]", text):
        return None
    folded = [fold(n).split() for n in names]
    picked: set[int] = set()
    unknown: list[str] = []
    ambiguous: list[tuple[str, tuple[int, ...]]] = []

    def find(words: list[str]) -> list[int]:
        return [i for i, f in enumerate(folded, 1) if all(w in f for w in words)]

    for part in re.split(r"\s*(?:[,;+]|\bva\b|\bvoi\b)\s*", fold(text)):
        if not part:
            continue
        hits = find(part.split())
        groups = [(part, hits)] if hits else [(w, find([w])) for w in part.split()]
        for said, found in groups:
            if len(found) == 1:
                picked.update(found)
            elif found:
                ambiguous.append((said, tuple(found)))
            else:
                unknown.append(said)
    if not picked and not ambiguous and not unknown:
        return None
    return NamePicks(frozenset(picked), tuple(unknown), tuple(ambiguous))
