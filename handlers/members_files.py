"""Member spreadsheets: validate an import with the chat's own rules; build the export rows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.core.i18n import _, tr
from bot.core.parsing import normalize_cccd, read_name, read_yes_no
from bot.domain.enums import Level
from bot.domain.textkeys import fold, mask_id
from bot.sheets import members as member_excel
from bot.sheets.members import IMPORT_COLUMNS
from handlers import members_rules as rules
from handlers.members_rules import Birth, Joined, Problem
from handlers.members_search import status_name
from handlers.members_steps import refused_id
from storage import crypto
from storage.models import Member, OrgUnit
from storage.repositories import audit, member_rows, members, org
from storage.repositories.member_rows import NewMember
from storage.sessions import Session

HEADERS = {c.key: c.header for c in IMPORT_COLUMNS}
_PERSONAL = ("phone", "cccd", "group", "categories", "core", "sensitive", "ethnicity", "religion")


@dataclass
class ImportReport:
    added: int = 0
    good: int = 0
    bad: list[tuple[int, dict[str, str], str]] = field(default_factory=list)


class _RowError(Exception):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(column)
        self.column = column
        self.reason = reason


def _ok(got: Any, column: str) -> Any:
    if isinstance(got, Problem):
        raise _RowError(column, got.reason)
    return got


def _yes_no(text: str, column: str, empty: bool | None) -> bool:
    if not text:
        if empty is None:
            raise _RowError(column, _("Please write yes or no."))
        return empty
    got = read_yes_no(text)
    if got is None:
        raise _RowError(column, _("Please write yes or no."))
    return got


@dataclass
class _Seen:
    """Names, births and ID numbers already in the branch or earlier in the file."""

    births: dict[str, list[tuple[dt.date | None, int | None, bool]]]
    held_ids: dict[str, str]
    file_ids: dict[str, int] = field(default_factory=dict)

    def same_person(self, name: str, birth: Birth) -> bool:
        for day, year, approx in self.births.get(fold(name), []):
            if birth.approx or approx:
                if year == birth.day.year:
                    return True
            elif day == birth.day:
                return True
        return False


class _Validator:
    def __init__(self, branch: OrgUnit, groups: list[OrgUnit], seen: _Seen, today: dt.date) -> None:
        self.branch = branch
        self.groups = groups
        self.seen = seen
        self.today = today

    def row(self, line: int, r: dict[str, str]) -> NewMember:
        name = _ok(rules.check_name(r["full_name"]), "full_name")
        if not r["birth"]:
            raise _RowError("birth", _("The date of birth is missing."))
        birth: Birth = _ok(rules.check_birth(r["birth"], self.today), "birth")
        if not r["joined_on"]:
            raise _RowError(
                "joined_on",
                _(
                    'The joining date is missing: write the day, the year, or "cũ" for a member '
                    "from before the register was kept."
                ),
            )
        joined: Joined = _ok(rules.check_joined(r["joined_on"], self.today, birth), "joined_on")
        residence = _ok(rules.read_residence_cell(r["residence"]), "residence")
        consent = _yes_no(r["consent"], "consent", None)
        if self.seen.same_person(name, birth):
            raise _RowError(
                "full_name", _("The branch already has a member with this name and birth date.")
            )
        if not consent:
            filled = [HEADERS[k] for k in _PERSONAL if r[k]]
            if filled:
                msg = _(
                    "Without her consent only name and year of birth are kept; empty: {columns}."
                )
                raise _RowError("consent", msg.format(columns=", ".join(filled)))
            self._remember(name, birth, approx=True)
            return NewMember(
                name,
                birth.day,
                True,
                joined.day,
                joined_approx=joined.approx,
                residence=residence,
            )
        phone = _ok(rules.check_phone(r["phone"]), "phone") if r["phone"] else None
        sealed = self._id(line, r["cccd"], birth) if r["cccd"] else None
        cats = _ok(rules.read_categories_cell(r["categories"]), "categories")
        sensitive = _yes_no(r["sensitive"], "sensitive", False)
        wants = (cats & rules.SENSITIVE) or r["ethnicity"] or r["religion"]
        if wants and not sensitive:
            raise _RowError(
                "sensitive", _("Ethnicity and religion need her explicit consent: write yes.")
            )
        ethnicity = self._word(r["ethnicity"], "ethnicity")
        religion = self._word(r["religion"], "religion")
        purposes = (rules.MEMBERSHIP, rules.SENSITIVE_PURPOSE) if sensitive else (rules.MEMBERSHIP,)
        self._remember(name, birth, approx=birth.approx)
        if sealed is not None:
            self.seen.file_ids[sealed.index] = line
        return NewMember(
            name,
            birth.day,
            birth.approx,
            joined.day,
            joined_approx=joined.approx,
            residence=residence,
            phone=phone,
            cccd=sealed,
            group_id=self._group(r["group"]),
            categories=tuple(sorted(cats)),
            is_core=_yes_no(r["core"], "core", False),
            ethnicity=ethnicity,
            religion=religion,
            consents=purposes,
        )

    def _remember(self, name: str, birth: Birth, approx: bool) -> None:
        self.seen.births.setdefault(fold(name), []).append((birth.day, birth.day.year, approx))

    def _id(self, line: int, text: str, birth: Birth) -> crypto.SealedId:
        digits = _ok(rules.check_id(text, birth, self.today), "cccd")
        sealed = crypto.seal_id(digits)
        if sealed.index in self.seen.held_ids:
            raise _RowError("cccd", refused_id(self.seen.held_ids[sealed.index]))
        if sealed.index in self.seen.file_ids:
            msg = _("The same ID number is on row {row} of this file.")
            raise _RowError("cccd", msg.format(row=self.seen.file_ids[sealed.index]))
        return sealed

    def _word(self, text: str, column: str) -> str | None:
        if not text:
            return None
        got = read_name(text)
        if got is None:
            raise _RowError(column, _("Please type the name in letters, for example Tày."))
        return got

    def _group(self, text: str) -> int | None:
        if not text:
            return None
        key = fold(text)
        found = [g for g in self.groups if key in (fold(g.code), fold(g.name))]
        if len(found) != 1:
            raise _RowError("group", _("No group of this branch has that name or code."))
        return found[0].id


async def import_rows(
    s: Session,
    branch: OrgUnit,
    rows: list[tuple[int, dict[str, str]]],
    today: dt.date,
    now: dt.datetime,
    *,
    skip_bad: bool = False,
    by: int | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Validate every row; write all of them, none (a bad row and no skip_bad, or a dry run),
    or the good ones."""
    groups = [u for u in await org.children(s, branch.id) if u.level == Level.GROUP]
    # One query for every ID number of the file, not one per row.
    digits = (normalize_cccd(r["cccd"]) for _line, r in rows if r["cccd"])
    indexes = [crypto.blind_index(d) for d in digits if d]
    births: dict[str, list[tuple[dt.date | None, int | None, bool]]] = defaultdict(list)
    for name, day, year, approx in await members.birth_keys(s, branch.id):
        births[name].append((day, year, approx))
    seen = _Seen(births, await members.branches_holding_ids(s, indexes))
    check = _Validator(branch, groups, seen, today)
    report = ImportReport()
    good: list[NewMember] = []
    for line, r in rows:
        try:
            good.append(check.row(line, r))
        except _RowError as err:
            report.bad.append((line, r, f"{HEADERS[err.column]}: {err.reason}"))
    report.good = len(good)
    if dry_run or (report.bad and not skip_bad):
        return report
    await member_rows.add_many(s, branch.id, good, now, by)
    report.added = len(good)
    detail = {"added": report.added, "skipped": len(report.bad)}
    await audit.record(s, now, by, "members_imported", "org_unit", branch.id, detail)
    return report


def write_errors(path: Path, report: ImportReport) -> None:
    member_excel.write_errors(path, report.bad)


async def export_rows(
    s: Session, unit: OrgUnit, today: dt.date, *, with_cccd: bool
) -> list[list[Any]]:
    """One row per member under `unit`; the ID number masked unless `with_cccd`."""
    rows: list[list[Any]] = []
    group_names: dict[int, str] = {}
    for m, branch in await members.in_subtree(s, unit):
        group = ""
        if m.group_id is not None:
            if m.group_id not in group_names:
                g = await org.by_id(s, m.group_id)
                group_names[m.group_id] = g.name if g else ""
            group = group_names[m.group_id]
        rows.append(
            [
                m.id,
                branch.name,
                group,
                m.full_name or "",
                _birth_cell(m),
                members.phone_of(m) or "",
                _id_cell(m, with_cccd),
                ", ".join(rules.category_names(m.categories, m.birth_date, today)),
                rules.yes_no(m.is_core),
                status_name(m.status),
                joined_cell(m),
                tr(rules.RESIDENCE[m.residence]),
            ]
        )
    return rows


def joined_cell(m: Member) -> dt.date | str:
    """Her joining day, its year alone, or "before the register was kept"."""
    if m.joined_on is None:
        return Joined(None).show()
    return str(m.joined_on.year) if m.joined_approx else m.joined_on


def _birth_cell(m: Member) -> dt.date | str:
    if m.birth_date is not None:
        return m.birth_date
    return str(m.birth_year) if m.birth_year else ""


def _id_cell(m: Member, with_cccd: bool) -> str:
    if m.cccd_enc is None:
        return ""
    digits = crypto.decrypt_id(m.cccd_enc)
    return digits if with_cccd else mask_id(digits)
