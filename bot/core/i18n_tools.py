"""Catalog upkeep, one command: `python -m bot.core.i18n_tools sync`.

sync extracts every marked string, merges it into the vi and en catalogs, copies
msgids into empty English entries (msgids are English sentences) and compiles. The
Vietnamese catalog (locales/vi/LC_MESSAGES/chihoi.po) is the one source of the Vietnamese
texts: edit it in Poedit, Weblate or by hand, following locales/STYLE.md; `sync --vi
FILE.json` ({msgid: text}) can bring in many translations at once. It holds a file lock,
so several people running it at once do not overwrite each other.
"""

from __future__ import annotations

import fcntl
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from bot.core.i18n import DOMAIN, LANGUAGES, LOCALES_DIR

ROOT = LOCALES_DIR.parent
POT = LOCALES_DIR / f"{DOMAIN}.pot"


def po_path(lang: str) -> Path:
    return LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@contextmanager
def _locked() -> Iterator[None]:
    with (LOCALES_DIR / ".lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def extract_pot(out: Path = POT) -> None:
    """Write every `_()`/`N_()` msgid of the project into a template."""
    CommandLineInterface().run(  # type: ignore[no-untyped-call]
        [
            "pybabel",
            "-q",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "N_",
            "-k",
            "_",
            "--no-location",
            "--sort-output",
            "-o",
            str(out),
            str(ROOT),
        ]
    )


def extract() -> None:
    extract_pot()
    for lang in LANGUAGES:
        CommandLineInterface().run(  # type: ignore[no-untyped-call]
            [
                "pybabel",
                "-q",
                "update",
                "-D",
                DOMAIN,
                "-d",
                str(LOCALES_DIR),
                "-l",
                lang,
                "-i",
                str(POT),
                "--no-fuzzy-matching",
                "--ignore-obsolete",
            ]
        )


def apply(lang: str, translations: dict[str, str], copy_ids: bool) -> int:
    path = po_path(lang)
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    changed = 0
    for message in catalog:
        if not message.id or isinstance(message.id, tuple):
            continue
        text = translations.get(str(message.id))
        if text is None and copy_ids and not message.string:
            text = str(message.id)
        if text is not None and text != message.string:
            message.string = text
            changed += 1
    with path.open("wb") as fh:
        write_po(fh, catalog, sort_output=True, width=100)
    with path.with_suffix(".mo").open("wb") as fh:
        write_mo(fh, catalog)
    return changed


def missing(lang: str) -> list[str]:
    """Msgids of the catalog with no translation."""
    with po_path(lang).open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    out: list[str] = []
    for m in catalog:
        if not m.id:
            continue
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if not all(strings) or m.fuzzy:
            out.append(str(m.id))
    return out


def sync(vi_json: Path | None) -> None:
    """Extract, merge and compile; the vi catalog keeps its own texts (plus `vi_json`'s)."""
    vi: dict[str, str] = {}
    if vi_json:
        vi.update(json.loads(vi_json.read_text(encoding="utf-8")))
    with _locked():
        extract()
        apply("en", {}, copy_ids=True)
        apply("vi", vi, copy_ids=False)
    for msgid in missing("vi"):
        print(f"untranslated (vi): {msgid!r}")


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["sync"]:
        sync(Path(args[2]) if args[1:2] == ["--vi"] and len(args) > 2 else None)
    elif args[:1] == ["missing"]:
        print("\n".join(missing(args[1] if len(args) > 1 else "vi")))
    else:
        raise SystemExit(
            "usage: python -m bot.core.i18n_tools sync [--vi FILE.json] | missing [vi|en]"
        )
