"""`chihoi org import --official`: the official provinces and communes become units once,
keep their official codes, match the units already there by name without accents, and a
second run changes nothing."""

from __future__ import annotations

from bot.domain.enums import Level
from bot.sheets import official
from bot.sheets.official import Official, OfficialProvince
from storage.db import transaction
from storage.repositories import official_units, org
from tests.support.chat_fixtures import World


def test_names_match_without_accents_or_the_unions_words() -> None:
    assert official.name_key("Hội LHPN xã Quảng Phú") == "quang phu"
    assert official.name_key("Phường Quảng Phú") == "quang phu"
    assert official.name_key("Hội LHPN tỉnh Thanh Hóa") == official.name_key("Tỉnh Thanh Hoá")
    assert official.kind_of("Hội LHPN phường Hạc Thành") == "phuong"
    assert official.union_name("Phường Hàm Rồng") == "Hội LHPN phường Hàm Rồng"


def test_the_package_holds_thanh_hoas_166_communes() -> None:
    (th,) = official.official_list("thanh hoa")
    assert th.province.code == "38" and len(th.communes) == 166
    assert len({c.code for c in th.communes}) == 166
    assert all(c.lat and c.lon for c in th.communes)


SAMPLE = [
    OfficialProvince(
        Official("38", "Tỉnh Thanh Hóa", 20.0, 105.3),
        [
            Official("16522", "Phường Quảng Phú", 19.77, 105.81),  # the demo's "xã" Quảng Phú
            Official("14797", "Phường Hạc Thành", 19.80, 105.79),
            Official("14758", "Phường Hàm Rồng", 19.84, 105.77),
            Official("90001", "Xã Tân Phúc", 19.9, 105.5),  # two of one name: kind decides
            Official("90002", "Phường Tân Phúc", 19.91, 105.51),
        ],
    )
]


async def test_import_is_idempotent_and_keeps_what_is_there(world: World) -> None:
    async with transaction(world.maker) as s:
        before = {u.code: u.name for u in await org.all_units(s)}
        first = await official.import_official(s, SAMPLE)
    # The demo seeded TH, TH-QP and TH-HT with their official codes already.
    assert (first.created, first.coded, first.unchanged) == (3, 0, 3)
    async with transaction(world.maker) as s:
        second = await official.import_official(s, SAMPLE)
        after = {u.code: u.name for u in await org.all_units(s)}
        codes = await official_units.codes(s)
        th = await org.by_code(s, "TH")
        assert th is not None
        communes = await org.subtree(s, th, Level.COMMUNE)
    assert (second.created, second.coded, second.unchanged) == (0, 0, 6)
    assert {k: v for k, v in after.items() if k in before} == before  # nothing renamed or gone
    assert set(after) - set(before) == {"X14758", "X90001", "X90002"}
    assert after["X90001"] == "Hội LHPN xã Tân Phúc"
    assert codes["16522"] == next(u.id for u in communes if u.code == "TH-QP")
    assert len(communes) == 5


async def test_an_existing_commune_without_a_code_is_matched_by_name(world: World) -> None:
    async with transaction(world.maker) as s:
        th = await org.by_code(s, "TH")
        assert th is not None
        await org.add_unit(s, "TH-HR", "Hội LHPN phường Ham Rong", Level.COMMUNE, th)
        result = await official.import_official(s, SAMPLE)
        codes = await official_units.codes(s)
        hr = await org.by_code(s, "TH-HR")
    assert hr is not None and codes["14758"] == hr.id
    assert result.coded == 1 and result.created == 2
