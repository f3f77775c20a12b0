"""Which Zalo bot serves a unit (ZALO_BOT_UNITS), for a national deployment with one bot per
commune or province: the invite tells her which bot to write to."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def bot_for(codes_up: Sequence[str], units_of_bot: Mapping[str, Sequence[str]]) -> str | None:
    """The bot assigned to the nearest of `codes_up` (the unit first, then its ancestors)."""
    for code in codes_up:
        for bot, codes in units_of_bot.items():
            if code in codes:
                return bot
    return None
