"""Personal-data crypto: AES-GCM for ID and phone numbers at rest, HMAC blind indexes for
duplicates. Each kind of number has its own AAD and index prefix, so a sealed phone can
never be passed off as an ID number (or the reverse) and their indexes never coincide."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.domain.textkeys import mask_id
from storage import VAR_DIR

KEY_FILE = VAR_DIR / "data.key"
KEY_FILE_NAME = "data.key"
_CHECK = b"chihoi/data-key-check/v1"
_CODE_INFO = b"chihoi/invite-codes/hmac"
# One master secret, two independent sub-keys: the index key can be rotated or
# disclosed for an audit without exposing the encryption key, and vice versa.
_SALT = b"chihoi-data-key-v1"
_ENC_INFO = b"chihoi/id-number/aes-256-gcm"
_INDEX_INFO = b"chihoi/id-number/blind-index"
_AAD = b"chihoi:member:cccd"
_PHONE_AAD = b"chihoi:member:phone"
_PHONE_INDEX = b"phone:"
_VERSION = b"\x01"
_NONCE = 12
MIN_SECRET = 16


class KeyMissing(RuntimeError):
    """No data key configured: ID numbers can neither be stored nor read."""


class KeyMismatch(RuntimeError):
    """A stored ID number does not open with this key (wrong or rotated key)."""


@dataclass(frozen=True)
class DataKeys:
    enc: bytes
    index: bytes
    codes: bytes = b""

    def __repr__(self) -> str:  # keys never reach a traceback or a log
        return "DataKeys(***)"


def derive(secret: str) -> DataKeys:
    """Split the master secret into the encryption key and the blind-index key (HKDF-SHA256)."""
    raw = secret.strip().encode("utf-8")
    if len(raw) < MIN_SECRET:
        raise KeyMissing(f"CHIHOI_DATA_KEY must be at least {MIN_SECRET} characters long")

    def sub(info: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=info).derive(raw)

    return DataKeys(enc=sub(_ENC_INFO), index=sub(_INDEX_INFO), codes=sub(_CODE_INFO))


def key_file_for(database_url: str) -> Path:
    """Where the demo keeps its data key: beside an SQLite database file (so a command run
    from another folder finds the same key), else in ./var/."""
    prefix = "sqlite+aiosqlite:///"
    if database_url.startswith(prefix):
        path = database_url[len(prefix) :].split("?", 1)[0]
        if path and path != ":memory:":
            return Path(path).resolve().parent / KEY_FILE_NAME
    return KEY_FILE.resolve()


_configured: str | None = None
_key_file: Path | None = None


def configure(secret: str | None, key_file: Path | None = None) -> None:
    """The entry point hands over CHIHOI_DATA_KEY as its settings read it (``.env`` too),
    and where a demo key file would be."""
    global _configured, _key_file
    reset()
    _configured = secret
    _key_file = key_file


def load_secret(key_file: Path | None = None) -> str:
    """CHIHOI_DATA_KEY, else the demo key file `chihoi demo seed` writes."""
    configured = _configured or os.environ.get("CHIHOI_DATA_KEY")
    if configured:
        return configured
    key_file = key_file or _key_file or KEY_FILE
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    raise KeyMissing(
        f"set CHIHOI_DATA_KEY (or run `chihoi demo seed`, which writes {key_file}) "
        "before storing ID numbers"
    )


_cached: DataKeys | None = None


def keys() -> DataKeys:
    """The process's data keys, read once."""
    global _cached
    if _cached is None:
        _cached = derive(load_secret())
    return _cached


def reset() -> None:
    """Forget the configured secret and the cached keys (tests, or a configuration change)."""
    global _cached, _configured, _key_file
    _cached = None
    _configured = None
    _key_file = None


def check_value(k: DataKeys | None = None) -> str:
    """What a database stores to recognise the key it was written with (reveals nothing of it)."""
    return hmac.new((k or keys()).index, _CHECK, hashlib.sha256).hexdigest()


def has_key() -> bool:
    try:
        keys()
    except KeyMissing:
        return False
    return True


def _seal(digits: str, aad: bytes, k: DataKeys | None) -> bytes:
    """version byte + random nonce + AES-GCM ciphertext and tag."""
    nonce = os.urandom(_NONCE)
    return _VERSION + nonce + AESGCM((k or keys()).enc).encrypt(nonce, digits.encode(), aad)


def _open(blob: bytes, aad: bytes, what: str, k: DataKeys | None) -> str:
    if blob[:1] != _VERSION:
        raise KeyMismatch(f"unknown {what} encoding")
    nonce, sealed = blob[1 : 1 + _NONCE], blob[1 + _NONCE :]
    try:
        return AESGCM((k or keys()).enc).decrypt(nonce, sealed, aad).decode("ascii")
    except InvalidTag:
        raise KeyMismatch(f"a stored {what} does not open with this data key") from None


def encrypt_id(digits: str, k: DataKeys | None = None) -> bytes:
    return _seal(digits, _AAD, k)


def decrypt_id(blob: bytes, k: DataKeys | None = None) -> str:
    return _open(blob, _AAD, "ID number", k)


def encrypt_phone(phone: str, k: DataKeys | None = None) -> bytes:
    return _seal(phone, _PHONE_AAD, k)


def decrypt_phone(blob: bytes, k: DataKeys | None = None) -> str:
    return _open(blob, _PHONE_AAD, "phone number", k)


def phone_index(phone: str, k: DataKeys | None = None) -> str:
    """The blind index of a phone number (its own prefix: never equal to an ID's index)."""
    return hmac.new((k or keys()).index, _PHONE_INDEX + phone.encode(), hashlib.sha256).hexdigest()


def blind_index(digits: str, k: DataKeys | None = None) -> str:
    """HMAC-SHA256 of the digits: equal numbers give equal indexes, nothing else leaks."""
    return hmac.new((k or keys()).index, digits.encode("ascii"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class SealedId:
    """An ID number ready to store: ciphertext, blind index and the masked form for display.

    Dialog state holds this, never the digits, so the conversation row is safe at rest too.
    """

    blob: bytes
    index: str
    masked: str

    def to_json(self) -> dict[str, str]:
        return {
            "blob": base64.b64encode(self.blob).decode(),
            "index": self.index,
            "masked": self.masked,
        }

    @classmethod
    def from_json(cls, data: dict[str, str]) -> SealedId:
        return cls(base64.b64decode(data["blob"]), data["index"], data["masked"])


def seal_id(digits: str, k: DataKeys | None = None) -> SealedId:
    k = k or keys()
    return SealedId(encrypt_id(digits, k), blind_index(digits, k), mask_id(digits))


@dataclass(frozen=True)
class SealedPhone:
    """A phone ready to store; dialog state holds this, never the digits."""

    blob: bytes
    index: str

    def to_json(self) -> dict[str, str]:
        return {"blob": base64.b64encode(self.blob).decode(), "index": self.index}

    @classmethod
    def from_json(cls, data: dict[str, str]) -> SealedPhone:
        return cls(base64.b64decode(data["blob"]), data["index"])

    def digits(self) -> str:
        return decrypt_phone(self.blob)


def seal_phone(phone: str | None, k: DataKeys | None = None) -> SealedPhone | None:
    if not phone:
        return None
    return SealedPhone(encrypt_phone(phone, k), phone_index(phone, k))


def code_hash(code: str) -> str:
    """How an invite or link code is stored: an HMAC under a sub-key of the data key, so a
    leaked database cannot be searched for live codes (8 characters of 31 is guessable
    offline against a plain hash). Without a data key (a bare development start) it is a
    plain SHA-256."""
    if not has_key():
        return legacy_code_hash(code)
    return hmac.new(keys().codes, code.encode(), hashlib.sha256).hexdigest()


def legacy_code_hash(code: str) -> str:
    """Codes stored before they were keyed (still open when this version was deployed)."""
    return hashlib.sha256(code.encode()).hexdigest()
