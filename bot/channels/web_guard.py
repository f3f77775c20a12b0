"""Who may drive the web simulator: only the operator who opened the link `chihoi run` printed.

The simulator acts as any demo officer and reads any queued message, so it is a way in
unless guarded: a random key per start (given once in the URL, then kept in an HttpOnly,
SameSite=Strict cookie), a Host allow-list against DNS rebinding, an Origin check and a
JSON content type against cross-site requests from any page the operator has open.
"""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

COOKIE = "chihoi_sim"
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
Endpoint = Callable[[Request], Awaitable[Response]]


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _hostname(netloc: str) -> str:
    return (urlsplit(f"//{netloc}").hostname or "").lower()


def _refuse(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status)


@dataclass(frozen=True)
class Guard:
    key: str
    hosts: frozenset[str] = LOOPBACK_NAMES

    @classmethod
    def fresh(cls, extra_hosts: Iterable[str] = ()) -> Guard:
        return cls(secrets.token_urlsafe(24), LOOPBACK_NAMES | {h.lower() for h in extra_hosts})

    def refusal(
        self, request: Request, *, write: bool = False, keyed: bool = True
    ) -> Response | None:
        """Why this request may not be served, or None."""
        host = _hostname(request.headers.get("host", ""))
        if host not in self.hosts:
            return _refuse(403, "host not allowed")
        origin = request.headers.get("origin")
        if origin is not None:
            o = urlsplit(origin)
            if (o.hostname or "").lower() not in self.hosts or o.netloc != request.headers["host"]:
                return _refuse(403, "cross-origin request refused")
        if write:
            media = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if media != "application/json":
                return _refuse(415, "content type must be application/json")
        if keyed and not secrets.compare_digest(request.cookies.get(COOKIE, ""), self.key):
            return _refuse(401, "open the simulator with the link `chihoi run` printed")
        return None

    def protect(self, endpoint: Endpoint, *, write: bool = False, keyed: bool = True) -> Endpoint:
        async def guarded(request: Request) -> Response:
            refused = self.refusal(request, write=write, keyed=keyed)
            return refused if refused is not None else await endpoint(request)

        return guarded

    def page(self, endpoint: Endpoint) -> Endpoint:
        """The page: `?key=` trades the key for the cookie and drops it from the address."""

        async def guarded(request: Request) -> Response:
            given = request.query_params.get("key")
            if given is not None and self.refusal(request, keyed=False) is None:
                if not secrets.compare_digest(given, self.key):
                    return _refuse(401, "wrong key: use the link `chihoi run` printed")
                response = RedirectResponse("/", status_code=303)
                response.set_cookie(COOKIE, self.key, httponly=True, samesite="strict", path="/")
                return response
            refused = self.refusal(request)
            return refused if refused is not None else await endpoint(request)

        return guarded
