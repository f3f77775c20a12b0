"""Sealing platform secrets at rest (the Zalo OA's tokens) under the data key, the way ID
numbers are sealed (AES-GCM, version byte, random nonce), with an AAD of their own so a
sealed token can never be passed off as an ID number or a phone. `chihoi keys rotate`
re-seals them with the other sealed values (storage/repositories/data_keys_others.py)."""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from storage import crypto

_VERSION = b"\x01"
_NONCE = 12


def _aad(what: str) -> bytes:
    return b"chihoi:zalo-oa:" + what.encode()


def seal_token(value: str, what: str, k: crypto.DataKeys | None = None) -> bytes:
    nonce = os.urandom(_NONCE)
    box = AESGCM((k or crypto.keys()).enc)
    return _VERSION + nonce + box.encrypt(nonce, value.encode(), _aad(what))


def open_token(blob: bytes, what: str, k: crypto.DataKeys | None = None) -> str:
    blob = bytes(blob)
    if blob[:1] != _VERSION:
        raise crypto.KeyMismatch(f"unknown {what} token encoding")
    nonce, sealed = blob[1 : 1 + _NONCE], blob[1 + _NONCE :]
    try:
        return AESGCM((k or crypto.keys()).enc).decrypt(nonce, sealed, _aad(what)).decode()
    except InvalidTag:
        raise crypto.KeyMismatch(
            f"the stored {what} token does not open with this data key"
        ) from None
