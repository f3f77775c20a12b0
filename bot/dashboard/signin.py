"""Signing in with the chat's one-time link, and out."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bot.core.i18n import LANGUAGES, _, language
from bot.dashboard.web import (
    COOKIE,
    DEFAULT_LOCALE,
    PREFIX,
    Endpoint,
    NotFound,
    Page,
    Site,
    same_origin,
)
from storage.db import transaction
from storage.repositories import audit, people
from storage.repositories import dashboard as sessions


def sign_in_page(site: Site) -> Endpoint:
    """The link opens a page with one button: link previews (Telegram, Zalo fetch every URL
    sent) would otherwise spend the single-use link before she opens it."""

    async def endpoint(request: Request) -> Response:
        token = request.query_params.get("t", "")[:100]
        with language(DEFAULT_LOCALE):
            return site.render("login.html", token=token, officer=None)

    return endpoint


def sign_in(site: Site) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        form = await request.form()
        token = str(form.get("t", ""))[:100]
        now = site.clock()
        # Another site must not sign her into a session of its choosing (login CSRF).
        if not same_origin(request):
            token = ""
        async with transaction(site.maker) as s:
            person_id = await sessions.redeem_link(s, token, now) if token else None
            if person_id is None:
                with language(DEFAULT_LOCALE):
                    return site.kind_page(
                        403,
                        _("This link no longer works"),
                        _(
                            "A sign-in link works once and for 10 minutes. Ask the bot for a "
                            'new one: type "mở trang quản lý" in your chat.'
                        ),
                    )
            session_token = await sessions.open_session(s, person_id, now)
            await audit.record(s, now, person_id, "dashboard_sign_in", "person", person_id)
        response = site.redirect(f"{PREFIX}/")
        response.set_cookie(
            COOKIE,
            session_token,
            httponly=True,
            samesite="strict",
            secure=site.secure(request),
            path=PREFIX,
        )
        return response

    return endpoint


async def sign_out(p: Page) -> Response:
    await sessions.end_session(p.s, p.officer.session_token, p.now)
    response = p.site.kind_page(
        200,
        _("Signed out"),
        _('To come back, ask the bot for a new link: "mở trang quản lý".'),
    )
    response.delete_cookie(COOKIE, path=PREFIX)
    return response


async def switch_language(p: Page) -> Response:
    """Vietnamese or English, the same setting as the chat's "Ngôn ngữ / Language"."""
    form = await p.request.form()
    lang = str(form.get("lang", ""))
    back = str(form.get("back", ""))
    if lang not in LANGUAGES or not back.startswith(PREFIX + "/") or "//" in back:
        raise NotFound
    await people.set_locale(p.s, p.officer.person_id, lang)
    return p.site.redirect(back)
