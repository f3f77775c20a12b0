"""Settings of the Zalo deployment (issue 19): several Bot Platform bots and their quota,
the Official Account (ZALO_OA_*), ZNS templates, and the channel order per message kind.

Facts ZALO.md / ZALO-OA.md mark as unverified are settings here, with the documented value
as the default: the bot's monthly allowance (3,000, "reported"), whether a person's id is the
same on every bot, which id and secret sign OA webhooks, the ZNS night window (22:00 to 06:00
or 07:00), the button count and the 48 h / 7-day windows.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from bot.config import _FromEnv

CHANNELS = ("zalo_oa", "zalo", "telegram", "zns")
# The order every outbox kind falls back along unless CHIHOI_CHANNEL_ORDER names it.
DEFAULT_ORDER = ("zalo_oa", "zalo", "telegram", "zns")
# Sources a ZNS template parameter may be filled from (README "Zalo in production").
PARAM_SOURCES = ("name", "unit", "period", "deadline", "today")
_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True, slots=True)
class TemplateParam:
    source: str
    max_length: int | None = None


@dataclass(frozen=True, slots=True)
class ZnsTemplate:
    """One approved template: its id and how each of its parameters is filled."""

    template_id: str
    params: dict[str, TemplateParam]


def parse_templates(raw: str) -> dict[str, ZnsTemplate]:
    """ZNS_TEMPLATES: {"meeting_due": {"template_id": "…", "params": {"ten": "name", "han":
    {"from": "deadline", "max": 20}}}}; ValueError naming what is wrong."""
    if not raw.strip():
        return {}
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object of reminder kind → template")
    out: dict[str, ZnsTemplate] = {}
    for kind, spec in data.items():
        if not isinstance(spec, dict) or not str(spec.get("template_id", "")).strip():
            raise ValueError(f"{kind}: expected {{'template_id': …, 'params': {{…}}}}")
        params: dict[str, TemplateParam] = {}
        for name, how in (spec.get("params") or {}).items():
            source, limit = (
                (how, None) if isinstance(how, str) else (how.get("from"), how.get("max"))
            )
            if source not in PARAM_SOURCES:
                raise ValueError(f"{kind}.{name}: source must be one of {', '.join(PARAM_SOURCES)}")
            params[str(name)] = TemplateParam(str(source), int(limit) if limit else None)
        out[str(kind)] = ZnsTemplate(str(spec["template_id"]), params)
    return out


def parse_order(raw: str) -> dict[str, tuple[str, ...]]:
    """CHIHOI_CHANNEL_ORDER: "default=zalo_oa,zalo,telegram,zns;digest=zalo_oa,zalo,telegram"."""
    out: dict[str, tuple[str, ...]] = {}
    for part in raw.split(";"):
        if not part.strip():
            continue
        kind, sep, names = part.partition("=")
        channels = tuple(n.strip() for n in names.split(",") if n.strip())
        if not sep or not kind.strip() or not channels:
            raise ValueError(f"'{part.strip()}': expected kind=channel,channel")
        unknown = [c for c in channels if c not in CHANNELS]
        if unknown:
            raise ValueError(f"unknown channel {unknown[0]}; expected {', '.join(CHANNELS)}")
        out[kind.strip()] = channels
    return out


def parse_bot_units(raw: str) -> dict[str, tuple[str, ...]]:
    """ZALO_BOT_UNITS: "111=XA-01,XA-02;222=XA-03": which bot serves which units' subtrees."""
    out: dict[str, tuple[str, ...]] = {}
    for part in raw.split(";"):
        if not part.strip():
            continue
        bot, sep, codes = part.partition("=")
        units = tuple(c.strip() for c in codes.split(",") if c.strip())
        if not sep or not bot.strip() or not units:
            raise ValueError(f"'{part.strip()}': expected bot_id=UNIT,UNIT")
        out[bot.strip()] = units
    return out


class ZaloSettings(_FromEnv):
    """Everything Zalo beyond ZALO_BOTS / ZALO_API_URL / ZALO_WEBHOOK_* (bot/config.py)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    # --- Bot Platform -------------------------------------------------------------------
    bot_monthly_quota: int = Field(default=3000, ge=1, alias="ZALO_BOT_MONTHLY_QUOTA")
    bot_warn_pct: int = Field(default=80, ge=1, le=100, alias="ZALO_BOT_QUOTA_WARN_PCT")
    bot_units: str = Field(default="", alias="ZALO_BOT_UNITS")
    # Unverified whether a user's id is the same on two bots: off, she links each bot herself.
    shared_user_ids: bool = Field(default=False, alias="ZALO_SHARED_USER_IDS")

    # --- Official Account -----------------------------------------------------------------
    oa_id: str | None = Field(default=None, alias="ZALO_OA_ID")
    oa_app_id: str | None = Field(default=None, alias="ZALO_OA_APP_ID")
    oa_app_secret: SecretStr | None = Field(default=None, alias="ZALO_OA_APP_SECRET")
    oa_secret_key: SecretStr | None = Field(default=None, alias="ZALO_OA_SECRET_KEY")
    oa_api_url: str = Field(default="https://openapi.zalo.me", alias="ZALO_OA_API_URL")
    oa_oauth_url: str = Field(default="https://oauth.zaloapp.com/v4", alias="ZALO_OA_OAUTH_URL")
    oa_webhook_url: str | None = Field(default=None, alias="ZALO_OA_WEBHOOK_URL")
    # ⚠ sources conflict on the first term (app id or OA id) and the secret (OA secret key or
    # app secret): "app_id", "oa_id" or "both"; "oa_secret", "app_secret" or "both".
    oa_sign_id: str = Field(default="app_id", alias="ZALO_OA_SIGNATURE_ID")
    oa_sign_secret: str = Field(default="oa_secret", alias="ZALO_OA_SIGNATURE_SECRET")
    oa_refresh_ahead_hours: float = Field(
        default=3.0, ge=0.1, le=24, alias="ZALO_OA_REFRESH_AHEAD_HOURS"
    )
    oa_buttons: int = Field(default=5, ge=0, le=5, alias="ZALO_OA_BUTTONS")
    oa_free_hours: int = Field(default=48, ge=0, alias="ZALO_OA_FREE_HOURS")
    oa_window_days: int = Field(default=7, ge=1, alias="ZALO_OA_WINDOW_DAYS")
    oa_appsecret_proof: bool = Field(default=False, alias="ZALO_OA_APPSECRET_PROOF")

    # --- ZNS ----------------------------------------------------------------------------------
    zns_api_url: str = Field(default="https://business.openapi.zalo.me", alias="ZNS_API_URL")
    zns_templates: str = Field(default="", alias="ZNS_TEMPLATES")
    zns_mode: str = Field(default="production", alias="ZNS_MODE")
    zns_night: str = Field(default="22:00-07:00", alias="ZNS_NIGHT")

    # --- all channels -------------------------------------------------------------------------
    channel_order: str = Field(
        default="default=zalo_oa,zalo,telegram,zns;digest=zalo_oa,zalo,telegram",
        alias="CHIHOI_CHANNEL_ORDER",
    )

    @field_validator("zns_templates")
    @classmethod
    def _templates(cls, value: str) -> str:
        try:
            parse_templates(value)
        except (ValueError, TypeError, AttributeError) as exc:
            raise ValueError(f"ZNS_TEMPLATES: {exc}") from None
        return value

    @field_validator("channel_order")
    @classmethod
    def _order(cls, value: str) -> str:
        parse_order(value)
        return value

    @field_validator("bot_units")
    @classmethod
    def _units(cls, value: str) -> str:
        parse_bot_units(value)
        return value

    @field_validator("zns_mode")
    @classmethod
    def _mode(cls, value: str) -> str:
        if value not in ("production", "development"):
            raise ValueError("expected production or development (sends to OA admins only)")
        return value

    @field_validator("oa_sign_id")
    @classmethod
    def _sign_id(cls, value: str) -> str:
        if value not in ("app_id", "oa_id", "both"):
            raise ValueError("expected app_id, oa_id or both")
        return value

    @field_validator("oa_sign_secret")
    @classmethod
    def _sign_secret(cls, value: str) -> str:
        if value not in ("oa_secret", "app_secret", "both"):
            raise ValueError("expected oa_secret, app_secret or both")
        return value

    @field_validator("zns_night")
    @classmethod
    def _night(cls, value: str) -> str:
        if not _HOURS.match(value):
            raise ValueError("expected HH:MM-HH:MM, e.g. 22:00-07:00")
        return value

    @property
    def oa_enabled(self) -> bool:
        return bool(self.oa_id and self.oa_app_id and self.oa_app_secret)

    @property
    def templates(self) -> dict[str, ZnsTemplate]:
        return parse_templates(self.zns_templates)

    @property
    def order(self) -> dict[str, tuple[str, ...]]:
        return parse_order(self.channel_order)

    @property
    def units_of_bot(self) -> dict[str, tuple[str, ...]]:
        return parse_bot_units(self.bot_units)

    def night(self) -> tuple[dt.time, dt.time]:
        m = _HOURS.match(self.zns_night)
        assert m is not None  # validated
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        return dt.time(h1, m1), dt.time(h2, m2)

    def secret_values(self) -> list[str]:
        held = (self.oa_app_secret, self.oa_secret_key)
        return [v.get_secret_value() for v in held if v is not None]


def order_for(order: dict[str, tuple[str, ...]], kind: str) -> tuple[str, ...]:
    return order.get(kind) or order.get("default") or DEFAULT_ORDER


def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
