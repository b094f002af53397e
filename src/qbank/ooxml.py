"""WordprocessingML text runs: the one writer of ``<w:r>`` shared by the Word exporter and
the rich-text writer (kept apart from both so neither imports the other's libraries)."""

from __future__ import annotations

from .charmap import escape_markup


def esc(text: str) -> str:
    """Text for an XML element or a double-quoted attribute (already clean of characters
    XML cannot hold)."""
    return escape_markup(text)


def run_xml(text: str, props: str = "") -> str:
    """``<w:r>`` of ``text`` (already free of characters XML cannot hold) with ``props``
    as its ``<w:rPr>``; a newline is a line break and a tab a tab."""
    if "\n" not in text and "\t" not in text:
        return f'<w:r>{props}<w:t xml:space="preserve">{esc(text)}</w:t></w:r>'
    pieces = []
    for i, line in enumerate(text.split("\n")):
        if i:
            pieces.append("<w:br/>")
        for j, chunk in enumerate(line.split("\t")):
            if j:
                pieces.append("<w:tab/>")
            if chunk:
                pieces.append(f'<w:t xml:space="preserve">{esc(chunk)}</w:t>')
    return f"<w:r>{props}{''.join(pieces)}</w:r>"
