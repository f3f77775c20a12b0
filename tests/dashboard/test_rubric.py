"""The province's assessment rubric on the dashboard: its officers set it (points adding up
to 100, grades rising), everyone under it reads it, a bad form saves nothing."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from bot.domain import assessment as A
from storage.models import Audit
from storage.repositories import assessment, org
from tests.dashboard.conftest import Dash
from tests.dashboard.support import csrf, unit_id


def form(token: str, **changes: str) -> dict[str, str]:
    values = {k: str(v) for k, v in A.DEFAULT_WEIGHTS.items()}
    values.update(strong="80", fair="65", average="50", model_from="90", csrf=token)
    values.update(changes)
    return values


async def saved(dash: Dash, year: int) -> A.Rubric:
    async with dash.world.maker() as s:
        th = await org.by_code(s, "TH")
        assert th is not None
        return await assessment.rubric_for(s, th, year)


async def test_a_province_officer_sets_the_rubric(dash: Dash) -> None:
    th = await unit_id(dash.world, "TH")
    thu = await dash.signed_in("thu")
    try:
        page = await thu.get(f"/dashboard/unit/{th}/rubric?year=2026")
        assert page.status_code == 200
        assert "các điểm mặc định" in page.text
        assert 'name="meetings" value="20"' in page.text
        # meetings 20 -> 25 and dues 15 -> 10 still add up to 100; strong from 85
        data = form(csrf(page.text), meetings="25", dues="10", strong="85")
        done = await thu.post(f"/dashboard/unit/{th}/rubric?year=2026", data=data)
        assert done.status_code == 303
        r = await saved(dash, 2026)
        assert r.weights[A.MEETINGS] == 25 and r.weights[A.DUES] == 10 and r.strong == 85
        assert r.grade(84) == A.Grade.FAIR  # the new band grades
        async with dash.world.maker() as s:
            rows = (await s.scalars(select(Audit).where(Audit.action == "rubric.set"))).all()
        assert [(a.entity_id, a.actor_id is not None) for a in rows] == [(th, True)]
        shown = await thu.get(f"/dashboard/unit/{th}/rubric?year=2026&saved=1")
        assert 'name="meetings" value="25"' in shown.text and 'role="status"' in shown.text
    finally:
        await thu.aclose()


async def test_a_wrong_form_saves_nothing_and_says_why(dash: Dash) -> None:
    th = await unit_id(dash.world, "TH")
    thu = await dash.signed_in("thu")
    try:
        page = await thu.get(f"/dashboard/unit/{th}/rubric")
        token = csrf(page.text)
        cases = [
            (form(token, meetings="30"), "110"),  # adds up to 110
            (form(token, fair="85"), "average"),  # fair above strong
            (form(token, dues="mười"), "0"),  # not a number
        ]
        for data, said in cases:
            bad = await thu.post(f"/dashboard/unit/{th}/rubric", data=data)
            assert bad.status_code == 400 and 'role="alert"' in bad.text
            assert said in bad.text
        assert await saved(dash, dash.world.clock().year) == A.Rubric()
    finally:
        await thu.aclose()


async def test_a_commune_chair_reads_but_cannot_set(dash: Dash, chair: httpx.AsyncClient) -> None:
    th = await unit_id(dash.world, "TH")
    qp = await unit_id(dash.world, "TH-QP")
    # the chair covers her commune, not the province: the province's page is not hers
    assert (await chair.get(f"/dashboard/unit/{th}/rubric")).status_code == 404
    assert (await chair.get(f"/dashboard/unit/{qp}/rubric")).status_code == 404
    page = await chair.get(f"/dashboard/unit/{qp}")
    forged = await chair.post(
        f"/dashboard/unit/{th}/rubric", data=form(csrf(page.text), meetings="25", dues="10")
    )
    assert forged.status_code == 404
    assert await saved(dash, dash.world.clock().year) == A.Rubric()
