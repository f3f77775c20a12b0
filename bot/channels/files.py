"""Short-lived, unguessable download links for files a platform can only take by URL (Zalo)."""

from __future__ import annotations

import datetime as dt
import mimetypes
import secrets
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.core.types import Attachment

TTL = dt.timedelta(hours=1)
MAX_FILES = 200  # reports are small; this bounds memory if many are asked for at once


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class _Held:
    attachment: Attachment
    expires_at: dt.datetime


class FileShelf:
    """Holds attachments in memory for `TTL` behind `<public>/files/<random token>`.

    In memory on purpose: report files carry personal data, so they should not
    outlive the hour a user needs to open them, nor land on disk. With several
    processes behind one address, route /files/ to the process that made the link.
    """

    def __init__(self, public_url: str, clock: Callable[[], dt.datetime] = _utcnow) -> None:
        self.public_url = public_url.rstrip("/")
        self.clock = clock
        self._held: OrderedDict[str, _Held] = OrderedDict()

    def put(self, attachment: Attachment) -> str:
        self._expire()
        token = secrets.token_urlsafe(24)
        self._held[token] = _Held(attachment, self.clock() + TTL)
        while len(self._held) > MAX_FILES:
            self._held.popitem(last=False)
        return f"{self.public_url}/files/{token}/{quote(attachment.filename)}"

    def get(self, token: str) -> Attachment | None:
        self._expire()
        held = self._held.get(token)
        return held.attachment if held else None

    def _expire(self) -> None:
        now = self.clock()
        for token in [t for t, h in self._held.items() if h.expires_at <= now]:
            del self._held[token]

    def routes(self) -> list[Route]:
        async def download(request: Request) -> Response:
            found = self.get(request.path_params["token"])
            if found is None:
                return Response(status_code=404)
            kind = mimetypes.guess_type(found.filename)[0] or "application/octet-stream"
            disposition = "inline" if found.kind == "photo" else "attachment"
            headers = {
                "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(found.filename)}",
                "Cache-Control": "no-store",
            }
            return Response(found.data, media_type=kind, headers=headers)

        return [Route("/files/{token}/{name}", download)]
