"""Time a 10,000-row member import into SQLite (target: under 30 s).

Run: .venv/bin/python bench/member_import.py [--rows 10000] [--db URL]
Every row carries a name, a full birth date, a phone and a CCCD, so each one goes through
all validators, AES-GCM encryption and the blind-index duplicate check. Prints figures;
asserts nothing (this is not a test).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import secrets
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

from bot.domain.enums import Level
from bot.seeding import names as seed_names
from bot.seeding.demo import seed
from bot.sheets import members as member_sheet
from handlers import members_files
from storage import crypto, db
from storage.db import transaction
from storage.repositories import org

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Thị", "Ngọc", "Thu", "Minh", "Thanh", "Kim", "Bích", "Hồng"]
# The generator's first given names.
GIVEN = seed_names.GIVEN[:22]
PREFIXES = ["090", "091", "093", "094", "096", "097", "098", "086", "032", "033", "070", "077"]
TODAY = dt.date(2026, 3, 20)


def make_rows(n: int, rng: random.Random) -> list[list[str | None]]:
    rows: list[list[str | None]] = []
    seen: set[tuple[str, dt.date]] = set()
    while len(rows) < n:
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        born = dt.date(rng.randint(1950, 2005), rng.randint(1, 12), rng.randint(1, 28))
        if (name, born) in seen:
            continue
        seen.add((name, born))
        century = 1 if born.year < 2000 else 3  # woman born in the 1900s / 2000s
        cccd = f"038{century}{born.year % 100:02d}{len(rows):06d}"
        phone = rng.choice(PREFIXES) + f"{rng.randint(0, 9_999_999):07d}"
        joined = str(rng.randint(born.year + 18, TODAY.year - 1))  # a year: before this one
        # Empty cells are absent in a real file, not empty strings.
        cells = [name, born.strftime("%d/%m/%Y"), phone, cccd, None, None, None, "có"]
        rows.append([*cells, None, None, None, joined])
    return rows


def write_book(path: Path, rows: list[list[str | None]]) -> None:
    # A normal workbook stores text as shared strings, as Excel and LibreOffice do.
    wb = Workbook()
    ws = wb.active
    ws.append([c.header for c in member_sheet.IMPORT_COLUMNS])
    for row in rows:
        ws.append(row)
    wb.save(path)


async def run(url: str, book: Path) -> tuple[float, float, int]:
    engine = db.make_engine(url)
    maker = db.make_sessionmaker(engine)
    now = dt.datetime.now(dt.UTC)
    async with transaction(maker) as s:
        await seed(s, now, random.Random(7))
    start = time.perf_counter()
    rows = member_sheet.read_rows(book)
    read = time.perf_counter() - start
    async with transaction(maker) as s:
        branch = await org.by_code(s, "TH-QP-03")
        assert branch is not None and branch.level == Level.BRANCH
        report = await members_files.import_rows(s, branch, rows, TODAY, now)
    total = time.perf_counter() - start
    await engine.dispose()
    if report.bad:
        print(f"unexpected bad rows: {report.bad[:3]}")
    return read, total, report.added


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--db", default=None, help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    os.environ.setdefault("CHIHOI_DATA_KEY", secrets.token_urlsafe(32))
    crypto.reset()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}"
        db.upgrade(url)
        book = Path(tmp) / "members.xlsx"
        write_book(book, make_rows(args.rows, random.Random(1)))
        read, total, added = asyncio.run(run(url, book))
    print(f"rows imported:          {added}")
    print(f"read workbook:          {read:.2f} s")
    print(f"validate + write + commit: {total - read:.2f} s")
    print(f"total import:           {total:.2f} s  ({added / total:,.0f} rows/s; target < 30 s)")


if __name__ == "__main__":
    main()
