"""Pages that act or show people: the review and its reminders, a branch's members, admin."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from starlette.responses import Response

from bot.core.context import BRANCH_ROLES, COMMUNE_ROLES, PROVINCE_ROLES
from bot.core.i18n import _, format_date
from bot.dashboard.web import PREFIX, NotFound, Page
from bot.domain import rules as R
from bot.domain.calendar import HalfYear, half_of
from bot.domain.enums import Level, RoleKind
from bot.domain.textkeys import mask_id
from bot.reports.labels import label
from bot.scheduler.plan import Plan
from handlers.members_rules import SENSITIVE, category_names, mask_phone, show_phone
from handlers.members_search import status_name
from storage import crypto
from storage.models import Member
from storage.repositories import audit, members, official_units, outbox, recipients
from storage.repositories.measures import Rollup

ACTING_ROLES = COMMUNE_ROLES | PROVINCE_ROLES | {RoleKind.ADMIN}
MEMBERS_PAGE = 20
AUDIT_PAGE = 50


def _may_act(p: Page, path: str) -> bool:
    """Reminding is for the commune and province officers above the unit (and admins)."""
    return p.officer.is_admin or any(
        kind in ACTING_ROLES and path.startswith(u.path) for kind, u in p.officer.roles
    )


def _half(p: Page) -> HalfYear:
    period = p.period()
    if not isinstance(period, HalfYear):
        raise NotFound
    return period


@dataclass(frozen=True)
class ReviewLine:
    unit_id: int
    name: str
    commune: str
    confirmed: bool
    on_time: bool


def review_lines(r: Rollup, unit_id: int) -> list[ReviewLine]:
    """Every branch under the unit that had to review: late ones first, then by name."""
    root = r.units[unit_id]
    out = []
    for u in r.units.values():
        if u.level != Level.BRANCH or not u.path.startswith(root.path):
            continue
        f = r.of(u.id)  # builds the unit's figures from the table: only for branches
        if not f.review_branches:
            continue
        parent = r.units.get(u.parent_id) if u.parent_id is not None else None
        commune = parent.name if parent is not None else ""
        out.append(ReviewLine(u.id, u.name, commune, bool(f.reviewed), bool(f.on_time)))
    return sorted(out, key=lambda x: (x.confirmed, x.commune, x.name))


async def review(p: Page) -> Response:
    unit = await p.unit()
    half = _half(p)
    r = await p.rollup(unit, half)
    lines = review_lines(r, unit.id)
    # Above a commune the page lists the units below with their counts (a province has
    # thousands of branches); each opens its own review page.
    below = [] if unit.level in (Level.COMMUNE, Level.BRANCH) else r.children(unit.id)
    summary = [(u, r.of(u.id).reviewed, r.of(u.id).review_branches) for u in below]
    return p.render(
        "review.html",
        summary=[row for row in summary if row[2]],
        unit=unit,
        crumbs=await p.breadcrumb(unit),
        period=half,
        halves=_recent_halves(p),
        lines=lines,
        late=[x for x in lines if not x.confirmed],
        deadline=r.review_deadline,
        may_act=_may_act(p, unit.path),
        sent=_count(p.arg("sent")),
        already=_count(p.arg("already")),
    )


def _count(raw: str) -> int | None:
    """A count echoed from the address after an action; anything else is not shown."""
    return int(raw) if raw.isdigit() and len(raw) < 7 else None


def _recent_halves(p: Page) -> list[HalfYear]:
    out = [half_of(p.today)]
    while len(out) < 4:
        out.append(out[-1].previous())
    return out


async def remind(p: Page) -> Response:
    """One reminder to each late branch's head, through the outbox. The key names the branch,
    the period and today, so pressing twice (or two officers pressing) sends once a day."""
    unit = await p.unit()
    half = _half(p)
    if not _may_act(p, unit.path):
        raise NotFound
    r = await p.rollup(unit, half, fresh=True)
    late = [x for x in review_lines(r, unit.id) if not x.confirmed]
    heads = await recipients.reachable(p.s, [RoleKind.BRANCH_HEAD], [x.unit_id for x in late])
    plan = Plan(p.now, p.rules, p.site.registry, {})
    deadline = r.review_deadline
    step = f"dashboard-{p.today.isoformat()}"
    for line in late:
        mine = [h for h in heads if h.unit_id == line.unit_id]

        def body(name: str = line.name) -> str:
            return _(
                "Please confirm the member list of {branch} for the review of the {period} "
                "(deadline {date}). Your commune is waiting for it."
            ).format(
                branch=name, period=label(half), date=format_date(deadline) if deadline else "–"
            )

        check = {"what": "review", "period": half.key, "unit": line.unit_id}
        plan.add(R.REVIEW_DUE, mine, f"{half.key}/{line.unit_id}", step, body, "review", check)
    added = await outbox.enqueue_many(p.s, plan.messages, p.now)
    await audit.record(
        p.s, p.now, p.officer.person_id, "dashboard_remind", "org_unit", unit.id,
        {"period": half.key, "queued": len(added), "late": len(late)},
    )  # fmt: skip
    already = len(plan.messages) - len(added)
    return p.site.redirect(
        f"{PREFIX}/unit/{unit.id}/review?period={half.key}&sent={len(added)}&already={already}"
    )


@dataclass(frozen=True)
class MemberCard:
    name: str
    birth: str
    status: str
    joined: str
    cccd: str | None
    phone: str | None
    groups: list[str]
    core: bool
    ethnicity: str | None
    religion: str | None


def _card(m: Member, own_branch: bool, today: dt.date) -> MemberCard:
    """CCCD always masked; the phone in full and the sensitive fields only to the branch's
    own officers (as in the chat's member card)."""
    cccd = None
    if m.cccd_enc is not None:
        cccd = mask_id(crypto.decrypt_id(m.cccd_enc)) if crypto.has_key() else "***"
    phone = members.phone_of(m)
    shown_phone = None if phone is None else show_phone(phone) if own_branch else mask_phone(phone)
    groups = category_names(
        [c for c in m.categories if own_branch or c not in SENSITIVE], m.birth_date, today
    )
    return MemberCard(
        name=m.full_name or _("(name erased)"),
        birth=str(m.birth_year or "?"),
        status=status_name(m.status),
        joined=format_date(m.joined_on) if m.joined_on else _("before records began"),
        cccd=cccd,
        phone=shown_phone,
        groups=groups,
        core=m.is_core,
        ethnicity=m.ethnicity if own_branch else None,
        religion=m.religion if own_branch else None,
    )


async def branch_members(p: Page) -> Response:
    unit = await p.unit()
    if unit.level != Level.BRANCH:
        raise NotFound
    query = p.arg("q")[:100]
    page = p.number("page", 0, 0, 10_000)
    rows, total = await members.search(p.s, unit.id, query, page * MEMBERS_PAGE, MEMBERS_PAGE)
    if page and not rows:
        raise NotFound
    own = p.officer.holds_at(unit, BRANCH_ROLES)
    return p.render(
        "members.html",
        unit=unit,
        crumbs=await p.breadcrumb(unit),
        cards=[_card(m, own, p.today) for m in rows],
        query=query,
        page=page,
        total=total,
        pages=(total + MEMBERS_PAGE - 1) // MEMBERS_PAGE,
        own=own,
    )


async def audit_log(p: Page) -> Response:
    if not p.officer.is_admin:
        raise NotFound
    page = p.number("page", 0, 0, 100_000)
    lines, total = await official_units.audit_page(p.s, page * AUDIT_PAGE, AUDIT_PAGE)
    return p.render(
        "audit.html", lines=lines, page=page, pages=(total + AUDIT_PAGE - 1) // AUDIT_PAGE
    )


async def failed(p: Page) -> Response:
    if not p.officer.is_admin:
        raise NotFound
    return p.render(
        "failed.html",
        lines=await official_units.failed_messages(p.s),
        retried=_count(p.arg("retried")),
    )


async def retry(p: Page) -> Response:
    if not p.officer.is_admin:
        raise NotFound
    form = await p.request.form()
    raw = [str(v) for v in form.getlist("id")]
    if not all(v.isdigit() for v in raw):
        raise NotFound
    ids = [int(v) for v in raw] or None  # none ticked: every failed message
    count = await outbox.requeue_failed(p.s, p.now, ids)
    await audit.record(
        p.s, p.now, p.officer.person_id, "outbox_retry", "outbox", None, {"count": count}
    )
    return p.site.redirect(f"{PREFIX}/admin/failed?retried={count}")
