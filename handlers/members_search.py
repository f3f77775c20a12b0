"""Find a member of her branch by any part of the name, accents optional, in a paged list."""

from __future__ import annotations

from typing import Any

from bot.core.context import Ctx
from bot.core.dialogs import Ask, Dialog, Option, Retry, Stay, Values
from bot.core.i18n import N_, Msg, _, tr
from bot.core.types import Reply
from bot.domain.enums import MemberStatus
from bot.domain.textkeys import fold
from handlers.members_steps import BRANCH_STEP, pick_branch
from storage.models import Member
from storage.repositories import members

PAGE = 8
NEXT_WORDS = {"tiep", "xem tiep", "trang sau", "tiep theo", "next", "them", "xem them"}
PREVIOUS_WORDS = {"truoc", "trang truoc", "lui", "previous"}

STATUS_NAMES: dict[MemberStatus, Msg] = {
    MemberStatus.ACTIVE: N_("active"),
    MemberStatus.MIGRANT: N_("working far away"),
    MemberStatus.MOVED_AWAY: N_("moved away"),
    MemberStatus.LEFT: N_("left the Union"),
    MemberStatus.DIED: N_("died"),
}


def status_name(status: MemberStatus) -> str:
    return tr(STATUS_NAMES[status])


def member_label(m: Member) -> str:
    label = f"{m.full_name or '?'} · {m.birth_year or '?'}"
    if m.status != MemberStatus.ACTIVE:
        label += f" ({status_name(m.status)})"
    return label


def page_of(values: Values) -> int:
    got = values.get("member")
    return int(got["page"]) if isinstance(got, dict) else 0


async def _results(ctx: Ctx, values: Values) -> tuple[list[Member], int]:
    offset = page_of(values) * PAGE
    return await members.search(ctx.session, values["branch"]["id"], values["query"], offset, PAGE)


# "The whole list" in words.
ALL_WORDS = {"tat ca", "ca danh sach", "xem het", "het", "danh sach", "xem ca danh sach", "all"}


async def parse_query(text: str, ctx: Ctx, values: Values) -> str | Retry:
    query = fold(text)
    if query in ALL_WORDS:
        return ""
    if not query:
        return Retry(_("Please type part of her name, for example: lan."))
    _rows, total = await members.search(ctx.session, values["branch"]["id"], query, 0, 0)
    if total == 0:
        msg = _('No member of {branch} has a name with "{text}". Try a shorter part of the name.')
        return Retry(msg.format(branch=values["branch"]["name"], text=text.strip()))
    return query


async def results_prompt(ctx: Ctx, values: Values) -> str:
    _rows, total = await _results(ctx, values)
    pages = max(1, -(-total // PAGE))
    if total == 0:
        return _("{branch} has no members yet.").format(branch=values["branch"]["name"])
    lines = [
        _("{count} members found (page {page} of {pages}). Choose one:").format(
            count=total, page=page_of(values) + 1, pages=pages
        )
    ]
    if page_of(values) + 1 < pages:
        lines.append(_('Type "tiếp" for the next page.'))
    return "\n".join(lines)


async def result_options(ctx: Ctx, values: Values) -> list[Option]:
    rows, total = await _results(ctx, values)
    page = page_of(values)
    options = [Option(m.id, member_label(m)) for m in rows]
    if (page + 1) * PAGE < total:
        options.append(Option({"page": page + 1}, N_("Next page")))
    if page > 0:
        options.append(Option({"page": page - 1}, N_("Previous page")))
    return options


async def parse_page(text: str, ctx: Ctx, values: Values) -> Any:
    """Typed paging words stay on this step with another page."""
    word = fold(text)
    page = page_of(values)
    _rows, total = await _results(ctx, values)
    if word in NEXT_WORDS:
        if (page + 1) * PAGE >= total:
            return Retry(_("This is the last page."))
        return Stay({"page": page + 1})
    if word in PREVIOUS_WORDS and page > 0:
        return Stay({"page": page - 1})
    if word and not word.replace(" ", "").isdigit():
        # Another name typed at the list: search again rather than refuse.
        _found, count = await members.search(ctx.session, values["branch"]["id"], word, 0, 0)
        if count:
            values["query"] = word
            return Stay({"page": 0})
    if ctx.caps.buttons:
        return Retry(
            _('Please tap a member in the list, or type part of another name, e.g. "lan".')
        )
    return Retry(_('Please type the number of a member, e.g. "1", or part of another name.'))


async def opened(ctx: Ctx, values: Values) -> list[Reply]:
    picked = values["member"]
    if isinstance(picked, dict):
        # A "next page" button answers the step; reopen the list on that page.
        ctx.begin(FIND.name, {k: values[k] for k in ("branch", "query", "member")})
    else:
        ctx.begin("member_change", {"member_id": int(picked)})
    return []


FIND = Dialog(
    "member_find",
    steps=[
        BRANCH_STEP,
        Ask(
            "query",
            N_("Type part of her name (accents are optional), or show the whole list."),
            parse_query,
            options=[Option("", N_("Show the whole list"))],
            example=N_("For example: nguyen thi lan, or just lan"),
            when=lambda v: "query" not in v,
        ),
        Ask("member", results_prompt, parse_page, options=result_options),
    ],
    on_done=opened,
    on_start=pick_branch,
)
