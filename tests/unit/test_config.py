"""Settings: defaults need no services; a bad value names the variable and what is expected."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.config import ConfigError, load_rules, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: pytest.TempPathFactory) -> None:
    for var in (
        "DATABASE_URL",
        "TELEGRAM_BOT_TOKEN",
        "ZALO_BOTS",
        "ZALO_OA_ID",
        "ZALO_OA_APP_ID",
        "ZALO_OA_APP_SECRET",
        "CHIHOI_TZ",
        "CHIHOI_WEB_PORT",
        "CHIHOI_LOCALE",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults_are_embedded_sqlite_and_no_channels() -> None:
    s = load_settings()
    assert s.database_url.startswith("sqlite+aiosqlite:///var/")
    assert not s.has_channels
    assert s.tz == "Asia/Ho_Chi_Minh" and s.locale == "vi" and s.web_port == 8080


def test_an_official_account_alone_is_a_channel(monkeypatch: pytest.MonkeyPatch) -> None:
    """An OA-only deployment (issue 19) must not fall back to the web simulator, which acts
    as anyone; an OA half configured (no app secret) is no channel, as zalo_config says."""
    monkeypatch.setenv("ZALO_OA_ID", "1234567890")
    monkeypatch.setenv("ZALO_OA_APP_ID", "42")
    assert not load_settings().has_channels
    monkeypatch.setenv("ZALO_OA_APP_SECRET", "app-secret-0123456789")
    assert load_settings().has_channels


@pytest.mark.parametrize(
    ("var", "value", "expected"),
    [
        (
            "DATABASE_URL",
            "mysql://root@localhost/x",
            "DATABASE_URL: Value error, driver must be one of",
        ),
        ("DATABASE_URL", "not a url", "DATABASE_URL: Value error, expected a URL like"),
        ("CHIHOI_TZ", "Mars/Base", "CHIHOI_TZ: Value error, expected an IANA time zone"),
        (
            "CHIHOI_WEB_PORT",
            "99999",
            "CHIHOI_WEB_PORT: Input should be less than or equal to 65535",
        ),
        ("CHIHOI_LOCALE", "fr", "CHIHOI_LOCALE: Value error, expected vi or en"),
    ],
)
def test_bad_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, var: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(var, value)
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert str(err.value).startswith(expected)
    assert "\n" not in str(err.value)


def test_several_zalo_bots_and_secret_tokens_stay_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZALO_BOTS", "111:aaa, 222:bbb")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:tok-XYZ")
    s = load_settings()
    assert s.zalo_tokens == ["111:aaa", "222:bbb"]
    assert "tok-XYZ" not in repr(s) and "bbb" not in repr(s)


def test_the_configured_zone_is_the_rules_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    evening_utc = dt.datetime(2026, 6, 30, 20, 0, tzinfo=dt.UTC)
    monkeypatch.setenv("CHIHOI_TZ", "Asia/Bangkok")
    bangkok = load_rules(load_settings())
    assert str(bangkok.tz) == "Asia/Bangkok" and str(bangkok.quiet.tz) == "Asia/Bangkok"
    assert bangkok.local_day(evening_utc) == dt.date(2026, 7, 1)  # 03:00 there
    monkeypatch.setenv("CHIHOI_TZ", "Europe/London")
    assert load_rules(load_settings()).local_day(evening_utc) == dt.date(2026, 6, 30)  # 21:00
