"""Org spreadsheets written before July 2025: communes under a district become today's.

The district level was abolished on 1 July 2025 and most communes were merged. With
`chihoi org import FILE --to-2025`, each commune row under a district row is looked up in
`vietnamadminunits`' converter ("xã Quảng Đông, thành phố Thanh Hóa, tỉnh Thanh Hóa" ->
Phường Quảng Phú): it takes today's name and sits under its province; old communes merged
into one become one unit (the first row's code; their women 18+ added up; their branches
follow it); a commune the package does not know keeps its name under the province. The
district rows are left out. Every change is reported as a note.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.domain.textkeys import fold
from bot.sheets.official import union_name

Row = tuple[int, dict[str, str]]
# An old address -> (today's commune with its kind, its official code), or None.
Converter = Callable[[str], tuple[str, str] | None]


def package_converter() -> Converter:
    from vietnamadminunits import convert_address  # heavy (shapely): only for this command

    def convert(address: str) -> tuple[str, str] | None:
        try:
            unit = convert_address(address)
        except Exception:  # the package raises on addresses it cannot read at all
            return None
        return (str(unit.ward), str(unit.ward_code)) if unit.ward and unit.ward_code else None

    return convert


def plain(name: str) -> str:
    """ "Hội LHPN xã Quảng Đông" -> "xã Quảng Đông": the place as an address names it."""
    for prefix in ("hoi lien hiep phu nu ", "hoi lhpn "):
        if fold(name).startswith(prefix):
            return " ".join(name.split()[len(prefix.split()) :])
    return name


@dataclass
class Converted:
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def to_2025(raw: list[Row], known_names: dict[str, str], convert: Converter) -> Converted:
    """The rows as of today's units; `known_names` names units already in the database."""
    by_code = {r["code"]: r for _line, r in raw}
    districts = {c for c, r in by_code.items() if r.get("level", "").lower() == "district"}
    out = Converted()
    kept: dict[str, dict[str, str]] = {}  # official code -> the row that became that commune
    moved: dict[str, str] = {}  # old code -> the code its children now sit under
    for line, r in raw:
        level, parent = r.get("level", "").lower(), r.get("parent_code", "")
        if level == "district":
            out.notes.append(f"row {line}: district {r['name']} left out (abolished 1 July 2025)")
            moved[r["code"]] = r.get("parent_code", "")
            continue
        if parent not in districts:
            out.rows.append((line, dict(r)))
            continue
        district = by_code[parent]
        province = district.get("parent_code", "")
        province_name = (
            by_code[province]["name"] if province in by_code else known_names.get(province, "")
        )
        address = f"{plain(r['name'])}, {plain(district['name'])}, {plain(province_name)}"
        found = convert(address)
        if found is None and level == "commune":
            out.notes.append(f"row {line}: {r['name']} is not in the 2025 list; kept as it is")
        if found is None or level != "commune":
            out.rows.append((line, {**r, "parent_code": province}))
            continue
        ward, code = found
        if code in kept:
            first = kept[code]
            women = _add(first.get("women_18_plus", ""), r.get("women_18_plus", ""))
            first["women_18_plus"] = women
            moved[r["code"]] = first["code"]
            out.notes.append(
                f"row {line}: {r['name']} merged into {first['name']} ({first['code']})"
            )
            continue
        row = {**r, "name": union_name(ward), "parent_code": province}
        kept[code] = row
        out.rows.append((line, row))
        out.notes.append(f"row {line}: {r['name']} is now {row['name']} (official code {code})")
    for _line, r in out.rows:
        while r.get("parent_code", "") in moved:
            r["parent_code"] = moved[r["parent_code"]]
    return out


def _add(a: str, b: str) -> str:
    """Women 18+ of merged communes add up; an empty figure stays unknown for the sum."""
    if not a.strip() or not b.strip():
        return a or b
    try:
        return str(int(float(a.replace(",", ""))) + int(float(b.replace(",", ""))))
    except ValueError:
        return a  # the import's own validation reports the bad figure
