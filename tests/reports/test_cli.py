"""`chihoi report export|show`: files for a unit and period; bad input is one line, exit 1.

Plain sync tests: the CLI runs its own event loop (asyncio.run), which cannot start inside
pytest-asyncio's running loop.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from matplotlib.image import imread
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot.cli import app
from tests.support.chat_fixtures import World

runner = CliRunner()
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def cli_db(world: World, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The demo organisation (seeded on 20/03/2026) behind DATABASE_URL."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    return sqlite_url


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["report", *args])
    return result.exit_code, result.stdout, result.stderr


def test_export_xlsx_writes_the_workbook(cli_db: str, tmp_path: Path) -> None:
    out = tmp_path / "qp.xlsx"
    code, stdout, stderr = invoke(
        "export", "--unit", "TH-QP", "--period", "2026-H1", "--as-of", "2026-03-20",
        "--format", "xlsx", "--out", str(out),
    )  # fmt: skip
    assert (code, stdout, stderr) == (0, f"wrote {out}\n", "")
    wb = load_workbook(out)
    assert wb.sheetnames[0] == "Hội viên"
    ws = wb["Hội viên"]
    assert ws["A1"].value == (
        "Báo cáo 6 tháng đầu năm 2026 – Hội LHPN xã Quảng Phú (số liệu đến ngày 20/03/2026)"
    )
    codes = [r[0] for r in ws.iter_rows(min_row=3, values_only=True)]
    assert codes == ["TH-QP", "TH-QP-01", "TH-QP-02", "TH-QP-03"]


def test_export_defaults_to_a_file_named_after_unit_and_period(
    cli_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, stdout, _ = invoke(
        "export", "--unit", "TH", "--period", "2026-H2", "--as-of", "2026-12-31"
    )
    assert (code, stdout) == (0, "wrote bao-cao-th-2026-h2.xlsx\n")
    wb = load_workbook(tmp_path / "bao-cao-th-2026-h2.xlsx")
    title = wb.worksheets[0]["A1"].value
    assert title.startswith("Báo cáo 6 tháng cuối năm 2026 – Hội LHPN tỉnh Thanh Hóa")
    assert "Rà soát hội viên" in wb.sheetnames


def test_export_png_writes_the_coverage_and_trend_charts(cli_db: str, tmp_path: Path) -> None:
    stem = tmp_path / "th"
    code, stdout, _ = invoke(
        "export", "--unit", "TH", "--period", "2026-H2", "--as-of", "2026-12-31",
        "--format", "png", "--out", str(stem),
    )  # fmt: skip
    assert code == 0
    coverage, trend = tmp_path / "th-tap-hop.png", tmp_path / "th-sinh-hoat.png"
    assert stdout == f"wrote {coverage}\nwrote {trend}\n"
    for path in (coverage, trend):
        data = path.read_bytes()
        assert data.startswith(PNG)
        image = imread(io.BytesIO(data), format="png")
        assert image.shape[1] > 800 and image[..., :3].std() > 0.05
    # A commune's branches have no women-18+ figure: only the trend chart.
    code, stdout, _ = invoke(
        "export", "--unit", "TH-QP", "--period", "2026-H2", "--as-of", "2026-12-31",
        "--format", "png", "--out", str(tmp_path / "qp"),
    )  # fmt: skip
    assert (code, stdout) == (0, f"wrote {tmp_path / 'qp-sinh-hoat.png'}\n")


def test_show_prints_the_chat_report(cli_db: str) -> None:
    code, stdout, _ = invoke("show", "--unit", "TH", "--period", "2026-Q1", "--as-of", "2026-03-20")
    assert code == 0
    lines = stdout.splitlines()
    assert lines[0] == "Báo cáo Quý 1/2026 – Hội LHPN tỉnh Thanh Hóa"
    assert (
        "1. Hội LHPN phường Hạc Thành: tập hợp 43,1% (yếu, dưới 50%); sinh hoạt 0%; 25 hội viên"
        in lines
    )


def test_reports_read_the_read_only_copy_when_one_is_set(
    cli_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """REPORTS_DATABASE_URL (a replica): reports read it, not DATABASE_URL (here an empty
    database, where the same command finds no unit)."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}")
    args = ("show", "--unit", "TH", "--period", "2026-Q1", "--as-of", "2026-03-20")
    assert invoke(*args)[0] == 1
    monkeypatch.setenv("REPORTS_DATABASE_URL", cli_db)
    code, stdout, _ = invoke(*args)
    assert code == 0 and stdout.splitlines()[0] == "Báo cáo Quý 1/2026 – Hội LHPN tỉnh Thanh Hóa"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "NOPE", "--period", "2026-H2"], "error: no unit with code NOPE\n"),
        (
            ["--unit", "TH", "--period", "2026-H3"],
            "error: period must look like 2026-Q3, 2026-H2, 2026 or 2022-2027\n",
        ),
        (
            ["--unit", "TH", "--period", "H2"],
            "error: period must look like 2026-Q3, 2026-H2, 2026 or 2022-2027\n",
        ),
        (
            ["--unit", "TH", "--period", "2027-H1", "--as-of", "2026-12-31"],
            "error: the period has not started on that day\n",
        ),
        (
            ["--unit", "TH", "--as-of", "31/12/2026"],
            "error: --as-of must be a day like 2026-12-31\n",
        ),
        (
            ["--unit", "TH", "--period", "2026-H2", "--format", "pdf"],
            "error: format must be xlsx, docx or png\n",
        ),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    cli_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    work = tmp_path / "out"
    work.mkdir()
    monkeypatch.chdir(work)
    code, stdout, stderr = invoke("export", *args)
    assert (code, stdout, stderr) == (1, "", message)
    assert list(work.iterdir()) == []
