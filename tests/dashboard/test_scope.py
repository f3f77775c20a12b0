"""Every page checks her roles on every request: another unit, a bad id, a tampered query
or a period like 2026-Q7 gets the same kind 404, never a traceback or another unit's data."""

from __future__ import annotations

import httpx
import pytest

from tests.dashboard.conftest import Dash
from tests.dashboard.support import unit_id


async def test_a_branch_head_is_refused_on_her_commune_page(dash: Dash) -> None:
    lan = await dash.signed_in("lan")
    branch = await unit_id(dash.world, "TH-QP-01")
    commune = await unit_id(dash.world, "TH-QP")
    home = await lan.get("/dashboard/", follow_redirects=True)
    assert home.url.path == f"/dashboard/unit/{branch}"
    assert "Chi hội Thôn Đông" in home.text
    paths = ("", "/grid", "/review", "/downloads", "/report.xlsx", "/report.docx")
    for path in (*paths, "/chart/sinh-hoat.png"):
        refused = await lan.get(f"/dashboard/unit/{commune}{path}")
        assert refused.status_code == 404, path
        assert "Quảng Phú" not in refused.text
        assert "Traceback" not in refused.text
    await lan.aclose()


async def test_a_chair_sees_only_her_commune(dash: Dash, chair: httpx.AsyncClient) -> None:
    other = await unit_id(dash.world, "TH-HT")
    other_branch = await unit_id(dash.world, "TH-HT-01")
    province = await unit_id(dash.world, "TH")
    for uid in (other, other_branch, province):
        page = await chair.get(f"/dashboard/unit/{uid}")
        assert page.status_code == 404
        assert "Hạc Thành" not in page.text and "Ba Đình" not in page.text
    members = await chair.get(f"/dashboard/unit/{other_branch}/members")
    assert members.status_code == 404
    remind = await chair.post(f"/dashboard/unit/{other}/review/remind", data={"csrf": "x"})
    assert remind.status_code in (403, 404)


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/unit/abc",
        "/dashboard/unit/999999",
        "/dashboard/unit/-1",
        "/dashboard/unit/1%20OR%201=1",
        "/dashboard/unit/{qp}?period=2026-Q7",
        "/dashboard/unit/{qp}?period=2099-H1",
        "/dashboard/unit/{qp}?period=" + "9" * 200,
        "/dashboard/unit/{qp}/review?period=2026-Q1",
        "/dashboard/unit/{qp}/members",
        "/dashboard/unit/{branch}/members?page=-1",
        "/dashboard/unit/{branch}/members?page=99",
        "/dashboard/unit/{qp}/chart/../../etc/passwd.png",
        "/dashboard/unit/{qp}/chart/nothing.png",
        "/dashboard/admin/audit",
        "/dashboard/admin/failed",
        "/dashboard/no/such/page",
    ],
)
async def test_bad_addresses_get_a_kind_404(
    dash: Dash, chair: httpx.AsyncClient, path: str
) -> None:
    qp = await unit_id(dash.world, "TH-QP")
    branch = await unit_id(dash.world, "TH-QP-01")
    page = await chair.get(path.format(qp=qp, branch=branch))
    assert page.status_code == 404
    assert "Không tìm thấy trang" in page.text
    assert "Traceback" not in page.text


async def test_a_tampered_sort_keeps_worst_first(dash: Dash, chair: httpx.AsyncClient) -> None:
    qp = await unit_id(dash.world, "TH-QP")
    plain = await chair.get(f"/dashboard/unit/{qp}")
    odd = await chair.get(f"/dashboard/unit/{qp}?sort=__class__&dir=<script>")
    assert odd.status_code == 200
    assert _units(odd.text) == _units(plain.text)
    assert "<script>" not in odd.text


def _units(html: str) -> list[str]:
    return [part.split("<", 1)[0] for part in html.split('?period=2026-H1">')[1:]]


async def test_signed_out_pages_say_how_to_sign_in(dash: Dash) -> None:
    qp = await unit_id(dash.world, "TH-QP")
    async with dash.client() as c:
        page = await c.get(f"/dashboard/unit/{qp}")
        assert page.status_code == 401
        assert "mở trang quản lý" in page.text
        assert "Quảng Phú" not in page.text
        forged = await c.post(f"/dashboard/unit/{qp}/review/remind", data={"csrf": "x"})
        assert forged.status_code == 401


async def test_an_echoed_count_must_be_a_number(dash: Dash, chair: httpx.AsyncClient) -> None:
    qp = await unit_id(dash.world, "TH-QP")
    page = await chair.get(f"/dashboard/unit/{qp}/review?sent=%3Cb%3Ex&already=2")
    assert page.status_code == 200
    assert 'role="status"' not in page.text and "&lt;b&gt;" not in page.text
    shown = await chair.get(f"/dashboard/unit/{qp}/review?sent=3&already=0")
    assert "Đã xếp gửi lời nhắc: 3" in shown.text
