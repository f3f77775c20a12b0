"""A member's name as typed: misplaced answers refused, and a name typed without accents
matched against the commune's names ("nguyen thi lan" -> "Nguyễn Thị Lan?") or confirmed
as typed, never stored unasked."""

from __future__ import annotations

from collections import Counter

from bot.core.context import Ctx
from bot.core.dialogs import Retry, Values
from bot.core.i18n import _
from bot.core.parsing import read_yes_no
from bot.domain.enums import Level
from bot.domain.textkeys import fold
from handlers import members_rules as rules
from storage.repositories import members, org

OFFER, TYPED = "_name_offer", "_name_typed"
KEEP_WORDS = frozenset(("giu nguyen", "giu", "de nguyen", "nhu vay", "nhu tren", "keep"))


async def parse_name(text: str, ctx: Ctx, values: Values) -> str | Retry:
    offer, typed = values.pop(OFFER, None), values.pop(TYPED, None)
    if typed is not None and fold(text) in KEEP_WORDS:
        return str(typed)
    if typed is not None and read_yes_no(text) is True:
        return str(offer or typed)
    got = rules.check_name(text)
    if isinstance(got, rules.Problem):
        return Retry(got.reason)
    if rules.has_accents(got):
        return got
    values[TYPED] = got
    spelled = await _accented(ctx, values, got)
    if spelled is not None:
        values[OFFER] = spelled
        msg = _(
            'The commune has the name {spelled}. Is that the spelling? Answer "yes", '
            'or "giữ nguyên" to keep {typed} as typed.'
        )
        return Retry(msg.format(spelled=spelled, typed=got))
    msg = _(
        'You typed {typed} without accents. Please type it with accents, or "giữ nguyên" '
        "to keep it as typed."
    )
    return Retry(msg.format(typed=got))


async def _accented(ctx: Ctx, values: Values, name: str) -> str | None:
    """The most common accented spelling of this name among the commune's members: the
    whole name if one is there, else word by word when every word is known."""
    branch = values.get("branch") or {}
    branch_id = branch.get("id") if isinstance(branch, dict) else None
    if branch_id is None and values.get("member_id") is not None:  # correcting her name
        member = await members.by_id(ctx.session, int(values["member_id"]))
        branch_id = member.branch_id if member is not None else None
    if branch_id is None:
        return None
    unit = await org.by_id(ctx.session, int(branch_id))
    if unit is None:
        return None
    commune = await org.ancestor_at(ctx.session, unit, Level.COMMUNE) or unit
    branch_ids = [u.id for u in await org.subtree(ctx.session, commune, Level.BRANCH)] or [unit.id]
    key = fold(name)
    words = key.split()
    spellings: dict[str, Counter[str]] = {w: Counter() for w in words}
    whole: Counter[str] = Counter()
    for word in set(words):
        for full in await members.names_in(ctx.session, branch_ids, word):
            if fold(full) == key:
                whole[full] += 1
            for part in full.split():
                if fold(part) in spellings and rules.has_accents(part):
                    spellings[fold(part)][part] += 1
    if whole:
        return whole.most_common(1)[0][0]
    parts = [spellings[w].most_common(1)[0][0] if spellings[w] else _upper(w) for w in words]
    spelled = " ".join(parts)
    return spelled if rules.has_accents(spelled) else None


def _upper(word: str) -> str:
    return word[:1].upper() + word[1:]
