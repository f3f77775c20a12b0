"""Settings from the environment and `.env`, validated once at start."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

S = TypeVar("S", bound=BaseSettings)

VAR_DIR = Path("var")
SUPPORTED_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")


class ConfigError(Exception):
    """A setting has a bad value; the message names the variable and what is expected."""


class Settings(BaseSettings):
    """Every knob of the bot; see README "Configuration"."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field(
        default=f"sqlite+aiosqlite:///{VAR_DIR}/chihoi.sqlite3", alias="DATABASE_URL"
    )
    telegram_bot_token: SecretStr | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_url: str | None = Field(default=None, alias="TELEGRAM_API_URL")
    telegram_webhook_url: str | None = Field(default=None, alias="TELEGRAM_WEBHOOK_URL")
    telegram_webhook_secret: SecretStr | None = Field(default=None, alias="TELEGRAM_WEBHOOK_SECRET")
    zalo_bots: SecretStr | None = Field(default=None, alias="ZALO_BOTS")
    zalo_api_url: str = Field(default="https://bot-api.zaloplatforms.com", alias="ZALO_API_URL")
    zalo_webhook_url: str | None = Field(default=None, alias="ZALO_WEBHOOK_URL")
    zalo_webhook_secret: SecretStr | None = Field(default=None, alias="ZALO_WEBHOOK_SECRET")
    data_key: SecretStr | None = Field(default=None, alias="CHIHOI_DATA_KEY")
    locale: str = Field(default="vi", alias="CHIHOI_LOCALE")
    tz: str = Field(default="Asia/Ho_Chi_Minh", alias="CHIHOI_TZ")
    web_host: str = Field(default="127.0.0.1", alias="CHIHOI_WEB_HOST")
    web_port: int = Field(default=8080, ge=1, le=65535, alias="CHIHOI_WEB_PORT")
    simulator: bool = Field(default=False, alias="CHIHOI_SIMULATOR")
    sweep_cron: str = Field(default="0 8 * * *", alias="CHIHOI_SWEEP_CRON")
    log_level: str = Field(default="INFO", alias="CHIHOI_LOG_LEVEL")

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError as exc:
            raise ValueError(
                "expected a URL like sqlite+aiosqlite:///var/chihoi.sqlite3 "
                "or postgresql+asyncpg://user@host:5432/db"
            ) from exc
        if url.drivername not in SUPPORTED_DRIVERS:
            raise ValueError(f"driver must be one of {', '.join(SUPPORTED_DRIVERS)}")
        return value

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        if value not in ("vi", "en"):
            raise ValueError("expected vi or en")
        return value

    @field_validator("tz")
    @classmethod
    def _known_tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("expected an IANA time zone such as Asia/Ho_Chi_Minh") from exc
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @property
    def zalo_tokens(self) -> list[str]:
        if self.zalo_bots is None:
            return []
        raw = self.zalo_bots.get_secret_value().replace(";", ",")
        return [t.strip() for t in raw.split(",") if t.strip()]

    @property
    def has_channels(self) -> bool:
        return self.telegram_bot_token is not None or bool(self.zalo_tokens)


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


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
