"""A command group that imports a sub-command's module only when that sub-command runs."""

from __future__ import annotations

import importlib
from typing import ClassVar

import typer
from typer import _click as click  # typer carries its own click
from typer.core import TyperCommand, TyperGroup

Typer = typer.Typer


class LazyGroup(TyperGroup):
    """Sub-groups named in `table` (name → (module, help)) load on first use; while the group
    prints its own help they are stand-ins carrying just their one-line help."""

    table: ClassVar[dict[str, tuple[str, str]]] = {}
    _listing = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.table})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is not None or cmd_name not in self.table:
            return found
        module, short = self.table[cmd_name]
        if self._listing:
            return TyperCommand(cmd_name, help=short)
        group = typer.main.get_group(importlib.import_module(module).app)
        group.name = cmd_name
        self.add_command(group, cmd_name)
        return group

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False
