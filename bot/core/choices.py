"""Matching what a user typed or pressed to offered choices; numbered rendering for Zalo."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.parsing import read_count
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


def match_typed(text: str, labels: Sequence[str], allow_number: bool = True) -> int | None:
    """Index of the label the user meant by a number ("2", "hai") or by its words."""
    typed = fold(text).strip(" .:)")
    if not typed:
        return None
    if allow_number:
        n = read_count(typed)
        if n is not None and typed.replace(" ", "").isdigit() and 1 <= n <= len(labels):
            return n - 1
        if n is not None and 1 <= n <= len(labels) and len(typed.split()) <= 2:
            return n - 1
    elif len(typed) == 1 and typed in LETTERS[: len(labels)]:
        return LETTERS.index(typed)  # a lettered choice ("a") where numbers are answers
    folded = [fold(label) for label in labels]
    exact = [i for i, f in enumerate(folded) if f == typed]
    if len(exact) == 1:
        return exact[0]
    starts = [i for i, f in enumerate(folded) if f.startswith(typed)]
    if len(starts) == 1:
        return starts[0]
    words = typed.split()
    within = [i for i, f in enumerate(folded) if all(w in f.split() for w in words)]
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
