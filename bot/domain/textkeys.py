"""Keys the Union's names are searched, sorted and shown by: folded, collated, masked."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import vn_collate
import vn_text


@lru_cache(maxsize=4096)  # a turn folds its menu words several times; folding is pure
def fold(text: str) -> str:
    """Accent-, đ- and case-insensitive key: "Nguyễn  Thị Lan!" -> "nguyen thi lan"."""
    return vn_text.fold(text)


def sort_key(name: str) -> str:
    """Sort key for a person's name, compared as bytes (COLLATE "C").

    Vietnamese lists of people are ordered by given name (the last word), then
    by the whole name, in Vietnamese collation (D before Đ, tone order).
    """
    clean = " ".join(unicodedata.normalize("NFC", name).split())
    given = clean.rsplit(" ", 1)[-1]
    # Each key ends with a terminator below every letter weight, so a
    # concatenation compares the given name first and the full name second.
    return vn_collate.collate_key(given) + vn_collate.collate_key(clean)


def mask_id(digits: str) -> str:
    """Show only the first and last three digits: "038188001234" -> "038******234"."""
    if len(digits) <= 6:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 6) + digits[-3:]
