"""The chat's names of the special audiences (bot/domain/audiences.py holds the table); the member screens and the reports share them."""

from __future__ import annotations

from collections.abc import Iterable

from bot.core.i18n import N_, Msg, tr
from bot.domain.audiences import AUDIENCES

# One msgid per audience code; tests hold that every code of the table has one.
LABELS: dict[str, Msg] = {
    "young": N_("Young woman (under 35)"),
    "elderly": N_("Elderly"),
    "worker": N_("Woman worker"),
    "migrant": N_("Working far away"),
    "trader": N_("Trader or business woman"),
    "civil_servant": N_("Civil servant or public employee"),
    "intellectual": N_("Intellectual"),
    "student": N_("Student"),
    "temporary": N_("Temporary resident"),
    "urban": N_("Apartment or urban resident"),
    "farm_owner": N_("Farm owner"),
    "disadvantaged": N_("Poor, single or disadvantaged"),
    "disabled": N_("With a disability"),
    "ethnic_minority": N_("Ethnic minority"),
    "religious": N_("Religious follower"),
}


def label(code: str) -> str:
    return tr(LABELS[code]) if code in LABELS else code


def labels(codes: Iterable[str]) -> list[str]:
    """Names in the table's order, whatever order the codes come in."""
    wanted = set(codes)
    return [label(a.code) for a in AUDIENCES if a.code in wanted]
