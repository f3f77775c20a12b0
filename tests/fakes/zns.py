"""A fake ZNS / ZBS Template Message API (ZALO-OA.md §6, §7.2, §8.4), mounted at /business
on the fake OA server, whose tokens it shares. It refuses what the real one is known to:
unknown or unapproved templates, missing or too long parameters, bad phone numbers,
numbers not on Zalo or opted out, an exhausted daily quota, the night, development mode
to anyone but the OA's admins, an invalid token (-124)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections import deque
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.fakes.zalo_oa import FakeZaloOa, OaRefusal

VN = dt.timezone(dt.timedelta(hours=7))
PHONE = re.compile(r"^84\d{9}$")


@dataclass
class Template:
    template_id: str
    params: dict[str, int]  # name -> maxLength
    status: str = "ENABLE"  # PENDING_REVIEW | ENABLE | REJECT | DISABLE
    daily_cap: int | None = None
    sent_today: int = 0


@dataclass
class SentZns:
    phone: str
    template_id: str
    data: dict[str, str]
    tracking_id: str
    mode: str = "production"


@dataclass
class FakeZns:
    oa: FakeZaloOa
    templates: dict[str, Template] = field(default_factory=dict)
    sent: list[SentZns] = field(default_factory=list)
    daily_quota: int = 500
    remaining: int = 500
    night: tuple[dt.time, dt.time] | None = (dt.time(22, 0), dt.time(6, 0))
    admins: set[str] = field(default_factory=set)
    not_on_zalo: set[str] = field(default_factory=set)
    opted_out: set[str] = field(default_factory=set)
    inject: deque[int] = field(default_factory=deque)

    def __post_init__(self) -> None:
        self._ids = itertools.count(1)
        self.oa.zns.routes[:] = [
            Route("/message/template", self._send, methods=["POST"]),
            Route("/message/quota", self._quota, methods=["GET"]),
            Route("/template/info/v2", self._info, methods=["GET"]),
        ]

    def template(self, template_id: str, **params: int) -> Template:
        self.templates[template_id] = Template(template_id, dict(params))
        return self.templates[template_id]

    def _at_night(self) -> bool:
        if self.night is None:
            return False
        t = dt.datetime.fromtimestamp(self.oa.clock(), VN).time()
        start, end = self.night
        return t >= start or t < end

    async def _send(self, request: Request) -> Response:
        try:
            self.oa.authorise(request, expired=-124, invalid=-124)
            if self.inject:
                code = self.inject.popleft()
                raise OaRefusal(code, f"injected {code}")
            try:
                body = json.loads(await request.body())
            except ValueError:
                raise OaRefusal(-122, "Body is not JSON") from None
            phone = str(body.get("phone", ""))
            if not PHONE.match(phone):
                raise OaRefusal(-108, "Phone number is invalid")
            found = self.templates.get(str(body.get("template_id", "")))
            if found is None:
                raise OaRefusal(-109, "Template ID invalid")
            if found.status != "ENABLE":
                raise OaRefusal(-131, "Template not approved")
            data = body.get("template_data") or {}
            if not isinstance(data, dict) or not data:
                raise OaRefusal(-111, "Template data empty")
            for name, limit in found.params.items():
                if not str(data.get(name, "")):
                    raise OaRefusal(-1122, f"Missing param {name}")
                if len(str(data[name])) > limit:
                    raise OaRefusal(-1121, f"Param {name} exceeds max length {limit}")
            tracking = str(body.get("tracking_id", ""))
            if len(tracking) > 48:
                raise OaRefusal(-132, "tracking_id is invalid")
            mode = str(body.get("mode", "production"))
            if mode == "development" and phone not in self.admins:
                raise OaRefusal(-127, "Test template can only be sent to admins")
            if self._at_night():
                raise OaRefusal(-133, "Cannot send at night (22:00-06:00)")
            if phone in self.not_on_zalo:
                raise OaRefusal(-118, "Zalo account does not exist or is deactivated")
            if phone in self.opted_out:
                raise OaRefusal(-114, "User cannot receive this message")
            if self.remaining <= 0:
                raise OaRefusal(-144, "OA exceeded its daily limit")
            if found.daily_cap is not None and found.sent_today >= found.daily_cap:
                raise OaRefusal(-147, "Template exceeded its daily limit")
        except OaRefusal as exc:
            return self.oa.answer(error=exc)
        self.remaining -= 1
        found.sent_today += 1
        self.sent.append(SentZns(phone, found.template_id, dict(data), tracking, mode))
        return self.oa.answer({
            "msg_id": f"{next(self._ids):020x}", "sent_time": str(int(self.oa.clock() * 1000)),
            "sending_mode": "1",
            "quota": {"dailyQuota": str(self.daily_quota), "remainingQuota": str(self.remaining)},
        })  # fmt: skip

    async def _quota(self, request: Request) -> Response:
        try:
            self.oa.authorise(request, expired=-124, invalid=-124)
        except OaRefusal as exc:
            return self.oa.answer(error=exc)
        return self.oa.answer({"dailyQuota": self.daily_quota, "remainingQuota": self.remaining})

    async def _info(self, request: Request) -> Response:
        try:
            self.oa.authorise(request, expired=-124, invalid=-124)
            found = self.templates.get(request.query_params.get("template_id", ""))
            if found is None:
                raise OaRefusal(-109, "Template ID invalid")
        except OaRefusal as exc:
            return self.oa.answer(error=exc)
        params = [{"name": n, "require": True, "type": "STRING", "maxLength": m, "minLength": 1}
                  for n, m in found.params.items()]  # fmt: skip
        return self.oa.answer({"templateId": found.template_id, "status": found.status,
                               "listParams": params, "price_sdt": "800", "price_uid": "560"})  # fmt: skip
