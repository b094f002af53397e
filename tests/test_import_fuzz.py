"""Whatever a file holds, ``qbank import`` either writes a bank that loads or says what is
wrong as a QbankError (file and line): never another exception."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qbank.bank.loader import load_bank
from qbank.errors import QbankError
from qbank.importing import import_file
from qbank.importing.html2md import html_to_markdown

_PIECES = st.sampled_from(
    [
        "<p>", "</p>", "<b>", "</b>", "<br>", "<ul><li>", "</li></ul>", "<table><tr><td>",
        "</td></tr></table>", "<img src='@@PLUGINFILE@@/a.png'>", "\\(", "\\)", "$$", "$",
        "{{", "}}", "{%", "{#", "[[", "]]", "*", "_", "#", "`", "|", "<", "&amp;", "&#126;",
        "\n", " ", "a", "é", "1", ":", "no", "-", "[tex]", "[/tex]", "<pre>", "</pre>",
    ]
)  # fmt: skip
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=3)), max_size=25).map("".join)


@settings(max_examples=150, deadline=None)
@given(_TEXT)
def test_html_to_markdown_never_fails(html):
    html_to_markdown(html)


def _attempt(name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / name
        source.write_bytes(data)
        out = Path(folder) / "out.yaml"
        try:
            import_file(str(source), str(out))
        except QbankError as exc:
            assert exc.file
            return
        load_bank(out)  # what was written is a bank qbank reads


_MOODLE = st.builds(
    lambda qtype, text, answer: (
        f'<quiz><question type="{qtype}"><name><text>n</text></name>'
        f'<questiontext format="html"><text><![CDATA[{text}]]></text></questiontext>'
        f'<answer fraction="100"><text><![CDATA[{answer}]]></text></answer>'
        f'<answer fraction="0"><text>false</text></answer></question></quiz>'
    ).encode("utf-8", "surrogatepass"),
    st.sampled_from(["truefalse", "shortanswer", "multichoice", "numerical", "essay",
                     "cloze", "matching", "ordering"]),
    _TEXT.filter(lambda t: "]]>" not in t),
    _TEXT.filter(lambda t: "]]>" not in t),
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_MOODLE)
def test_moodle_never_fails(data):
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return
    _attempt("q.xml", data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_PIECES, st.sampled_from(["{", "}", "=", "~", "->", "::", "#",
                                                    "%50%", "T", "ANSWER: A", "A. "])),
                max_size=30).map("".join))  # fmt: skip
def test_gift_aiken_csv_never_fail(text):
    data = text.encode("utf-8", "surrogatepass")
    for name in ("q.gift", "q.txt", "q.csv"):
        try:
            _attempt(name, data)
        except UnicodeEncodeError:
            return
