"""The words of every reminder: one short message each, in the recipient's language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.features import MenuEntry, Registry
from bot.core.i18n import N_, _, format_date, tr
from bot.core.turn import GO
from bot.domain.textkeys import fold

# How many names a message lists before "and N more" (keeps Zalo messages short).
MAX_NAMES = 15
# Reminder buttons carry GO + a menu entry key: bot/core/turn.py opens that entry when one
# is tapped, whatever the chat was doing (the sender writes no conversation state, so
# reminders never disturb a dialog in progress). Typed replies (Zalo has no buttons) use the
# entry's menu words, which the text spells out; numbers are not offered, because a typed
# "1" answers the chat's last menu, not a message that came in between.

LOG_MEETING_LABEL = N_("Log the meeting now")
REVIEW_LABEL = N_("Confirm the member list now")
REVIEW_STATUS_LABEL = N_("See who has confirmed")
REPORTS_LABEL = N_("Open reports")
SNOOZE_LABEL = N_("Remind me in {days} days")
MUTE_LABEL = N_("Turn off the weekly digest")

# Menu entries a reminder can open, by role in the message; the first key found in the
# registry wins (other features name them; a missing one just drops the button).
ENTRY_KEYS: dict[str, tuple[str, ...]] = {
    "log_meeting": ("log_meeting",),
    "review": ("member_review",),
    "review_status": ("review_status",),
    "software": ("software_update",),
    "reports": ("reports", "report", "unit_report", "meeting_report"),
    "snooze": ("snooze",),
    "digest": ("digest_toggle",),
    "dues": ("dues_collect",),  # issue 17
    "self_assessment": ("self_assessment",),
    "pair": ("pair_check_in",),
}


@dataclass(frozen=True)
class Action:
    """A menu entry a reminder offers: the button's key, and words that open it by typing."""

    key: str
    words: str | None


def _hint(entry: MenuEntry) -> str | None:
    """Words a person can type: the label's opening words when they are menu words, so the
    hint keeps its diacritics; else the entry's first menu words."""
    label = tr(entry.label).split()
    for n in range(len(label), 0, -1):
        head = " ".join(label[:n])
        if fold(head) in entry.words:
            return head.lower()
    return entry.words[0] if entry.words else None


def actions(registry: Registry | None) -> dict[str, Action]:
    """The actions available in this deployment (translate inside a language block)."""
    found: dict[str, Action] = {}
    if registry is None:
        return found
    for role, keys in ENTRY_KEYS.items():
        for key in keys:
            entry = registry.entry(key)
            if entry is not None:
                found[role] = Action(f"{GO}{entry.key}", _hint(entry))
                break
    return found


def names(items: Sequence[str]) -> str:
    shown = ", ".join(items[:MAX_NAMES])
    if len(items) > MAX_NAMES:
        more = _("and {count} more").format(count=len(items) - MAX_NAMES)
        shown = f"{shown} {more}"
    return shown


def typing_hint(action: Action | None, snooze: Action | None, snooze_days: int) -> str:
    """For channels without buttons: what to type (numbers would hit the chat's last menu)."""
    if action is None or not action.words:
        return ""
    if snooze is not None and snooze.words:
        msg = _('Type "{action}" to start, or "{snooze}" to be reminded in {days} days.')
        return msg.format(action=action.words, snooze=snooze.words, days=snooze_days)
    return _('Type "{action}" to start.').format(action=action.words)


def meeting_due(
    branch: str,
    quarter: str,
    days_left: int,
    last_day: dt.date,
    groups: Sequence[str] = (),
    branch_met: bool = False,
) -> str:
    """The branch's own meeting, or (`branch_met`) only its tổ, plus the tổ still missing."""
    if groups and branch_met:
        msg = _("Groups of {branch} with no regular meeting logged for {quarter} yet: {names}.")
        head = msg.format(branch=branch, quarter=quarter, names=names(groups))
        if days_left == 0:
            return head + "\n" + _("Today is the quarter's last day.")
        tail = _("{days} days left (the quarter ends on {date}).")
        return head + "\n" + tail.format(days=days_left, date=format_date(last_day))
    text = _branch_due(branch, quarter, days_left, last_day)
    if groups:
        text += "\n" + _("Groups with no regular meeting yet: {names}.").format(names=names(groups))
    return text


def _branch_due(branch: str, quarter: str, days_left: int, last_day: dt.date) -> str:
    if days_left == 0:
        msg = _(
            "{branch} has no regular meeting logged for {quarter} yet, and today is its last day."
        )
        return msg.format(branch=branch, quarter=quarter)
    msg = _(
        "{branch} has no regular meeting logged for {quarter} yet. "
        "{days} days left (the quarter ends on {date})."
    )
    return msg.format(branch=branch, quarter=quarter, days=days_left, date=format_date(last_day))


def meeting_late(
    quarter: str, commune: str, branches: Sequence[str], groups: Sequence[str] = ()
) -> str:
    """Late branches, and late tổ on their own line."""
    lines = []
    if branches:
        msg = _(
            "{quarter} has ended. {count} branches of {commune} logged no regular meeting: {names}."
        )
        lines.append(
            msg.format(quarter=quarter, commune=commune, count=len(branches), names=names(branches))
        )
    else:
        lines.append(_("{quarter} has ended.").format(quarter=quarter))
    if groups:
        msg = _("{count} groups of {commune} logged no regular meeting: {names}.")
        lines.append(msg.format(count=len(groups), commune=commune, names=names(groups)))
    return "\n".join(lines)


def communes_lines(late: Sequence[tuple[str, int]]) -> str:
    line = _("{commune}: {count} branches")
    lines = [f"- {line.format(commune=c, count=n)}" for c, n in late[:MAX_NAMES]]
    if len(late) > MAX_NAMES:
        lines.append(_("and {count} more").format(count=len(late) - MAX_NAMES))
    return "\n".join(lines)


def meeting_late_province(quarter: str, late: Sequence[tuple[str, int]]) -> str:
    msg = _("{quarter}: {count} communes still have branches with no regular meeting logged:")
    return msg.format(quarter=quarter, count=len(late)) + "\n" + communes_lines(late)


def review_due(branch: str, period: str, days_left: int, deadline: dt.date) -> str:
    if days_left == 0:
        msg = _(
            "Please confirm the member list of {branch} for the review of the {period}. "
            "Today is the deadline."
        )
        return msg.format(branch=branch, period=period)
    msg = _(
        "Please confirm the member list of {branch} for the review of the {period}. "
        "Deadline {date}, {days} days left."
    )
    return msg.format(branch=branch, period=period, date=format_date(deadline), days=days_left)


def review_late(deadline: dt.date, commune: str, branches: Sequence[str]) -> str:
    msg = _(
        "The member review deadline ({date}) has passed. "
        "{count} branches of {commune} have not confirmed: {names}."
    )
    return msg.format(
        date=format_date(deadline), commune=commune, count=len(branches), names=names(branches)
    )


def review_late_province(period: str, deadline: dt.date, late: Sequence[tuple[str, int]]) -> str:
    msg = _(
        "Member review of the {period} (deadline {date}): {count} communes have branches "
        "that have not confirmed:"
    )
    head = msg.format(period=period, date=format_date(deadline), count=len(late))
    return head + "\n" + communes_lines(late)


def leader_visit(quarter: str, branches: Sequence[str]) -> str:
    msg = _(
        "{quarter} is half over. No commune leader has attended a meeting of these "
        "{count} branches yet: {names}."
    )
    return msg.format(quarter=quarter, count=len(branches), names=names(branches))


@dataclass(frozen=True)
class DigestFigures:
    commune: str
    first_day: dt.date
    last_day: dt.date
    meetings: int
    joined: int
    quarter: str
    not_met: Sequence[str]
    # List names only near the quarter's end; early in a quarter nearly everyone "has not met".
    show_names: bool


def digest(f: DigestFigures) -> str:
    lines = [
        _("Week {first} to {last}, {commune}:").format(
            first=format_date(f.first_day), last=format_date(f.last_day), commune=f.commune
        ),
        "- " + _("Meetings logged: {count}").format(count=f.meetings),
        "- " + _("New members: {count}").format(count=f.joined),
    ]
    if not f.not_met:
        lines.append("- " + _("Every branch has met in {quarter}.").format(quarter=f.quarter))
    else:
        line = _("Branches with no regular meeting yet in {quarter}: {count}")
        text = "- " + line.format(quarter=f.quarter, count=len(f.not_met))
        if f.show_names:
            text += f" ({names(f.not_met)})"
        lines.append(text)
    return "\n".join(lines)
