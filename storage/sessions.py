"""SQLAlchemy's session and engine types under our names, for code outside storage to pass along."""

from typing import TypeAlias

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

Session: TypeAlias = AsyncSession
Engine: TypeAlias = AsyncEngine
