"""The messages one sweep wants to exist, one per recipient identity, snoozes applied."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass, field, replace
from typing import Any

from bot.core.features import Registry
from bot.core.i18n import _, language, tr
from bot.domain import rules as R
from bot.domain.enums import RoleKind
from bot.scheduler.dues_messages import DUES_LABEL, PAIR_LABEL, SELF_LABEL
from bot.scheduler.messages import (
    LOG_MEETING_LABEL,
    MUTE_LABEL,
    REPORTS_LABEL,
    REVIEW_LABEL,
    REVIEW_STATUS_LABEL,
    SNOOZE_LABEL,
    Action,
    typing_hint,
)
from bot.scheduler.messages import actions as menu_actions
from bot.scheduler.review_messages import SOFTWARE_LABEL
from storage.repositories import unreached
from storage.repositories.outbox import NewMessage
from storage.repositories.recipients import Recipient
from storage.repositories.unreached import KeyParts, Pending, Scope
from storage.sessions import Session

# Stands for the unit's name while a shared text is rendered (once per language).
NAME = unreached.NAME_MARK


@dataclass(frozen=True)
class Shared:
    """A text many messages share but for the unit's name: `render(NAME)` runs once per
    language (and `key`, its variant), the name is put in per message."""

    key: Hashable
    render: Callable[[str], str]


@dataclass
class Plan:
    """The messages one sweep wants to exist, with snoozes and quiet hours applied."""

    now: dt.datetime
    rules: R.Rules
    registry: Registry | None
    snoozes: dict[tuple[int, str, str], dt.datetime]
    messages: list[NewMessage] = field(default_factory=list)
    # Messages to repeat once a snooze is over, unless something newer went out meanwhile.
    again: list[tuple[NewMessage, dt.datetime]] = field(default_factory=list)
    _actions: dict[str, dict[str, Action]] = field(default_factory=dict)
    _extras: dict[tuple[str, str, bool, str | None], tuple[list[list[str]], str]] = field(
        default_factory=dict
    )
    # Rows the database wrote at once (write_shared), by kind, beside `messages`.
    written: Counter[str] = field(default_factory=Counter)
    _templates: dict[tuple[str, str, bool, str | None, Hashable], dict[str, Any]] = field(
        default_factory=dict
    )

    def __post_init__(self) -> None:
        self._resume = self.rules.quiet.resume_at(self.now)

    @property
    def not_before(self) -> dt.datetime:
        return self._resume

    @property
    def since(self) -> dt.datetime:
        """Snoozes that ended before this cannot change anything any more."""
        return self.now - dt.timedelta(days=self.rules.escalation_window_days)

    def parts(self, kind: str, period: str, step: str) -> KeyParts:
        """What the outbox keys of `kind`'s `step` for `period` are made of."""
        return KeyParts(kind, period, step, self.now, self.since, kind in R.MUTABLE)

    def actions(self, locale: str) -> dict[str, Action]:
        if locale not in self._actions:
            with language(locale):
                self._actions[locale] = menu_actions(self.registry)
        return self._actions[locale]

    def add(
        self,
        kind: str,
        recipients: list[Recipient],
        period: str,
        step: str,
        body: Callable[[], str],
        action: str | None,
        check: dict[str, Any] | None = None,
    ) -> None:
        """One message per recipient identity; `body` is called in the recipient's language."""
        payloads: dict[tuple[str, bool], dict[str, Any]] = {}
        for r in recipients:
            if kind in R.MUTABLE and r.mute:
                continue
            until = self.snoozes.get((r.person_id, kind, period))
            if until is not None and until > self.now:
                continue
            buttons = r.channel == "telegram"
            if (r.locale, buttons) not in payloads:
                payloads[(r.locale, buttons)] = self._payload(kind, r.locale, buttons, body, action)
            payload = dict(payloads[(r.locale, buttons)])
            self._message(kind, r, period, step, payload, check, until, new=True)

    def add_pending(
        self,
        kind: str,
        found: Pending,
        period: str,
        step: str,
        text: Shared,
        action: str | None,
        check: dict[str, Any] | None = None,
    ) -> None:
        """`add` for one identity a set-based query found unreached (storage/.../unreached):
        the text is rendered once per language and variant, the unit's name put in after."""
        if kind in R.MUTABLE and found.mute:
            return
        until = found.snoozed_until
        if until is not None and until > self.now:
            return
        template = self._shared(kind, found.locale, found.channel == "telegram", text, action)
        payload = dict(template, text=template["text"].replace(NAME, found.unit_name))
        self._message(kind, found, period, step, payload, check, until, new=not found.sent)

    def _message(
        self,
        kind: str,
        to: Recipient | Pending,
        period: str,
        step: str,
        payload: dict[str, Any],
        check: dict[str, Any] | None,
        snoozed_until: dt.datetime | None,
        new: bool,
    ) -> None:
        """The step's message (unless its row exists: `new` False), and its repeat once a
        snooze is over."""
        payload["period"] = period
        if check is not None:
            payload["check"] = check
        msg = NewMessage(
            key=f"{kind}|{period}|i{to.identity_id}|{step}",
            kind=kind,
            person_id=to.person_id,
            channel=to.channel,
            bot_id=to.bot_id,
            chat_id=to.chat_id,
            payload=payload,
            not_before=self._resume,
        )
        if new:
            self.messages.append(msg)
        if snoozed_until is not None:
            again = replace(msg, key=msg.key.rsplit("|", 1)[0] + "|again")
            start = snoozed_until - dt.timedelta(days=self.rules.snooze_days)
            self.again.append((again, start))

    async def write_shared(
        self,
        s: Session,
        role: RoleKind,
        parts: KeyParts,
        text: Shared,
        action: str | None,
        check: dict[str, Any] | None,
        scope: Scope,
        exclude: Collection[int] = (),
    ) -> None:
        """`add_pending` for every unit of `scope` whose `role` holders `parts`' step has not
        reached and no snooze concerns, written by the database in one statement: the
        payload is rendered here once per language and channel kind, with marks for the
        unit's name and id (`unreached.ID_MARK` in `check` too). Snoozed holders and the
        units of `exclude` are left to `add_pending`."""
        if not await unreached.any_plain(s, role, parts, scope, exclude):
            return
        payloads = {}
        for lang in await unreached.locales(s):
            for buttons in (True, False):
                payload = dict(
                    self._shared(parts.kind, lang, buttons, text, action),
                    period=f"{parts.period}/{unreached.ID_MARK}",
                )
                if check is not None:
                    payload["check"] = check
                payloads[(lang, buttons)] = json.dumps(payload, ensure_ascii=False)
        if added := await unreached.insert_shared(
            s, role, parts, payloads, self.not_before, scope, exclude
        ):
            self.written[parts.kind] += added

    async def remind_heads(
        self, s: Session, parts: KeyParts, text: Shared, action: str, what: str, scope: Scope
    ) -> None:
        """The step for every branch head of `scope` it has not reached: the plain ones
        written by the database at once, the snoozed ones one by one (with their repeat).
        Each message's check names its unit, so the sender drops it once `what` is done."""
        head = RoleKind.BRANCH_HEAD
        shared: dict[str, Any] = {"what": what, "period": parts.period, "unit": unreached.ID_MARK}
        await self.write_shared(s, head, parts, text, action, shared, scope)
        for f in await unreached.role_pending(s, head, parts, scope, snoozed_only=True):
            check: dict[str, Any] = {"what": what, "period": parts.period, "unit": f.unit_id}
            key = f"{parts.period}/{f.unit_id}"
            self.add_pending(parts.kind, f, key, parts.step, text, action, check)

    def _shared(
        self, kind: str, locale: str, buttons: bool, text: Shared, action: str | None
    ) -> dict[str, Any]:
        key = (kind, locale, buttons, action, text.key)
        found = self._templates.get(key)
        if found is None:
            found = self._payload(kind, locale, buttons, lambda: text.render(NAME), action)
            self._templates[key] = found
        return found

    def _payload(
        self, kind: str, locale: str, buttons: bool, body: Callable[[], str], action: str | None
    ) -> dict[str, Any]:
        # The buttons and the typing hint depend on the kind, language and channel only: a
        # national sweep builds them once, not once per branch.
        key = (kind, locale, buttons, action)
        if key not in self._extras:
            self._extras[key] = self._extra(kind, locale, buttons, action)
        choices, hint = self._extras[key]
        with language(locale):
            message = body()
        if hint:
            message = f"{message}\n{hint}"
        # numbered=False: a typed "1" would answer the chat's last menu, not this message.
        return {"text": message, "choices": [list(c) for c in choices], "numbered": False}

    def _extra(
        self, kind: str, locale: str, buttons: bool, action: str | None
    ) -> tuple[list[list[str]], str]:
        acts = self.actions(locale)
        hint = ""
        with language(locale):
            choices: list[list[str]] = []
            act = acts.get(action) if action else None
            if act is not None and action is not None:
                choices.append([act.key, tr(_label(action))])
            snooze = acts.get("snooze") if kind in R.SNOOZABLE else None
            if snooze is not None:
                label = _(SNOOZE_LABEL).format(days=self.rules.snooze_days)
                choices.append([snooze.key, label])
            if kind in R.MUTABLE and "digest" in acts:
                choices.append([acts["digest"].key, tr(MUTE_LABEL)])
            if not buttons:
                hint = typing_hint(act, snooze, self.rules.snooze_days)
        return choices, hint


def _label(action: str) -> str:
    return {
        "log_meeting": LOG_MEETING_LABEL,
        "review": REVIEW_LABEL,
        "review_status": REVIEW_STATUS_LABEL,
        "software": SOFTWARE_LABEL,
        "reports": REPORTS_LABEL,
        "dues": DUES_LABEL,
        "self_assessment": SELF_LABEL,
        "pair": PAIR_LABEL,
    }[action]
