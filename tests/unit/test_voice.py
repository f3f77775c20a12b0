"""One voice (VOICE.md, issue 14 item 4): the bot calls itself "em", never "tôi", and no
Vietnamese text asks her to press anything (Zalo has no buttons: she types or picks)."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

CATALOG = Path(__file__).resolve().parents[2] / "locales/vi/LC_MESSAGES/chihoi.po"
SELF_AS_TOI = re.compile(r"\btôi\b", re.IGNORECASE)
PRESS = re.compile(r"\b(bấm|nhấn|ấn)\b", re.IGNORECASE)


def vi_texts() -> dict[str, str]:
    with CATALOG.open("rb") as f:
        catalog = read_po(f)
    out = {}
    for m in catalog:
        if m.id:
            text = m.string if isinstance(m.string, str) else " ".join(m.string)
            out[str(m.id)] = text
    return out


def test_the_bot_never_calls_itself_toi() -> None:
    assert [i for i, t in vi_texts().items() if SELF_AS_TOI.search(t)] == []


def test_no_text_asks_her_to_press() -> None:
    assert [i for i, t in vi_texts().items() if PRESS.search(t)] == []


def test_the_checks_can_fail() -> None:
    assert SELF_AS_TOI.search("Xin lỗi, tôi chưa hiểu ý chị.")
    assert PRESS.search("Bấm Bỏ qua nếu chưa biết.")
    assert not SELF_AS_TOI.search("Em chưa hiểu ý chị.")
