"""Targets set by the level above, in chat (DOMAIN rules 5 and 6; issue 13 item 7).

A province officer sets her communes' targets (coverage by the end of the term, new members
per year or over the term: Thanh Hóa 90% by term end, 000 §II.2; Phú Thọ 83%, 003 §II.6);
a commune chair sets her branches' new-member targets. Saved with
unit_figures.set_target, which audits.
"""

from __future__ import annotations

from typing import Any

from bot.core.context import PROVINCE_ROLES, Ctx
from bot.core.dialogs import Ask, Choose, Confirm, Dialog, Option, Retry, Values
from bot.core.features import Feature, MenuEntry
from bot.core.i18n import N_, _, format_number, tr
from bot.core.types import Reply
from bot.domain.enums import Level, RoleKind, TargetMeasure
from bot.domain.textkeys import fold
from handlers.scope import still_covers
from handlers.unit_figures import read_figure
from storage.models import OrgUnit
from storage.repositories import org, unit_figures

COVERAGE, NEW_YEAR, NEW_TERM = "coverage", "new_year", "new_term"
CHAIR = frozenset({RoleKind.COMMUNE_CHAIR})
# Units listed as choices up to this many; more are found by typing a name or code.
LISTED = 8
GOALS = {
    COVERAGE: N_("Coverage rate by the end of the term"),
    NEW_YEAR: N_("New members in this year"),
    NEW_TERM: N_("New members over the term"),
}


async def units_below(ctx: Ctx) -> list[OrgUnit]:
    """Communes under her province(s), branches under her commune(s)."""
    out: list[OrgUnit] = []
    for unit in ctx.units_for(PROVINCE_ROLES):
        out += await org.subtree(ctx.session, unit, Level.COMMUNE)
    for unit in ctx.units_for(CHAIR):
        if unit.level == Level.COMMUNE:
            out += await org.subtree(ctx.session, unit, Level.BRANCH)
    return out


async def _start(ctx: Ctx, values: Values) -> Retry | None:
    units = await units_below(ctx)
    if not units:
        return Retry(_("Only a province officer or a commune chair can set targets."))
    if len(units) == 1:
        values.setdefault("unit_id", units[0].id)
    return None


async def _unit_prompt(ctx: Ctx, values: Values) -> str:
    if len(await units_below(ctx)) > LISTED:
        return _("For which unit? Type part of its name or its code.")
    return _("For which unit?")


async def _unit_options(ctx: Ctx, values: Values) -> list[Option]:
    units = await units_below(ctx)
    return [Option(u.id, u.name) for u in units] if len(units) <= LISTED else []


async def _unit(text: str, ctx: Ctx, values: Values) -> int | Retry:
    word = fold(text)
    units = await units_below(ctx)
    found = [u for u in units if fold(u.code) == word] or [
        u for u in units if word and word in fold(u.name)
    ]
    if len(found) == 1:
        return found[0].id
    if not found:
        return Retry(
            _('I found no unit named "{text}". Please type another part of its name.').format(
                text=text
            )
        )
    names = ", ".join(u.name for u in found[:5])
    return Retry(
        _("Several units match: {names}. Please type more of the name.").format(names=names)
    )


async def _goals(ctx: Ctx, values: Values) -> list[Option]:
    unit = await org.by_id(ctx.session, values["unit_id"])
    keys = [COVERAGE, NEW_YEAR, NEW_TERM] if unit and unit.level == Level.COMMUNE else [NEW_YEAR]
    return [Option(k, GOALS[k]) for k in keys]


def _value_prompt(ctx: Ctx, values: Values) -> str:
    if values["goal"] == COVERAGE:
        return _("What coverage rate, in percent, by the end of {term}?").format(
            term=ctx.rules.targets.term.key
        )
    return _("How many new members?")


def _value(text: str, ctx: Ctx, values: Values) -> int | Retry:
    if values["goal"] == COVERAGE:
        t = text.strip().rstrip("%").strip().replace(",", ".")
        try:
            pct = float(t)
        except ValueError:
            return Retry(_("I could not read this percentage. Please type a number such as 90."))
        if not 0 < pct <= 100:
            return Retry(_("A coverage rate is between 1 and 100 percent. Please check."))
        return round(pct * 10)  # per mille (TargetMeasure.COVERAGE)
    n = read_figure(text)
    return n


def _period(ctx: Ctx, goal: str) -> str:
    return str(ctx.today.year) if goal == NEW_YEAR else ctx.rules.targets.term.key


def _shown(values: Values) -> str:
    if values["goal"] == COVERAGE:
        return f"{format_number(values['value'] / 10)}%"
    return format_number(values["value"])


async def _summary(ctx: Ctx, values: Values) -> str:
    unit = await org.by_id(ctx.session, values["unit_id"])
    assert unit is not None
    line = _("{unit}: {goal} ({period}): {value}").format(
        unit=unit.name,
        goal=tr(GOALS[values["goal"]]),
        period=_period(ctx, values["goal"]),
        value=_shown(values),
    )
    return line + "\n" + _("Shall I save this?")


async def _save(ctx: Ctx, values: Values) -> list[Reply]:
    goal = values["goal"]
    measure = TargetMeasure.COVERAGE if goal == COVERAGE else TargetMeasure.NEW_MEMBERS
    await unit_figures.set_target(
        ctx.session,
        values["unit_id"],
        measure,
        _period(ctx, goal),
        values["value"],
        ctx.person_id,
        ctx.now,
    )
    return [Reply(_("Saved. Thank you!"))]


def _has(key: str) -> Any:
    return lambda v: key not in v


TARGETS = Dialog(
    "unit_targets",
    steps=[
        Ask("unit_id", _unit_prompt, parse=_unit, options=_unit_options, when=_has("unit_id")),
        Choose("goal", N_("Which target?"), _goals, label=N_("Target")),
        Ask(
            "value",
            _value_prompt,
            parse=_value,
            number_selects=False,
            label=N_("Value"),
        ),
        Confirm(_summary),
    ],
    on_done=_save,
    recheck=still_covers("unit_id", PROVINCE_ROLES | CHAIR),
    on_start=_start,
    help=N_(
        "Targets are set by the level above: a province for its communes, a commune for its "
        "branches. Without one, the reports use the guidance's figures."
    ),
)

FEATURE = Feature(
    name="unit_targets",
    dialogs=[TARGETS],
    menu=[
        MenuEntry(
            "unit_targets",
            N_("Set targets"),
            TARGETS,
            roles=PROVINCE_ROLES | CHAIR,
            words=("dat chi tieu", "chi tieu"),
            order=44,
        ),
    ],
)
