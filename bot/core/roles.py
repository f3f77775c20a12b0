"""Human names of roles, translated."""

from __future__ import annotations

from bot.core.i18n import N_, Msg, tr
from bot.domain.enums import RoleKind

ROLE_NAMES: dict[RoleKind, Msg] = {
    RoleKind.BRANCH_HEAD: N_("branch head"),
    RoleKind.BRANCH_DEPUTY: N_("branch deputy"),
    RoleKind.COMMUNE_CHAIR: N_("commune chair"),
    RoleKind.COMMUNE_OFFICER: N_("commune officer"),
    RoleKind.PROVINCE_OFFICER: N_("province officer"),
    RoleKind.ADMIN: N_("administrator"),
}


def role_name(kind: RoleKind) -> str:
    return tr(ROLE_NAMES[kind])
