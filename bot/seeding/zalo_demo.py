"""Issue 19 in the demo: Thu (province) is also an admin, so "tin theo kênh" shows the
messages per channel; Hoa gave a phone for reminders by ZNS and agreed to it; a demo Zalo
bot has used 2,450 of its 3,000 messages this month (past the 80% warning)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.domain.enums import RoleKind
from storage import crypto
from storage.repositories import channel_quota, org, people, person_contacts
from storage.sessions import Session

DEMO_BOT = "demo-zalo"


async def seed_zalo(s: Session, now: dt.datetime, tz: ZoneInfo) -> None:
    thu = await people.find_person(s, "web", "sim", "thu")
    hoa = await people.find_person(s, "web", "sim", "hoa")
    province = await org.by_code(s, "TH")
    if thu is None or hoa is None or province is None:
        return
    await people.grant_role(s, thu.id, province.id, RoleKind.ADMIN)
    if crypto.has_key():  # phones are sealed: only with the data key the demo made
        await person_contacts.set_phone(s, hoa.id, "0912000002", True, now)
    month = now.astimezone(tz).strftime("%Y-%m")
    await channel_quota.add(s, "zalo", DEMO_BOT, month, now, 2450, quota=3000)
    await channel_quota.warn_once(s, "zalo", DEMO_BOT, month, 80)
