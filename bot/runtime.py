"""The objects one bot process shares: settings, database, the turn engine."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.channels.outbound import Transports
from bot.config import Settings, load_rules
from bot.core.engine import Engine
from bot.domain.rules import Rules
from handlers import registry
from storage import crypto
from storage.db import make_engine, make_sessionmaker


@dataclass
class Runtime:
    settings: Settings
    rules: Rules
    db: AsyncEngine
    maker: async_sessionmaker[AsyncSession]
    engine: Engine
    # Every configured channel bot, for sending outside a turn (the outbox sender).
    transports: Transports = field(default_factory=Transports)

    @classmethod
    def create(cls, settings: Settings) -> Runtime:
        rules = load_rules(settings)
        crypto.configure(settings.data_key.get_secret_value() if settings.data_key else None)
        db = make_engine(settings.database_url)
        maker = make_sessionmaker(db)
        engine = Engine(maker, registry(), rules, default_language=settings.locale)
        return cls(settings, rules, db, maker, engine)

    async def close(self) -> None:
        await self.db.dispose()
