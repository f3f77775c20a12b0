"""Semi-annual reports pushed through the outbox: chairs after the review deadline, provinces a week later.

`due_report_pushes(session, now)` is for the scheduler's sweep: it recomputes what is due
from the calendar and the roles, and writes one outbox row per recipient with the unique
key `report_<level>|<period>|p<person>|u<unit>`, so any number of runs sends each report
once. The row holds only what to compute (unit, period, the roll-up's root, language): the
sender composes the text when it sends (`ReportComposer`), so a report queued at night and
held for quiet hours carries the figures of the moment it goes out, not of 02:18. Chairs get their commune's report the day after the deadline (11 June, 26 November);
province officers the province summary a week after that. A sweep that was down on the
day still sends within `GRACE_DAYS`.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from bot.core.i18n import _, language
from bot.domain.calendar import HalfYear, half_of, local_date
from bot.domain.enums import RoleKind
from bot.domain.rules import Rules
from bot.reports import docx_report
from bot.reports import text as report_text
from bot.reports.docx_sections import TemplateError
from storage.repositories import measures, org, outbox, reminder_facts, tally
from storage.repositories import recipients as recipients_repo
from storage.repositories.measures import Rollup
from storage.repositories.recipients import Recipient
from storage.sessions import Session

log = logging.getLogger("chihoi.reports")
COMMUNE_PUSH = "report_commune"
PROVINCE_PUSH = "report_province"
PROVINCE_DELAY = dt.timedelta(days=7)
GRACE_DAYS = 6
# Telegram can take the Excel file the message offers; Zalo and the simulator cannot.
CHANNEL_PREFERENCE = {"telegram": 0, "zalo": 1, "web": 2}


def push_days(half: HalfYear, rules: Rules) -> tuple[dt.date, dt.date]:
    """(commune day, province day) for a half-year: the day after the commune's (national)
    review deadline, and a week after that."""
    commune = rules.national_deadline(half) + dt.timedelta(days=1)
    return commune, commune + PROVINCE_DELAY


async def due_report_pushes(
    s: Session,
    now: dt.datetime,
    rules: Rules,
    not_before: dt.datetime | None = None,
    limit: int = 2000,
) -> list[str]:
    """Enqueue the semi-annual report pushes due at `now`; returns the outbox keys added.

    `not_before` holds the messages back (the sweep passes the end of quiet hours).
    Idempotent. At most `limit` recipients are handled per call (the rest on the next
    sweep), so a national push day does not hold one transaction for minutes.
    """
    today = local_date(now, rules.tz)
    await tally.ensure_current(s, today, now)
    added: list[str] = []
    for half in (half_of(today).previous(), half_of(today)):
        commune_day, province_day = push_days(half, rules)
        for kind, role, day in (
            (COMMUNE_PUSH, RoleKind.COMMUNE_CHAIR, commune_day),
            (PROVINCE_PUSH, RoleKind.PROVINCE_OFFICER, province_day),
        ):
            if day <= today < day + dt.timedelta(days=GRACE_DAYS + 1):
                added += await _push(
                    s, now, rules, not_before or now, half, kind, role, limit - len(added)
                )
    return added


def push_key(kind: str, half: HalfYear, r: Recipient) -> str:
    return f"{kind}|{half.key}|p{r.person_id}|u{r.unit_id}"


async def recipients(s: Session, role: RoleKind) -> list[Recipient]:
    """One reachable chat per person and unit, Telegram first (it can take the file)."""
    best: dict[tuple[int, int], tuple[tuple[int, float], Recipient]] = {}
    for r in await recipients_repo.reachable(s, [role]):
        rank = (CHANNEL_PREFERENCE.get(r.channel, 9), -r.linked_at.timestamp())
        if (r.person_id, r.unit_id) not in best or rank < best[(r.person_id, r.unit_id)][0]:
            best[(r.person_id, r.unit_id)] = (rank, r)
    return sorted((r for _rank, r in best.values()), key=lambda r: (r.unit_id, r.person_id))


async def _push(
    s: Session,
    now: dt.datetime,
    rules: Rules,
    not_before: dt.datetime,
    half: HalfYear,
    kind: str,
    role: RoleKind,
    limit: int,
) -> list[str]:
    if limit <= 0:
        return []
    wanted = {push_key(kind, half, r): r for r in await recipients(s, role)}
    if not wanted:
        return []
    sent = await outbox.existing_keys(s, wanted)
    todo = [r for k, r in wanted.items() if k not in sent][:limit]
    units = await reminder_facts.units_by_id(s, {r.unit_id for r in todo})
    added = []
    for r in todo:
        unit = units.get(r.unit_id)
        if unit is None:
            continue
        # One roll-up per parent serves all its communes (or provinces) at send time.
        root = unit.parent_id if unit.parent_id is not None else unit.id
        key = push_key(kind, half, r)
        payload = {
            "compose": {"unit": r.unit_id, "root": root, "half": half.key, "locale": r.locale},
            "text": "",
            "choices": [],
            "period": f"{half.key}/{r.unit_id}",
        }
        if await outbox.enqueue(
            s,
            key,
            kind,
            r.channel,
            r.bot_id,
            r.chat_id,
            payload,
            now,
            not_before=not_before,
            person_id=r.person_id,
        ):
            added.append(key)
    return added


@dataclass
class ReportComposer:
    """Writes a queued report push's text when the sender sends it (bot.scheduler.sender).

    Roll-ups are kept for `fresh` so the chairs of one province, sent within the same
    minute, share one measure instead of one each; older ones are measured again.
    """

    rules: Rules
    fresh: dt.timedelta = dt.timedelta(minutes=2)
    _cache: dict[tuple[int, str, dt.date], tuple[dt.datetime, Rollup]] = field(default_factory=dict)

    async def __call__(
        self, s: Session, payload: dict[str, Any], now: dt.datetime
    ) -> dict[str, Any]:
        spec = payload.get("compose")
        if not isinstance(spec, dict):  # composed already (a row queued before this change)
            return payload
        half = HalfYear.parse(str(spec["half"]))
        assert half is not None
        unit_id, root_id = int(spec["unit"]), int(spec["root"])
        day = min(local_date(now, self.rules.tz), half.last_day)
        rollup = await self._rollup(s, root_id, half, day, now)
        lang = str(spec.get("locale") or "vi")
        with language(lang):
            body = report_text.report(rollup, unit_id)
            body += "\n\n" + _('Type "report" for the details, the Excel file or charts.')
        out = {k: v for k, v in payload.items() if k != "compose"} | {"text": body}
        # The report to print and sign rides along (Zalo: a download link).
        word = await word_attachment(s, rollup, unit_id, local_date(now, self.rules.tz), lang)
        return out | ({"attachment": word} if word else {})

    async def _rollup(
        self, s: Session, root_id: int, half: HalfYear, day: dt.date, now: dt.datetime
    ) -> Rollup:
        self._cache = {k: v for k, v in self._cache.items() if now - v[0] < self.fresh}
        key = (root_id, half.key, day)
        if key not in self._cache:
            root = await org.by_id(s, root_id)
            if root is None:
                raise LookupError("the report's unit no longer exists")
            self._cache[key] = (now, await measures.measure(s, root, half, day, self.rules))
        return self._cache[key][1]


async def word_attachment(
    s: Session, r: Rollup, unit_id: int, day: dt.date, lang: str
) -> dict[str, str] | None:
    """The Word report as an outbox attachment; None (the text still goes) when the
    province's template cannot be filled: the reason is logged, one line."""
    try:
        word = await docx_report.build_report_docx(s, r, unit_id, issued_on=day, lang=lang)
    except TemplateError as exc:
        log.warning("word_report_failed", extra={"reason": str(exc)})
        return None
    return {
        "kind": "document",
        "filename": word.filename,
        "data": base64.b64encode(word.data).decode("ascii"),
        "caption": word.caption,
    }


def composers(rules: Rules) -> dict[str, ReportComposer]:
    """The sender's composers for the report kinds (one shared cache)."""
    composer = ReportComposer(rules)
    return {COMMUNE_PUSH: composer, PROVINCE_PUSH: composer}
