"""Targets set by the level above (unit_target): parsing the CLI's and a sheet's values.

A sheet has one target a row: unit code, measure, period, value (header row first, any
title rows above it are skipped). Coverage and growth are percentages ("90", "83,5",
"5%"), stored in per mille; new members are whole members.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import load_workbook

from bot.domain.calendar import Term, Year
from bot.domain.enums import TargetMeasure
from bot.domain.textkeys import fold

MEASURES = {
    "coverage": TargetMeasure.COVERAGE,
    "ty le tap hop": TargetMeasure.COVERAGE,
    "new members": TargetMeasure.NEW_MEMBERS,
    "hoi vien moi": TargetMeasure.NEW_MEMBERS,
    "ket nap": TargetMeasure.NEW_MEMBERS,
    "growth": TargetMeasure.GROWTH,
    "tang truong": TargetMeasure.GROWTH,
}
HEADERS = {"unit", "ma", "ma don vi", "code"}


@dataclass(frozen=True)
class TargetRow:
    unit_code: str
    measure: TargetMeasure
    period: str
    value: int  # per mille for coverage and growth, members for new_members


class TargetError(ValueError):
    """A value that cannot be a target; the message says why (English, for the CLI)."""


def parse_measure(text: str) -> TargetMeasure:
    from_word = MEASURES.get(_fold(text))
    if from_word is None:
        raise TargetError("measure must be coverage, new_members or growth")
    return from_word


def parse_period(text: str) -> str:
    """A year ("2026") or a term ("2022-2027"): the periods targets are set for."""
    period = Year.parse(text) or Term.parse(text)
    if period is None:
        raise TargetError("period must be a year (2026) or a term (2022-2027)")
    return period.key


def parse_value(measure: TargetMeasure, text: str) -> int:
    raw = text.strip().rstrip("%").strip().replace(",", ".")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise TargetError(f"value {text!r} is not a number") from None
    if measure == TargetMeasure.NEW_MEMBERS:
        if number != number.to_integral_value() or not 0 <= number <= 1_000_000:
            raise TargetError("new members must be a whole number from 0 to 1,000,000")
        return int(number)
    if measure == TargetMeasure.COVERAGE and not 0 < number <= 100:
        raise TargetError("coverage must be a percentage above 0 and at most 100")
    if measure == TargetMeasure.GROWTH and not -100 < number <= 1000:
        raise TargetError("growth must be a percentage above -100")
    return int((number * 10).to_integral_value())


def parse_row(code: Any, measure: Any, period: Any, value: Any) -> TargetRow:
    m = parse_measure(str(measure or ""))
    return TargetRow(
        str(code or "").strip(), m, parse_period(str(period or "")), parse_value(m, str(value))
    )


def read_sheet(data: bytes) -> tuple[list[TargetRow], list[str]]:
    """The targets of a workbook's first sheet, and one error line per bad row."""
    ws = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    rows, errors, header_seen = [], [], False
    for n, cells in enumerate(ws.iter_rows(values_only=True), start=1):
        values = [*cells[:4], *([None] * (4 - len(cells[:4])))]
        if not header_seen:
            header_seen = _fold(str(values[0] or "")) in HEADERS
            continue
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        try:
            rows.append(parse_row(*values))
        except TargetError as exc:
            errors.append(f"row {n}: {exc}")
    if not header_seen:
        errors.append("no header row (unit, measure, period, value)")
    return rows, errors


def _fold(text: str) -> str:
    return fold(text.replace("_", " ").replace("-", " "))
