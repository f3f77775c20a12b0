"""A fake Zalo Official Account platform (OAuth v4, OA API v3, signed webhook events) that
refuses what ../shared/ZALO-OA.md §8 says the real one refuses. ZNS (tests/fakes/zns.py)
mounts on the same app and shares its tokens (one OA token serves both, §1.1).

Paths: /oauth/v4/oa/access_token, /openapi/v3.0/oa/..., /business/... (ZNS).
Time is `self.clock` (seconds), so tests expire tokens and windows without waiting.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import json
import secrets
import unicodedata
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, Router

from tests.fakes.server import ManualClock

ACCESS_LIFE = 90000  # 25 h
REFRESH_LIFE = 90 * 86400  # 3 months
DAY = 86400.0


class OaRefusal(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass
class OaUser:
    user_id: str
    name: str = "Lan"
    last_interaction: float | None = None
    banned: bool = False
    phone: str = ""


@dataclass
class SentOa:
    user_id: str
    text: str
    buttons: list[dict[str, Any]] = field(default_factory=list)
    message_id: str = ""


def challenge_of(verifier: str) -> str:
    return (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )


def sign(app_id: str, raw: bytes, timestamp: str, secret: str) -> str:
    return (
        "mac=" + hashlib.sha256((app_id + raw.decode() + timestamp + secret).encode()).hexdigest()
    )


class FakeZaloOa:
    def __init__(self, app_id: str = "3608465249", app_secret: str = "app-secret-xyz",
                 oa_id: str = "3886132808", oa_secret_key: str = "oa-secret-key-abc") -> None:  # fmt: skip
        self.app_id, self.app_secret = app_id, app_secret
        self.oa_id, self.oa_secret_key = oa_id, oa_secret_key
        self.zns = Router()  # tests/fakes/zns.py puts its routes here
        self.app = Starlette(
            routes=[
                Route("/oauth/v4/oa/access_token", self._token, methods=["POST"]),
                Route("/openapi/v3.0/oa/message/cs", self._cs, methods=["POST"]),
                Route("/openapi/v3.0/oa/user/detail", self._detail, methods=["GET"]),
                Mount("/business", app=self.zns),
            ]
        )
        self.reset()

    def reset(self, clock: ManualClock | None = None) -> None:
        self.clock = clock or ManualClock()
        self.users: dict[str, OaUser] = {}
        self.sent: list[SentOa] = []
        self.access: dict[str, float] = {}  # token -> expiry
        self.refresh: dict[str, float] = {}  # live refresh tokens -> expiry
        self.codes: dict[str, tuple[str, float]] = {}  # auth code -> (challenge, expiry)
        self.refreshes = 0
        self.inject: deque[int] = deque()  # error codes for the next API calls
        self.rate_limit = 4000
        self._calls: deque[float] = deque()
        self.hold_refresh: asyncio.Event | None = None  # a refresh waits here, unprocessed
        self.refresh_arrived = asyncio.Event()
        self._ids = itertools.count(1)

    # --- test knobs ----------------------------------------------------------------------

    def issue(self) -> tuple[str, str]:
        """A fresh pair, as the API Explorer hands out (§1.2 dev shortcut)."""
        access, refresh = secrets.token_hex(16), secrets.token_hex(16)
        self.access[access] = self.clock() + ACCESS_LIFE
        self.refresh[refresh] = self.clock() + REFRESH_LIFE
        return access, refresh

    def consent(self, verifier: str) -> str:
        """An OA admin granted access: the code the callback would carry."""
        code = secrets.token_hex(8)
        self.codes[code] = (challenge_of(verifier), self.clock() + 600)
        return code

    def user(self, user_id: str, **kw: Any) -> OaUser:
        self.users.setdefault(user_id, OaUser(user_id))
        for k, v in kw.items():
            setattr(self.users[user_id], k, v)
        return self.users[user_id]

    def event(self, user_id: str, text: str | None = None, *, name: str = "user_send_text",
              msg_id: str | None = None) -> dict[str, Any]:  # fmt: skip
        """An event from her; it counts as an interaction (§4) unless it is a receipt."""
        self.user(user_id).last_interaction = self.clock()
        message: dict[str, Any] = {"msg_id": msg_id or f"{next(self._ids):020x}"}
        if text is not None:
            message["text"] = text
        return {
            "app_id": self.app_id, "user_id_by_app": "u-app-" + user_id, "event_name": name,
            "sender": {"id": user_id}, "recipient": {"id": self.oa_id}, "message": message,
            "timestamp": str(int(self.clock() * 1000)),
        }  # fmt: skip

    def signed(self, body: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
        raw = json.dumps(body, ensure_ascii=False).encode()
        mac = sign(self.app_id, raw, str(body.get("timestamp", "")), self.oa_secret_key)
        return raw, {"X-ZEvent-Signature": mac, "Content-Type": "application/json"}

    # --- OAuth (§1.3, §1.4, §1.6) ------------------------------------------------------------

    async def _token(self, request: Request) -> Response:
        form = dict(await request.form())
        bad = {"error": -14014, "error_name": "Invalid refresh token", "error_reason": "",
               "ref_doc": "", "error_description": "refused"}  # fmt: skip
        if (
            request.headers.get("secret_key") != self.app_secret
            or form.get("app_id") != self.app_id
        ):
            return JSONResponse({**bad, "error": -14002, "error_name": "Invalid appId"})
        grant = form.get("grant_type")
        if grant == "authorization_code":
            found = self.codes.pop(str(form.get("code")), None)
            if found is None or found[1] < self.clock():
                return JSONResponse({**bad, "error_name": "Invalid code"})
            if challenge_of(str(form.get("code_verifier", ""))) != found[0]:
                return JSONResponse({**bad, "error_name": "Invalid code verifier"})
        elif grant == "refresh_token":
            self.refresh_arrived.set()
            if self.hold_refresh is not None:
                await self.hold_refresh.wait()
                if await request.is_disconnected():  # its client was killed: never processed
                    return Response(status_code=499)
            old = str(form.get("refresh_token"))
            if self.refresh.pop(old, 0) < self.clock():  # single use (§1.5)
                return JSONResponse(bad)
            self.refreshes += 1
        else:
            return JSONResponse({**bad, "error_name": "Invalid grant_type"})
        access, refresh = self.issue()
        return JSONResponse(
            {"access_token": access, "refresh_token": refresh, "expires_in": str(ACCESS_LIFE)}
        )

    # --- the API (§1.7, §1.9, §3, §4) -------------------------------------------------------

    def authorise(self, request: Request, expired: int = -220, invalid: int = -216) -> None:
        token = request.headers.get("access_token")
        if not token or token not in self.access:
            raise OaRefusal(invalid, "Access token is invalid")
        if self.access[token] < self.clock():
            raise OaRefusal(expired, "access_token is expired or removed")

    def _limit(self) -> None:
        now = self.clock()
        while self._calls and self._calls[0] <= now - 60:
            self._calls.popleft()
        if len(self._calls) >= self.rate_limit:
            raise OaRefusal(-32, "Your application reached limit call api")
        self._calls.append(now)

    def answer(
        self, data: dict[str, Any] | None = None, error: OaRefusal | None = None
    ) -> Response:
        headers = {"X-RateLimit-Limit": str(self.rate_limit),
                   "X-RateLimit-Remain": str(max(self.rate_limit - len(self._calls), 0))}  # fmt: skip
        if error is not None:  # HTTP 200 with a negative error (§1.9)
            return JSONResponse({"error": error.code, "message": error.message}, headers=headers)
        return JSONResponse({"error": 0, "message": "Success", "data": data or {}}, headers=headers)

    async def _cs(self, request: Request) -> Response:
        try:
            self._limit()
            self.authorise(request)
            if self.inject:
                code = self.inject.popleft()
                raise OaRefusal(code, f"injected {code}")
            body = json.loads(await request.body())
            user_id = str((body.get("recipient") or {}).get("user_id", ""))
            message = body.get("message") or {}
            text = message.get("text", "")
            if not isinstance(text, str) or not text:
                raise OaRefusal(-201, "message.text is invalid!")
            if len(unicodedata.normalize("NFC", text)) > 2000:
                raise OaRefusal(-201, "text is invalid! (max 2000)")
            buttons = ((message.get("attachment") or {}).get("payload") or {}).get("buttons") or []
            if len(buttons) > 5:
                raise OaRefusal(-201, "buttons is invalid! (max 5)")
            for b in buttons:
                if b.get("type") not in ("oa.open.url", "oa.query.show", "oa.query.hide",
                                         "oa.open.phone", "oa.open.sms"):  # fmt: skip
                    raise OaRefusal(-201, "button type is invalid!")
                if isinstance(b.get("payload"), str) and len(b["payload"]) > 1000:
                    raise OaRefusal(-201, "button payload is invalid!")
            found = self.users.get(user_id)
            if found is None:
                raise OaRefusal(-201, "user_id is invalid!")
            if found.banned:
                raise OaRefusal(-227, "User is banned or has been inactive for more than 45 days")
            last = found.last_interaction
            if last is None or self.clock() - last > 7 * DAY:
                raise OaRefusal(-230, "User has not interacted with the OA in the past 7 days")
        except OaRefusal as exc:
            return self.answer(error=exc)
        message_id = f"{next(self._ids):020x}"
        self.sent.append(SentOa(user_id, text, buttons, message_id))
        quota = {"quota_type": "reply" if self.clock() - last <= 2 * DAY else "sub_quota",
                 "remain": "8", "total": "8"}  # fmt: skip
        return self.answer({"message_id": message_id, "user_id": user_id,
                            "sent_time": str(int(self.clock() * 1000)), "quota": quota})  # fmt: skip

    async def _detail(self, request: Request) -> Response:
        try:
            self.authorise(request)
            query = json.loads(request.query_params.get("data", "{}"))
            found = self.users.get(str(query.get("user_id")))
            if found is None:
                raise OaRefusal(-201, "user_id is invalid!")
        except OaRefusal as exc:
            return self.answer(error=exc)
        except ValueError:
            return self.answer(error=OaRefusal(-201, "data is invalid!"))
        return self.answer({"user_id": found.user_id, "display_name": found.name,
                            "user_is_follower": True})  # fmt: skip

    def to_user(self, user_id: str) -> list[SentOa]:
        return [m for m in self.sent if m.user_id == user_id]
