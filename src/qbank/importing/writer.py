"""The one writer of imported questions: a bank file a teacher can read and edit.

The YAML is written here as text, not dumped: fields in the order docs/bank-format.md
shows them, multi-line texts as ``|`` blocks, one-line texts plain where YAML reads them
back as the same text, quoted otherwise. Quoting is decided the safe way round: a value is
plain only when it is made of characters YAML gives no meaning, does not look like a
YAML 1.1 number, time or truth value (``no``, ``on``, ``1:30``, ``0x1F``, ``007``), and
reads back as the same text; everything else is quoted.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from .model import Imported

_PLAIN = re.compile(r"[A-Za-z\u00c0-\uffff(][^:#\"`{}\[\]&*!|>%@\\\t]*\Z")
_YAML11_WORDS = {
    "y", "n", "yes", "no", "true", "false", "on", "off", "null", "~",
}  # fmt: skip
_UNSAFE_IN_BLOCK = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\u2028\u2029]")


def scalar(value: Any) -> str:
    """One value on one line."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return _number(value)
    if isinstance(value, float):
        return _number(Decimal(repr(value)))
    text = str(value)
    if _plain_ok(text):
        return text
    if _UNSAFE_IN_BLOCK.search(text) or "\n" in text:
        return _double(text)
    return "'" + text.replace("'", "''") + "'"


def _number(value: int | Decimal) -> str:
    if isinstance(value, int):
        return str(value)
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".") or "0"
    return text


def _plain_ok(text: str) -> bool:
    if not text or text != text.strip() or not _PLAIN.match(text):
        return False
    if text.lower() in _YAML11_WORDS or text.endswith(":"):
        return False
    return not re.search(r"\s#|:\s|\s$", text)


def _double(text: str) -> str:
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif _UNSAFE_IN_BLOCK.match(ch):
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _block(text: str, indent: str) -> str | None:
    """``|`` followed by the lines of ``text``, or None when a block cannot hold it."""
    if _UNSAFE_IN_BLOCK.search(text) or "\r" in text or "\t" in text:
        return None
    body = text.rstrip("\n")
    if not body.strip():
        return None
    indicator = "|"
    if body[0] == " " or body.startswith("\n"):
        indicator += str(2)
    trailing = len(text) - len(body)
    indicator += "" if trailing == 1 else ("-" if trailing == 0 else "+")
    lines = [(indent + line) if line else "" for line in body.split("\n")]
    if trailing > 1:
        lines += [""] * (trailing - 1)
    return indicator + "\n" + "\n".join(lines)


def emit(value: Any, indent: str) -> str:
    """``value`` as what follows ``key:`` (starting with a space or a line break)."""
    if isinstance(value, dict):
        if not value:
            return " {}"
        if len(value) <= 4 and all(_is_short(v) for v in value.values()):
            flow = "{" + ", ".join(f"{scalar(k)}: {_flow_item(v)}" for k, v in value.items()) + "}"
            if len(flow) <= 70:
                return " " + flow
        return "\n" + mapping(value, indent)
    if isinstance(value, list | tuple):
        if not value:
            return " []"
        if all(_is_short(v) for v in value) and len(value) <= 12:
            flow = "[" + ", ".join(_flow_item(v) for v in value) + "]"
            if len(flow) <= 90:
                return " " + flow
        return "\n" + sequence(value, indent)
    if isinstance(value, str) and "\n" in value.rstrip("\n"):
        block = _block(value, indent)
        if block is not None:
            return " " + block
    return " " + scalar(value)


def _is_short(value: Any) -> bool:
    return isinstance(value, bool | int | float | Decimal) or (
        isinstance(value, str) and "\n" not in value and len(value) <= 40
    )


def _is_line(value: Any) -> bool:
    return not isinstance(value, dict | list | tuple) and "\n" not in str(value)


def _flow_item(value: Any) -> str:
    text = scalar(value)
    if text[:1] not in "'\"" and re.search(r"[,\[\]{}]", text):
        return "'" + text.replace("'", "''") + "'"
    return text


def mapping(value: dict[str, Any], indent: str) -> str:
    lines = []
    for key, item in value.items():
        lines.append(f"{indent}{scalar(key)}:{emit(item, indent + '  ')}")
    return "\n".join(lines)


def sequence(value: list[Any] | tuple[Any, ...], indent: str) -> str:
    lines = []
    for item in value:
        if isinstance(item, dict) and item:
            inner = mapping(item, indent + "  ")
            lines.append(f"{indent}- " + inner[len(indent) + 2 :])
        elif isinstance(item, list | tuple) and item and all(_is_line(v) for v in item):
            lines.append(f"{indent}- [" + ", ".join(_flow_item(v) for v in item) + "]")
        else:
            lines.append(f"{indent}-{emit(item, indent + '  ')}")
    return "\n".join(lines)


def bank_text(bank_id: str, imported: Imported, questions: list[dict[str, Any]]) -> str:
    """The whole bank file."""
    head: dict[str, Any] = {
        "id": bank_id,
        "title": imported.title or bank_id,
    }
    if imported.intro:
        head["intro"] = imported.intro
    parts = [
        f"# Imported by 'qbank import' from {imported.source}.",
        "# Check it with: qbank validate THIS-FILE",
        mapping(head, ""),
        "questions:",
    ]
    for fields in questions:
        parts.append("")
        parts.append(sequence([fields], "  "))
    return "\n".join(parts) + "\n"
