"""Import the organisation tree from CSV or XLSX: validate every row, then write all or nothing."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from openpyxl import load_workbook

from bot.domain.enums import Level
from storage.models import OrgUnit
from storage.repositories import org, unit_import
from storage.repositories.unit_import import ImportResult, UnitSpec
from storage.sessions import Session

COLUMNS = ("code", "name", "level", "parent_code", "women_18_plus")
# Deeper levels have bigger numbers; a child must sit below its parent.
DEPTH = {
    Level.CENTRAL: 0,
    Level.PROVINCE: 1,
    Level.DISTRICT: 2,
    Level.COMMUNE: 3,
    Level.BRANCH: 4,
    Level.GROUP: 5,
}


class ImportError_(Exception):
    """A bad row: the message carries the row number and the reason."""


Row = tuple[int, dict[str, str]]


def read_rows(path: Path) -> list[Row]:
    """(line number as a spreadsheet shows it, row) pairs; header is line 1."""
    if not path.exists():
        raise ImportError_(f"{path}: no such file")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        wb = load_workbook(path, read_only=True, data_only=True)
        rows = list(wb.active.iter_rows(values_only=True)) if wb.active else []
        wb.close()
        if not rows:
            raise ImportError_("the file is empty")
        header = [str(h or "").strip().lower() for h in rows[0]]
        data = [
            (i, {h: "" if v is None else str(v).strip() for h, v in zip(header, r, strict=False)})
            for i, r in enumerate(rows[1:], start=2)
        ]
    elif path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = [h.strip().lower() for h in reader.fieldnames or []]
            data = [
                (i, {k.strip().lower(): (v or "").strip() for k, v in r.items() if k})
                for i, r in enumerate(reader, start=2)
            ]
    else:
        raise ImportError_(f"{path.name}: expected a .csv or .xlsx file")
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ImportError_(f"missing column(s): {', '.join(missing)}")
    return [(i, r) for i, r in data if any(r.values())]


def validate(raw: list[tuple[int, dict[str, str]]], existing: dict[str, OrgUnit]) -> list[UnitSpec]:
    rows: list[UnitSpec] = []
    seen: dict[str, int] = {}
    for line, r in raw:
        code, name = r["code"], r["name"]
        if not code:
            raise ImportError_(f"row {line}: code is empty")
        if code in seen:
            raise ImportError_(f"row {line}: code {code} already on row {seen[code]}")
        seen[code] = line
        if not name:
            raise ImportError_(f"row {line}: name is empty")
        try:
            level = Level(r["level"].lower())
        except ValueError:
            allowed = ", ".join(lv.value for lv in Level)
            raise ImportError_(
                f"row {line}: level '{r['level']}' is not one of {allowed}"
            ) from None
        women: int | None = None
        if r["women_18_plus"]:
            try:
                women = int(float(r["women_18_plus"].replace(",", "")))
            except ValueError:
                women = -1
            if women < 0:
                raise ImportError_(f"row {line}: women_18_plus must be a whole number >= 0")
        parent = r["parent_code"] or None
        rows.append(UnitSpec(line, code, name, level, parent, women))
    levels = {row.code: row.level for row in rows} | {c: u.level for c, u in existing.items()}
    for row in rows:
        if row.parent_code is None:
            if row.level not in (Level.CENTRAL, Level.PROVINCE):
                raise ImportError_(f"row {row.line}: a {row.level} needs a parent_code")
            continue
        if row.parent_code not in levels:
            raise ImportError_(
                f"row {row.line}: parent {row.parent_code} is not in the file or database"
            )
        if DEPTH[levels[row.parent_code]] >= DEPTH[row.level]:
            raise ImportError_(
                f"row {row.line}: a {row.level} cannot sit under a {levels[row.parent_code]}"
            )
        if row.code in existing and existing[row.code].parent_id is not None:
            current = existing[row.code]
            parent_unit = existing.get(row.parent_code)
            if parent_unit is None or current.parent_id != parent_unit.id:
                raise ImportError_(
                    f"row {row.line}: unit {row.code} already exists under another parent"
                )
    return rows


def in_order(rows: list[UnitSpec], existing: dict[str, OrgUnit]) -> list[UnitSpec]:
    """The rows with every parent before its children (ImportError_ on a cycle)."""
    known = set(existing)
    out: list[UnitSpec] = []
    pending = list(rows)
    while pending:
        ready = [r for r in pending if r.parent_code is None or r.parent_code in known]
        if not ready:
            raise ImportError_(
                f"row {pending[0].line}: parent {pending[0].parent_code} forms a cycle"
            )
        out += ready
        known.update(r.code for r in ready)
        pending = [r for r in pending if r not in ready]
    return out


async def import_units(
    s: Session,
    path: Path,
    year: int,
    convert: Callable[[list[Row], dict[str, str]], list[Row]] | None = None,
) -> ImportResult:
    """Validate the whole file first; then create or update. Importing twice changes nothing.
    `convert` rewrites the rows first (bot/sheets/legacy.py: districts to today's communes)."""
    units = {u.code: u for u in await org.all_units(s)}
    raw = read_rows(path)
    if convert is not None:
        raw = convert(raw, {code: u.name for code, u in units.items()})
    rows = in_order(validate(raw, units), units)
    return await unit_import.apply(s, rows, units, year)
