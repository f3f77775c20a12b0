"""A chat's conversation state and its JSON codec, the shape stored in the conversation row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

# A dialog's answers by step name (handlers import it from bot.core.dialogs).
Values: TypeAlias = dict[str, Any]

AT_MENU = "menu"
AT_DIALOG = "dialog"
AT_IDLE = "idle"


# JSON codec for answers: dates and sets survive the round trip through the conversation row.
def encode(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _enc(v) for k, v in values.items()}


def decode(values: Mapping[str, Any]) -> Values:
    return {k: _dec(v) for k, v in values.items()}


def _enc(v: Any) -> Any:
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return {"$date": v.isoformat()}
    if isinstance(v, (set, frozenset)):
        return {"$set": sorted(v)}
    if isinstance(v, (tuple, list)):
        return [_enc(x) for x in v]
    if isinstance(v, dict):
        return {k: _enc(x) for k, x in v.items()}
    return v


def _dec(v: Any) -> Any:
    if isinstance(v, dict):
        if set(v) == {"$date"}:
            return dt.date.fromisoformat(v["$date"])
        if set(v) == {"$set"}:
            return set(v["$set"])
        return {k: _dec(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_dec(x) for x in v]
    return v


@dataclass
class Offered:
    """The choices last shown, in JSON form: a button key or a typed number picks one."""

    values: list[Any] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, values: list[Any], labels: list[str]) -> Offered:
        return cls([_enc(v) for v in values], list(labels))

    def value(self, index: int) -> Any:
        return _dec(self.values[index])


@dataclass
class DialogState:
    """Where the open dialog stands. `answers` is the JSON form: each turn decodes a copy."""

    name: str
    step: str | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    history: list[str] = field(default_factory=list)
    attempts: int = 0
    # Correcting one field from the summary: answered steps are skipped on the way back.
    editing: bool = False
    # The "which field do you want to correct?" list is on screen.
    picking_edit: bool = False

    def values(self) -> Values:
        return decode(self.answers)

    def keep(self, values: Values) -> None:
        self.answers = encode(values)


@dataclass
class ConversationState:
    """One chat's state between turns; `at` says what the last reply showed."""

    at: str | None = None
    dialog: DialogState | None = None
    serial: int = 0
    offered: Offered | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        d = self.dialog
        if d is not None:
            out.update(
                dialog=d.name, step=d.step, values=d.answers, history=d.history, attempts=d.attempts
            )
            if d.editing:
                out["editing"] = True
            if d.picking_edit:
                out["picking_edit"] = True
        if self.at is not None:
            out["at"] = self.at
        if self.serial:
            out["serial"] = self.serial
        if self.offered is not None:
            out["offered"] = {"values": self.offered.values, "labels": self.offered.labels}
        return out

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> ConversationState:
        dialog = None
        if raw.get("dialog"):
            dialog = DialogState(
                name=str(raw["dialog"]),
                step=raw.get("step"),
                answers=dict(raw.get("values") or {}),
                history=list(raw.get("history") or []),
                attempts=int(raw.get("attempts") or 0),
                editing=bool(raw.get("editing")),
                picking_edit=bool(raw.get("picking_edit")),
            )
        offered = None
        if isinstance(raw.get("offered"), Mapping):
            o = raw["offered"]
            offered = Offered(list(o.get("values") or []), list(o.get("labels") or []))
        at = raw.get("at")
        return cls(
            at=str(at) if at is not None else None,
            dialog=dialog,
            serial=int(raw.get("serial") or 0),
            offered=offered,
        )
