"""Keep member data out of logs: drop driver and SQLAlchemy debug lines that carry row values."""

from __future__ import annotations

import logging

# At DEBUG, SQLAlchemy logs every fetched row ("Row (...)") whatever hide_parameters
# says, and aiosqlite logs each call with its bound values. Both would write names,
# phones and dialog state into the log; statements themselves stay visible.
_ROW_LOGGERS = ("sqlalchemy.engine.Engine", "sqlalchemy.engine")
_DRIVER_LOGGERS = ("aiosqlite",)


class _DropRows(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.startswith("Row "))


class _DropDebug(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


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
    _installed = True
