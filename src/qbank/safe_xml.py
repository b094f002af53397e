"""The one way qbank parses XML: no entities resolved, no DTD loaded, no network.

Every XML qbank reads (the parts of a Word package today, whatever comes later) goes through
:func:`parse`, so a file from a stranger cannot make qbank read ``/etc/passwd`` through an
external entity, fetch a URL, or expand a "billion laughs" of nested entities (libxml2
refuses the amplification). ``tests/test_docx_template_safety.py`` checks that no other
module of qbank calls an XML parser itself.

python-docx, which reads the parts of a template after qbank has checked them, uses its
own parser with entities off as well.
"""

from __future__ import annotations

from lxml import etree


def parser() -> etree.XMLParser:
    """A new parser (lxml parsers must not be shared between threads)."""
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
    )


def parse(data: bytes) -> etree._Element:
    """The root element of ``data``; raises ``etree.XMLSyntaxError`` for bad XML.

    A ``<!DOCTYPE>`` is read but never acted on: an entity it declares stays an unresolved
    reference node (see ``root.getroottree().docinfo.internalDTD``).
    """
    return etree.fromstring(data, parser())
