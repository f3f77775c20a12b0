"""Checking Bot API calls against the vendored spec (tests/fixtures/telegram-bot-api.json)."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

SPEC_PATH = Path(__file__).parent.parent / "fixtures" / "telegram-bot-api.json"
ARRAY = "Array of "
# The tags Telegram's HTML parse mode knows (core.telegram.org/bots/api#html-style).
HTML_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
    "tg-emoji", "code", "pre", "blockquote", "tg-time",
}  # fmt: skip
ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


class BadRequest(Exception):
    """What the real server answers with 400 and this description."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


class UnknownMethod(Exception):
    pass


class Spec:
    """Methods and types of one Bot API version, loaded from the vendored JSON."""

    def __init__(self, path: Path = SPEC_PATH) -> None:
        data = json.loads(path.read_text(encoding="utf-8"))
        self.version: str = data["version"]
        self.methods: dict[str, Any] = data["methods"]
        self.types: dict[str, Any] = data["types"]
        self._by_lower = {name.lower(): name for name in self.methods}

    def method(self, name: str) -> str:
        """The method's canonical name (Telegram matches method names case-insensitively)."""
        found = self._by_lower.get(name.lower())
        if found is None:
            raise UnknownMethod(name)
        return str(found)

    def check(
        self, method: str, params: dict[str, Any], files: dict[str, Any], form: bool
    ) -> dict[str, Any]:
        """Decoded parameters, or `BadRequest` for a missing, unknown or mistyped one."""
        fields = {f["name"]: f for f in self.methods[method].get("fields", [])}
        for name in [*params, *files]:
            if name not in fields and not (name in files and _attached(name, params)):
                raise BadRequest(f"Bad Request: unknown parameter {name}")
        decoded: dict[str, Any] = {}
        for name, field in fields.items():
            if name in params:
                decoded[name] = self.value(params[name], field["types"], form, files, name)
            elif name in files:
                if not any(t.startswith("InputFile") for t in field["types"]):
                    raise BadRequest(f"Bad Request: {name} can't be a file")
                decoded[name] = files[name]
            elif field["required"]:
                raise BadRequest(f"Bad Request: parameter {name} is required")
        return decoded

    def value(
        self, raw: Any, types: list[str], form: bool, files: dict[str, Any], name: str
    ) -> Any:
        for t in types:
            try:
                return self._as(raw, t, form, files)
            except BadRequest:
                continue
        raise BadRequest(f"Bad Request: field {name} must be of type {' or '.join(types)}")

    def _as(self, raw: Any, t: str, form: bool, files: dict[str, Any]) -> Any:
        if t == "String":
            if isinstance(raw, str):
                return raw
            raise BadRequest("string")
        if t == "Integer":
            if isinstance(raw, int) and not isinstance(raw, bool):
                return raw
            if form and isinstance(raw, str) and re.fullmatch(r"-?\d+", raw):
                return int(raw)
            raise BadRequest("integer")
        if t == "Float":
            if isinstance(raw, int | float) and not isinstance(raw, bool):
                return float(raw)
            if form and isinstance(raw, str):
                try:
                    return float(raw)
                except ValueError:
                    pass
            raise BadRequest("float")
        if t == "Boolean":
            if isinstance(raw, bool):
                return raw
            if form and raw in ("true", "false", "True", "False"):
                return raw.lower() == "true"
            raise BadRequest("boolean")
        if t == "InputFile":
            if isinstance(raw, str) and raw.startswith("attach://") and raw[9:] in files:
                return files[raw[9:]]
            raise BadRequest("file")
        if form and isinstance(raw, str) and (t.startswith(ARRAY) or t in self.types):
            try:
                raw = json.loads(raw)
            except ValueError:
                raise BadRequest("json") from None
            form = False  # inside JSON, types are JSON's own
        if t.startswith(ARRAY):
            if not isinstance(raw, list):
                raise BadRequest("array")
            inner = t[len(ARRAY) :]
            return [self._as(item, inner, form, files) for item in raw]
        return self._object(raw, t, files)

    def _object(self, raw: Any, t: str, files: dict[str, Any]) -> Any:
        spec = self.types.get(t)
        if spec is None or not isinstance(raw, dict):
            raise BadRequest(t)
        if spec.get("subtypes"):
            for sub in spec["subtypes"]:
                try:
                    return self._object(raw, sub, files)
                except BadRequest:
                    continue
            raise BadRequest(t)
        fields = {f["name"]: f for f in spec.get("fields", [])}
        for key in raw:
            if key not in fields:
                raise BadRequest(f"{t}.{key}")
        out: dict[str, Any] = {}
        for name, field in fields.items():
            if name in raw:
                out[name] = self.value(raw[name], field["types"], False, files, f"{t}.{name}")
            elif field["required"]:
                raise BadRequest(f"{t}.{name} missing")
        return out


def _attached(name: str, params: dict[str, Any]) -> bool:
    """A multipart part referenced as attach://name from some parameter."""
    return any(isinstance(v, str) and f"attach://{name}" in v for v in params.values())


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []
        self.error = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in HTML_TAGS:
            self.error = self.error or f'Unsupported start tag "{tag}"'
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.error = self.error or f'Unmatched end tag "{tag}"'


def visible_text(text: str, parse_mode: str | None) -> str:
    """The text the user sees, after Telegram parses HTML; `BadRequest` where it would fail."""
    if parse_mode is None:
        return text
    if parse_mode.upper() != "HTML":
        raise BadRequest("Bad Request: only HTML parse mode is understood by this fake")
    for m in re.finditer(r"<", text):
        if not re.match(r"</?[a-zA-Z][a-zA-Z-]*(\s[^<>]*)?>", text[m.start() :]):
            raise BadRequest(f'Bad Request: can\'t parse entities: unexpected "<" at {m.start()}')
    for m in re.finditer(r"&", text):
        if not ENTITY.match(text, m.start()):
            raise BadRequest(f"Bad Request: can't parse entities: bad entity at {m.start()}")
    tags = _Tags()
    tags.feed(text)
    tags.close()
    if tags.error or tags.open:
        raise BadRequest(f"Bad Request: can't parse entities: {tags.error or 'unclosed tag'}")
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
