"""Keep member data and secrets out of logs, at every level.

Two walls. At the source: SQLAlchemy's row lines and the drivers' call lines are dropped,
and the libraries that log whole updates, message texts or URLs holding the bot token
(python-telegram-bot, httpx, httpcore) are held at INFO or WARNING whatever
CHIHOI_LOG_LEVEL says. On the root handler: a scrubber masks ID numbers (CCCD 12 digits,
CMND 9), phone numbers in any separator style, bot tokens and every configured secret in
the message, its extras and its traceback, for whatever a later library change lets through.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.domain.pii import MASK, mask_numbers

# At DEBUG, SQLAlchemy logs every fetched row ("Row (...)") whatever hide_parameters
# says, and aiosqlite logs each call with its bound values. Both would write names,
# phones and dialog state into the log; statements themselves stay visible.
_ROW_LOGGERS = ("sqlalchemy.engine.Engine", "sqlalchemy.engine")
_DRIVER_LOGGERS = ("aiosqlite",)
# Libraries whose DEBUG lines carry updates and sent texts (telegram), or whose INFO lines
# carry request URLs with the bot token in the path (httpx): the lowest level they may use.
LIBRARY_FLOORS: dict[str, int] = {
    "telegram": logging.INFO,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "hpack": logging.WARNING,
    "aiohttp": logging.INFO,
    "uvicorn.access": logging.WARNING,
    "apscheduler": logging.WARNING,
    "alembic": logging.WARNING,
}


class _DropRows(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.startswith("Row "))


class _DropDebug(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


class Scrubber(logging.Filter):
    """Masks personal numbers, tokens and known secrets in a record before any handler
    formats it (message, string extras, and the traceback text)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets: set[str] = set()
        self.add_secrets(secrets)

    def add_secrets(self, secrets: Iterable[str]) -> None:
        # Short values would mask ordinary words; settings refuse such secrets anyway.
        self.secrets.update(s for s in secrets if s and len(s) >= 6)

    def scrub(self, text: str) -> str:
        for secret in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(secret, MASK)
        return mask_numbers(text)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.scrub(record.getMessage())
        record.args = None
        for key, value in vars(record).items():
            if key not in _STANDARD and isinstance(value, str):
                setattr(record, key, self.scrub(value))
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.scrub(record.exc_text)
        return True


_STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
SCRUBBER = Scrubber()
_installed = False


def install() -> None:
    """Idempotent; logger filters apply to every handler, pytest's caplog included."""
    global _installed
    if _installed:
        return
    for name in _ROW_LOGGERS:
        logging.getLogger(name).addFilter(_DropRows())
    for name in _DRIVER_LOGGERS:
        logging.getLogger(name).addFilter(_DropDebug())
    hold_libraries()
    _installed = True


def hold_libraries() -> None:
    """Raise each chatty library's level to its floor (never lower one set higher)."""
    for name, floor in LIBRARY_FLOORS.items():
        logger = logging.getLogger(name)
        if logger.level < floor:
            logger.setLevel(floor)


def scrubbed(handler: logging.Handler, secrets: Iterable[str] = ()) -> logging.Handler:
    """The handler with the shared scrubber on it, knowing these secrets too."""
    SCRUBBER.add_secrets(secrets)
    if SCRUBBER not in handler.filters:
        handler.addFilter(SCRUBBER)
    return handler
