"""A small async client for the Zalo Official Account Open API v3 and its OAuth v4
(../shared/ZALO-OA.md §1, §3, §5): typed errors out, never a silent None.

Every OA answer is HTTP 200 with `{"error": 0 | <negative>, "message", "data"}` (§1.9);
the token endpoint reports failures by leaving the tokens out (§1.6).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx

TEXT_LIMIT = 2000  # characters after NFC (§3.3)
# §7.1: codes after which the token is refreshed once and the call retried once.
TOKEN_CODES = frozenset({-216, -220})
# She is not in the 7-day window or does not follow the OA: another channel must carry it.
WINDOW_CODES = frozenset({-213, -230, -232})
# Gone for this OA: blocked invitations, banned or inactive, restricted this message type.
UNREACHABLE_CODES = frozenset({-217, -222, -227, -244})
RETRY_CODES = frozenset({-32, -200, -214})
# Configuration or billing: a human must act (admins are told).
ALERT_CODES = frozenset(
    {-202, -204, -205, -207, -208, -209, -211, -212, -215, -219, -221, -223, -224, -235, -242,
     -320, -321}
)  # fmt: skip


class OaError(Exception):
    """`error < 0` from the OA API (or an HTTP failure with no envelope)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"Zalo OA error {code}: {message}")
        self.code = code
        self.message = message

    @property
    def token(self) -> bool:
        return self.code in TOKEN_CODES

    @property
    def window(self) -> bool:
        return self.code in WINDOW_CODES

    @property
    def unreachable(self) -> bool:
        return self.code in UNREACHABLE_CODES

    @property
    def retryable(self) -> bool:
        return self.code in RETRY_CODES or self.code >= 500

    @property
    def alert(self) -> bool:
        return self.code in ALERT_CODES


class TokenRefused(Exception):
    """The OAuth endpoint gave no token pair: an OA admin must consent again."""


@dataclass(frozen=True, slots=True)
class Tokens:
    access: str
    refresh: str
    expires_in: int  # seconds


@dataclass(frozen=True, slots=True)
class Button:
    title: str
    payload: str
    kind: str = "oa.query.hide"  # the tap reaches us as user_send_text, hidden from her chat


def nfc_len(text: str) -> int:
    return len(unicodedata.normalize("NFC", text))


def pkce_pair() -> tuple[str, str]:
    """(verifier, challenge): RFC 7636 S256, as the official SDK's PKCEUtil (§1.2)."""
    verifier = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def consent_url(oauth_url: str, app_id: str, redirect_uri: str, challenge: str, state: str) -> str:
    query = urlencode(
        {
            "app_id": app_id,
            "redirect_uri": redirect_uri,
            "code_challenge": challenge,
            "state": state,
        }
    )
    return f"{oauth_url.rstrip('/')}/oa/permission?{query}"


def _tokens(body: Any) -> Tokens:
    """§1.6: a body without both tokens is a failure, whatever the HTTP status."""
    if not isinstance(body, dict) or not body.get("access_token") or not body.get("refresh_token"):
        reason = ""
        if isinstance(body, dict):
            reason = str(
                body.get("error_name") or body.get("error_description") or body.get("error")
            )
        raise TokenRefused(reason or "no token pair in the answer")
    return Tokens(
        str(body["access_token"]), str(body["refresh_token"]), int(body.get("expires_in", 90000))
    )


class OaClient:
    def __init__(
        self,
        app_id: str,
        app_secret: str,
        *,
        api_url: str = "https://openapi.zalo.me",
        oauth_url: str = "https://oauth.zaloapp.com/v4",
        http: httpx.AsyncClient | None = None,
        timeout: float = 15.0,
        appsecret_proof: bool = False,
    ) -> None:
        self.app_id = app_id
        self._secret = app_secret
        self.api = api_url.rstrip("/")
        self.oauth = oauth_url.rstrip("/")
        self._http = http or httpx.AsyncClient(timeout=timeout)
        self._owns = http is None
        self.proof = appsecret_proof

    def __repr__(self) -> str:
        return f"OaClient(app={self.app_id})"  # never a secret

    # --- OAuth ------------------------------------------------------------------------

    async def _token_call(self, form: dict[str, str]) -> Tokens:
        response = await self._http.post(
            f"{self.oauth}/oa/access_token", data=form, headers={"secret_key": self._secret}
        )
        try:
            body = response.json()
        except ValueError:
            body = None
        return _tokens(body)

    async def exchange(self, code: str, verifier: str) -> Tokens:
        return await self._token_call(
            {"code": code, "app_id": self.app_id, "grant_type": "authorization_code",
             "code_verifier": verifier}
        )  # fmt: skip

    async def refresh(self, refresh_token: str) -> Tokens:
        return await self._token_call(
            {"refresh_token": refresh_token, "app_id": self.app_id, "grant_type": "refresh_token"}
        )

    # --- the API ------------------------------------------------------------------------

    def _headers(self, access: str) -> dict[str, str]:
        headers = {"access_token": access}
        if self.proof:  # §1.8, optional hardening
            mac = hmac.new(self._secret.encode(), access.encode(), hashlib.sha256).hexdigest()
            headers["appsecret_proof"] = mac
        return headers

    async def call(
        self, access: str, method: str, path: str, body: dict[str, Any] | None = None, *,
        base: str | None = None, query: dict[str, str] | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        url = f"{(base or self.api).rstrip('/')}{path}"
        headers = self._headers(access)
        if method == "GET":
            response = await self._http.get(url, params=query, headers=headers)
        else:
            response = await self._http.post(url, json=body or {}, headers=headers)
        try:
            data = response.json()
        except ValueError:
            raise OaError(response.status_code, f"HTTP {response.status_code}") from None
        if not isinstance(data, dict):
            raise OaError(response.status_code, "unexpected answer")
        code = data.get("error", 0 if response.status_code < 400 else response.status_code)
        if response.status_code >= 500 or int(code) != 0:
            raise OaError(int(code) or response.status_code, str(data.get("message") or ""))
        return data

    async def send_text(
        self, access: str, user_id: str, text: str, buttons: list[Button] | None = None
    ) -> dict[str, Any]:
        """A consultation message (§3.3), with up to 5 buttons (§3.4); ≤2,000 characters."""
        if not text or nfc_len(text) > TEXT_LIMIT:
            raise ValueError(f"an OA message is 1 to {TEXT_LIMIT} characters; split it")
        message: dict[str, Any] = {"text": text}
        if buttons:
            message["attachment"] = {
                "type": "template",
                "payload": {
                    "buttons": [
                        {"title": b.title, "type": b.kind, "payload": b.payload} for b in buttons
                    ]
                },
            }
        body = {"recipient": {"user_id": user_id}, "message": message}
        return await self.call(access, "POST", "/v3.0/oa/message/cs", body)

    async def user_detail(self, access: str, user_id: str) -> dict[str, Any]:
        query = {"data": json.dumps({"user_id": user_id})}
        data = await self.call(access, "GET", "/v3.0/oa/user/detail", query=query)
        detail = data.get("data")
        return detail if isinstance(detail, dict) else {}

    async def aclose(self) -> None:
        if self._owns:
            await self._http.aclose()
