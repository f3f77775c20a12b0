"""Settings from the environment and `.env`, validated once at start."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from bot.domain.calendar import Term
from bot.domain.rules import DEFAULT_TZ, Deadline, QuietHours, Rules
from bot.domain.targets import Targets
from storage import VAR_DIR
from storage.crypto import MIN_SECRET
from storage.db import check_url

S = TypeVar("S", bound=BaseSettings)


class ConfigError(Exception):
    """A setting has a bad value; the message names the variable and what is expected."""


class _FromEnv(BaseSettings):
    """Read each knob from its CHIHOI_* variable only, never from its field's bare name.

    pydantic-settings also reads the field name when populating by name is on: a server
    with TZ=UTC (usual in containers) silently made the Union's day UTC's (issue 13).
    Keyword arguments may still use field names.
    """

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        for source in (env_settings, dotenv_settings):
            source.config = {**source.config, "validate_by_name": False}
        return init_settings, env_settings, dotenv_settings, file_secret_settings


class Settings(_FromEnv):
    """Every knob of the bot; see README "Configuration"."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field(
        default=f"sqlite+aiosqlite:///{VAR_DIR}/chihoi.sqlite3", alias="DATABASE_URL"
    )
    # A read-only copy (a streaming replica) for reports: unset, reports read DATABASE_URL.
    reports_database_url: str | None = Field(default=None, alias="REPORTS_DATABASE_URL")
    telegram_bot_token: SecretStr | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_url: str | None = Field(default=None, alias="TELEGRAM_API_URL")
    telegram_webhook_url: str | None = Field(default=None, alias="TELEGRAM_WEBHOOK_URL")
    telegram_webhook_secret: SecretStr | None = Field(default=None, alias="TELEGRAM_WEBHOOK_SECRET")
    zalo_bots: SecretStr | None = Field(default=None, alias="ZALO_BOTS")
    zalo_api_url: str = Field(default="https://bot-api.zaloplatforms.com", alias="ZALO_API_URL")
    zalo_webhook_url: str | None = Field(default=None, alias="ZALO_WEBHOOK_URL")
    zalo_webhook_secret: SecretStr | None = Field(default=None, alias="ZALO_WEBHOOK_SECRET")
    # The Official Account (issue 19): read fully by bot/channels/zalo_config.py; here only to
    # know that a deployment with the OA alone has a channel (no web simulator then).
    zalo_oa_id: str | None = Field(default=None, alias="ZALO_OA_ID")
    zalo_oa_app_id: str | None = Field(default=None, alias="ZALO_OA_APP_ID")
    zalo_oa_app_secret: SecretStr | None = Field(default=None, alias="ZALO_OA_APP_SECRET")
    data_key: SecretStr | None = Field(default=None, alias="CHIHOI_DATA_KEY")
    locale: str = Field(default="vi", alias="CHIHOI_LOCALE")
    # not "tz": the machine's TZ would be read for it (populate_by_name reads field names
    # from the environment too), and "today" must be Vietnam's whatever the machine's zone
    tz_name: str = Field(default="Asia/Ho_Chi_Minh", alias="CHIHOI_TZ")
    web_host: str = Field(default="127.0.0.1", alias="CHIHOI_WEB_HOST")
    web_port: int = Field(default=8080, ge=1, le=65535, alias="CHIHOI_WEB_PORT")
    simulator: bool = Field(default=False, alias="CHIHOI_SIMULATOR")
    # The simulator acts as anyone: served on a non-loopback address only when this says so,
    # and then only to the host names listed (comma-separated) besides the bound address.
    simulator_public: bool = Field(default=False, alias="CHIHOI_SIMULATOR_PUBLIC")
    simulator_host_names: str = Field(default="", alias="CHIHOI_SIMULATOR_HOSTS")
    sweep_cron: str = Field(default="0 8 * * *", alias="CHIHOI_SWEEP_CRON")
    log_level: str = Field(default="INFO", alias="CHIHOI_LOG_LEVEL")

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        check_url(value)  # storage knows which URLs it can open
        return value

    @field_validator("reports_database_url")
    @classmethod
    def _known_reports_driver(cls, value: str | None) -> str | None:
        if value:
            check_url(value)
        return value or None

    @property
    def reports_url(self) -> str:
        """Where reports read: the read-only copy when there is one."""
        return self.reports_database_url or self.database_url

    @field_validator("data_key")
    @classmethod
    def _strong_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value().strip()) < MIN_SECRET:
            raise ValueError(f"expected at least {MIN_SECRET} characters (e.g. 32 random ones)")
        return value

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        if value not in ("vi", "en"):
            raise ValueError("expected vi or en")
        return value

    @field_validator("tz_name")
    @classmethod
    def _known_tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("expected an IANA time zone such as Asia/Ho_Chi_Minh") from exc
        return value

    @property
    def tz(self) -> str:
        return self.tz_name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz_name)

    @property
    def zalo_tokens(self) -> list[str]:
        if self.zalo_bots is None:
            return []
        raw = self.zalo_bots.get_secret_value().replace(";", ",")
        return [t.strip() for t in raw.split(",") if t.strip()]

    @property
    def simulator_hosts(self) -> list[str]:
        named = [h.strip() for h in self.simulator_host_names.split(",") if h.strip()]
        return [self.web_host, *named] if self.simulator_public else []

    def secret_values(self) -> list[str]:
        """Every configured secret, for the log scrubber (bot/logs.py)."""
        held = (
            self.telegram_bot_token,
            self.telegram_webhook_secret,
            self.zalo_webhook_secret,
            self.data_key,
            self.zalo_oa_app_secret,
        )
        return [v.get_secret_value() for v in held if v is not None] + self.zalo_tokens

    @property
    def has_channels(self) -> bool:
        return self.telegram_bot_token is not None or bool(self.zalo_tokens) or self.zalo_oa

    @property
    def zalo_oa(self) -> bool:
        """As ZaloSettings.oa_enabled: the OA's id, app id and app secret are all set."""
        return bool(self.zalo_oa_id and self.zalo_oa_app_id and self.zalo_oa_app_secret)


def load_settings() -> Settings:
    """Read and validate settings, turning pydantic's report into one clear line."""
    return load(Settings)


def load(cls: type[S]) -> S:
    """Build any settings class; a bad value becomes a ConfigError naming the variable."""
    try:
        return cls()
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "?"
        alias = cls.model_fields[field].alias if field in cls.model_fields else field
        raise ConfigError(f"{alias or field}: {first['msg']}") from None


def load_rules(settings: Settings) -> Rules:
    """The one `Rules` of a process: the environment's dates, quiet hours, time zone and
    the thresholds figures are judged by."""
    quiet = load(SchedulerSettings).quiet(settings.zone)
    rules = load(RuleSettings).rules(settings.zone, quiet)
    return replace(rules, targets=load(FigureSettings).targets())


class FigureSettings(BaseSettings):
    """The term and the thresholds a province may change (README "Reports"); defaults
    from the seeds: 004 §II.1.2 (2019 figures for 2022-2027, 60%), 000 §II.2 (15 a year)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    # not "term": the shell's TERM would be read for it
    union_term: str = Field(default="2022-2027", alias="CHIHOI_TERM")
    reference_year: int = Field(default=2019, ge=1990, le=2100, alias="CHIHOI_TERM_REFERENCE_YEAR")
    coverage_pct: float = Field(default=60, gt=0, le=100, alias="CHIHOI_COVERAGE_TARGET")
    # "at_least" (004 appendix: từ 60% trở lên) or "above" (004 §II.1.2 text: trên 60%)
    coverage_rule: str = Field(default="at_least", alias="CHIHOI_COVERAGE_RULE")
    weak_pct: float = Field(default=50, ge=0, le=100, alias="CHIHOI_COVERAGE_WEAK")
    commune_new_members: int = Field(default=15, ge=0, le=10000, alias="CHIHOI_COMMUNE_NEW_MEMBERS")

    @field_validator("union_term")
    @classmethod
    def _term(cls, value: str) -> str:
        if Term.parse(value) is None:
            raise ValueError("expected a term like 2022-2027")
        return value

    @field_validator("coverage_rule")
    @classmethod
    def _rule(cls, value: str) -> str:
        if value not in ("at_least", "above"):
            raise ValueError("expected at_least (từ 60% trở lên) or above (trên 60%)")
        return value

    def targets(self) -> Targets:
        term = Term.parse(self.union_term)
        assert term is not None  # validated
        return Targets(
            coverage=self.coverage_pct / 100,
            coverage_strict=self.coverage_rule == "above",
            coverage_weak=self.weak_pct / 100,
            commune_new_members=self.commune_new_members,
            term=term,
            reference_year=self.reference_year,
        )


_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class SchedulerSettings(_FromEnv):
    """Knobs of reminders and sending (README "Configuration"); CHIHOI_SWEEP_CRON is in Settings."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    digest_cron: str = Field(default="30 7 * * 1", alias="CHIHOI_DIGEST_CRON")
    quiet_hours: str = Field(default="21:00-07:00", alias="CHIHOI_QUIET_HOURS")
    telegram_rate: float = Field(default=30.0, gt=0, alias="CHIHOI_TELEGRAM_RATE")
    zalo_rate: float = Field(default=10.0, gt=0, alias="CHIHOI_ZALO_RATE")
    zalo_chat_rate: float = Field(default=1.0, gt=0, alias="CHIHOI_ZALO_CHAT_RATE")
    lease_seconds: int = Field(default=120, ge=10, alias="CHIHOI_OUTBOX_LEASE")
    max_attempts: int = Field(default=5, ge=1, alias="CHIHOI_OUTBOX_MAX_ATTEMPTS")
    # Replay keys and idle conversations are forgotten after this many days (daily, with the sweep).
    retention_days: int = Field(default=30, ge=2, le=3650, alias="CHIHOI_RETENTION_DAYS")

    @field_validator("quiet_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        if value.strip() and not _HOURS.match(value):
            raise ValueError("expected HH:MM-HH:MM, e.g. 21:00-07:00 (empty: no quiet hours)")
        return value

    @field_validator("digest_cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        from apscheduler.triggers.cron import CronTrigger  # only the scheduler's settings pay it

        CronTrigger.from_crontab(value)
        return value

    def quiet(self, tz: ZoneInfo) -> QuietHours:
        m = _HOURS.match(self.quiet_hours)
        if m is None:
            # No quiet hours: a window that never matches.
            return QuietHours(dt.time(0, 0), dt.time(0, 0), tz)
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        return QuietHours(dt.time(h1, m1), dt.time(h2, m2), tz)


_DAYS = re.compile(r"^\s*\d{1,3}(\s*,\s*\d{1,3})*\s*$")
_DEADLINES = re.compile(r"^\s*(\d{1,2})/(\d{1,2})\s*,\s*(\d{1,2})/(\d{1,2})\s*$")


class RuleSettings(_FromEnv):
    """The dates of `Rules` a province may change (README "Reminders")."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    meeting_days: str = Field(default="30,14,5", alias="CHIHOI_MEETING_REMINDER_DAYS")
    review_days: str = Field(default="20,7,2", alias="CHIHOI_REVIEW_REMINDER_DAYS")
    review_deadlines: str = Field(default="10/06,25/11", alias="CHIHOI_REVIEW_DEADLINES")
    review_lead_days: int = Field(default=5, ge=0, le=60, alias="CHIHOI_REVIEW_LEAD_DAYS")
    province_after_days: int = Field(default=15, ge=0, le=60, alias="CHIHOI_PROVINCE_AFTER_DAYS")
    snooze_days: int = Field(default=3, ge=1, le=14, alias="CHIHOI_SNOOZE_DAYS")

    @field_validator("meeting_days", "review_days")
    @classmethod
    def _days(cls, value: str) -> str:
        if not _DAYS.match(value):
            raise ValueError("expected days before the deadline, e.g. 30,14,5")
        return value

    @field_validator("review_deadlines")
    @classmethod
    def _deadlines(cls, value: str) -> str:
        m = _DEADLINES.match(value)
        try:
            if m is None:
                raise ValueError
            d1, m1, d2, m2 = (int(g) for g in m.groups())
            dt.date(2024, m1, d1), dt.date(2024, m2, d2)  # 2024: 29/02 is a day
        except ValueError:
            raise ValueError("expected two days as dd/mm, e.g. 10/06,25/11") from None
        if (m1, d1) >= (m2, d2):
            raise ValueError("the first-half deadline must come before the second's") from None
        return value

    def rules(self, tz: ZoneInfo = DEFAULT_TZ, quiet: QuietHours | None = None) -> Rules:
        m = _DEADLINES.match(self.review_deadlines)
        assert m is not None  # validated
        d1, m1, d2, m2 = (int(g) for g in m.groups())
        return Rules(
            tz=tz,
            quiet=quiet or QuietHours(tz=tz),
            meeting_steps=_day_list(self.meeting_days),
            review_steps=_day_list(self.review_days),
            review_deadlines=(Deadline(m1, d1), Deadline(m2, d2)),
            review_lead_days=self.review_lead_days,
            province_after_days=self.province_after_days,
            snooze_days=self.snooze_days,
        )


def _day_list(value: str) -> tuple[int, ...]:
    return tuple(sorted({int(x) for x in value.split(",")}, reverse=True))


class DashboardSettings(_FromEnv):
    """The officers' web dashboard (issue 18): served under CHIHOI_PUBLIC_URL when it is set,
    and by the embedded demo (the simulator) at the local address."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    public_url: str | None = Field(default=None, alias="CHIHOI_PUBLIC_URL")
    idle_minutes: int = Field(default=30, ge=1, le=24 * 60, alias="CHIHOI_DASHBOARD_IDLE_MINUTES")

    @field_validator("public_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("expected a base URL such as https://chihoi.example.org")
        return value.rstrip("/")

    def base_url(self, settings: Settings, simulator: bool) -> str | None:
        """Where sign-in links point; None: the dashboard is off."""
        if self.public_url:
            return self.public_url
        return f"http://{settings.web_host}:{settings.web_port}" if simulator else None
