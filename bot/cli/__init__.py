"""The `chihoi` command: one sub-command group per area, each in its own module."""

from __future__ import annotations

import typer

from bot import logs
from bot.cli import clubs, db, demo, invite, jobs, keys, members, org, people, privacy, report, run
from bot.cli import dues as dues_cli  # issue 17
from bot.cli import zalo as zalo_cli

logs.install()  # no member data in any log line, whatever the level

app = typer.Typer(no_args_is_help=True, add_completion=False, help="chihoi: Women's Union bot")
app.add_typer(db.app, name="db")
app.add_typer(org.app, name="org")
app.add_typer(invite.app, name="invite")
app.add_typer(demo.app, name="demo")
app.add_typer(jobs.app, name="jobs")
app.add_typer(members.app, name="members")
app.add_typer(privacy.app, name="privacy")
app.add_typer(keys.app, name="keys")
app.add_typer(people.app, name="people")
app.add_typer(report.app, name="report")
app.add_typer(dues_cli.app, name="dues")
app.add_typer(zalo_cli.app, name="zalo")  # issue 19
app.add_typer(clubs.app, name="clubs")
app.command("run")(run.run)
