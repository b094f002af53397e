"""A Word template (--docx-template) is a file from a stranger: XML without entities."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "qbank"


def test_every_xml_qbank_reads_goes_through_the_safe_parser():
    """Only qbank.safe_xml calls an XML parser; the rest of qbank calls qbank.safe_xml."""
    parsing = re.compile(r"\b(?:etree\.(?:fromstring|XML|XMLParser|parse|iterparse|"
                         r"XMLPullParser|HTML|HTMLParser|XMLID)\s*\(|xml\.etree|xml\.dom|"
                         r"xml\.sax|minidom|expat|from lxml\.etree import [^\n]*\b(?:fromstring|"
                         r"parse|XML|XMLParser|iterparse)\b)")
    offenders = [f"{path.relative_to(SRC)}: {match.group(0)}"
                 for path in SRC.rglob("*.py") if path.name != "safe_xml.py"
                 for match in parsing.finditer(path.read_text(encoding="utf-8"))]
    assert offenders == []
    from qbank import safe_xml
    root = safe_xml.parse(b'<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><r>&e;</r>')
    assert "root:" not in "".join(root.itertext())
