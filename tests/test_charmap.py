"""CharMap (the writers' fast escapes) does exactly what str.translate does with the
same table."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qbank.charmap import CharMap
from qbank.exporters import gift
from qbank.exporters.anki import text as anki_text

TABLES = {
    "html": {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"},
    "gift": gift._SPECIAL._table,
    "anki field": anki_text._FIELD._table,
    "anki rich": anki_text._RICH._table,
}


@pytest.mark.parametrize("name", TABLES)
@given(text=st.text(max_size=40) | st.text(alphabet='&<>"{}[]\\~=#:\n\x01\x1fab é', max_size=40))
@settings(max_examples=300, deadline=None)
def test_a_charmap_replaces_as_translate_does(name, text):
    table = TABLES[name]
    assert CharMap(table)(text) == text.translate(str.maketrans(table))


def test_only_single_characters():
    with pytest.raises(ValueError):
        CharMap({"ab": "x"})


def test_the_escapes_of_every_writer_use_it():
    from qbank import ooxml
    from qbank.exporters.word import wordml
    from qbank.richtext import html

    assert html.escape_html('a<b & "c">') == "a&lt;b &amp; &quot;c&quot;&gt;"
    assert ooxml.esc("<&>") == wordml.esc("<&>") == "&lt;&amp;&gt;"
    assert anki_text.escape_field("{[x]}") == "&#123;&#91;x]&#125;"
    assert anki_text.inline_html("a\nb\x1fc") == "a<br>bc"
