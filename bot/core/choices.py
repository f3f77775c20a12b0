"""Matching what a user typed or pressed to offered choices; numbered rendering for Zalo."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.parsing import read_count, read_yes_no
from bot.core.types import Choice
from bot.domain.textkeys import fold


def numbered(text: str, choices: Sequence[Choice], with_numbers: bool = True) -> str:
    """The text with choices as "1. label" lines (or "a. label"), for channels without
    buttons."""
    if not choices:
        return text
    if with_numbers:
        lines = [f"{i}. {c.label}" for i, c in enumerate(choices, 1)]
    else:
        # Where a typed number is an answer (a head count), choices are lettered: every
        # choice still looks like one, and "1" stays a count.
        lines = [f"{_letter(i)}. {c.label}" for i, c in enumerate(choices)]
    return text + "\n\n" + "\n".join(lines)


def _letter(i: int) -> str:
    return LETTERS[i] if i < len(LETTERS) else str(i + 1)


LETTERS = "abcdefghijklmnopqrstuvwxyz"


# Words that may stand before an option's number ("số 2", "chọn 3"); "tổ 3" or "quý 1" are
# words of a label, never option 3 or 1.
_PICK_WORDS = frozenset(("so", "muc", "chon", "cau", "thu", "y", "lua"))
# A person's name is often typed with a title: "chị Hồng" is the option "Phạm Thị Hồng".
_TITLES = frozenset(("chi", "ba", "bac", "co", "em", "anh", "ong", "me", "di"))


def match_typed(text: str, labels: Sequence[str], allow_number: bool = True) -> int | None:
    """Index of the label the user meant by a number ("2", "hai") or by its words."""
    typed = fold(text).strip(" .:)")
    if not typed:
        return None
    words = typed.split()
    if allow_number:
        n = read_count(typed)
        if n is not None and typed.replace(" ", "").isdigit() and 1 <= n <= len(labels):
            return n - 1
        others = [w for w in words if not w.isdigit() and read_count(w) is None]
        picks = all(w in _PICK_WORDS for w in others)
        if n is not None and 1 <= n <= len(labels) and len(words) <= 2 and picks:
            return n - 1
    elif len(typed) == 1 and typed in LETTERS[: len(labels)]:
        return LETTERS.index(typed)  # a lettered choice ("a") where numbers are answers
    folded = [fold(label) for label in labels]
    exact = [i for i, f in enumerate(folded) if f == typed]
    if len(exact) == 1:
        return exact[0]
    if typed.replace(" ", "").isdigit():
        return None  # a number is no word of a label ("0" is not "Xong (0 có mặt)")
    # "có" never picks "Không có": a yes matches no label that starts by saying no.
    yes = read_yes_no(typed) is True
    candidates = [
        i for i, f in enumerate(folded) if not (yes and read_yes_no(f.split()[0]) is False)
    ]
    for attempt in _readings(words):
        got = _by_words(" ".join(attempt), [(i, folded[i]) for i in candidates])
        if got is not None:
            return got
    return None


def _readings(words: list[str]) -> list[list[str]]:
    """The words as typed, with number words as digits ("tổ một" is "Tổ 1"), without a title."""
    digits = [str(n) if (n := read_count(w)) is not None and not w.isdigit() else w for w in words]
    out = [words, digits]
    if len(words) > 1 and words[0] in _TITLES:
        out.append(words[1:])
    return out


def _by_words(typed: str, folded: list[tuple[int, str]]) -> int | None:
    exact = [i for i, f in folded if f == typed]
    if len(exact) == 1:
        return exact[0]
    starts = [i for i, f in folded if f.startswith(typed)]
    if len(starts) == 1:
        return starts[0]
    words = typed.split()
    within = [i for i, f in folded if all(w in f.split() for w in words)]
    if len(within) == 1:
        return within[0]
    return None


def split_text(text: str, limit: int) -> list[str]:
    """Split on line boundaries so no part exceeds `limit` characters."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current:
        parts.append(current)
    return parts
