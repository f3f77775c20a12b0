"""Per channel and bot: messages sent and failed this month, and the quota left (issue 19
item 4), as plain lines for `chihoi zalo channels` (the admins' chat screen is
handlers/channels.py); the figures come from storage/repositories/channel_quota.py."""

from __future__ import annotations

from storage.repositories.channel_quota import ChannelLine


def plain(lines: list[ChannelLine]) -> list[str]:
    """One line per channel for the CLI (English, tab-separated)."""
    rows = ["channel\tsent\tfailed\twaiting\tquota (bot used/allowance, left)"]
    for line in lines:
        q = ", ".join(
            f"{bot} {used}/{allow if allow is not None else '?'}, left {left if left is not None else '?'}"
            for bot, used, allow, left in line.quotas
        )
        rows.append(f"{line.channel}\t{line.sent}\t{line.failed}\t{line.waiting}\t{q or '-'}")
    return rows
