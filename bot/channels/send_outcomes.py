"""Send outcomes beyond `SendError` (issue 19): not now (ZNS at night, a daily quota used
up) and not on this channel (the OA's 7-day window closed). The sender hands both to the
channel steering (bot/scheduler/channel_choice.py)."""

from __future__ import annotations

import datetime as dt

from bot.channels.outbound import SendError


class Deferred(SendError):
    """Not now, and not a failure: try again at `until` (no attempt counted)."""

    def __init__(self, message: str, until: dt.datetime) -> None:
        super().__init__(message)
        self.until = until


class FallBack(SendError):
    """This channel cannot reach her any more (OA: not in the 7-day window); try the next."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)
