"""What happened to a member, chosen or said in words ("đã mất", "đi làm ăn xa"): the first
question of a member change."""

from __future__ import annotations

from bot.core.context import Ctx
from bot.core.dialogs import Option, Retry, Values
from bot.core.i18n import N_, Msg, _, tr
from bot.domain.enums import MemberStatus
from bot.domain.textkeys import fold

ACTIONS: dict[str, Msg] = {
    "move": N_("Moved to another branch"),
    "migrate": N_("Went to work far away"),
    "return": N_("Came back from working far away"),
    "leave": N_("Left the Union"),
    "die": N_("Died"),
    "residence": N_("Residence"),
    "correct": N_("Correct her details"),
    "close": N_("Nothing, go back"),
}


def action_options(ctx: Ctx, values: Values) -> list[Option]:
    status = MemberStatus(values["status"])
    if status in (MemberStatus.LEFT, MemberStatus.DIED, MemberStatus.MOVED_AWAY):
        keys = ["correct", "close"]
    elif status == MemberStatus.MIGRANT:
        keys = ["move", "return", "leave", "die", "residence", "correct", "close"]
    else:
        keys = ["move", "migrate", "leave", "die", "residence", "correct", "close"]
    return [Option(k, ACTIONS[k]) for k in keys]


# What happened, said in her own words; an action not offered for this member is not taken.
ACTION_WORDS: dict[str, str] = {
    **dict.fromkeys(("chuyen", "chuyen di", "chuyen chi hoi", "chuyen sinh hoat"), "move"),
    **dict.fromkeys(("di lam an xa", "di lam xa", "lam an xa", "di xa", "di lam"), "migrate"),
    **dict.fromkeys(("da ve", "ve roi", "tro ve", "ve que"), "return"),
    **dict.fromkeys(("ra hoi", "ra khoi hoi", "xin ra khoi hoi", "xin ra", "bo hoi"), "leave"),
    **dict.fromkeys(("mat", "qua doi", "chet", "tu tran", "mat roi", "da qua doi"), "die"),
    **dict.fromkeys(("noi o", "cho o", "cu tru", "noi cu tru", "dia chi", "tam tru"), "residence"),
    **dict.fromkeys(("sua", "sua thong tin", "sai thong tin", "sua lai"), "correct"),
    **dict.fromkeys(("khong co gi", "khong", "khong thay doi", "thoi"), "close"),
}


def parse_action(text: str, ctx: Ctx, values: Values) -> str | Retry:
    offered = [o.value for o in action_options(ctx, values)]
    action = ACTION_WORDS.get(fold(text))
    if action in offered:
        return str(action)
    msg = _('Please choose what changed for her, for example "{label}".')
    return Retry(msg.format(label=tr(ACTIONS["die"] if "die" in offered else ACTIONS["correct"])))
