"""The messages one sweep wants to exist, one per recipient identity, snoozes applied."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from bot.core.features import Registry
from bot.core.i18n import _, language, tr
from bot.domain import rules as R
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
from storage.repositories.outbox import NewMessage
from storage.repositories.recipients import Recipient


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

    @property
    def not_before(self) -> dt.datetime:
        return self.rules.quiet.resume_at(self.now)

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
            payload = dict(payloads[(r.locale, buttons)], period=period)
            if check is not None:
                payload["check"] = check
            msg = NewMessage(
                key=f"{kind}|{period}|i{r.identity_id}|{step}",
                kind=kind,
                person_id=r.person_id,
                channel=r.channel,
                bot_id=r.bot_id,
                chat_id=r.chat_id,
                payload=payload,
                not_before=self.not_before,
            )
            self.messages.append(msg)
            if until is not None:
                again = replace(msg, key=msg.key.rsplit("|", 1)[0] + "|again")
                self.again.append((again, until - dt.timedelta(days=self.rules.snooze_days)))

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
