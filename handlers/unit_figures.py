"""Figures a commune enters in chat: its women aged 18+ and its aggregate member counts.

The coverage denominator is the women-18+ figure of the term's reference year (2019 for
2022-2027, 004 §II.1.2 (2)); later years are kept as tracking figures. Trade-union,
armed-forces and member-organisation members, and club members in no branch, are counted
as totals only ("chỉ tổng hợp số liệu", 004 §II.1.1). Every figure is confirmed, then
written with an audit row (org.enter_population, unit_figures.set_aggregate).
"""

from __future__ import annotations

import re
from typing import Any

from bot.core.context import COMMUNE_ROLES, Ctx
from bot.core.dialogs import Ask, Choose, Confirm, Dialog, Option, Retry, Stay, Values
from bot.core.features import Feature, MenuEntry
from bot.core.i18n import N_, _, format_number, tr
from bot.core.types import Reply
from bot.domain.enums import AggregateKind, Level
from handlers.scope import still_covers
from storage.models import OrgUnit
from storage.repositories import org, unit_figures

# 004 §II.1.2 (2): the 2019 statistics are the denominator for the whole 2022-2027 term.
# A women-18+ figure this far from the nearest other year's is asked about once.
FAR = 0.30
POPULATION, AGGREGATES = "population", "aggregates"
# The order the counts are typed in, one reply (004 §II.1.2 (1)).
KINDS = (
    (AggregateKind.TRADE_UNION, N_("trade-union members")),
    (AggregateKind.ARMED_FORCES, N_("members in the armed forces")),
    (AggregateKind.MEMBER_ORG, N_("members of member organisations")),
    (AggregateKind.CLUB_ONLY, N_("club members in no branch")),
)
_NUMBER = re.compile(r"^[0-9]{1,3}(?:[.\s][0-9]{3})*$|^[0-9]+$")


def read_figure(text: str) -> int | Retry:
    """A whole number as officers write it: "12345", "12.345", "12 345"."""
    t = text.strip()
    if t.startswith(("-", "−", "–")):
        return Retry(_("A number of people cannot be negative. Please type it again."))
    if not _NUMBER.match(t):
        return Retry(_("I could not read this number. Please type digits only."))
    return int(re.sub(r"[.\s]", "", t))


def communes_of(ctx: Ctx) -> list[OrgUnit]:
    return [u for u in ctx.units_for(COMMUNE_ROLES) if u.level == Level.COMMUNE]


async def _start(ctx: Ctx, values: Values) -> Retry | None:
    communes = communes_of(ctx)
    if not communes:
        return Retry(_("Only the commune's chair or officers can enter its figures."))
    if len(communes) == 1:
        values.setdefault("commune_id", communes[0].id)
    return None


async def _communes(ctx: Ctx, values: Values) -> list[Option]:
    return [Option(u.id, u.name) for u in communes_of(ctx)]


async def _what(ctx: Ctx, values: Values) -> list[Option]:
    return [
        Option(POPULATION, N_("Women aged 18 and over")),
        Option(AGGREGATES, N_("Members counted as totals")),
    ]


async def _years(ctx: Ctx, values: Values) -> list[Option]:
    this = ctx.today.year
    reference = _("{year} (official for the term {term})").format(
        year=ctx.rules.targets.reference_year, term=ctx.rules.targets.term.key
    )
    ref = ctx.rules.targets.reference_year
    out = [Option(ref, reference)]
    if this != ref:
        out.append(Option(this, _("{year} (tracking)").format(year=this)))
    return out


def _year(text: str, ctx: Ctx, values: Values) -> int | Retry:
    n = read_figure(text)
    if isinstance(n, Retry) or not 2000 <= n <= ctx.today.year:
        msg = _("Please type a year from 2000 to {year}.")
        return Retry(msg.format(year=ctx.today.year))
    return n


async def _women_prompt(ctx: Ctx, values: Values) -> str:
    msg = _("How many women aged 18 and over did the commune have in {year}?")
    return msg.format(year=values["year"])


async def _women(text: str, ctx: Ctx, values: Values) -> int | Retry | Stay:
    n = read_figure(text)
    if isinstance(n, Retry):
        return n
    if n == 0:
        return Retry(_("The commune must have some women aged 18 and over. Please check."))
    known = await org.populations_of(ctx.session, values["commune_id"])
    others = [y for y in known if y != values["year"]]
    if others and values.get("women") != n:
        near = min(others, key=lambda y: (abs(y - values["year"]), y))
        if abs(n - known[near]) > FAR * known[near]:
            note = _(
                "{count} is far from the {year} figure ({other}). If it is right, type it "
                "again; otherwise type the right figure."
            )
            return Stay(
                n,
                note.format(count=format_number(n), year=near, other=format_number(known[near])),
            )
    return n


async def denominator(ctx: Ctx, commune_id: int) -> int | None:
    """The figure an aggregate count is checked against: the reference year's, or the latest."""
    known = await org.populations_of(ctx.session, commune_id)
    ref = ctx.rules.targets.reference_year
    if ref in known:
        return known[ref]
    return known[max(known)] if known else None


async def _counts_prompt(ctx: Ctx, values: Values) -> str:
    now = await unit_figures.aggregates(ctx.session, [values["commune_id"]], ctx.today)
    have = now.get(values["commune_id"], {})
    lines = [_("Type 4 numbers in this order (0 if none):")]
    for i, (kind, label) in enumerate(KINDS, 1):
        current = have.get(kind)
        suffix = "" if current is None else " " + _("(now {count})").format(count=current)
        lines.append(f"{i}. {tr(label)}{suffix}")
    lines.append(_("How many members of each kind does the commune have?"))
    return "\n".join(lines)


async def _counts(text: str, ctx: Ctx, values: Values) -> list[int] | Retry:
    tokens = [t for t in re.split(r"[\s;,]+", text.strip()) if t]
    if len(tokens) != len(KINDS):
        return Retry(_("I need 4 numbers, in the order above. Please type them again."))
    counts = []
    for token in tokens:
        n = read_figure(token)
        if isinstance(n, Retry):
            return n
        counts.append(n)
    women = await denominator(ctx, values["commune_id"])
    if women is not None:
        for (_kind, label), n in zip(KINDS, counts, strict=True):
            if n > women:
                msg = _(
                    "{count} {kind} is more than the commune's women aged 18 and over "
                    "({women}). Please check."
                )
                return Retry(
                    msg.format(count=format_number(n), kind=tr(label), women=format_number(women))
                )
    return counts


async def _summary(ctx: Ctx, values: Values) -> str:
    commune = await org.by_id(ctx.session, values["commune_id"])
    assert commune is not None
    lines = [commune.name]
    if values["what"] == POPULATION:
        official = values["year"] == ctx.rules.targets.reference_year
        kind = _("official") if official else _("tracking")
        line = _("Women aged 18 and over in {year}: {count} ({kind})")
        lines.append(
            "• " + line.format(year=values["year"], count=format_number(values["women"]), kind=kind)
        )
    else:
        for (_kind, label), n in zip(KINDS, values["counts"], strict=True):
            lines.append(f"• {tr(label)}: {format_number(n)}")
    lines.append(_("Shall I save this?"))
    return "\n".join(lines)


async def _save(ctx: Ctx, values: Values) -> list[Reply]:
    cid = values["commune_id"]
    if values["what"] == POPULATION:
        await org.enter_population(
            ctx.session, cid, values["year"], values["women"], ctx.person_id, ctx.now
        )
    else:
        for (kind, _label), n in zip(KINDS, values["counts"], strict=True):
            await unit_figures.set_aggregate(
                ctx.session, cid, kind, ctx.today, n, ctx.person_id, ctx.now
            )
    return [Reply(_("Saved. Thank you!"))]


def _is(what: str) -> Any:
    return lambda v: v.get("what") == what


FIGURES = Dialog(
    "unit_figures",
    steps=[
        Choose(
            "commune_id", N_("For which commune?"), _communes, when=lambda v: "commune_id" not in v
        ),
        Choose("what", N_("Which figures do you want to enter?"), _what),
        Ask(
            "year",
            N_("For which year?"),
            parse=_year,
            options=_years,
            when=_is(POPULATION),
            label=N_("Year"),
        ),
        Ask(
            "women",
            _women_prompt,
            parse=_women,
            when=_is(POPULATION),
            number_selects=False,
            label=N_("Women aged 18 and over"),
            example=N_("For example: 12.345"),
        ),
        Ask(
            "counts",
            _counts_prompt,
            parse=_counts,
            when=_is(AGGREGATES),
            number_selects=False,
            label=N_("Member counts"),
            example=N_("For example: 120 35 0 18"),
        ),
        Confirm(_summary),
    ],
    on_done=_save,
    recheck=still_covers("commune_id", COMMUNE_ROLES),
    on_start=_start,
    help=N_(
        "The 2019 figure of women aged 18 and over is the official one for the term; later "
        "years are kept for tracking. Members of trade unions, the armed forces and member "
        "organisations, and club members in no branch, are entered as totals."
    ),
)

FEATURE = Feature(
    name="unit_figures",
    dialogs=[FIGURES],
    menu=[
        MenuEntry(
            "unit_figures",
            N_("Enter the commune's figures"),
            FIGURES,
            roles=COMMUNE_ROLES,
            words=("nhap so lieu", "so lieu hoi xa", "so phu nu"),
            order=43,
        ),
    ],
)
