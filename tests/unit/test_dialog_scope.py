"""Every dialog that changes records re-checks her scope at save time (issue 15.6)."""

from __future__ import annotations

from handlers import FEATURES

# Dialogs that write nothing outside the person's own settings: no unit to re-check.
READ_ONLY = {
    "member_find": "search and open a member's card",
    "meeting_absentees": "lists who was absent",
    "meeting_history": "lists meetings; a correction opens log_meeting, which re-checks",
    "report": "reads figures",
    "language": "her own language",
}


def test_every_dialog_that_saves_declares_a_recheck() -> None:
    missing = [
        d.name for f in FEATURES for d in f.dialogs if d.recheck is None and d.name not in READ_ONLY
    ]
    assert missing == []


def test_the_read_only_list_names_only_dialogs_that_exist() -> None:
    names = {d.name for f in FEATURES for d in f.dialogs}
    assert set(READ_ONLY) <= names
