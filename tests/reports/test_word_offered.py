"""Issue 21, item 2: the Word report wherever reports are: "Gửi báo cáo Word" in chat (both
profiles: a Telegram document; Zalo gets the same attachment, which its channel turns into
a download link), and the pushed semi-annual report carries it."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field

from docx import Document
from sqlalchemy import select

from bot.channels.outbound import Address
from bot.core.types import Reply
from bot.domain.rules import Rules
from bot.reports.pushes import COMMUNE_PUSH, composers
from bot.scheduler.sender import _as_record, reply_of
from bot.scheduler.sweep import sweep
from storage.models import Outbox
from tests.reports.test_chat import all_text, personal_data
from tests.scheduler.support import FakeTime, Recorder, local, sender
from tests.support.chat import Chat
from tests.support.chat_fixtures import World


@dataclass
class Keeper(Recorder):
    """A transport that keeps the whole replies (attachments too)."""

    replies: list[Reply] = field(default_factory=list)

    async def deliver(self, address: Address, reply: Reply) -> None:
        self.replies.append(reply)


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    return "\n".join(
        "".join(t.text or "" for t in p.iter() if t.tag.endswith("}t"))
        for p in doc.element.body.iter()
        if p.tag.endswith("}p")
    )


async def test_a_chair_gets_the_word_report_to_sign(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    private = await personal_data(world)
    chair = chat_as("hong")
    await chair.script(
        [
            ("user", "báo cáo"),
            ("bot", "Hội LHPN xã Quảng Phú"),
            ("pick", "Gửi báo cáo Word"),
            ("bot", "báo cáo dạng file Word"),
        ]
    )
    (reply,) = chair.last
    assert reply.text == "Đây là báo cáo dạng file Word, chị in ra, ký và gửi lên ạ."
    assert reply.attachment is not None and reply.attachment.kind == "document"
    assert reply.attachment.filename == "bao-cao-th-qp-2026-h1.docx"
    assert reply.attachment.caption == "Báo cáo 6 tháng đầu năm 2026 – Hội LHPN xã Quảng Phú"
    text = docx_text(reply.attachment.data)
    assert "HỘI LHPN XÃ QUẢNG PHÚ" in text
    assert "Kết quả công tác hội viên 6 tháng đầu năm 2026" in text
    assert "Quảng Phú, ngày 20 tháng 3 năm 2026" in text
    assert text.rstrip().endswith("TM. BAN THƯỜNG VỤ\nCHỦ TỊCH\n\n\n\n\nPhạm Thị Hồng")
    for value in private:
        assert value not in text and value not in all_text(chair), value


async def test_a_branch_head_gets_her_branchs_report(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    lan = chat_as("lan")
    await lan.script(
        [
            ("user", "báo cáo"),
            ("bot", "Chi hội Thôn Đông"),
            ("pick", "Gửi báo cáo Word"),
            ("bot", "file Word"),
        ]
    )
    attachment = lan.last[0].attachment
    assert attachment is not None and attachment.filename == "bao-cao-th-qp-01-2026-h1.docx"
    text = docx_text(attachment.data)
    assert "CHI HỘI THÔN ĐÔNG" in text and "CHI HỘI TRƯỞNG" in text
    assert "Nguyễn Thị Lan" in text  # the branch head signs


async def test_the_pushed_report_carries_the_word_file(world: World) -> None:
    rules = Rules()
    await sweep(world.maker, local(2026, 11, 26, 8), rules, world.engine.registry)
    clock = FakeTime(local(2026, 11, 26, 8))
    web = Keeper(clock)
    send = sender(world.maker, clock, web, rules=rules, composers=composers(rules))
    assert (await send.drain()).sent >= 1
    (pushed,) = [r for r in web.replies if r.text.startswith("Báo cáo 6 tháng cuối năm 2026")]
    assert pushed.attachment is not None
    assert pushed.attachment.filename == "bao-cao-th-qp-2026-h2.docx"
    assert "Quảng Phú, ngày 26 tháng 11 năm 2026" in docx_text(pushed.attachment.data)
    # The simulator's page reads the row as its delivery: a web row keeps the file ...
    async with world.session() as s:
        row = (await s.scalars(select(Outbox).where(Outbox.kind == COMMUNE_PUSH))).one()
    assert row.channel == "web"
    shown = reply_of(row.payload).attachment
    assert shown is not None and shown.data == pushed.attachment.data
    # ... any other channel's row keeps the text and the file's name, not its bytes.
    kept = _as_record(row.payload)
    assert kept["attachment"] == {
        "kind": "document",
        "filename": "bao-cao-th-qp-2026-h2.docx",
        "caption": "Báo cáo 6 tháng cuối năm 2026 – Hội LHPN xã Quảng Phú",
    }
    assert kept["text"] == row.payload["text"]
    assert reply_of(kept).attachment is None
