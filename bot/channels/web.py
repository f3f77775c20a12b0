"""The web chat simulator: a JSON API over the engine and a single page (static/sim.html)."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from bot.channels.web_guard import Guard
from bot.core.choices import numbered, split_text
from bot.core.engine import Engine
from bot.core.i18n import language
from bot.core.roles import role_name
from bot.core.types import TELEGRAM_CAPS, ZALO_CAPS, Capabilities, Incoming, Reply
from bot.domain.enums import OutboxStatus
from bot.scheduler.sender import reply_of
from bot.seeding.demo import WEB_BOT
from storage.repositories import outbox as outbox_rows
from storage.repositories import people
from storage.repositories.outbox import Queued
from storage.sessions import Maker

CHANNEL = "web"
PROFILES = {
    "buttons": TELEGRAM_CAPS,
    "text": ZALO_CAPS,
}
STATIC = Path(__file__).parent / "static"
# The page, its script and its style; nothing else in the folder is served.
FILES = {
    "/": ("sim.html", "text/html; charset=utf-8"),
    "/sim.js": ("sim.js", "text/javascript; charset=utf-8"),
    "/sim.css": ("sim.css", "text/css; charset=utf-8"),
}
# The page builds every node with textContent; the policy makes injected markup inert as well.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
MAX_USER = 64
MAX_TEXT = TELEGRAM_CAPS.text_limit  # what a Telegram user could type at most
OUTBOX_ROWS = 100
WAITING = (OutboxStatus.PENDING, OutboxStatus.SENDING)


def render(reply: Reply, caps: Capabilities) -> list[dict[str, Any]]:
    """What the page shows: buttons as buttons, or the Zalo-style numbered text, split at
    the profile's length limit as that channel would send it."""
    if caps.buttons:
        parts = split_text(reply.text, caps.text_limit)
    else:
        parts = split_text(numbered(reply.text, reply.choices, reply.numbered), caps.text_limit)
    out: list[dict[str, Any]] = [
        {"text": part, "notice": reply.notice, "choices": []} for part in parts
    ]
    last = out[-1]
    if caps.buttons:
        last["choices"] = [{"key": c.key, "label": c.label} for c in reply.choices]
    if reply.attachment is not None:
        a = reply.attachment
        last["attachment"] = {
            "kind": a.kind,
            "filename": a.filename,
            "caption": a.caption,
            "data": base64.b64encode(a.data).decode(),
        }
    return out


def state_of(row: Queued) -> str:
    """Where the page shows a row: delivered ones in the chat, the others in the panel as
    scheduled, sending, cancelled (the task got done first) or failed."""
    if row.skipped:
        return "cancelled"
    return {
        OutboxStatus.PENDING: "scheduled",
        OutboxStatus.SENDING: "sending",
        OutboxStatus.SENT: "delivered",
        OutboxStatus.FAILED: "failed",
    }[row.status]


def outbox_item(row: Queued, caps: Capabilities, zone: dt.tzinfo) -> dict[str, Any]:
    """One row as the page shows it, rendered as the person's channel would (the same
    reply the sender delivers). A report push is written at send time: until then it
    has no text, only `composed_later`."""
    state = state_of(row)
    at = row.sent_at if state == "delivered" and row.sent_at else row.not_before
    return {
        "id": row.id,
        "kind": row.kind,
        "status": row.status.value,
        "state": state,
        "due": row.not_before.isoformat(),
        "due_local": row.not_before.astimezone(zone).strftime("%d/%m/%Y %H:%M"),
        "at_local": at.astimezone(zone).strftime("%d/%m/%Y %H:%M"),
        "composed_later": "compose" in row.payload,
        "parts": render(reply_of(row.payload), caps),
    }


def bad(message: str) -> Response:
    return JSONResponse({"error": message}, status_code=400)


def routes(engine: Engine, maker: Maker, zone: dt.tzinfo, guard: Guard) -> list[Route]:
    """The page and its API behind `guard`; `zone` shows when queued messages are due."""

    def serve(name: str, media_type: str) -> Any:
        async def endpoint(_request: Request) -> Response:
            headers = {"Cache-Control": "no-cache", "Content-Security-Policy": CSP}
            return FileResponse(STATIC / name, media_type=media_type, headers=headers)

        return endpoint

    async def list_people(_request: Request) -> Response:
        async with maker() as s:
            linked = await people.linked_on(s, CHANNEL, WEB_BOT)
        result = []
        for p in linked:
            # The page's labels are Vietnamese whatever the bot's default language.
            with language("vi"):
                shown = [
                    {"role": k.value, "role_name": role_name(k), "unit": unit}
                    for k, unit in p.roles
                ]
            result.append({"user": p.external_id, "name": p.display_name, "roles": shown})
        return JSONResponse(result)

    async def send(request: Request) -> Response:
        try:
            body = await request.json()
        except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested past reason
            return bad("body must be JSON")
        if not isinstance(body, dict):
            return bad("body must be a JSON object")
        user = str(body.get("user") or "").strip()
        if not user or len(user) > MAX_USER:
            return bad("user is required (at most 64 characters)")
        caps = PROFILES.get(str(body.get("profile", "buttons")))
        if caps is None:
            return bad("profile must be buttons or text")
        text, choice = body.get("text"), body.get("choice")
        if not isinstance(text, str | None) or not isinstance(choice, str | None):
            return bad("text and choice must be strings")
        if not (text or "").strip() and not choice:
            return bad("text or choice is required")
        if text is not None and len(text) > MAX_TEXT:
            return bad("text is too long")
        inc = Incoming(
            channel=CHANNEL,
            bot_id=WEB_BOT,
            chat_id=user,
            user_id=user,
            update_id=str(body.get("update_id") or uuid.uuid4())[:128],
            sent_at=dt.datetime.now(dt.UTC),
            display_name=str(body.get("name") or "")[:200],
            text=text,
            choice=choice,
            caps=caps,
        )
        replies = await engine.handle(inc)
        return JSONResponse({"replies": [part for r in replies for part in render(r, caps)]})

    async def outbox(request: Request) -> Response:
        user = request.query_params.get("user", "").strip()
        if not user:
            return bad("user is required")
        caps = PROFILES.get(request.query_params.get("profile", "buttons"), PROFILES["buttons"])
        async with maker() as s:
            rows = await outbox_rows.for_chat(s, CHANNEL, user, OUTBOX_ROWS)
        # What is still to go comes first, soonest first; then what went, newest first.
        waiting = [r for r in rows if r.status in WAITING][::-1]
        rows = waiting + [r for r in rows if r.status not in WAITING]
        return JSONResponse([outbox_item(r, caps, zone) for r in rows])

    # The script and style hold no data: served without the key (the Host check stays).
    files = [
        Route(
            path,
            guard.page(serve(name, media))
            if path == "/"
            else guard.protect(serve(name, media), keyed=False),
        )
        for path, (name, media) in FILES.items()
    ]
    return [
        *files,
        Route("/api/people", guard.protect(list_people)),
        Route("/api/send", guard.protect(send, write=True), methods=["POST"]),
        Route("/api/outbox", guard.protect(outbox)),
    ]
