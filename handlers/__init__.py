"""Every feature of the bot, one module each; the order here is the menu's tie-break."""

from __future__ import annotations

from bot.core.features import Feature, Registry
from handlers import channels as channel_prefs  # issue 19
from handlers import (
    clubs,
    dashboard,
    groups,
    meetings,
    members,
    onboarding,
    overview,
    reminders,
    reports,
    reviews,
    reviews_commune,
    settings,
    unit_figures,
    unit_targets,
)

FEATURES: list[Feature] = [
    onboarding.FEATURE,
    overview.FEATURE,
    members.FEATURE,
    meetings.FEATURE,
    groups.FEATURE,
    reviews.FEATURE,
    reviews_commune.FEATURE,
    unit_figures.FEATURE,
    unit_targets.FEATURE,
    clubs.FEATURE,
    reports.FEATURE,
    dashboard.FEATURE,
    reminders.FEATURE,
    settings.FEATURE,
    channel_prefs.FEATURE,
]


def registry() -> Registry:
    return Registry(FEATURES)
