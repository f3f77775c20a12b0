"""Shared plumbing for CLI commands: settings, one-line failures, one transaction."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import NoReturn, TypeVar

import typer

from bot.config import ConfigError, Settings, load_rules, load_settings
from bot.domain.rules import Rules
from storage import crypto
from storage.db import make_engine, make_sessionmaker
from storage.repositories import data_keys
from storage.sessions import Session

T = TypeVar("T")


class CliError(Exception):
    """Bad input: printed as one line, exit status 1, nothing written."""


def fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def settings() -> Settings:
    try:
        cfg = load_settings()
    except ConfigError as exc:
        fail(str(exc))
    key = cfg.data_key.get_secret_value() if cfg.data_key else None
    crypto.configure(key, crypto.key_file_for(cfg.database_url))
    return cfg


def rules() -> Rules:
    try:
        return load_rules(settings())
    except ConfigError as exc:
        fail(str(exc))


def run_async(fn: Callable[[], Awaitable[T]]) -> T:
    try:
        return asyncio.run(_call(fn))
    except CliError as exc:
        fail(str(exc))


async def _call(fn: Callable[[], Awaitable[T]]) -> T:
    return await fn()


@asynccontextmanager
async def session(url: str | None = None, check_key: bool = False) -> AsyncIterator[Session]:
    """One transaction for the whole command: any error leaves the database unchanged.
    `check_key`: refuse, in one line, a data key this database was not sealed with."""
    engine = make_engine(url or settings().database_url)
    try:
        if check_key:
            async with make_sessionmaker(engine)() as s, s.begin():
                try:
                    await data_keys.verify(s, dt.datetime.now(dt.UTC))
                except data_keys.KeyRefused as exc:
                    raise CliError(str(exc)) from None
        async with make_sessionmaker(engine)() as s, s.begin():
            yield s
    finally:
        await engine.dispose()
