"""The OA webhook's wire (ZALO-OA.md §2): the signature formula and its unsettled terms,
dedupe keys, what counts as her interaction, and the PKCE pair."""

from __future__ import annotations

import base64
import hashlib
import json

from bot.channels import zalo_oa_webhook as wire
from bot.channels.zalo_config import ZaloSettings
from bot.channels.zalo_oa_client import pkce_pair
from bot.channels.zalo_oa_setup import sign_terms

BODY = {"app_id": "360", "event_name": "user_send_text", "sender": {"id": "246"},
        "recipient": {"id": "388"}, "message": {"text": "hi", "msg_id": "96d3"},
        "timestamp": "1543908534740"}  # fmt: skip


def mac(first: str, secret: str, raw: bytes) -> str:
    """sha256(app id + raw body + timestamp + secret), hex, with the "mac=" prefix."""
    return (
        "mac="
        + hashlib.sha256((first + raw.decode() + "1543908534740" + secret).encode()).hexdigest()
    )


def test_the_signature_is_plain_sha256_of_id_body_timestamp_secret() -> None:
    raw = json.dumps(BODY).encode()
    assert wire.signed(raw, mac("360", "oa-key", raw), ["360"], ["oa-key"])
    assert wire.signed(
        raw, mac("360", "oa-key", raw).upper().replace("MAC=", "mac="), ["360"], ["oa-key"]
    )
    assert not wire.signed(raw, mac("388", "oa-key", raw), ["360"], ["oa-key"])
    assert not wire.signed(raw, None, ["360"], ["oa-key"])
    assert not wire.signed(b"not json", "mac=00", ["360"], ["oa-key"])
    # ZALO_OA_SIGNATURE_ID=both: the OA id as the first term is accepted too.
    assert wire.signed(raw, mac("388", "oa-key", raw), ["360", "388"], ["oa-key"])


def test_which_terms_the_settings_allow() -> None:
    z = ZaloSettings(ZALO_OA_ID="388", ZALO_OA_APP_ID="360", ZALO_OA_APP_SECRET="app-s",
                     ZALO_OA_SECRET_KEY="oa-k")  # fmt: skip
    assert sign_terms(z) == (["360"], ["oa-k"])
    both = z.model_copy(update={"oa_sign_id": "both", "oa_sign_secret": "both"})
    assert sign_terms(both) == (["360", "388"], ["oa-k", "app-s"])


def test_dedupe_keys_and_interactions() -> None:
    assert wire.dedupe_key(BODY) == "m|96d3"
    seen = {"event_name": "user_seen_message", "message": {"msg_ids": ["a", "b"]}}
    assert wire.dedupe_key(seen) == "m|a,b"
    follow = {"event_name": "follow", "follower": {"id": "246"}, "timestamp": "1"}
    assert wire.dedupe_key(follow) == "e|follow|1|246"
    assert wire.parse(seen) is None  # receipts are not her interactions
    assert wire.parse({**BODY, "event_name": "oa_send_text"}) is None  # nor our echoes
    event = wire.parse(follow)
    assert event is not None and event.user_id == "246" and event.interaction


def test_pkce_is_rfc7636_s256() -> None:
    verifier, challenge = pkce_pair()
    assert len(verifier) == 43
    digest = hashlib.sha256(verifier.encode()).digest()
    assert challenge == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
