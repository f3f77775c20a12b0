"""The `chihoi` command: one sub-command group per area, each in its own module.

Each group's module is imported only when that group runs (`chihoi org tree` never loads
the channels, charts or migrations): `--help` reads the table below instead of the modules.
"""

from __future__ import annotations

from bot import logs
from bot.cli.lazy import LazyGroup, Typer

logs.install()  # no member data in any log line, whatever the level

# name → (module holding its `app`, the one-line help shown by `chihoi --help`)
GROUPS: dict[str, tuple[str, str]] = {
    "db": ("bot.cli.db", "Database schema."),
    "org": ("bot.cli.org", "Organisation tree."),
    "invite": ("bot.cli.invite", "Invite codes."),
    "demo": ("bot.cli.demo", "Demo data."),
    "jobs": ("bot.cli.jobs", "Reminders: sweeps and the outbox."),
    "members": ("bot.cli.members", "Member lists (Excel)."),
    "privacy": ("bot.cli.privacy", "Data-subject requests for members and officers."),
    "keys": ("bot.cli.keys", "The data key that seals ID numbers."),
    "people": ("bot.cli.people", "Officers: roles and linked apps."),
    "report": ("bot.cli.report", "Reports: coverage, meetings, attendance, members."),
    "dues": ("bot.cli.dues", "Dues, branch funds and the yearly assessment."),
    "zalo": ("bot.cli.zalo", "Zalo bots, Official Account, ZNS, channels."),
    "clubs": ("bot.cli.clubs", "Clubs, special audiences, incoming women."),
}
LazyGroup.table = GROUPS

app = Typer(
    cls=LazyGroup, no_args_is_help=True, add_completion=False, help="chihoi: Women's Union bot"
)


@app.callback()
def main() -> None:
    """chihoi: Women's Union bot"""  # a callback keeps `chihoi` a group of commands


@app.command("run")
def run() -> None:
    """Serve every configured channel; the web simulator when none is (or CHIHOI_SIMULATOR=1)."""
    from bot.cli.run import run as serve

    serve()
