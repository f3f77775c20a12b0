"""The yearly branch assessment in chat (issue 17 item 3, DOMAIN rules 12 and 15).

Each quarter the branch head answers the six "3 có, 3 biết" items in one reply; at the
year's end she sees the score the bot computes from what it knows (meetings, attendance,
new members, reviews, dues, core members, fund, the self-assessments) and submits it; the
commune chair approves it or adjusts the grade with a reason, which every report shows.
"""

from __future__ import annotations

from bot.core.context import BRANCH_ROLES, Ctx
from bot.core.dialogs import Ask, Choose, Confirm, Dialog, Option, Retry, Values
from bot.core.features import Feature, MenuEntry
from bot.core.i18n import N_, Msg, _, period_label
from bot.core.parsing import read_number_list
from bot.core.types import Reply
from bot.domain import assessment as A
from bot.domain.calendar import quarter_of
from bot.domain.enums import Level, RoleKind
from bot.domain.textkeys import fold
from bot.reports.dues_text import GRADE_NAMES, grade_name, indicator_line
from handlers.dues_common import branch, branch_options, start_branch
from handlers.scope import still_covers
from storage.repositories import assessment, org

ITEMS: dict[str, Msg] = {
    "pioneers": N_("Has pioneering members"),
    "monthly": N_("Has activities every month"),
    "resources": N_("Has resources (fund, support)"),
    "faces": N_("Knows every member's face"),
    "circumstances": N_("Knows every member's circumstances"),
    "needs": N_("Knows every member's needs"),
}
CHAIR = frozenset({RoleKind.COMMUNE_CHAIR})


# --- the quarterly self-assessment ----------------------------------------------------------


async def _self_prompt(ctx: Ctx, values: Values) -> str:
    q = quarter_of(ctx.today)
    lines = [
        _("“3 có, 3 biết”, {quarter}: which of these can the branch say it does?").format(
            quarter=period_label(q)
        )
    ]
    lines += [f"{i}. {_(label)}" for i, label in enumerate(ITEMS.values(), 1)]
    lines.append(_("Type their numbers, e.g. 1 2 4, or 0 if none yet."))
    return "\n".join(lines)


def _self_parse(text: str, ctx: Ctx, values: Values) -> list[str] | Retry:
    if fold(text) in ("0", "khong", "chua", "chua co"):
        return []
    picked = read_number_list(text, len(ITEMS))
    if picked is None:
        return Retry(_("Please type numbers from 1 to 6, e.g. 1 2 4, or 0 if none yet."))
    keys = list(ITEMS)
    return [keys[i - 1] for i in sorted(picked)]


async def _self_summary(ctx: Ctx, values: Values) -> str:
    unit = await branch(ctx, values)
    ticked = values["ticked"]
    lines = [
        _("{branch}, {quarter}: {count}/6 items").format(
            branch=unit.name, quarter=period_label(quarter_of(ctx.today)), count=len(ticked)
        )
    ]
    lines += [("✓ " if k in ticked else "✗ ") + _(label) for k, label in ITEMS.items()]
    return "\n".join(lines)


async def _self_save(ctx: Ctx, values: Values) -> list[Reply]:
    q = quarter_of(ctx.today)
    await assessment.save_self(
        ctx.session, int(values["branch_id"]), q.key, values["ticked"], ctx.person_id, ctx.now
    )
    return [Reply(_("Saved. Thank you!"))]


SELF = Dialog(
    "self_assessment",
    steps=[
        Choose(
            "branch_id", N_("Which branch?"), branch_options, when=lambda v: "branch_id" not in v
        ),
        Ask("ticked", _self_prompt, parse=_self_parse, number_selects=False, label=N_("Items")),
        Confirm(_self_summary),
    ],
    on_done=_self_save,
    on_start=start_branch,
    recheck=still_covers("branch_id", BRANCH_ROLES),
    help=N_(
        "“3 có, 3 biết”: the branch has pioneering members, monthly activities and resources; "
        "its leaders know each member's face, circumstances and needs. Answered every quarter."
    ),
)


# --- the yearly assessment: the branch head submits ---------------------------------------


def assessed_year(ctx: Ctx) -> int:
    """From October the year under way; before, the year just ended."""
    return ctx.today.year if ctx.today.month >= 10 else ctx.today.year - 1


async def compute(ctx: Ctx, unit_id: int, year: int) -> A.Result:
    unit = await org.by_id(ctx.session, unit_id)
    assert unit is not None
    deadlines = assessment.half_deadlines(year, ctx.rules.review_deadline)
    facts = await assessment.branch_facts(ctx.session, unit, year, ctx.today, deadlines, ctx.tz)
    return A.assess(facts, await assessment.rubric_for(ctx.session, unit, year))


def result_lines(result: A.Result) -> list[str]:
    return [("✓ " if ln.points == ln.weight else "• ") + indicator_line(ln) for ln in result.lines]


async def _submit_summary(ctx: Ctx, values: Values) -> str:
    unit = await branch(ctx, values)
    year = int(values["year"])
    r = await compute(ctx, unit.id, year)
    head = _("{branch}, assessment {year}: {score} points, {grade}").format(
        branch=unit.name, year=year, score=r.score, grade=grade_name(r.grade)
    )
    if r.model:
        head += ", " + _("model branch")
    return "\n".join([head, *result_lines(r)])


async def _submit_start(ctx: Ctx, values: Values) -> Retry | None:
    refused = await start_branch(ctx, values)
    values["year"] = assessed_year(ctx)
    return refused


async def _submit_save(ctx: Ctx, values: Values) -> list[Reply]:
    bid, year = int(values["branch_id"]), int(values["year"])
    row = await assessment.get(ctx.session, bid, year)
    if row is not None and row.approved:
        return [Reply(_("The commune chair has already approved the assessment. I saved nothing."))]
    await assessment.submit(
        ctx.session, bid, year, await compute(ctx, bid, year), ctx.person_id, ctx.now
    )
    return [Reply(_("Sent to the commune chair. Thank you!"))]


SUBMIT = Dialog(
    "assessment_submit",
    steps=[
        Choose(
            "branch_id", N_("Which branch?"), branch_options, when=lambda v: "branch_id" not in v
        ),
        Confirm(_submit_summary),
    ],
    on_done=_submit_save,
    on_start=_submit_start,
    recheck=still_covers("branch_id", BRANCH_ROLES),
    help=N_(
        "The score comes from what the branch recorded this year. The commune chair approves it."
    ),
)


# --- the commune chair reviews ------------------------------------------------------------

APPROVE, ADJUST = "approve", "adjust"


async def _waiting(ctx: Ctx, values: Values) -> list[Option]:
    out = []
    for commune in ctx.units_for(CHAIR):
        branches = await org.subtree(ctx.session, commune, Level.BRANCH)
        rows = await assessment.of_units(ctx.session, [b.id for b in branches], int(values["year"]))
        out += [Option(b.id, b.name) for b in branches if b.id in rows and not rows[b.id].approved]
    return out


async def _review_start(ctx: Ctx, values: Values) -> Retry | None:
    if not ctx.units_for(CHAIR):
        return Retry(_("Only the commune chair can approve assessments."))
    values.setdefault("year", assessed_year(ctx))
    if not await _waiting(ctx, values):
        return Retry(_("No branch assessment is waiting for approval."))
    return None


async def _review_prompt(ctx: Ctx, values: Values) -> str:
    unit = await branch(ctx, values)
    row = await assessment.get(ctx.session, unit.id, int(values["year"]))
    assert row is not None
    head = _("{branch}, assessment {year}: {score} points, {grade}").format(
        branch=unit.name, year=values["year"], score=row.score, grade=grade_name(row.computed)
    )
    lines = [head, *[indicator_line(ln) for ln in assessment.lines_of(row)]]
    lines.append(_("Do you approve this grade?"))
    return "\n".join(lines)


def _decisions(ctx: Ctx, values: Values) -> list[Option]:
    return [Option(APPROVE, N_("Approve")), Option(ADJUST, N_("Adjust the grade"))]


def _grades(ctx: Ctx, values: Values) -> list[Option]:
    return [Option(g.value, GRADE_NAMES[g]) for g in A.GRADES]


def _yes_no(ctx: Ctx, values: Values) -> list[Option]:
    return [Option(True, N_("Yes")), Option(False, N_("No"))]


def _reason(text: str, ctx: Ctx, values: Values) -> str | Retry:
    reason = " ".join(text.split())
    if len(reason) < 5:
        return Retry(_("An adjusted grade needs its reason. Please write it in a few words."))
    return reason[:300]


def _adjusting(v: Values) -> bool:
    return v.get("decision") == ADJUST


async def _review_summary(ctx: Ctx, values: Values) -> str:
    unit = await branch(ctx, values)
    row = await assessment.get(ctx.session, unit.id, int(values["year"]))
    assert row is not None
    if values["decision"] == APPROVE:
        grade, model = row.computed, row.model
    else:
        grade, model = A.Grade(values["grade"]), bool(values["model"])
    text = _("{branch}: {grade}").format(branch=unit.name, grade=grade_name(grade))
    if model:
        text += ", " + _("model branch")
    lines = [text]
    if values.get("reason"):
        lines.append(_("Reason: {reason}").format(reason=values["reason"]))
    return "\n".join(lines)


async def _review_save(ctx: Ctx, values: Values) -> list[Reply]:
    bid, year = int(values["branch_id"]), int(values["year"])
    row = await assessment.get(ctx.session, bid, year)
    if row is None:
        return [Reply(_("No branch assessment is waiting for approval."))]
    if values["decision"] == APPROVE:
        grade, model, reason = row.computed, row.model, None
    else:
        grade, model, reason = (
            A.Grade(values["grade"]),
            bool(values["model"]),
            str(values["reason"]),
        )
    await assessment.approve(ctx.session, bid, year, grade, model, reason, ctx.person_id, ctx.now)
    return [Reply(_("Approved. Thank you!"))]


REVIEW = Dialog(
    "assessment_review",
    steps=[
        Choose("branch_id", N_("Which branch's assessment?"), _waiting),
        Choose("decision", _review_prompt, _decisions, label=N_("Decision")),
        Choose("grade", N_("Which grade?"), _grades, when=_adjusting, label=N_("Grade")),
        Choose(
            "model", N_("Is it a model branch?"), _yes_no, when=_adjusting, label=N_("Model branch")
        ),
        Ask(
            "reason",
            N_("Why is the grade adjusted?"),
            parse=_reason,
            when=_adjusting,
            label=N_("Reason"),
        ),
        Confirm(_review_summary),
    ],
    on_done=_review_save,
    on_start=_review_start,
    recheck=still_covers("branch_id", CHAIR),
    help=N_("Approve the grade the branch submitted, or adjust it; an adjustment needs a reason."),
)


FEATURE = Feature(
    name="assessment",
    dialogs=[SELF, SUBMIT, REVIEW],
    menu=[
        MenuEntry(
            "self_assessment",
            N_("“3 có, 3 biết” this quarter"),
            SELF,
            roles=BRANCH_ROLES,
            words=("3 co 3 biet", "ba co ba biet", "tu danh gia"),
            order=31,
        ),
        MenuEntry(
            "assessment_submit",
            N_("Send the yearly assessment"),
            SUBMIT,
            roles=BRANCH_ROLES,
            words=("danh gia nam", "xep loai chi hoi", "gui danh gia", "gui xep loai"),
            order=32,
            listed=False,
        ),
        MenuEntry(
            "assessment_review",
            N_("Approve branch assessments"),
            REVIEW,
            roles=CHAIR,
            words=("duyet danh gia", "duyet xep loai"),
            order=46,
        ),
    ],
)
