"""The branch fund in chat (issue 17 item 2): income and spending with day, amount and
purpose; a correction is a new entry reversing the old one (nothing is edited in place);
the balance and the year's statement in chat and as an Excel file. Every entry is audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.core.context import BRANCH_ROLES, Ctx
from bot.core.dialogs import Ask, Choose, Confirm, Dialog, Option, Retry, Values
from bot.core.features import Feature, MenuEntry
from bot.core.i18n import N_, _, format_date
from bot.core.lazy import lazy
from bot.core.types import Attachment, Reply
from bot.domain.money import FUND_MAX
from bot.reports.dues_text import entry_label, money, statement_text
from handlers.dues_common import branch, branch_options, read_amount, read_day, start_branch
from handlers.scope import still_covers
from storage.models import OrgUnit
from storage.repositories import fund

if TYPE_CHECKING:
    from bot.reports import dues_excel
else:  # openpyxl loads with the first workbook, not with the bot
    dues_excel = lazy("bot.reports.dues_excel")

INCOME, SPENDING, CORRECT, BOOK = "income", "spending", "correct", "book"
TODAY = "today"


async def _actions(ctx: Ctx, values: Values) -> list[Option]:
    out = [Option(INCOME, N_("Income")), Option(SPENDING, N_("Spending"))]
    if await fund.recent(ctx.session, int(values["branch_id"]), 1):
        out.append(Option(CORRECT, N_("Correct an entry")))
    out.append(Option(BOOK, N_("See the fund book")))
    return out


def _is(*kinds: str) -> Callable[[Values], bool]:
    return lambda v: v.get("action") in kinds


async def _day_options(ctx: Ctx, values: Values) -> list[Option]:
    return [Option(ctx.today, N_("Today"))]


async def _entries(ctx: Ctx, values: Values) -> list[Option]:
    return [
        Option(e.id, entry_label(e))
        for e in await fund.recent(ctx.session, int(values["branch_id"]))
    ]


async def _entry_picked(value: int, ctx: Ctx, values: Values) -> int | Retry:
    entry = await fund.get(ctx.session, int(value))
    if entry is None or entry.branch_id != int(values["branch_id"]):
        return Retry(_("This choice is out of date. Please choose again below."))
    return int(value)


async def _entry_prompt(ctx: Ctx, values: Values) -> str:
    return _("Which entry was wrong? I will add an entry that cancels it.")


def _amount(text: str, ctx: Ctx, values: Values) -> int | Retry:
    return read_amount(text, FUND_MAX)


def _purpose(text: str, ctx: Ctx, values: Values) -> str | Retry:
    purpose = " ".join(text.split())
    if len(purpose) < 3:
        return Retry(_("Please write what the money was for in a few words."))
    return purpose[:300]


async def _summary(ctx: Ctx, values: Values) -> str:
    unit = await branch(ctx, values)
    if values["action"] == CORRECT:
        entry = await fund.get(ctx.session, int(values["entry_id"]))
        assert entry is not None
        lines = [
            _("Cancel this entry of {branch}:").format(branch=unit.name),
            f"• {entry_label(entry)}",
            _("Reason: {reason}").format(reason=values["purpose"]),
            _("The entry stays in the book, with a new entry of {amount} beside it.").format(
                amount=money(-entry.amount)
            ),
        ]
    else:
        word = _("Income") if values["action"] == INCOME else _("Spending")
        lines = [
            _("Fund of {branch}").format(branch=unit.name),
            f"• {word}: {money(int(values['amount']))}",
            _("• Date: {date}").format(date=format_date(values["day"])),
            _("• For: {purpose}").format(purpose=values["purpose"]),
        ]
    return "\n".join(lines)


async def _save(ctx: Ctx, values: Values) -> list[Reply]:
    bid = int(values["branch_id"])
    if values["action"] == BOOK:
        return [await book(ctx, await branch(ctx, values))]
    if values["action"] == CORRECT:
        done = await fund.reverse(
            ctx.session,
            int(values["entry_id"]),
            values["purpose"],
            ctx.today,
            ctx.person_id,
            ctx.now,
        )
        if done is None:
            return [Reply(_("This entry has already been corrected. I saved nothing."))]
    else:
        sign = 1 if values["action"] == INCOME else -1
        await fund.add_entry(
            ctx.session,
            bid,
            values["day"],
            sign * int(values["amount"]),
            values["purpose"],
            ctx.person_id,
            ctx.now,
        )
    total = await fund.balance(ctx.session, bid)
    return [Reply(_("Saved. The fund's balance is now {amount}.").format(amount=money(total)))]


async def _start(ctx: Ctx, values: Values) -> Retry | None:
    return await start_branch(ctx, values)


FUND = Dialog(
    "fund_entry",
    steps=[
        Choose(
            "branch_id", N_("Which branch?"), branch_options, when=lambda v: "branch_id" not in v
        ),
        Choose("action", N_("What do you want to record in the fund?"), _actions, label=N_("Kind")),
        Ask(
            "day",
            N_("On which day?"),
            parse=read_day,
            options=_day_options,
            when=_is(INCOME, SPENDING),
            label=N_("Date"),
        ),  # type: ignore[arg-type]
        Ask(
            "amount",
            N_("How much? For example 200k or 1.500.000."),
            parse=_amount,
            number_selects=False,
            when=_is(INCOME, SPENDING),
            label=N_("Amount"),
        ),  # type: ignore[arg-type]
        Ask("entry_id", _entry_prompt, options=_entries, on_pick=_entry_picked, when=_is(CORRECT)),  # type: ignore[arg-type]
        Ask(
            "purpose",
            lambda ctx, v: (
                _("Why is it cancelled?") if v.get("action") == CORRECT else _("What was it for?")
            ),
            parse=_purpose,
            when=_is(INCOME, SPENDING, CORRECT),
            label=N_("Purpose"),
        ),
        Confirm(_summary, when=_is(INCOME, SPENDING, CORRECT)),
    ],
    on_done=_save,
    on_start=_start,
    recheck=still_covers("branch_id", BRANCH_ROLES),
    help=N_(
        "Record money the branch fund received or spent. A wrong entry is never changed: "
        "choose “Correct an entry” and I add an entry that cancels it."
    ),
)


async def book(ctx: Ctx, unit: OrgUnit) -> Reply:
    """The year's statement in chat, with the Excel file."""
    st = await fund.statement(ctx.session, unit.id, ctx.today.year)
    data = dues_excel.statement_workbook(st, unit.name)
    name = f"quy-chi-hoi-{unit.code}-{st.year}.xlsx"
    return Reply(statement_text(st, unit.name), attachment=Attachment("document", name, data))


async def show_fund(ctx: Ctx) -> list[Reply]:
    units = ctx.units_for(BRANCH_ROLES)
    if not units:
        return [Reply(_("Only a branch head or deputy can do this, for her own branch."))]
    return [await book(ctx, unit) for unit in units]


FEATURE = Feature(
    name="fund",
    dialogs=[FUND],
    menu=[
        MenuEntry(
            "fund_entry",
            N_("Record the branch fund"),
            FUND,
            roles=BRANCH_ROLES,
            words=("ghi quy", "quy chi hoi", "thu chi quy"),
            order=28,
        ),
        MenuEntry(
            "fund_book",
            N_("See the fund book"),
            show_fund,
            roles=BRANCH_ROLES,
            words=("so quy", "xem quy", "xem so quy"),
            order=29,
            listed=False,
        ),
    ],
)
