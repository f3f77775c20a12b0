"""One process asking for the OA's access token (tests/pg/test_oa_token_rotation.py):
prints the token it got. argv: database URL, OAuth URL, app id, app secret, OA id."""

from __future__ import annotations

import asyncio
import datetime as dt
import sys

from bot.channels.zalo_oa_client import OaClient
from bot.channels.zalo_oa_tokens import TokenKeeper
from storage import db


async def main(url: str, oauth: str, app_id: str, secret: str, oa_id: str) -> None:
    engine = db.make_engine(url)
    client = OaClient(app_id, secret, oauth_url=oauth, timeout=60)
    keeper = TokenKeeper(db.make_sessionmaker(engine), client, oa_id, ahead=dt.timedelta(hours=3))
    try:
        access, version = await keeper.access()
        print(f"{access} {version} {keeper.refreshes}", flush=True)
    finally:
        await client.aclose()
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:6]))
