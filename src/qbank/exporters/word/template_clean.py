"""What qbank removes from a Word template it accepts, so that no worksheet fetches anything.

Relationships that point outside the file (a remote picture, an attached template, linked
data) are dropped with the references to them; fields that fetch files or start programs
(INCLUDEPICTURE, DDE, …) keep only their text; a ``<!DOCTYPE>`` is dropped unresolved. The
checks before anything is unpacked are in :mod:`.template_check`.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from lxml import etree

from .wordml import R_NS, W_NS

_W = f"{{{W_NS}}}"

#: Fields that fetch a file, a picture or data, or start a program, when Word updates them.
_FETCHING_FIELDS = {
    "DDE",
    "DDEAUTO",
    "INCLUDEPICTURE",
    "INCLUDETEXT",
    "INCLUDE",
    "LINK",
    "IMPORT",
    "DATABASE",
    "RD",
}
#: Elements that stay when the relationship they name is dropped (only the reference
#: goes: a link's text stays as text, a picture that was linked *and* embedded keeps the
#: embedded copy). Any other element naming a dropped relationship is removed.
_KEEP_WITHOUT_REFERENCE = {"hyperlink", "blip", "imagedata"}
#: How the teacher reads a relationship type (its last path segment).


def _source_of(rels_name: str) -> str:
    """The part a relationships part belongs to: word/_rels/x.xml.rels is word/x.xml."""
    rels = PurePosixPath(rels_name)
    folder = rels.parent.parent
    source = rels.name[: -len(".rels")] if rels.name.lower().endswith(".rels") else rels.name
    return source if str(folder) == "." else f"{folder}/{source}"


def _remove(node) -> None:
    """Take ``node`` out of its tree, keeping the text that followed it."""
    parent = node.getparent()
    if parent is None:
        return
    if node.tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)


def _drop_entities(root) -> None:
    """Drop a DOCTYPE's entities, unresolved (serialising the root leaves out the DOCTYPE)."""
    for entity in list(root.iter(etree.Entity)):
        _remove(entity)
    for element in root.iter():
        # An attribute keeps a reference to an internal entity (an external one is not
        # allowed there); setting the value writes it out as plain text.
        for key, value in element.attrib.items():
            element.set(key, value)


def _drop_references(root, ids: set[str | None]) -> None:
    if not ids:
        return
    doomed = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for key, value in element.attrib.items():
            if key.startswith(f"{{{R_NS}}}") and value in ids:
                if etree.QName(element).localname in _KEEP_WITHOUT_REFERENCE:
                    del element.attrib[key]
                else:
                    doomed.append(element)
                    break
    for element in doomed:
        if element is not root:
            _remove(element)


@dataclass
class _Field:
    nodes: list = field(default_factory=list)
    instruction: list[str] = field(default_factory=list)
    separated: bool = False


def _field_name(instruction: str) -> str:
    words = instruction.split()
    return words[0].upper() if words else ""


def _neutralise_fields(root) -> list[str]:
    """Fields that fetch or run something become their last result, as plain text.

    A field whose name is made by another field inside it is treated the same way.
    """
    found = []
    for simple in list(root.iter(_W + "fldSimple")):
        name = _field_name(simple.get(_W + "instr") or "")
        if name in _FETCHING_FIELDS:
            parent = simple.getparent()
            if parent is None:
                continue
            index = parent.index(simple)
            for child in list(simple):
                if child.tag != _W + "fldData":
                    parent.insert(index, child)
                    index += 1
            _remove(simple)
            found.append(name)
    open_fields: list[_Field] = []
    for node in list(root.iter(_W + "fldChar", _W + "instrText", _W + "t")):
        unseparated = next((f for f in reversed(open_fields) if not f.separated), None)
        if node.tag == _W + "t":
            if unseparated is not None:  # a nested field's result inside an instruction
                unseparated.nodes.append(node)
            continue
        if node.tag == _W + "instrText":
            if open_fields and not open_fields[-1].separated:
                open_fields[-1].instruction.append(node.text or "")
                open_fields[-1].nodes.append(node)
            continue
        kind = node.get(_W + "fldCharType")
        if kind == "begin":
            if unseparated is not None:
                unseparated.instruction.append("\0")  # a field inside the instruction
            open_fields.append(_Field(nodes=[node]))
        elif kind == "separate" and open_fields:
            open_fields[-1].separated = True
            open_fields[-1].nodes.append(node)
        elif kind == "end" and open_fields:
            done = open_fields.pop()
            done.nodes.append(node)
            if unseparated is not None and unseparated is not done:
                unseparated.nodes += done.nodes
            instruction = "".join(done.instruction).lstrip()
            name = _field_name(instruction)
            if instruction.startswith("\0") or name in _FETCHING_FIELDS:
                for doomed in done.nodes:
                    _remove(doomed)
                found.append(name if name in _FETCHING_FIELDS else "a field named by a field")
    return found


def _xml_bytes(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _zip(infos: list[zipfile.ZipInfo], parts: dict[str, bytes]) -> bytes:
    """A new package of the parts, in their order, with honest headers."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in infos:
            entry = zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, parts[info.filename])
    return out.getvalue()
