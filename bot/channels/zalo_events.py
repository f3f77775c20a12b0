"""Zalo Bot Platform events that carry no text: an image, a sticker, a voice message, a file,
or a message from a protected account (content withheld). Each gets a kind answer instead
of "em chưa hiểu", and nothing is saved (ZALO.md: image URLs expire; we keep no media)."""

from __future__ import annotations

from bot.core.i18n import _

TEXT = "message.text.received"


def reply_for(event_name: str) -> str | None:
    """The answer to an event without text; None for a text message."""
    if event_name == TEXT:
        return None
    kind = event_name.removeprefix("message.").removesuffix(".received")
    if kind == "image":
        return _(
            "I cannot read pictures yet. Please type what you wanted to tell me, or type "
            "menu to see what I can do."
        )
    if kind == "sticker":
        return _("Thank you! Type menu whenever you want to see what I can do.")
    if kind in ("voice", "audio"):
        return _("I cannot listen to voice messages yet. Please type your message instead.")
    if kind in ("file", "document", "video", "gif", "link", "location"):
        return _(
            "I cannot open what you sent yet. Please type your message; to import members "
            "from Excel, ask your commune office."
        )
    if kind == "unsupported":
        # Protected accounts (children, people with disabilities...) arrive without content.
        return _(
            "Zalo did not pass your message on to me, so I could not read it. This happens with "
            "some protected accounts. Please ask your commune office to help you use chihoi "
            "another way."
        )
    return _("I could not read that message. Please type your message in words.")
