"""`chihoi report show --period YEAR|TERM` and `chihoi report target set|import`: targets
per unit and period, from the command line or a small sheet (dry run writes nothing)."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from bot.cli import app
from bot.cli import common as cli_common
from tests.support.chat_fixtures import World

runner = CliRunner()


@pytest.fixture
def cli_db(world: World, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The demo organisation (seeded on 20/03/2026) behind DATABASE_URL."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    return sqlite_url


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["report", *args])
    return result.exit_code, result.stdout, result.stderr


def show(period: str) -> list[str]:
    code, stdout, stderr = invoke(
        "show", "--unit", "TH-QP", "--period", period, "--as-of", "2026-03-20"
    )
    assert (code, stderr) == (0, "")
    return stdout.splitlines()


def test_a_year_and_a_term_are_periods_too(cli_db: str) -> None:
    year = show("2026")
    assert year[0] == "Báo cáo cả năm 2026 – Hội LHPN xã Quảng Phú"
    assert "Kết nạp mới: 0 hội viên từ đầu năm, chỉ tiêu 15 (0%) ⚠️" in year  # the whole year
    term = show("2022-2027")
    assert term[0] == "Báo cáo nhiệm kỳ 2022–2027 – Hội LHPN xã Quảng Phú"
    # new members over the term: 15 a year × 5 years (000 §II.2)
    assert any(line.startswith("Kết nạp mới: ") and "chỉ tiêu 75 " in line for line in term)


def test_target_set_shows_in_the_report(cli_db: str) -> None:
    assert not any(line.startswith("Chỉ tiêu tập hợp") for line in show("2026-H1"))
    code, stdout, _ = invoke(
        "target", "set", "--unit", "TH-QP", "--measure", "coverage",
        "--period", "2022-2027", "--value", "90",
    )  # fmt: skip
    assert (code, stdout) == (0, "set TH-QP coverage 2022-2027: 90%\n")
    code, _, _ = invoke(
        "target", "set", "--unit", "TH-QP", "--measure", "new_members",
        "--period", "2026", "--value", "24",
    )  # fmt: skip
    assert code == 0
    lines = show("2026-H1")
    assert "Chỉ tiêu tập hợp nhiệm kỳ 2022–2027: ≥ 90% (đạt 71,6% chỉ tiêu) ⚠️" in lines  # 64.4/90
    assert "Kết nạp mới: 0 hội viên từ đầu năm, chỉ tiêu 12 (0%) ⚠️" in lines  # 24 by June: 12


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--measure", "coverage", "--period", "2026", "--value", "120"], "coverage must be"),
        (["--measure", "speed", "--period", "2026", "--value", "1"], "measure must be"),
        (["--measure", "coverage", "--period", "2026-H1", "--value", "60"], "period must be"),
        (["--measure", "new_members", "--period", "2026", "--value", "2.5"], "whole number"),
    ],
)
def test_bad_targets_are_refused_in_one_line(cli_db: str, args: list[str], message: str) -> None:
    code, stdout, stderr = invoke("target", "set", "--unit", "TH-QP", *args)
    assert code == 1 and stdout == "" and stderr.startswith("error: ") and message in stderr
    assert len(stderr.splitlines()) == 1


def _sheet(path: Path, rows: list[tuple[object, ...]]) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["CHỈ TIÊU NHIỆM KỲ 2022-2027"])  # a title row above the header
    ws.append(["Mã đơn vị", "Chỉ tiêu", "Kỳ", "Giá trị"])
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def test_import_a_sheet_dry_run_first(cli_db: str, tmp_path: Path) -> None:
    sheet = _sheet(
        tmp_path / "chi-tieu.xlsx",
        [("TH-QP", "coverage", "2022-2027", 90), ("TH-HT", "growth", "2022-2027", "5%")],
    )
    code, stdout, _ = invoke("target", "import", str(sheet), "--dry-run")
    assert (code, stdout) == (
        0,
        "would set TH-QP coverage 2022-2027: 90%\nwould set TH-HT growth 2022-2027: 5%\n",
    )
    assert not any(line.startswith("Chỉ tiêu tập hợp") for line in show("2026-H1"))
    code, stdout, _ = invoke("target", "import", str(sheet))
    assert code == 0 and stdout.startswith("set TH-QP coverage 2022-2027: 90%\n")
    assert any(
        line.startswith("Chỉ tiêu tập hợp nhiệm kỳ 2022–2027: ≥ 90%") for line in show("2026-H1")
    )


def test_a_bad_row_or_unit_imports_nothing(cli_db: str, tmp_path: Path) -> None:
    bad = _sheet(
        tmp_path / "bad.xlsx",
        [("TH-QP", "coverage", "2022-2027", 90), ("TH-HT", "coverage", "2022", "abc")],
    )
    code, _, stderr = invoke("target", "import", str(bad))
    assert code == 1
    assert "row 4: value 'abc' is not a number" in stderr
    unknown = _sheet(
        tmp_path / "unknown.xlsx",
        [("TH-QP", "coverage", "2022-2027", 90), ("NOPE", "coverage", "2026", 70)],
    )
    code, _, stderr = invoke("target", "import", str(unknown))
    assert (code, stderr) == (1, "error: no unit with code NOPE\n")
    assert not any(line.startswith("Chỉ tiêu tập hợp") for line in show("2026-H1"))


def test_today_is_vietnams_whatever_the_machines_zone(
    cli_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """02:50 on 2 December in Vietnam is still 1 December in UTC and in Los Angeles: the
    report counts up to 2 December (issue 13: "today" from CHIHOI_TZ)."""
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    try:
        moment = dt.datetime(2026, 12, 1, 19, 50, tzinfo=dt.UTC)
        monkeypatch.setattr(cli_common, "utc_now", lambda: moment)
        code, stdout, _ = invoke("show", "--unit", "TH-QP")
    finally:
        monkeypatch.undo()
        time.tzset()
    assert code == 0
    assert stdout.splitlines()[:2] == [
        "Báo cáo 6 tháng cuối năm 2026 – Hội LHPN xã Quảng Phú",
        "(số liệu đến ngày 02/12/2026)",
    ]
