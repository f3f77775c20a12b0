"""Reading a typed answer a step's options did not match: a yes or no, a field named at the
summary, and the short hint (with one example) for a choice not understood."""

from __future__ import annotations

from typing import Any

from bot.core.choices import match_typed
from bot.core.dialogs import Dialog, Values, edit_options
from bot.core.i18n import _, tr
from bot.core.parsing import read_yes_no
from bot.core.state import Offered
from bot.domain.textkeys import fold

# "sai ngày sinh", "sửa chủ đề" at a summary: the field to correct, named at once.
_CORRECT_WORDS = frozenset(("sai", "sua", "doi"))


def choose_hint(buttons: bool, labels: list[str], numbered: bool) -> str:
    """Choose an option, with the first one as the example of how."""
    if not labels:
        return _("Please choose one of the options.")
    if buttons:
        return _('Please tap one of the options below, e.g. "{label}".').format(label=labels[0])
    if not numbered:
        msg = _('Please type the letter of an option, e.g. "a" for "{label}".')
    else:
        msg = _('Please type the number of an option, e.g. "1" for "{label}".')
    return msg.format(label=labels[0])


def yes_or_no(text: str, offered: Offered | None, nothing: Any) -> Any:
    """ "ừ", "không đồng ý" answer a yes-or-no choice: the option valued True or False, or
    the one option whose label starts by saying yes ("Đúng, buổi khác") or no ("Không thuộc
    tổ nào"); a message that starts with "không" counts as a no."""
    words = fold(text).split()
    yes = read_yes_no(text)
    if yes is None and words and read_yes_no(words[0]) is False:
        yes = False
    if yes is None or offered is None:
        return nothing
    if any(v is yes for v in offered.values):
        return yes
    said = [i for i, label in enumerate(offered.labels) if _says(label) is yes]
    return offered.value(said[0]) if len(said) == 1 else nothing


def _says(label: str) -> bool | None:
    first = fold(label).split()[:1]
    return read_yes_no(first[0]) if first else None


def named_field(dialog: Dialog, values: Values, text: str) -> Any:
    """The field named after "sai"/"sửa" at the summary ("sai ngày sinh"), if any."""
    words = fold(text).split()
    if len(words) < 2 or words[0] not in _CORRECT_WORDS:
        return None
    options = edit_options(dialog, values)
    idx = match_typed(" ".join(words[1:]), [tr(o.label) for o in options], allow_number=False)
    return options[idx].value if idx is not None else None
