"""The dashboard's request plumbing: who is signed in, what she covers, and kind error pages.

Every page goes through `Site.page`: one database transaction, the session cookie read
and its idle clock restarted, her roles read fresh, the page rendered in her language.
A unit id, a period or a page number that is bad, unknown or outside her roles raises
`NotFound` and becomes the same kind 404 page: the page never says which it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from bot.core.features import Registry
from bot.core.i18n import N_, Msg, _, format_date, format_number, format_pct, language, tr
from bot.domain.calendar import Period, half_of, quarter_of
from bot.domain.enums import Level, RoleKind
from bot.domain.rules import Rules
from bot.reports.labels import label
from storage.db import transaction
from storage.models import OrgUnit
from storage.repositories import dashboard as sessions
from storage.repositories import measures, org, people
from storage.sessions import Maker, Session

if TYPE_CHECKING:
    from jinja2 import Environment

log = logging.getLogger("chihoi.dashboard")
T = TypeVar("T")
HERE = Path(__file__).parent
COOKIE = "chihoi_dash"
PREFIX = "/dashboard"
# Pages carry no third-party anything: scripts, styles and images come from this server only,
# no page may be framed (clickjacking) nor send its address to another site (the sign-in
# token). ("no-referrer" would also make Chromium send `Origin: null` on our own forms.)
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
DEFAULT_LOCALE = "vi"
# Figures a page computed are reused this many seconds (a province's take about a second),
# at most this many at once (a national report holds a few hundred MB).
ROLLUP_TTL = 60.0
ROLLUPS_KEPT = 16
LEVEL_WORDS: dict[Level, Msg] = {
    Level.CENTRAL: N_("central"),
    Level.PROVINCE: N_("province"),
    Level.DISTRICT: N_("district"),
    Level.COMMUNE: N_("commune"),
    Level.SPECIAL_BASE: N_("special base"),
    Level.BRANCH: N_("branch"),
    Level.GROUP: N_("tổ"),
}


def same_origin(request: Request) -> bool:
    """A form posted from one of our pages (browsers send Origin on every POST)."""
    origin = request.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == request.headers.get("host", "")


class NotFound(Exception):
    """Unknown, malformed or not hers: all answered alike."""


class Refused(Exception):
    """A form without the right CSRF token, or from another site."""


def csrf_of(session_token: str) -> str:
    """The form token of a session: derived from the HttpOnly cookie a forger cannot read."""
    return hashlib.sha256(b"chihoi-csrf|" + session_token.encode()).hexdigest()[:32]


@dataclass
class Officer:
    person_id: int
    name: str
    locale: str
    roles: list[tuple[RoleKind, OrgUnit]]
    session_token: str

    @property
    def is_admin(self) -> bool:
        return any(kind == RoleKind.ADMIN for kind, _u in self.roles)

    @property
    def csrf(self) -> str:
        return csrf_of(self.session_token)

    def covers(self, unit: OrgUnit) -> bool:
        """A role covers its unit's whole subtree; an admin covers everything."""
        return self.is_admin or any(unit.path.startswith(u.path) for _k, u in self.roles)

    def top_units(self) -> list[OrgUnit]:
        """Her widest units, one per subtree (a role under another of hers is left out)."""
        units = sorted({u.id: u for _k, u in self.roles}.values(), key=lambda u: u.path)
        out: list[OrgUnit] = []
        for u in units:
            if not any(u.path.startswith(t.path) for t in out):
                out.append(u)
        return out

    def holds_at(self, unit: OrgUnit, kinds: frozenset[RoleKind]) -> bool:
        return any(kind in kinds and u.id == unit.id for kind, u in self.roles)


@dataclass
class Page:
    """One request to a signed-in page."""

    request: Request
    s: Session
    officer: Officer
    now: dt.datetime
    rules: Rules
    site: Site
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def today(self) -> dt.date:
        return self.rules.local_day(self.now)

    def arg(self, name: str, default: str = "") -> str:
        return self.request.query_params.get(name, default)

    def number(self, name: str, default: int = 0, low: int = 0, high: int = 10**6) -> int:
        raw = self.arg(name, str(default))
        if not raw.isdigit() or not low <= int(raw) <= high:
            raise NotFound
        return int(raw)

    async def unit(self) -> OrgUnit:
        """The unit in the address, if it is one she covers."""
        raw = str(self.request.path_params.get("unit", ""))
        if not raw.isdigit() or len(raw) > 12:
            raise NotFound
        unit = await org.by_id(self.s, int(raw))
        if unit is None or not self.officer.covers(unit):
            raise NotFound
        return unit

    def period(self) -> Period:
        """The period asked for (default: this half-year); one not begun yet is not found."""
        key = self.arg("period") or half_of(self.today).key
        period = measures.parse_period(key) if len(key) <= 16 else None
        if period is None or period.first_day > self.today:
            raise NotFound
        return period

    async def rollup(self, unit: OrgUnit, period: Period, fresh: bool = False) -> measures.Rollup:
        """The unit's figures; a page and its charts, or officers of one province looking at
        once, share one computation for ROLLUP_TTL (an action reads them `fresh`)."""

        async def make() -> measures.Rollup:
            async with self.site.reading(self.s) as s:
                return await measures.measure(s, unit, period, self.today, self.rules)

        return await self.site.cached(("rollup", unit.id, period.key, self.today), make, fresh)

    async def trend(self, unit: OrgUnit) -> measures.Trend:
        """Compliance of the units below over the last 8 quarters (shared like `rollup`)."""

        async def make() -> measures.Trend:
            async with self.site.reading(self.s) as s:
                return await measures.compliance_trend(s, unit, quarter_of(self.today), 8)

        return await self.site.cached(("trend", unit.id, "", self.today), make)

    async def breadcrumb(self, unit: OrgUnit) -> list[OrgUnit]:
        """The unit's ancestors she covers, then the unit: her way back up."""
        above = [u for u in await org.ancestors(self.s, unit) if self.officer.covers(u)]
        return [*above, unit]

    def render(self, template: str, status: int = 200, **values: Any) -> Response:
        return self.site.render(
            template, status, officer=self.officer, path=self.request.url.path, **values
        )


Handler = Callable[[Page], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


class Site:
    """The dashboard's shared parts: the database, the rules, templates and session policy."""

    def __init__(
        self,
        maker: Maker,
        rules: Rules,
        registry: Registry | None,
        idle: dt.timedelta,
        clock: Callable[[], dt.datetime] | None = None,
        reports: Maker | None = None,
    ):
        self._clock = clock
        self.reports = reports
        # Recent figures by (unit, period, day): derived data, never the source of a write.
        self._kept: dict[tuple[str, int, str, dt.date], tuple[float, object]] = {}
        self.maker = maker
        self.rules = rules
        self.registry = registry
        self.idle = idle
        # Jinja2 is imported only when the dashboard is switched on: a bot without it starts
        # without paying for the template engine.
        from jinja2 import Environment, FileSystemLoader, select_autoescape

        self.env: Environment = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(["html", "svg"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals.update(
            _=_,
            pct=format_pct,
            num=format_number,
            day=format_date,
            period_label=label,
            level_name=lambda lv: tr(LEVEL_WORDS[lv]),
            prefix=PREFIX,
        )

    async def cached(
        self,
        key: tuple[str, int, str, dt.date],
        make: Callable[[], Awaitable[T]],
        fresh: bool = False,
    ) -> T:
        now = time.monotonic()
        found = self._kept.get(key)
        if found is not None and found[0] > now and not fresh:
            return cast(T, found[1])
        value = await make()
        if len(self._kept) >= ROLLUPS_KEPT:
            del self._kept[min(self._kept, key=lambda k: self._kept[k][0])]
        self._kept[key] = (now + ROLLUP_TTL, value)
        return value

    @contextlib.asynccontextmanager
    async def reading(self, s: Session) -> AsyncIterator[Session]:
        """Where figures are computed: the replica's own session when there is one (a
        report then never holds the primary's connection), else the page's `s`."""
        if self.reports is None:
            yield s
            return
        async with self.reports() as replica:
            yield replica

    def clock(self) -> dt.datetime:
        return self._clock() if self._clock is not None else dt.datetime.now(dt.UTC)

    def render(self, template: str, status: int = 200, **values: Any) -> Response:
        html = self.env.get_template(template).render(**values)
        return HTMLResponse(html, status_code=status, headers=HEADERS)

    def kind_page(
        self, status: int, title: str, text: str, officer: Officer | None = None
    ) -> Response:
        return self.render("message.html", status, title=title, text=text, officer=officer)

    def secure(self, request: Request) -> bool:
        base = self.rules.dashboard_url or ""
        return request.url.scheme == "https" or base.startswith("https://")

    def page(self, handler: Handler, *, post: bool = False) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            token = request.cookies.get(COOKIE, "")
            now = self.clock()
            try:
                async with transaction(self.maker) as s:
                    officer = await self._officer(s, token, now) if token else None
                    if officer is None:
                        return self.signed_out()
                    with language(officer.locale):
                        try:
                            if post:
                                await self._check_form(request, officer)
                            return await handler(Page(request, s, officer, now, self.rules, self))
                        except NotFound:
                            return self.not_found(officer)
                        except Refused:
                            return self.kind_page(
                                403,
                                _("This form has expired"),
                                _("Please open the page again and repeat what you were doing."),
                                officer,
                            )
            except Exception:
                ref = secrets.token_hex(4)
                log.exception("dashboard_failed", extra={"ref": ref, "path": request.url.path})
                with language(DEFAULT_LOCALE):
                    text = _("Sorry, nothing was changed. Please try again (code {ref}).")
                    return self.kind_page(500, _("Something went wrong"), text.format(ref=ref))

        return endpoint

    async def _officer(self, s: Session, token: str, now: dt.datetime) -> Officer | None:
        person_id = await sessions.session_person(s, token, now, self.idle)
        if person_id is None:
            return None
        found = await sessions.person_of(s, person_id)
        if found is None:
            return None
        roles = await people.roles_of(s, person_id)
        if not roles:  # her last role was revoked: the page shows nothing of anyone's
            return None
        return Officer(person_id, found[0], found[1], roles, token)

    async def _check_form(self, request: Request, officer: Officer) -> None:
        if not same_origin(request):
            raise Refused
        form = await request.form()
        given = str(form.get("csrf", ""))
        if not hmac.compare_digest(given.encode(), officer.csrf.encode()):
            raise Refused

    def signed_out(self) -> Response:
        with language(DEFAULT_LOCALE):
            return self.kind_page(
                401,
                _("Please sign in"),
                _(
                    'Ask the bot in your chat for a link: type "mở trang quản lý". '
                    "The link works once, for 10 minutes."
                ),
            )

    def not_found(self, officer: Officer | None = None) -> Response:
        return self.kind_page(
            404,
            _("Page not found"),
            _("This page does not exist or is not among the units you look after."),
            officer,
        )

    def redirect(self, url: str) -> Response:
        return RedirectResponse(url, status_code=303, headers=HEADERS)
