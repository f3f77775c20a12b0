"""Which channel a queued message goes out on (issue 19): her preferred channel, the order
per message kind (CHIHOI_CHANNEL_ORDER), a Zalo bot's monthly quota, the OA's 7-day window,
and ZNS by phone as the last resort when she consented to it.

The sender asks `before` for every claimed row and `after_failure` for every failed one
(two one-line hooks in bot/scheduler/sender.py); everything else lives here.

- Without a preference every chat she uses gets the message, as before. A row whose chat
  cannot take it (the OA window closed, the bot's quota used up, the chat unreachable) is
  skipped if another chat of hers can, else sent by ZNS if a template is configured for
  its kind and she consented, else (a routine reminder on an exhausted bot) folded into
  the commune chair's next digest.
- With a preference only that channel's row goes out while it can; the others are skipped.
- A send refused for good (blocked, OA -230/-213/-232) falls back the same way.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from bot.channels import zns_params
from bot.channels.admin_alerts import alert
from bot.channels.outbound import Transports, Unreachable
from bot.channels.send_outcomes import Deferred, FallBack
from bot.channels.zalo_config import ZaloSettings, ZnsTemplate, order_for
from bot.config import load
from bot.core.i18n import _, language
from bot.domain import rules as R
from bot.domain.rules import DEFAULT_TZ
from storage.db import transaction
from storage.repositories import oa_state, outbox, people, person_contacts
from storage.repositories.outbox import Claimed
from storage.repositories.person_contacts import Route
from storage.sessions import Maker, Session

log = logging.getLogger("chihoi.channels")

CHATS = ("zalo_oa", "zalo", "telegram", "web")
# Reminders that may wait for the digest when a bot has no messages left this month.
ROUTINE = frozenset({R.MEETING_DUE, R.REVIEW_DUE, R.SOFTWARE_DUE, R.LEADER_VISIT})
FOLDED = "skipped: bot quota used up, folded into the digest"
ELSEWHERE = "skipped: sent on another channel"


@dataclass(frozen=True, slots=True)
class Window:
    """The OA's consultation window after her last interaction (ZALO-OA.md §4)."""

    free: dt.timedelta = dt.timedelta(hours=48)
    open: dt.timedelta = dt.timedelta(days=7)

    def state(self, last: dt.datetime | None, now: dt.datetime) -> str:
        """free | billed | closed."""
        if last is None or now - last >= self.open:
            return "closed"
        return "free" if now - last < self.free else "billed"


@dataclass
class Steering:
    maker: Maker
    transports: Transports
    order: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    templates: Mapping[str, ZnsTemplate] = field(default_factory=dict)
    window: Window = field(default_factory=Window)
    zns_bot: str | None = None  # the OA id ZNS sends from; None: no ZNS
    tz: dt.tzinfo = DEFAULT_TZ
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
    # How long "nobody has a preference or a phone" is believed before it is read again.
    recheck: dt.timedelta = dt.timedelta(seconds=60)
    _choices: tuple[dt.datetime, bool] | None = None

    async def _worth_a_look(self, row: Claimed, now: dt.datetime) -> bool:
        """Most rows need no database read: only OA rows, rows of an exhausted bot, and
        everyone's once someone has a preferred channel or a phone for ZNS."""
        if row.channel == "zalo_oa" or self._exhausted(row.channel, row.bot_id):
            return True
        if self._choices is None or now - self._choices[0] >= self.recheck:
            async with transaction(self.maker) as s:
                self._choices = (now, await person_contacts.any_choices(s))
        return self._choices[1]

    # --- the sender's hooks -------------------------------------------------------------

    async def before(self, row: Claimed) -> Claimed | None:
        """The row to deliver (perhaps re-addressed), or None when it was settled here."""
        if row.person_id is None or row.payload.get("group") or row.channel not in CHATS:
            return row
        now = self.clock()
        if not await self._worth_a_look(row, now):
            return row
        async with transaction(self.maker) as s:
            usable = await self._usable(s, row, now)
            mine = next((u for u in usable if _same(u, row)), None)
            contact = await person_contacts.contact(s, row.person_id)
            preferred = contact.preferred
            if preferred is not None and any(u.channel == preferred for u in usable):
                if mine is not None and mine.channel == preferred:
                    return row
                if preferred == "zns" and _first_chat(usable, row):
                    return await self._to_zns(s, row)
                await person_contacts.skip(s, row.id, ELSEWHERE)
                return None
            if mine is not None:
                return row
            if any(u.channel in CHATS for u in usable):
                await person_contacts.skip(s, row.id, ELSEWHERE)
                return None
            if any(u.channel == "zns" for u in usable):
                return await self._to_zns(s, row)
            if row.kind in ROUTINE and self._exhausted(row.channel, row.bot_id):
                await self._fold(s, row, now)
                return None
        return row  # let the platform say no; after_failure takes it from there

    async def after_failure(
        self, s: Session, row: Claimed, exc: Exception, now: dt.datetime
    ) -> bool:
        """True when the failure was handled here (deferred or re-routed)."""
        if isinstance(exc, Deferred):
            await outbox.release(s, [row.id], exc.until)
            return True
        if row.person_id is None or not isinstance(exc, Unreachable | FallBack):
            return False
        if row.channel == "zns":
            return False
        if isinstance(exc, Unreachable):
            await people.mark_unreachable(s, row.channel, row.bot_id, row.chat_id)
        usable = [u for u in await self._usable(s, row, now) if not _same(u, row)]
        if any(u.channel in CHATS for u in usable):
            return False  # another chat of hers has its own row
        if any(u.channel == "zns" for u in usable) and "zns" not in row.payload.get("tried", []):
            if await self._to_zns(s, row) is not None:
                await outbox.release(s, [row.id], now)
            return True
        return False

    # --- choosing -----------------------------------------------------------------------------

    async def _usable(self, s: Session, row: Claimed, now: dt.datetime) -> list[Route]:
        """Her routes that can take this row's kind now, in the kind's channel order."""
        assert row.person_id is not None
        found: list[Route] = []
        for r in await person_contacts.routes(s, row.person_id):
            if r.unreachable or r.channel not in CHATS:
                continue
            if r.channel == "zalo" and row.kind in ROUTINE and self._exhausted(r.channel, r.bot_id):
                continue
            if r.channel == "zalo_oa":
                last = await oa_state.last_interaction(s, r.bot_id, r.chat_id)
                if self.window.state(last, now) == "closed":
                    continue
            if self.transports.get(r.channel, r.bot_id) is None and r.channel != row.channel:
                continue
            found.append(r)
        if (
            self.zns_bot is not None
            and row.kind in self.templates
            and self.transports.get("zns", self.zns_bot) is not None
            and await person_contacts.consented_phone(s, row.person_id) is not None
        ):
            found.append(Route("zns", self.zns_bot, f"p{row.person_id}", False))
        rank = {c: i for i, c in enumerate(order_for(dict(self.order), row.kind))}
        return sorted(found, key=lambda r: rank.get(r.channel, len(rank)))

    def _exhausted(self, channel: str, bot_id: str) -> bool:
        quota = getattr(self.transports.get(channel, bot_id), "quota", None)
        return bool(quota is not None and quota.exhausted)

    async def _to_zns(self, s: Session, row: Claimed) -> Claimed | None:
        """Re-address the row to ZNS with its template request; None when the template
        cannot be filled (the row fails with the reason, the admins are told once)."""
        assert self.zns_bot is not None and row.person_id is not None
        now = self.clock()
        try:
            request = await zns_params.build(
                s, self.templates[row.kind], row.person_id, row.payload, f"chihoi-{row.id}",
                now, self.tz,
            )  # fmt: skip
        except zns_params.ZnsParamError as exc:
            why = str(exc)
            await outbox.mark_failed(s, row.id, f"zns template for {row.kind}: {why}")
            key = f"zns-param|{row.kind}|{now:%Y%m%d}"
            await alert(s, key, functools.partial(_param_text, row.kind, why), now)
            log.warning("zns_param_refused", extra={"row": row.id, "kind": row.kind})
            return None
        tried = [*row.payload.get("tried", []), row.channel]
        payload = dict(row.payload, text=request, chat_text=row.payload.get("text"), tried=tried)
        payload["choices"] = []
        chat = f"p{row.person_id}"
        await person_contacts.readdress(s, row.id, "zns", self.zns_bot, chat, payload)
        log.info("outbox_to_zns", extra={"row": row.id, "kind": row.kind})
        return replace(row, channel="zns", bot_id=self.zns_bot, chat_id=chat, payload=payload)

    async def _fold(self, s: Session, row: Claimed, now: dt.datetime) -> None:
        check = row.payload.get("check")
        unit = None
        if isinstance(check, dict):
            unit = check.get("unit") or next(iter(check.get("units") or []), None)
        await person_contacts.fold(
            s, row.id, row.kind, int(unit) if unit else None, row.person_id, FOLDED, now
        )
        log.info("outbox_folded", extra={"row": row.id, "kind": row.kind})


def _same(route: Route, row: Claimed) -> bool:
    return (route.channel, route.bot_id, route.chat_id) == (row.channel, row.bot_id, row.chat_id)


def _first_chat(usable: list[Route], row: Claimed) -> bool:
    """Of her chat rows, the one that carries a ZNS-preferred message (the others skip)."""
    chats = sorted((u for u in usable if u.channel in CHATS), key=lambda u: (u.channel, u.bot_id))
    return not chats or _same(chats[0], row)


# --- the digest names what was folded ------------------------------------------------------


async def compose_digest(s: Session, payload: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
    """The commune chair's digest plus one line per reminder a bot's quota held back."""
    period = str(payload.get("period", ""))
    commune = period.rsplit("/", 1)[-1]
    if not commune.isdigit():
        return payload
    folded = await person_contacts.folded_under(s, int(commune), now)
    if not folded:
        return payload
    with language(str(payload.get("locale", "vi"))):
        head = _("Reminders not sent because the Zalo bot used up this month's messages:")
        lines = sorted({name for _kind, name in folded})
    text = str(payload.get("text", "")) + "\n\n" + head + "\n" + "\n".join(f"- {n}" for n in lines)
    return dict(payload, text=text)


def _param_text(kind: str, why: str) -> str:
    return _("A ZNS reminder ({kind}) could not be sent: {why}. Check ZNS_TEMPLATES.").format(
        kind=kind, why=why
    )


def build(
    maker: Maker, transports: Transports, tz: dt.tzinfo = DEFAULT_TZ, z: ZaloSettings | None = None
) -> Steering:
    """The steering of a process, from ZALO_* / ZNS_* / CHIHOI_CHANNEL_ORDER."""
    z = z or load(ZaloSettings)
    return Steering(
        maker,
        transports,
        order=z.order,
        templates=z.templates,
        window=Window(dt.timedelta(hours=z.oa_free_hours), dt.timedelta(days=z.oa_window_days)),
        zns_bot=z.oa_id if z.oa_enabled else None,
        tz=tz,
    )


def composers() -> dict[str, Callable[[Session, dict[str, Any], dt.datetime], Any]]:
    return {R.DIGEST: compose_digest}
