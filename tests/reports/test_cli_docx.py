"""`chihoi report export --format docx`: the report to sign; a broken template is one line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document

from bot.reports import docx_render
from tests.reports.test_cli import cli_db, invoke  # noqa: F401  (the fixture)


def test_export_docx_writes_the_report_to_sign(cli_db: str, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "qp.docx"
    code, stdout, stderr = invoke(
        "export", "--unit", "TH-QP", "--period", "2026-H1", "--as-of", "2026-03-20",
        "--format", "docx", "--out", str(out),
    )  # fmt: skip
    assert (code, stdout, stderr) == (0, f"wrote {out}\n", "")
    doc = Document(io.BytesIO(out.read_bytes()))
    text = [p.text for p in doc.paragraphs if p.text]
    assert "Kết quả công tác hội viên 6 tháng đầu năm 2026" in text
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "Quảng Phú, ngày 20 tháng 3 năm 2026" in cells
    assert any(c.endswith("Phạm Thị Hồng") for c in cells)  # the chair signs


def test_a_template_with_an_unknown_field_is_one_line(
    cli_db: str,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    doc = Document(str(docx_render.DEFAULT_DIR / "report.vi.docx"))
    doc.add_paragraph("Điện thoại: {{ chair_phone }}")
    doc.save(str(tmp_path / "report.docx"))
    monkeypatch.setenv(docx_render.TEMPLATE_DIR_ENV, str(tmp_path))
    monkeypatch.chdir(tmp_path)
    code, stdout, stderr = invoke(
        "export", "--unit", "TH-QP", "--period", "2026-H1", "--format", "docx"
    )
    assert (code, stdout) == (1, "")
    assert stderr == "error: report.docx: unknown field chair_phone\n"
    assert not list(tmp_path.glob("bao-cao-*"))
