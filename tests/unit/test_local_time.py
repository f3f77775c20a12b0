"""No "today" from the machine's clock zone: every day comes from CHIHOI_TZ (issue 13).

A server on UTC said "số liệu đến ngày 01/12/2026" at 02:50 on 2 December in Vietnam: the
code asked the machine for today. These checks read the source (outside tests) and fail on
any call that takes the machine's zone.
"""

from __future__ import annotations

import ast

import pytest

from bot.config import Settings, load_rules
from tests.unit.test_architecture import MODULES

# Calls that read the machine's local zone whatever their arguments.
ALWAYS_LOCAL = {"today", "utcnow", "localtime", "mktime", "utcfromtimestamp"}
# Calls that do so only without a tz argument (positional or tz=).
LOCAL_WITHOUT_TZ = {"now": 0, "fromtimestamp": 1}


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return "?"


def local_clock_calls(source: str) -> list[str]:
    """`line: call` of each call that reads the machine's zone."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        name = _dotted(node.func)
        owner, attr = name.rpartition(".")[0], node.func.attr
        timeish = owner.split(".")[-1] in ("date", "datetime", "time", "dt")
        if not timeish:
            continue
        if attr in ALWAYS_LOCAL:
            found.append(f"{node.lineno}: {name}()")
        elif attr in LOCAL_WITHOUT_TZ:
            has_tz = len(node.args) > LOCAL_WITHOUT_TZ[attr] or any(
                k.arg == "tz" for k in node.keywords
            )
            if not has_tz:
                found.append(f"{node.lineno}: {name}()")
    return found


def test_the_checker_sees_each_kind_of_local_clock() -> None:
    source = "\n".join([
        "import datetime as dt",
        "from datetime import date, datetime",
        "a = dt.date.today()",
        "b = date.today()",
        "c = datetime.now()",
        "d = dt.datetime.now(dt.UTC)",
        "e = datetime.now(tz=ZONE)",
        "f = time.localtime()",
        "g = dt.datetime.fromtimestamp(1)",
        "h = dt.datetime.fromtimestamp(1, dt.UTC)",
        "i = ctx.today",
        "j = datetime.utcnow()",
    ])  # fmt: skip
    assert [f.split(":")[0] for f in local_clock_calls(source)] == ["3", "4", "5", "8", "9", "12"]


def test_no_code_takes_today_from_the_machine_zone() -> None:
    offenders = [
        f"{path.relative_to(path.parents[len(name.split('.')) - 1])}:{hit}"
        for name, path in MODULES.items()
        for hit in local_clock_calls(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_machine_s_tz_variable_is_not_the_union_s_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    # Containers usually set TZ=UTC (and often LOG_LEVEL): only CHIHOI_* variables count.
    monkeypatch.delenv("CHIHOI_TZ", raising=False)
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("LOG_LEVEL", "DEBUG")
    monkeypatch.setenv("CHIHOI_SIMULATOR", "1")
    cfg = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (cfg.tz, cfg.log_level, cfg.simulator) == ("Asia/Ho_Chi_Minh", "INFO", True)
    assert str(load_rules(cfg).tz) == "Asia/Ho_Chi_Minh"
    monkeypatch.setenv("CHIHOI_TZ", "Asia/Bangkok")
    assert Settings(_env_file=None).tz == "Asia/Bangkok"  # type: ignore[call-arg]
