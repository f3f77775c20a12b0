"""Catalogs: every message extracted, translated in vi and en; no literal text shown to users."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.core.i18n import LANGUAGES, LOCALES_DIR, N_, _, format_date, format_number, language, tr
from bot.core.i18n_tools import ROOT, extract_pot, missing, po_path

SOURCE_DIRS = ("bot", "handlers")
# Calls whose first argument is shown to a user and so must be a translated message.
USER_FACING = {"Reply", "Retry", "Stay", "Option", "MenuEntry"}
KEY_FIRST = {"Option", "MenuEntry", "Stay"}


def _msgids(path: Path, lang: str | None = None) -> set[str]:
    with path.open("rb") as fh:
        return {str(m.id) for m in read_po(fh, locale=lang) if m.id}


def test_every_marked_string_is_in_both_catalogs(tmp_path: Path) -> None:
    pot = tmp_path / "fresh.pot"
    extract_pot(pot)
    extracted = _msgids(pot)
    assert len(extracted) > 30
    for lang in LANGUAGES:
        stale = extracted - _msgids(po_path(lang), lang)
        assert not stale, f"run `make i18n-extract`: not in {lang}: {sorted(stale)[:5]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_has_a_translation(lang: str) -> None:
    assert missing(lang) == []


def test_no_literal_text_reaches_a_user() -> None:
    offenders: list[str] = []
    for folder in SOURCE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = node.func.id if isinstance(node.func, ast.Name) else ""
                # Option, MenuEntry and Stay carry a key first; their text comes second.
                texts = node.args[1:2] if name in KEY_FIRST else node.args[:1]
                texts += [k.value for k in node.keywords if k.arg in ("text", "label", "note")]
                for text in texts:
                    offenders += _literal_offenders(path, node, name, text)
    assert offenders == []


def _literal_offenders(path: Path, node: ast.Call, name: str, text: ast.expr) -> list[str]:
    if name not in USER_FACING or not isinstance(text, (ast.Constant, ast.JoinedStr)):
        return []
    # An f-string is text only if its fixed parts hold words.
    parts = text.values if isinstance(text, ast.JoinedStr) else [text]
    literal = any(
        isinstance(p, ast.Constant)
        and isinstance(p.value, str)
        and any(ch.isalpha() for ch in p.value)
        for p in parts
    )
    return [f"{path.relative_to(ROOT)}:{node.lineno}"] if literal and not _allowed(text) else []


def _allowed(node: ast.expr) -> bool:
    # Language names are written in their own language on purpose.
    return isinstance(node, ast.Constant) and node.value in ("Tiếng Việt", "English")


def test_vietnamese_is_the_default_and_english_is_complete() -> None:
    assert (LOCALES_DIR / "vi" / "LC_MESSAGES" / "chihoi.mo").exists()
    assert _("Cancelled. Nothing was saved.") == "Đã huỷ. Chưa có gì được lưu."
    with language("en"):
        assert _("Cancelled. Nothing was saved.") == "Cancelled. Nothing was saved."
    deferred = N_("Cancel")
    assert tr(deferred) == "Huỷ"
    with language("en"):
        assert tr(deferred) == "Cancel"


def test_dates_and_numbers_the_vietnamese_way() -> None:
    assert format_date(dt.date(2026, 3, 5)) == "05/03/2026"
    assert format_date(dt.date(2026, 3, 5), "long") == "5 tháng 3, 2026"
    assert format_number(12345) == "12.345"
    with language("en"):
        assert format_number(12345) == "12,345"
        # Day before month in English too: never the US 03/05/26.
        assert format_date(dt.date(2026, 3, 5)) == "05/03/2026"
        assert format_date(dt.date(2026, 3, 5), "long") == "5 March 2026"
