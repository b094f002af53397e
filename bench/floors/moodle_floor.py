"""Floor for ``-f moodle``: lxml building and writing the same Moodle XML elements.

The content is read back from qbank's own Moodle file of the same run: every element with
its attributes and text, the whitespace between elements, and the comments. The ``lxml``
floor builds each ``<question>`` with ``lxml.etree`` and streams it into the file with
``etree.xmlfile`` (building the whole tree first and writing it at the end is no faster
and holds the whole file in memory). Texts holding markup are written as CDATA, as Moodle
files usually carry their HTML. Both floors write a file byte for byte equal to qbank's.

The ``raw XML text`` floor writes the same file as escaped text, without lxml: it is not
the floor of the targets (the issue names lxml), but it shows what writing Moodle XML
costs at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from . import Floor, FloorContext

# (tag, attributes, text, tail, children); a comment is (None, None, text, tail, ()).
Node = tuple


def _read(element: Any) -> Node:
    if element.tag is etree.Comment:
        return (None, None, element.text, element.tail, ())
    children = tuple(_read(child) for child in element)
    text = element.text
    if text is None and not children:
        text = ""  # qbank writes empty elements as <text></text>; so does the floor
    return (element.tag, dict(element.attrib) or None, text, element.tail, children)


def _text(text: str | None) -> Any:
    if text is not None and "<" in text and "]]>" not in text:
        return etree.CDATA(text)
    return text


def _element(node: Node, parent: Any = None) -> Any:
    tag, attributes, text, tail, children = node
    if tag is None:
        element = etree.Comment(text)
        if parent is not None:
            parent.append(element)
    elif parent is None:
        element = etree.Element(tag, attributes) if attributes else etree.Element(tag)
    else:
        element = (
            etree.SubElement(parent, tag, attributes)
            if attributes
            else etree.SubElement(parent, tag)
        )
    if tag is not None:
        element.text = _text(text)
        for child in children:
            _element(child, element)
    element.tail = tail
    return element


class LxmlFloor(Floor):
    label = "lxml"

    def prepare(self, ctx: FloorContext) -> list[tuple[list[str], Node]]:
        files = []
        parser = etree.XMLParser(huge_tree=True)
        for path in ctx.outputs(".xml"):
            root = etree.parse(str(path), parser).getroot()
            prolog = [
                c.text
                for c in reversed(list(root.itersiblings(preceding=True)))
                if c.tag is etree.Comment
            ]
            files.append((prolog, _read(root)))
        return files

    def size(self, content: list[tuple[list[str], Node]]) -> int:
        return sum(sum(1 for child in root[4] if child[0] == "question") for _, root in content)

    def write(self, content: list[tuple[list[str], Node]], folder: Path) -> list[Path]:
        paths = []
        for index, (prolog, (tag, attributes, text, _tail, children)) in enumerate(content):
            path = folder / f"floor-{index}.xml"
            with open(path, "wb") as fh:
                fh.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
                for comment in prolog:
                    fh.write(etree.tostring(etree.Comment(comment), encoding="utf-8") + b"\n")
                with (
                    etree.xmlfile(fh, encoding="utf-8") as xf,
                    xf.element(tag, attributes or {}),
                ):
                    if text:
                        xf.write(text)
                    for child in children:
                        xf.write(_element(child))
            paths.append(path)
        return paths


def _raw(node: Node, out: list[str]) -> None:
    tag, attributes, text, tail, children = node
    if tag is None:
        out.append(f"<!--{text}-->")
    else:
        out.append(f"<{tag}")
        if attributes:
            for name, value in attributes.items():
                out.append(f" {name}={quoteattr(value)}")
        out.append(">")
        if text:
            if "<" in text and "]]>" not in text:
                out.append(f"<![CDATA[{text}]]>")
            else:
                out.append(escape(text))
        for child in children:
            _raw(child, out)
        out.append(f"</{tag}>")
    if tail:
        out.append(tail)


class RawXmlFloor(LxmlFloor):
    label = "raw XML text"

    def write(self, content: list[tuple[list[str], Node]], folder: Path) -> list[Path]:
        paths = []
        for index, (prolog, (tag, _attributes, text, _tail, children)) in enumerate(content):
            path = folder / f"floor-{index}.xml"
            with open(path, "w", encoding="utf-8") as fh:
                out = ['<?xml version="1.0" encoding="UTF-8"?>\n']
                out += [f"<!--{comment}-->\n" for comment in prolog]
                out.append(f"<{tag}>{escape(text or '')}")
                for child in children:
                    _raw(child, out)
                    if len(out) > 4096:
                        fh.write("".join(out))
                        out.clear()
                out.append(f"</{tag}>")
                fh.write("".join(out))
            paths.append(path)
        return paths


FLOORS = [LxmlFloor, RawXmlFloor]
