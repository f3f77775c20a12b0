"""`chihoi org import FILE --to-2025`: a pre-2025 file's communes under districts become
today's communes, merged ones become one, with a note for every change."""

from __future__ import annotations

from bot.sheets.legacy import plain, to_2025

TODAY = {
    "xã Quảng Phú, thành phố Thanh Hóa, tỉnh Thanh Hóa": ("Phường Quảng Phú", "16522"),
    "xã Quảng Đông, thành phố Thanh Hóa, tỉnh Thanh Hóa": ("Phường Quảng Phú", "16522"),
}


def row(code: str, name: str, level: str, parent: str = "", women: str = "") -> dict[str, str]:
    return {
        "code": code,
        "name": name,
        "level": level,
        "parent_code": parent,
        "women_18_plus": women,
    }


RAW = [
    (2, row("TH", "Hội LHPN tỉnh Thanh Hóa", "province")),
    (3, row("TH-TP", "Hội LHPN thành phố Thanh Hóa", "district", "TH")),
    (4, row("QP", "Hội LHPN xã Quảng Phú", "commune", "TH-TP", "1200")),
    (5, row("QD", "Hội LHPN xã Quảng Đông", "commune", "TH-TP", "800")),
    (6, row("QD-01", "Chi hội Thôn 1", "branch", "QD")),
    (7, row("ZZ", "Hội LHPN xã Không Có", "commune", "TH-TP")),
]


def test_plain_names_drop_the_unions_words() -> None:
    assert plain("Hội LHPN xã Quảng Đông") == "xã Quảng Đông"
    assert plain("Hội Liên hiệp Phụ nữ tỉnh Thanh Hóa") == "tỉnh Thanh Hóa"
    assert plain("Chi hội Thôn 1") == "Chi hội Thôn 1"


def test_communes_under_a_district_become_todays() -> None:
    """Quảng Phú and Quảng Đông (thành phố Thanh Hóa) were merged into phường Quảng Phú:
    one unit with the first row's code, 1,200 + 800 = 2,000 women 18+, Thôn 1's branch
    moved under it; the unknown commune stays, now under the province; no district row."""
    done = to_2025(RAW, {}, lambda address: TODAY.get(address))
    rows = {r["code"]: r for _line, r in done.rows}
    assert set(rows) == {"TH", "QP", "QD-01", "ZZ"}
    assert rows["QP"]["name"] == "Hội LHPN phường Quảng Phú"
    assert rows["QP"]["parent_code"] == "TH" and rows["QP"]["women_18_plus"] == "2000"
    assert rows["QD-01"]["parent_code"] == "QP"
    assert rows["ZZ"] == {**RAW[5][1], "parent_code": "TH"}
    assert len(done.notes) == 4
    assert any("merged into Hội LHPN phường Quảng Phú (QP)" in n for n in done.notes)


def test_a_file_without_districts_is_untouched() -> None:
    plain_rows = [RAW[0], (4, row("QP", "Hội LHPN phường Quảng Phú", "commune", "TH"))]
    done = to_2025(plain_rows, {}, lambda address: None)
    assert done.rows == plain_rows and done.notes == []


def test_the_province_may_already_be_in_the_database() -> None:
    raw = [RAW[1], RAW[2]]
    seen: list[str] = []

    def convert(address: str) -> tuple[str, str] | None:
        seen.append(address)
        return TODAY.get(address)

    done = to_2025(raw, {"TH": "Hội LHPN tỉnh Thanh Hóa"}, convert)
    assert seen == ["xã Quảng Phú, thành phố Thanh Hóa, tỉnh Thanh Hóa"]
    assert done.rows[0][1]["parent_code"] == "TH"
