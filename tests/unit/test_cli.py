"""The CLI: org import (idempotent, all-or-nothing), tree, invites; bad input is one line, exit 1."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from bot.cli import app
from bot.cli.run import KeyValueFormatter
from tests.support import databases

runner = CliRunner()
GOOD = """code,name,level,parent_code,women_18_plus
HN,Hội LHPN thành phố Hà Nội,province,,
HN-BD,Hội LHPN phường Ba Đình,commune,HN,8200
HN-BD-01,Chi hội Tổ dân phố 1,branch,HN-BD,
HN-BD-01-A,Tổ phụ nữ số 1,group,HN-BD-01,
"""


@pytest.fixture
def cli_db(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    return sqlite_url


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def tree() -> str:
    code, out, _err = invoke("org", "tree")
    assert code == 0
    return out


def test_import_is_idempotent_and_tree_shows_any_depth(cli_db: str, tmp_path: Path) -> None:
    path = write(tmp_path, "org.csv", GOOD)
    assert invoke("org", "import", str(path))[:2] == (0, "created 4, updated 0, unchanged 0\n")
    assert invoke("org", "import", str(path))[:2] == (0, "created 0, updated 0, unchanged 4\n")
    assert tree().splitlines() == [
        "HN  Hội LHPN thành phố Hà Nội  [province]",
        "  HN-BD  Hội LHPN phường Ba Đình  [commune]",
        "    HN-BD-01  Chi hội Tổ dân phố 1  [branch]",
        "      HN-BD-01-A  Tổ phụ nữ số 1  [group]",
    ]
    code, out, _ = invoke("org", "tree", "HN-BD-01")
    assert code == 0 and out.splitlines()[0].startswith("HN-BD-01  Chi hội")


def test_import_reads_xlsx_in_any_row_order(cli_db: str, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    rows = [line.split(",") for line in GOOD.strip().splitlines()]
    ws.append(rows[0])
    for row in reversed(rows[1:]):  # children before parents
        ws.append([c or None for c in row])
    wb.save(tmp_path / "org.xlsx")
    assert invoke("org", "import", str(tmp_path / "org.xlsx"))[:2] == (
        0,
        "created 4, updated 0, unchanged 0\n",
    )


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ("HN-BD-02,,branch,HN-BD,", "row 6: name is empty"),
        ("HN-BD-02,Chi hội 2,village,HN-BD,", "row 6: level 'village' is not one of"),
        ("HN-BD-02,Chi hội 2,branch,XX,", "row 6: parent XX is not in the file or database"),
        ("HN-BD-02,Chi hội 2,branch,HN-BD,-5", "row 6: women_18_plus must be a whole number"),
        ("HN-BD-01,Chi hội lặp,branch,HN-BD,", "row 6: code HN-BD-01 already on row 4"),
        ("HN-X,Hội xã X,commune,HN-BD-01,", "row 6: a commune cannot sit under a branch"),
    ],
)
def test_a_bad_row_names_its_number_and_writes_nothing(
    cli_db: str, tmp_path: Path, bad_line: str, message: str
) -> None:
    path = write(tmp_path, "bad.csv", GOOD + bad_line + "\n")
    code, out, err = invoke("org", "import", str(path))
    assert code == 1 and out == ""
    assert err.startswith(f"error: {message}") and err.count("\n") == 1
    assert tree() == "(empty)\n"


def test_invite_prints_a_code_once_and_refuses_bad_input(cli_db: str, tmp_path: Path) -> None:
    invoke("org", "import", str(write(tmp_path, "org.csv", GOOD)))
    code, out, _ = invoke("invite", "create", "--unit", "HN-BD-01", "--role", "branch_head")
    assert code == 0 and len(out.strip()) == 9 and out.strip()[4] == "-"
    cases = [
        (["--unit", "NOPE", "--role", "branch_head"], "error: --unit: no unit with code NOPE"),
        (["--unit", "HN-BD-01", "--role", "queen"], "error: --role 'queen': expected one of"),
        (["--unit", "HN-BD-01", "--role", "branch_head", "--expires", "soon"], "error: --expires"),
    ]
    for args, message in cases:
        code, out, err = invoke("invite", "create", *args)
        assert code == 1 and out == "" and err.startswith(message)


def test_missing_file_and_bad_database_url_are_one_line(
    cli_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = invoke("org", "import", str(tmp_path / "none.csv"))
    assert code == 1 and err.strip().endswith("none.csv: no such file")
    monkeypatch.setenv("DATABASE_URL", "mysql://x")
    code, _, err = invoke("org", "tree")
    assert code == 1 and err.startswith("error: DATABASE_URL:") and err.count("\n") == 1


def test_db_upgrade_on_a_new_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/new/chihoi.sqlite3"
    monkeypatch.setenv("DATABASE_URL", url)
    code, out, _ = databases.in_thread(lambda: invoke("db", "upgrade"))
    assert code == 0 and out == "database at head\n"
    assert (tmp_path / "new" / "chihoi.sqlite3").exists()


def test_db_upgrade_of_a_newer_database_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database a newer chihoi migrated names a revision this one does not know."""
    path = tmp_path / "newer.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    assert databases.in_thread(lambda: invoke("db", "upgrade"))[0] == 0
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099_future'")
    code, _, err = databases.in_thread(lambda: invoke("db", "upgrade"))
    assert code == 1 and err.startswith("error: cannot migrate:") and err.count("\n") == 1
    assert "0099_future" in err


def test_log_lines_carry_their_extra_fields() -> None:
    formatter = KeyValueFormatter("%(levelname)s %(name)s %(message)s")
    record = logging.makeLogRecord(
        {
            "name": "chihoi.sweep",
            "levelname": "INFO",
            "msg": "sweep_done",
            "day": "2026-03-20",
            "added": 14,
        }
    )
    assert formatter.format(record) == "INFO chihoi.sweep sweep_done day=2026-03-20 added=14"
    plain = logging.makeLogRecord({"name": "x", "levelname": "INFO", "msg": "hello"})
    assert formatter.format(plain) == "INFO x hello"
