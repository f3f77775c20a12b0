"""No personal data or secret in any log line, at DEBUG, over each channel (issue 15.1)."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.logs import MASK, Scrubber
from tests.channels.harness import TG_SECRET, TG_TOKEN, ZALO_SECRET, ZALO_TOKEN
from tests.channels.test_contract import conversation
from tests.channels.wire import TelegramSide, TelegramUser, ZaloSide, ZaloUser

# What the scripted conversation types in: her name, phone and CCCD, as typed and as stored.
PERSONAL = (
    "Bích",
    "bích",
    "tran thi bich",
    "0912 345 678",
    "0912345678",
    "038 190 001 234",
    "038190001234",
)
SECRETS = (TG_TOKEN, TG_SECRET, ZALO_TOKEN, ZALO_SECRET)


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    """Everything logged at DEBUG by any logger, through a plain handler: no scrubber, so
    what it holds is what the sources themselves let through."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield out
    root.removeHandler(handler)
    root.setLevel(level)


def assert_clean(log: io.StringIO) -> None:
    logging.getLogger("chihoi.probe").debug("probe")
    text = log.getvalue()
    assert "DEBUG chihoi.probe probe" in text  # the log was on, at DEBUG
    assert [p for p in (*PERSONAL, *SECRETS) if p.lower() in text.lower()] == []


async def test_telegram_at_debug_logs_nothing_personal(
    telegram: TelegramSide, tg_user: TelegramUser, debug_log: io.StringIO
) -> None:
    chat = await conversation(telegram.world, tg_user)
    assert any("Trần Thị Bích" in t for t in chat.user.seen())  # the data did flow
    assert_clean(debug_log)


async def test_zalo_at_debug_logs_nothing_personal(
    zalo: ZaloSide, zalo_user: ZaloUser, debug_log: io.StringIO
) -> None:
    chat = await conversation(zalo.world, zalo_user)
    assert any("Trần Thị Bích" in t for t in chat.user.seen())
    assert_clean(debug_log)


@pytest.mark.parametrize(
    "said",
    [
        "CCCD 038190001234",
        "CCCD 038 190 001 234",
        "CCCD 038/188/001/234",
        "CCCD 038.188.001.234",
        "CMND 123456789",
        "ĐT 0912345678",
        "ĐT 0912 345 678",
        "ĐT 0912/345/678",
        "ĐT 0912.345.678",
        "ĐT 0912-345-678",
        "ĐT +84 912 345 678",
        "ĐT 84912345678",
        "POST https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe",
    ],
)
def test_the_second_wall_masks_numbers_and_tokens(said: str) -> None:
    out = Scrubber().scrub(said)
    assert MASK in out
    assert not any(ch.isdigit() for ch in out.split(MASK, 1)[0][-1:])  # nothing left before it
    digits = "".join(ch for ch in out if ch.isdigit())
    assert len(digits) < 9, out


def test_the_second_wall_leaves_ordinary_figures() -> None:
    line = "sweep_done day=2026-03-20 added=14 unit=42 took=0.35s"
    assert Scrubber().scrub(line) == line


def test_the_second_wall_masks_secrets_extras_and_tracebacks() -> None:
    scrubber = Scrubber(["s3cret-webhook", "short"])
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(scrubber)
    logger = logging.getLogger("chihoi.test.scrub")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise ValueError("bad phone 0912 345 678 with s3cret-webhook")
        except ValueError:
            logger.exception("failed for %s", "038190001234", extra={"who": "0912345678"})
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    text = out.getvalue()
    assert "ValueError" in text and "failed for" in text
    for leak in ("0912 345 678", "s3cret-webhook", "038190001234"):
        assert leak not in text
    assert "short" not in scrubber.secrets  # too short to mask safely
