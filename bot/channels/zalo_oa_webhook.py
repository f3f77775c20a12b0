"""The OA webhook's wire (ZALO-OA.md §2): the signature, the dedupe key, and which events
are her interactions (they open the 48 h / 7-day window) and which carry a message."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

SIGNATURE_HEADER = "X-ZEvent-Signature"
# Receipts and echoes of our own messages are not interactions (§2.4).
NOT_INTERACTIONS = ("user_received_message", "user_seen_message", "oa_send_")
MEDIA = {
    "user_send_image": "message.image.received",
    "user_send_gif": "message.image.received",
    "user_send_sticker": "message.sticker.received",
    "user_send_audio": "message.voice.received",
    "user_send_video": "message.file.received",
    "user_send_file": "message.file.received",
    "user_send_link": "message.file.received",
    "user_send_location": "message.location.received",
    "user_send_business_card": "message.file.received",
}
CHOICE = "#c:"  # a button's payload: the choice key, as Telegram's callback data


def expected_macs(
    raw: bytes, timestamp: str, ids: Sequence[str], secrets: Sequence[str]
) -> list[str]:
    """sha256(id + raw body + timestamp + secret), for each id and secret the settings allow
    (§2.3: sources disagree on app id vs OA id and OA secret key vs app secret)."""
    body = raw.decode("utf-8")
    return [
        hashlib.sha256((i + body + timestamp + k).encode("utf-8")).hexdigest()
        for i in ids
        for k in secrets
        if i and k
    ]


def signed(raw: bytes, header: str | None, ids: Sequence[str], secrets: Sequence[str]) -> bool:
    if not header:
        return False
    mac = header.strip()
    mac = mac[4:] if mac.lower().startswith("mac=") else mac
    try:
        body = json.loads(raw)
        timestamp = str(body.get("timestamp", "")) if isinstance(body, dict) else ""
    except (ValueError, UnicodeDecodeError, RecursionError):
        return False
    # compare_digest on each candidate; any() may stop early, the set of candidates is public
    return any(
        hmac.compare_digest(m, mac.lower()) for m in expected_macs(raw, timestamp, ids, secrets)
    )


@dataclass(frozen=True, slots=True)
class OaEvent:
    name: str
    user_id: str  # the OA-scoped id of the woman (never the OA's own id)
    msg_id: str
    text: str | None
    at: dt.datetime
    interaction: bool


def dedupe_key(body: dict[str, Any]) -> str:
    """msg_id when there is one (every id of a seen receipt), else (event, time, user)."""
    message = body.get("message") if isinstance(body.get("message"), dict) else {}
    assert isinstance(message, dict)
    if message.get("msg_id"):
        return f"m|{message['msg_id']}"
    if isinstance(message.get("msg_ids"), list):
        return "m|" + ",".join(str(i) for i in message["msg_ids"])[:190]
    sender = body.get("sender") if isinstance(body.get("sender"), dict) else {}
    assert isinstance(sender, dict)
    who = sender.get("id") or (body.get("follower") or {}).get("id") or body.get("user_id") or ""
    return f"e|{body.get('event_name', '')}|{body.get('timestamp', '')}|{who}"[:200]


def parse(body: dict[str, Any]) -> OaEvent | None:
    name = str(body.get("event_name", ""))
    if not name or any(name.startswith(p) for p in NOT_INTERACTIONS):
        return None
    sender = body.get("sender") if isinstance(body.get("sender"), dict) else None
    follower = body.get("follower") if isinstance(body.get("follower"), dict) else None
    user = (sender or follower or {}).get("id") or body.get("user_id")
    if not user:
        return None
    message = body.get("message") if isinstance(body.get("message"), dict) else {}
    assert isinstance(message, dict)
    try:
        at = dt.datetime.fromtimestamp(int(str(body.get("timestamp"))) / 1000, dt.UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        at = dt.datetime.now(dt.UTC)
    text = message.get("text")
    return OaEvent(
        name=name,
        user_id=str(user),
        msg_id=str(message.get("msg_id") or dedupe_key(body)),
        text=text if isinstance(text, str) else None,
        at=at,
        interaction=True,
    )
