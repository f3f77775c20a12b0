"""Human names of roles and levels, translated."""

from __future__ import annotations

from bot.core.i18n import N_, Msg, tr
from bot.domain.enums import Level, RoleKind

ROLE_NAMES: dict[RoleKind, Msg] = {
    RoleKind.BRANCH_HEAD: N_("branch head"),
    RoleKind.BRANCH_DEPUTY: N_("branch deputy"),
    RoleKind.COMMUNE_CHAIR: N_("commune chair"),
    RoleKind.COMMUNE_OFFICER: N_("commune officer"),
    RoleKind.PROVINCE_OFFICER: N_("province officer"),
    RoleKind.ADMIN: N_("administrator"),
}

LEVEL_NAMES: dict[Level, Msg] = {
    Level.CENTRAL: N_("central"),
    Level.PROVINCE: N_("province"),
    Level.DISTRICT: N_("district"),
    Level.COMMUNE: N_("commune"),
    Level.BRANCH: N_("branch"),
    Level.GROUP: N_("group"),
}


def role_name(kind: RoleKind) -> str:
    return tr(ROLE_NAMES[kind])


def level_name(level: Level) -> str:
    return tr(LEVEL_NAMES[level])
