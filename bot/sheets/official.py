"""The official provinces and communes (post-July-2025 list of `vietnamadminunits`) as units.

`import_official` creates the provinces and communes that are missing and gives every
one its official code and position. A unit already in the tree is matched by its official
code, else by its name without accents and without the "Hội LHPN tỉnh / xã / phường"
words ("Hội LHPN xã Quảng Phú" is Quảng Phú); nothing is ever removed or renamed, so a
second run changes nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bot.domain.enums import Level
from bot.domain.textkeys import fold
from storage.models import OrgUnit
from storage.repositories import official_units, org
from storage.sessions import Session

# Words in front of a unit's own name, folded; the longest first.
PREFIXES = (
    "hoi lien hiep phu nu",
    "hoi lhpn",
    "lhpn",
    "thanh pho",
    "dac khu",
    "thi tran",
    "tinh",
    "phuong",
    "xa",
)


def name_key(name: str) -> str:
    """ "Hội LHPN xã Quảng Phú" -> "quang phu"; "Tỉnh Thanh Hóa" -> "thanh hoa"."""
    key = fold(name)
    stripped = True
    while stripped:
        stripped = False
        for prefix in PREFIXES:
            if key.startswith(prefix + " "):
                key = key[len(prefix) + 1 :]
                stripped = True
    return key


def kind_of(name: str) -> str:
    """The unit's kind word, folded: "phuong", "xa", "dac khu", "tinh", "thanh pho" or ""."""
    key = fold(name)
    for prefix in ("hoi lien hiep phu nu ", "hoi lhpn "):
        key = key.removeprefix(prefix)
    return next((p for p in PREFIXES[3:] if key.startswith(p + " ")), "")


@dataclass(frozen=True)
class Official:
    code: str
    name: str  # with its kind: "Tỉnh Thanh Hóa", "Phường Hàm Rồng"
    lat: float | None
    lon: float | None


@dataclass
class OfficialProvince:
    province: Official
    communes: list[Official] = field(default_factory=list)


def official_list(province: str | None = None) -> list[OfficialProvince]:
    """The package's provinces with their communes (one province by name, accents optional)."""
    from vietnamadminunits.database import get_data  # heavy (shapely); the CLI only

    fields = ["province", "provinceCode", "provinceLat", "provinceLon"]
    fields += ["ward", "wardCode", "wardLat", "wardLon"]
    out: dict[str, OfficialProvince] = {}
    wanted = name_key(province) if province else None
    for row in get_data(fields):
        if wanted is not None and name_key(row["province"]) != wanted:
            continue
        code = row["provinceCode"]
        if code not in out:
            p = Official(code, row["province"], row["provinceLat"], row["provinceLon"])
            out[code] = OfficialProvince(p)
        ward = Official(row["wardCode"], row["ward"], row["wardLat"], row["wardLon"])
        out[code].communes.append(ward)
    return [out[c] for c in sorted(out)]


@dataclass
class OfficialResult:
    created: int = 0
    coded: int = 0  # existing units matched and given their official code
    unchanged: int = 0
    ambiguous: list[str] = field(default_factory=list)


def union_name(official_name: str) -> str:
    """ "Phường Hàm Rồng" -> "Hội LHPN phường Hàm Rồng"."""
    return "Hội LHPN " + official_name[:1].lower() + official_name[1:]


async def import_official(s: Session, provinces: list[OfficialProvince]) -> OfficialResult:
    result = OfficialResult()
    coded = await official_units.codes(s)
    units = await official_units.units_at(s, [Level.PROVINCE, Level.COMMUNE])
    for op in provinces:
        candidates = [u for u in units if u.level == Level.PROVINCE]
        prov = await _place(s, op.province, candidates, coded, None, Level.PROVINCE, result)
        under = [u for u in units if u.level == Level.COMMUNE and u.path.startswith(prov.path)]
        shared = Counter(name_key(c.name) for c in op.communes)
        for commune in op.communes:
            key = name_key(commune.name)
            pool = under
            if shared[key] > 1:  # two wards of one name: the kind (xã / phường) decides
                pool = [u for u in under if kind_of(u.name) == kind_of(commune.name)]
            await _place(s, commune, pool, coded, prov, Level.COMMUNE, result)
    return result


async def _place(
    s: Session,
    item: Official,
    candidates: list[OrgUnit],
    coded: dict[str, int],
    parent: OrgUnit | None,
    level: Level,
    result: OfficialResult,
) -> OrgUnit:
    """The unit for `item`: by its code, else by its name, else a new one; coded either way."""
    unit_id = coded.get(item.code)
    unit = await org.by_id(s, unit_id) if unit_id is not None else None
    if unit is None:
        taken = set(coded.values())
        key = name_key(item.name)
        same = [u for u in candidates if name_key(u.name) == key and u.id not in taken]
        if len(same) > 1:
            result.ambiguous.append(item.name)
        unit = same[0] if same else None
    if unit is None:
        prefix = "P" if level == Level.PROVINCE else "X"
        unit = await org.by_code(s, f"{prefix}{item.code}") or await org.add_unit(
            s, f"{prefix}{item.code}", union_name(item.name), level, parent
        )
        result.created += 1
    elif item.code not in coded:
        result.coded += 1
    else:
        result.unchanged += 1
    await official_units.set_official(s, unit.id, item.code, item.lat, item.lon)
    coded[item.code] = unit.id
    return unit
