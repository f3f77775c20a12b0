"""A ZNS template request for one queued reminder (issue 19 item 3): the template
configured for its kind (ZNS_TEMPLATES) and each parameter filled from its source, checked
against the configured maximum length before anything is sent (ZALO-OA.md §6.4: -1121)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from bot.channels.zalo_config import ZnsTemplate
from bot.domain.calendar import HalfYear, Quarter
from storage.repositories import person_contacts
from storage.sessions import Session

PREFIX = "ZNS "  # the outbox text of a row re-addressed to ZNS: the request, as JSON


class ZnsParamError(ValueError):
    """A parameter cannot be filled or is too long: the row fails, admins are told."""


def _period_label(period: str) -> str:
    """ "Q1/2026", "H2/2026": the same in Vietnamese templates and English ones."""
    q = Quarter.parse(period)
    if q is not None:
        return f"Q{q.number}/{q.year}"
    h = HalfYear.parse(period)
    if h is not None:
        return f"H{h.number}/{h.year}"
    return period


def _deadline(period: str) -> str:
    q = Quarter.parse(period)
    day = q.last_day if q is not None else None
    if day is None and (h := HalfYear.parse(period)) is not None:
        day = h.last_day
    return day.strftime("%d/%m/%Y") if day else ""


async def build(
    s: Session,
    template: ZnsTemplate,
    person_id: int,
    payload: dict[str, Any],
    tracking_id: str,
    now: dt.datetime,
    tz: dt.tzinfo,
) -> str:
    """The outbox text carrying the request (PREFIX + JSON)."""
    check = payload.get("check") if isinstance(payload.get("check"), dict) else {}
    assert isinstance(check, dict)
    period = str(check.get("period") or payload.get("period") or "")
    unit_id = check.get("unit") or next(iter(check.get("units") or []), None)
    values: dict[str, str] = {}
    for name, param in template.params.items():
        if param.source == "name":
            value = await person_contacts.display_name(s, person_id) or ""
        elif param.source == "unit":
            value = (await person_contacts.unit_name(s, int(unit_id)) if unit_id else None) or ""
        elif param.source == "period":
            value = _period_label(period.split("/")[0])
        elif param.source == "deadline":
            value = _deadline(period.split("/")[0])
        else:  # today
            value = now.astimezone(tz).strftime("%d/%m/%Y")
        if not value:
            raise ZnsParamError(f"{name}: nothing to fill it from ({param.source})")
        if param.max_length is not None and len(value) > param.max_length:
            raise ZnsParamError(
                f"{name}: {len(value)} characters, the template allows {param.max_length}"
            )
        values[name] = value
    request = {"template_id": template.template_id, "template_data": values,
               "tracking_id": tracking_id[:48], "person": person_id}  # fmt: skip
    return PREFIX + json.dumps(request, ensure_ascii=False)


def parse(text: str) -> dict[str, Any] | None:
    if not text.startswith(PREFIX):
        return None
    try:
        request = json.loads(text[len(PREFIX) :])
    except ValueError:
        return None
    return request if isinstance(request, dict) else None
