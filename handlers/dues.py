"""Dues in chat (issue 17 item 1, DOMAIN rule 14): the branch head records who paid in one
reply per batch ("1 3 5-9", "tất cả trừ 3 7"), in full or a partial amount typed as "50k",
"50.000" or "năm mươi nghìn"; a province or commune sets the year's amount and its rules.

Nothing is written before "Đúng, lưu"; a batch is one transaction, audited.
"""

from __future__ import annotations

from bot.core.context import BRANCH_ROLES, COMMUNE_ROLES, PROVINCE_ROLES, Ctx
from bot.core.dialogs import Ask, Choose, Confirm, Dialog, Option, Retry, Values
from bot.core.features import Feature, MenuEntry
from bot.core.i18n import N_, _
from bot.core.parsing import out_of_list, read_number_list
from bot.core.types import Reply
from bot.domain import dues as D
from bot.domain.enums import Level
from bot.domain.money import DUES_MAX
from bot.reports.dues_text import money
from handlers import dues_relief, dues_undo
from handlers.dues_common import branch, branch_options, read_amount, start_branch
from handlers.scope import still_covers
from storage.repositories import dues

FULL = "full"
RATE_ROLES = COMMUNE_ROLES | PROVINCE_ROLES


async def _status(ctx: Ctx, values: Values) -> dues.BranchDues:
    unit = await branch(ctx, values)
    return await dues.branch_dues(ctx.session, unit, int(values["year"]), ctx.today)


def _owing(d: dues.BranchDues) -> list[dues.DuesRow]:
    return [r for r in d.rows if r.status in (D.DuesStatus.UNPAID, D.DuesStatus.PARTIAL)]


async def _start(ctx: Ctx, values: Values) -> Retry | None:
    refused = await start_branch(ctx, values)
    if refused is not None or "branch_id" not in values:
        return refused
    return await _can_collect(ctx, values)


async def _can_collect(ctx: Ctx, values: Values) -> Retry | None:
    d = await _status(ctx, values)
    if d.rate is None:
        return Retry(
            _(
                "The dues amount for {year} has not been set yet. Please ask the commune chair."
            ).format(year=values["year"])
        )
    if not _owing(d):
        return Retry(
            _("Every member has paid her dues for {year}. Thank you!").format(year=values["year"])
        )
    return None


async def _branch_picked(value: int, ctx: Ctx, values: Values) -> int | Retry:
    values["branch_id"] = value
    refused = await _can_collect(ctx, values)
    if refused is not None:
        values.pop("branch_id", None)
        return refused
    return value


def _row_line(i: int, r: dues.DuesRow) -> str:
    left = r.owed - r.paid
    if r.status == D.DuesStatus.PARTIAL:
        return _("{n}. {name} (still owes {left})").format(
            n=i, name=r.name or "?", left=money(left)
        )
    return f"{i}. {r.name or '?'}"


async def _paid_prompt(ctx: Ctx, values: Values) -> str:
    d = await _status(ctx, values)
    assert d.rate is not None
    owing = _owing(d)
    head = _("Dues {year}: {amount} a member. {settled}/{members} have paid or are exempt.").format(
        year=values["year"], amount=money(d.rate.amount), settled=d.settled, members=len(d.rows)
    )
    lines = [head]
    lines += [_row_line(i, r) for i, r in enumerate(owing, 1)]
    lines.append(
        _('Who has paid? Type their numbers, e.g. 1 3 5-9, or "all except 3 7" (tất cả trừ 3 7).')
    )
    return "\n".join(lines)


async def _paid(text: str, ctx: Ctx, values: Values) -> list[int] | Retry:
    owing = _owing(await _status(ctx, values))
    picked = read_number_list(text, len(owing))
    if picked is None and (missing := out_of_list(text, len(owing))):
        msg = _("{numbers} is not on the list of {count} people. Please check the numbers.")
        return Retry(msg.format(numbers=", ".join(map(str, missing)), count=len(owing)))
    if not picked:
        return Retry(_('Please type the numbers from the list, e.g. 1 3 5-9, or "tất cả trừ 3 7".'))
    return [owing[i - 1].member_id for i in sorted(picked)]


async def _amount_options(ctx: Ctx, values: Values) -> list[Option]:
    return [Option(FULL, N_("Paid in full"))]


async def _amount(text: str, ctx: Ctx, values: Values) -> int | Retry:
    got = read_amount(text, DUES_MAX)
    if isinstance(got, Retry):
        return got
    d = await _status(ctx, values)
    rows = {r.member_id: r for r in d.rows}
    for mid in values["paid_ids"]:
        r = rows.get(mid)
        if r is not None and got > r.owed - r.paid:
            return Retry(
                _("{amount} is more than {name} still owes ({left}). Please check.").format(
                    amount=money(got), name=r.name, left=money(r.owed - r.paid)
                )
            )
    return got


async def _batch(ctx: Ctx, values: Values) -> list[tuple[int, int]]:
    """(member, amount) of the batch as it stands now (amounts owed are read again)."""
    d = await _status(ctx, values)
    rows = {r.member_id: r for r in d.rows}
    out = []
    for mid in values["paid_ids"]:
        r = rows.get(mid)
        if r is None or r.owed - r.paid <= 0:
            continue
        each = r.owed - r.paid if values["amount"] == FULL else int(values["amount"])
        out.append((mid, each))
    return out


async def _summary(ctx: Ctx, values: Values) -> str:
    batch = await _batch(ctx, values)
    names = {r.member_id: r.name for r in (await _status(ctx, values)).rows}
    lines = [
        _("Dues {year}: {count} members, {total} in all.").format(
            year=values["year"], count=len(batch), total=money(sum(a for _m, a in batch))
        )
    ]
    lines += [f"• {names.get(mid) or '?'}: {money(a)}" for mid, a in batch[:15]]
    if len(batch) > 15:
        lines.append(_("and {count} more").format(count=len(batch) - 15))
    return "\n".join(lines)


async def _save(ctx: Ctx, values: Values) -> list[Reply]:
    batch = await _batch(ctx, values)
    if not batch:
        return [
            Reply(
                _("Every member has paid her dues for {year}. Thank you!").format(
                    year=values["year"]
                )
            )
        ]
    year = int(values["year"])
    await dues.record_payments(
        ctx.session, int(values["branch_id"]), year, batch, ctx.today, ctx.person_id, ctx.now
    )
    d = await _status(ctx, values)
    text = _(
        "Saved {count} payments ({total}). Dues {year}: {paid} paid, {exempt} exempt, "
        "{unpaid} not yet paid in full."
    ).format(
        count=len(batch),
        total=money(sum(a for _m, a in batch)),
        year=year,
        paid=d.count(D.DuesStatus.PAID),
        exempt=d.count(D.DuesStatus.EXEMPT),
        unpaid=d.count(D.DuesStatus.UNPAID) + d.count(D.DuesStatus.PARTIAL),
    )
    return [Reply(text + "\n" + _("Thank you!"))]


COLLECT = Dialog(
    "dues_collect",
    steps=[
        Choose(
            "branch_id",
            N_("Which branch?"),
            branch_options,
            when=lambda v: "branch_id" not in v,
        ),
        Ask("paid_ids", _paid_prompt, parse=_paid, number_selects=False, label=N_("Who paid")),
        Ask(
            "amount",
            N_(
                "How much did each of them pay? Choose “Paid in full”, or type the amount, e.g. 20k."
            ),
            parse=_amount,
            options=_amount_options,
            number_selects=False,
            label=N_("Amount"),
        ),
        Confirm(_summary),
    ],
    on_done=_save,
    on_start=_start,
    recheck=still_covers("branch_id", BRANCH_ROLES),
    help=N_(
        "Type the numbers of the members who paid, then the amount each paid. A member who "
        "paid part of her dues is listed again until she has paid it all. A recording typed "
        'by mistake is undone with "huỷ ghi hội phí".'
    ),
)


# --- the year's amount, by the province or commune -------------------------------------------


def _rate_units(ctx: Ctx) -> list[Option]:
    units = [u for u in ctx.units_for(RATE_ROLES) if u.level in (Level.PROVINCE, Level.COMMUNE)]
    return [Option(u.id, u.name) for u in units]


async def _rate_start(ctx: Ctx, values: Values) -> Retry | None:
    units = _rate_units(ctx)
    if not units:
        return Retry(_("Only a province officer or a commune chair can set the dues amount."))
    if len(units) == 1:
        values.setdefault("unit_id", units[0].value)
    values.setdefault("year", ctx.today.year)
    return None


async def _unit_options(ctx: Ctx, values: Values) -> list[Option]:
    return _rate_units(ctx)


def _rate_amount(text: str, ctx: Ctx, values: Values) -> int | Retry:
    return read_amount(text, DUES_MAX)


NONE, WAIVE = "none", "waive"


def _rule_options(ctx: Ctx, values: Values) -> list[Option]:
    return [Option(WAIVE, N_("Exempt")), Option(NONE, N_("No reduction"))]


def _rule_amount(text: str, ctx: Ctx, values: Values) -> int | Retry:
    got = read_amount(text, DUES_MAX)
    if isinstance(got, int) and got >= int(values["amount"]):
        return Retry(
            _("A reduced amount is less than {amount}. Please check.").format(
                amount=money(values["amount"])
            )
        )
    return got


def _rule_value(v: object) -> int | None:
    return 0 if v == WAIVE else None if v == NONE else int(v)  # type: ignore[call-overload]


def _rule_text(v: object) -> str:
    value = _rule_value(v)
    if value is None:
        return _("no reduction")
    return _("exempt") if value == 0 else money(value)


async def _rate_summary(ctx: Ctx, values: Values) -> str:
    lines = [
        _("Dues {year}: {amount} a member").format(
            year=values["year"], amount=money(values["amount"])
        ),
        _("Elderly members: {rule}").format(rule=_rule_text(values["elderly"])),
        _("A further member of the same household: {rule}").format(
            rule=_rule_text(values["household"])
        ),
    ]
    return "\n".join(lines)


async def _rate_save(ctx: Ctx, values: Values) -> list[Reply]:
    await dues.set_rate(
        ctx.session,
        int(values["unit_id"]),
        int(values["year"]),
        int(values["amount"]),
        _rule_value(values["elderly"]),
        _rule_value(values["household"]),
        ctx.person_id,
        ctx.now,
    )
    return [Reply(_("Saved. Thank you!"))]


RATE = Dialog(
    "dues_rate",
    steps=[
        Choose("unit_id", N_("For which unit?"), _unit_options, when=lambda v: "unit_id" not in v),
        Ask(
            "amount",
            lambda ctx, v: _("How much are the dues for {year}, per member?").format(
                year=v["year"]
            ),
            parse=_rate_amount,
            number_selects=False,
            label=N_("Amount"),
        ),
        Ask(
            "elderly",
            N_(
                "Dues of elderly members (60 and over): exempt, no reduction, or type the reduced amount."
            ),
            parse=_rule_amount,
            options=_rule_options,
            number_selects=False,
            label=N_("Elderly members"),
        ),
        Ask(
            "household",
            N_(
                "A household with several members: what does each further member pay? "
                "Exempt, no reduction, or type the amount."
            ),
            parse=_rule_amount,
            options=_rule_options,
            number_selects=False,
            label=N_("Household"),
        ),
        Confirm(_rate_summary),
    ],
    on_done=_rate_save,
    on_start=_rate_start,
    recheck=still_covers("unit_id", RATE_ROLES),
    help=N_(
        "The dues amount is set each year by the province or the commune; branches use the "
        "nearest one. Elderly members and further members of a household may pay less."
    ),
)


FEATURE = Feature(
    name="dues",
    dialogs=[COLLECT, RATE, dues_relief.RELIEF, dues_undo.UNDO],
    menu=[
        MenuEntry(
            "dues_collect",
            N_("Record dues paid"),
            COLLECT,
            roles=BRANCH_ROLES,
            words=("thu hoi phi", "ghi hoi phi", "hoi phi"),
            order=26,
        ),
        MenuEntry(
            "dues_relief",
            N_("Exempt or reduce dues"),
            dues_relief.RELIEF,
            roles=BRANCH_ROLES,
            words=("mien giam hoi phi", "mien hoi phi", "giam hoi phi"),
            order=27,
            listed=False,
        ),
        MenuEntry(
            "dues_undo",
            N_("Undo a dues recording"),
            dues_undo.UNDO,
            roles=BRANCH_ROLES,
            words=("huy ghi hoi phi", "sua hoi phi", "huy hoi phi"),
            order=27,
            listed=False,
        ),
        MenuEntry(
            "dues_rate",
            N_("Set the dues amount"),
            RATE,
            roles=RATE_ROLES,
            words=("muc hoi phi", "dat hoi phi"),
            order=45,
        ),
    ],
)
