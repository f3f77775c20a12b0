"""The officers' web dashboard (issue 18): server-rendered pages over the chat's figures.

`routes(...)` gives the Starlette routes `chihoi run` serves under /dashboard when a public
base URL (CHIHOI_PUBLIC_URL) or the embedded demo switches it on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.core.features import Registry
from bot.dashboard import actions, pages, rubric, signin
from bot.dashboard.web import HERE, PREFIX, NotFound, Page, Site
from bot.domain.rules import Rules
from storage.sessions import Maker


async def _unknown(p: Page) -> Response:
    raise NotFound


def routes(
    maker: Maker,
    rules: Rules,
    registry: Registry | None,
    idle: dt.timedelta,
    clock: Callable[[], dt.datetime] | None = None,
    reports: Maker | None = None,
) -> list[BaseRoute]:
    """The dashboard's routes; `clock` is for tests (links and sessions age by it);
    `reports`, a read-only replica the figures are computed on (None: `maker`'s database)."""
    site = Site(maker, rules, registry, idle, clock, reports)
    unit = f"{PREFIX}/unit/{{unit}}"
    return [
        Mount(f"{PREFIX}/static", StaticFiles(directory=HERE / "static"), name="dash-static"),
        Route(f"{PREFIX}/login", signin.sign_in_page(site), methods=["GET"]),
        Route(f"{PREFIX}/login", signin.sign_in(site), methods=["POST"]),
        Route(f"{PREFIX}/logout", site.page(signin.sign_out, post=True), methods=["POST"]),
        Route(f"{PREFIX}/language", site.page(signin.switch_language, post=True), methods=["POST"]),
        Route(PREFIX, site.page(pages.home)),
        Route(f"{PREFIX}/", site.page(pages.home)),
        Route(unit, site.page(pages.overview)),
        Route(f"{unit}/grid", site.page(pages.grid)),
        Route(f"{unit}/downloads", site.page(pages.downloads)),
        Route(f"{unit}/report.xlsx", site.page(pages.workbook)),
        Route(f"{unit}/report.docx", site.page(pages.word_report)),
        Route(f"{unit}/chart/{{name}}.png", site.page(pages.chart)),
        Route(f"{unit}/map.png", site.page(pages.map_png)),
        Route(f"{unit}/review", site.page(actions.review)),
        Route(f"{unit}/review/remind", site.page(actions.remind, post=True), methods=["POST"]),
        Route(f"{unit}/members", site.page(actions.branch_members)),
        Route(f"{unit}/rubric", site.page(rubric.rubric_page)),
        Route(f"{unit}/rubric", site.page(rubric.save_rubric, post=True), methods=["POST"]),
        Route(f"{PREFIX}/admin/audit", site.page(actions.audit_log)),
        Route(f"{PREFIX}/admin/failed", site.page(actions.failed)),
        Route(
            f"{PREFIX}/admin/failed/retry", site.page(actions.retry, post=True), methods=["POST"]
        ),
        Route(f"{PREFIX}/{{rest:path}}", site.page(_unknown), methods=["GET", "POST"]),
    ]
