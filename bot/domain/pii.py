"""Personal data in free text: the one definition of what may not reach a log or a group chat.

Numbers: ID numbers (CCCD 12 digits, CMND 9) and phones (0 or +84, then 9 digits) in any
separator style: "038/188/001/234", "0912.345.678", "0912 345 678", "0912-345-678".
Names: a member's full name, or her surname and given name side by side, compared
accent-folded ("Le Ngoc Hue", "Lê Huệ", "Huệ Lê").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.domain.textkeys import fold

MASK = "[ẩn]"
# One separator between two digits: a space, dot, slash or dash, spaces allowed around it.
_SEP = r"(?:\s?[./-]\s?|\s)?"
# A phone: 0 or (+)84, then 9 digits.
_PHONE = rf"(?:\+?84|0){_SEP}\d(?:{_SEP}\d){{8}}"
# An ID number: 12 digits (CCCD) or 9 (CMND).
_ID = rf"\d(?:{_SEP}\d){{11}}|\d(?:{_SEP}\d){{8}}"
NUMBERS = re.compile(rf"(?<![\w+])(?:{_PHONE}|{_ID})(?!\w)")
# A Telegram bot token ("123456:AA..."), also inside ".../bot<token>/sendMessage".
TOKEN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{10,}")


def has_number(text: str) -> bool:
    """Holds something that reads as an ID or phone number."""
    return NUMBERS.search(text) is not None


def mask_numbers(text: str) -> str:
    """ID and phone numbers and bot tokens replaced by MASK."""
    return NUMBERS.sub(MASK, TOKEN.sub(MASK, text))


@dataclass(frozen=True)
class NameMarks:
    """The folded word sequences that name someone: full names and surname-given pairs."""

    phrases: frozenset[str]

    @classmethod
    def of(cls, names: Iterable[str]) -> NameMarks:
        phrases: set[str] = set()
        for name in names:
            words = fold(name).split()
            # A one-word name is an ordinary word too often ("Hoa", "Mai") to hide on its own.
            if len(words) < 2:
                continue
            phrases.add(" ".join(words))
            phrases.add(f"{words[0]} {words[-1]}")
            phrases.add(f"{words[-1]} {words[0]}")
        return cls(frozenset(phrases))


NO_NAMES = NameMarks(frozenset())


def names_someone(text: str, marks: NameMarks) -> bool:
    words = fold(text).split()
    padded = f" {' '.join(words)} "
    if len(marks.phrases) < 4 * len(words):
        return any(f" {p} " in padded for p in marks.phrases)
    # Many names, a short text: look up the text's own word runs instead.
    for i in range(len(words)):
        for j in range(i + 2, len(words) + 1):
            if " ".join(words[i:j]) in marks.phrases:
                return True
    return False


def is_personal(text: str, marks: NameMarks = NO_NAMES) -> bool:
    """Holds an ID or phone number, or names a member: never for a group chat."""
    return has_number(text) or names_someone(text, marks)


_WORD = re.compile(r"\S+")


def redact(text: str, marks: NameMarks = NO_NAMES) -> str:
    """The text with ID and phone numbers and members' names replaced by MASK: the last
    wall before a group chat, whatever a later change puts into a group text."""
    text = mask_numbers(text)
    spans = [(m.start(), m.end(), fold(m.group())) for m in _WORD.finditer(text)]
    longest = max((p.count(" ") + 1 for p in marks.phrases), default=0)
    out: list[str] = []
    pos = i = 0
    while i < len(spans):
        hit = next(
            (
                j
                for j in range(min(len(spans), i + longest), i + 1, -1)
                if " ".join(w for _s, _e, w in spans[i:j]) in marks.phrases
            ),
            None,
        )
        if hit is None:
            i += 1
            continue
        out += [text[pos : spans[i][0]], MASK]
        pos, i = spans[hit - 1][1], hit
    return "".join(out) + text[pos:]
