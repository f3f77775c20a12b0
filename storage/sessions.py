"""SQLAlchemy's session types under our names, so code outside storage can pass them along."""

from typing import TypeAlias

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

Session: TypeAlias = AsyncSession
Maker: TypeAlias = async_sessionmaker[AsyncSession]
Database: TypeAlias = AsyncEngine
