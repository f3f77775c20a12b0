"""The attendance tick-list: toggle buttons 8 a page, or typed numbers "1 3 5-9" on Zalo.

One step of the log dialog: a button press goes through `press`, which toggles, pages or
ticks everyone and stays on the step, until "Done" puts the ticked set into `present`.
A typed list is a complete answer on both profiles.
"""

from __future__ import annotations

from typing import Any

from bot.core.context import Ctx
from bot.core.dialogs import Option, Retry, Stay, Values
from bot.core.i18n import N_, _
from bot.core.parsing import NamePicks, out_of_list, read_name_list, read_number_list
from storage.repositories import meetings

PAGE = 8
TICK = "tick"  # the `present` answer that opens the tick-list
DONE = "done"


def ticked(values: Values) -> set[int]:
    return set(values.get("ticked") or ())


async def roster(ctx: Ctx, values: Values) -> list[tuple[int, str]]:
    """Members of the branch (or of its chosen tổ) on the meeting's date: the numbering the
    user sees."""
    return await meetings.roster_on(
        ctx.session, values["branch_id"], values["held_on"], values.get("group_id")
    )


def _mark(on: bool) -> str:
    return "☑" if on else "☐"


async def prompt(ctx: Ctx, values: Values) -> str:
    people = await roster(ctx, values)
    chosen = ticked(values)
    count = sum(1 for mid, _name in people if mid in chosen)
    if ctx.caps.buttons:
        pages = max(1, -(-len(people) // PAGE))
        page = min(int(values.get("page", 0)), pages - 1)
        head = _(
            "Tap the names of the members who came (☑ = present). Page {page} of {pages}; "
            "{count} of {total} ticked. You can also type numbers, e.g. 1 3 5-9."
        )
        return head.format(page=page + 1, pages=pages, count=count, total=len(people))
    lines = [
        _(
            "Type the numbers of the members who came, e.g. 1 3 5-9, "
            'or "all except 4 7" (tất cả trừ 4 7).'
        )
    ]
    for i, (mid, name) in enumerate(people, 1):
        mark = " ✓" if mid in chosen else ""  # a correction starts from the earlier ticks
        lines.append(f"{i}. {name or _('(no name)')}{mark}")
    return "\n".join(lines)


async def options(ctx: Ctx, values: Values) -> list[Option]:
    """Toggle buttons for one page and the page controls; none on the text profile."""
    if not ctx.caps.buttons:
        return []  # Zalo shows the whole numbered list; numbers typed are members, not options
    people = await roster(ctx, values)
    chosen = ticked(values)
    pages = max(1, -(-len(people) // PAGE))
    page = min(int(values.get("page", 0)), pages - 1)
    out: list[Option] = []
    for i, (mid, name) in enumerate(people[page * PAGE : (page + 1) * PAGE], page * PAGE + 1):
        out.append(Option(["t", mid], f"{_mark(mid in chosen)} {i}. {name or _('(no name)')}"))
    if page > 0:
        out.append(Option(["p", page - 1], N_("◀ Previous page")))
    if page < pages - 1:
        out.append(Option(["p", page + 1], N_("Next page ▶")))
    out.append(Option(["all"], N_("Tick everyone")))
    count = sum(1 for mid, _name in people if mid in chosen)
    out.append(Option([DONE], _("✔ Done ({count} present)").format(count=count)))
    return out


def _answered(values: Values, chosen: set[int]) -> str:
    """The tick-list is answered: `present` now holds it, and the dialog moves on."""
    values["ticked"] = chosen
    values["present"] = {"ticked": sorted(chosen)}
    values.pop("page", None)
    return DONE


async def parse(text: str, ctx: Ctx, values: Values) -> Any:
    """A typed list (numbers, or names and parts of names) ticks exactly those people and
    finishes the tick-list; a number off the list or a name found twice is asked about."""
    people = await roster(ctx, values)
    picked = read_number_list(text, len(people))
    if picked is None and (missing := out_of_list(text, len(people))):
        msg = _(
            "{numbers} is not on the list of {count} people. Please type numbers from 1 to "
            "{count}, e.g. 1 3."
        )
        shown = ", ".join(map(str, missing))
        return Retry(msg.format(numbers=shown, count=len(people)))
    if picked is None:
        by_name = read_name_list(text, [name or "" for _mid, name in people])
        if by_name is not None and (problem := _name_problem(by_name)):
            return Retry(problem)
        picked = set(by_name.picked) if by_name is not None else None
    if not picked:
        return Retry(
            _('Please type the numbers or the names from the list, e.g. 1 3 5-9, or "lan, hoa".')
        )
    return _answered(values, {people[i - 1][0] for i in picked})


def _name_problem(found: NamePicks) -> str:
    if found.unknown:
        msg = _("Nobody on the list is called {name}. Type the numbers from the list, e.g. 1 3.")
        return msg.format(name=", ".join(found.unknown))
    if found.ambiguous:
        said, where = found.ambiguous[0]
        msg = _('"{name}" is on the list more than once ({numbers}); please type the number.')
        return msg.format(name=said, numbers=", ".join(map(str, where)))
    return ""


async def press(picked: Any, ctx: Ctx, values: Values) -> Any:
    """A button: toggle a name, turn the page or tick everyone and stay; "Done" answers."""
    action = list(picked or [DONE])
    chosen = ticked(values)
    if action[0] == DONE:
        if not chosen:  # "Xong" with nobody ticked would log a meeting nobody attended
            return Retry(
                _(
                    "Nobody is ticked yet. Tap the names of those who came, or type numbers, e.g. 1 3."
                )
            )
        return _answered(values, chosen)
    if action[0] == "t":
        chosen ^= {int(action[1])}
    elif action[0] == "p":
        values["page"] = int(action[1])
    elif action[0] == "all":
        chosen = {mid for mid, _name in await roster(ctx, values)}
    values["ticked"] = chosen
    return Stay(None)
