"""Waive or reduce a member's dues by decision, or mark her as a further member of a
household with several members (004 appendix §2.2a); the elderly rule needs no marking."""

from __future__ import annotations

from bot.core.context import BRANCH_ROLES, Ctx
from bot.core.dialogs import Ask, Choose, Confirm, Dialog, Option, Retry, Values
from bot.core.i18n import N_, Msg, _
from bot.core.parsing import out_of_list, read_number_list
from bot.core.types import Reply
from bot.domain import dues as D
from bot.domain.money import DUES_MAX
from bot.reports.dues_text import money
from handlers.dues_common import branch, branch_options, read_amount, start_branch
from handlers.scope import still_covers
from storage.repositories import dues

KINDS: dict[D.ReliefKind, Msg] = {
    D.ReliefKind.EXEMPT: N_("Exempt by decision"),
    D.ReliefKind.REDUCED: N_("Reduced by decision"),
    D.ReliefKind.HOUSEHOLD: N_("Further member of a household"),
}


async def _roster(ctx: Ctx, values: Values) -> list[dues.DuesRow]:
    d = await dues.branch_dues(
        ctx.session, await branch(ctx, values), int(values["year"]), ctx.today
    )
    return d.rows


async def _who_prompt(ctx: Ctx, values: Values) -> str:
    rows = await _roster(ctx, values)
    lines = [_("Whose dues for {year}? Type the numbers, e.g. 2 5.").format(year=values["year"])]
    lines += [f"{i}. {r.name or '?'}" for i, r in enumerate(rows, 1)]
    return "\n".join(lines)


async def _who(text: str, ctx: Ctx, values: Values) -> list[int] | Retry:
    rows = await _roster(ctx, values)
    picked = read_number_list(text, len(rows))
    if picked is None and (missing := out_of_list(text, len(rows))):
        msg = _("{numbers} is not on the list of {count} people. Please check the numbers.")
        return Retry(msg.format(numbers=", ".join(map(str, missing)), count=len(rows)))
    if not picked:
        return Retry(_('Please type the numbers from the list, e.g. 1 3 5-9, or "tất cả trừ 3 7".'))
    return [rows[i - 1].member_id for i in sorted(picked)]


def _kinds(ctx: Ctx, values: Values) -> list[Option]:
    return [Option(k.value, label) for k, label in KINDS.items()]


def _reduced(text: str, ctx: Ctx, values: Values) -> int | Retry:
    return read_amount(text, DUES_MAX)


def _reason(text: str, ctx: Ctx, values: Values) -> str | Retry:
    reason = " ".join(text.split())
    if len(reason) < 3:
        return Retry(_("Please write the reason in a few words, e.g. the decision of the commune."))
    return reason[:200]


def _decided(v: Values) -> bool:
    return v.get("kind") in (D.ReliefKind.EXEMPT.value, D.ReliefKind.REDUCED.value)


async def _summary(ctx: Ctx, values: Values) -> str:
    names = {r.member_id: r.name for r in await _roster(ctx, values)}
    kind = D.ReliefKind(values["kind"])
    what = _(KINDS[kind])
    if kind == D.ReliefKind.REDUCED:
        what += f": {money(int(values['amount']))}"
    lines = [
        _("Dues {year}: {what}").format(year=values["year"], what=what),
        _("Members: {names}").format(names=", ".join(names.get(m) or "?" for m in values["who"])),
    ]
    if values.get("reason"):
        lines.append(_("Reason: {reason}").format(reason=values["reason"]))
    return "\n".join(lines)


async def _save(ctx: Ctx, values: Values) -> list[Reply]:
    kind = D.ReliefKind(values["kind"])
    await dues.set_relief(
        ctx.session,
        list(values["who"]),
        int(values["year"]),
        kind,
        int(values["amount"]) if kind == D.ReliefKind.REDUCED else None,
        values.get("reason"),
        ctx.person_id,
        ctx.now,
    )
    return [Reply(_("Saved. Thank you!"))]


RELIEF = Dialog(
    "dues_relief",
    steps=[
        Choose(
            "branch_id", N_("Which branch?"), branch_options, when=lambda v: "branch_id" not in v
        ),
        Ask("who", _who_prompt, parse=_who, number_selects=False, label=N_("Members")),
        Choose("kind", N_("What applies to them?"), _kinds, label=N_("Exemption or reduction")),
        Ask(
            "amount",
            N_("How much does each of them pay this year?"),
            parse=_reduced,
            when=lambda v: v.get("kind") == D.ReliefKind.REDUCED.value,
            label=N_("Amount"),
        ),
        Ask(
            "reason",
            N_("What is the reason, or whose decision is it?"),
            parse=_reason,
            when=_decided,
            label=N_("Reason"),
        ),
        Confirm(_summary),
    ],
    on_done=_save,
    on_start=start_branch,
    recheck=still_covers("branch_id", BRANCH_ROLES),
    help=N_(
        "Elderly members are exempted or reduced by the province's rule without marking. "
        "Here you record a decision for one member, or mark a further member of a household."
    ),
)
