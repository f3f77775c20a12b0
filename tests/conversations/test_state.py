"""The conversation state reads rows stored as the old plain dict and writes the same shape."""

from __future__ import annotations

import datetime as dt

from bot.core.state import ConversationState

OLD_ROW = {
    "dialog": "log_meeting",
    "step": "present",
    "values": {"branch_id": 3, "held_on": {"$date": "2026-03-20"}, "taken": {"$set": []}},
    "history": ["held_on"],
    "attempts": 1,
    "editing": True,
    "at": "dialog",
    "serial": 7,
    "offered": {"values": ["tick"], "labels": ["Tick names from the member list"]},
}


def test_an_old_row_decodes_and_encodes_unchanged() -> None:
    state = ConversationState.from_json(OLD_ROW)
    assert state.dialog is not None and state.dialog.step == "present"
    assert state.dialog.values()["held_on"] == dt.date(2026, 3, 20)
    assert state.dialog.editing and not state.dialog.picking_edit
    assert state.offered is not None and state.offered.value(0) == "tick"
    assert state.to_json() == OLD_ROW


def test_a_new_chat_and_an_idle_chat_keep_their_shape() -> None:
    assert ConversationState.from_json({}).to_json() == {}
    idle = {"at": "idle", "serial": 2, "offered": {"values": [], "labels": []}}
    assert ConversationState.from_json(idle).to_json() == idle
