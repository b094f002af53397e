"""The JSON record's own encoder (exact decimals) against the standard library's."""

from __future__ import annotations

import json
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from qbank.arithmetic.text import Markdown, ShownNumber
from qbank.exporters.jsonrecord import dumps

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.text(max_size=12),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=4).map(tuple),
        st.dictionaries(st.text(max_size=6), inner, max_size=4),
    ),
    max_leaves=25,
)


@given(_values)
@settings(max_examples=400, deadline=None)
def test_what_json_can_write_is_written_as_json_writes_it(value):
    assert dumps(value) == json.dumps(value, ensure_ascii=False)
    assert json.loads(dumps(value)) == json.loads(json.dumps(value))


def test_decimals_are_written_exactly_and_subclasses_as_their_base():
    value = {
        "a": Decimal("0.00005"),
        "b": [Decimal("1E+3"), ShownNumber(Decimal("2.50"), "2.50 km")],
        "c": Markdown("**x**"),
        "d": (True, None, 3),
    }
    assert dumps(value) == '{"a": 0.00005, "b": [1000, 2.5], "c": "**x**", "d": [true, null, 3]}'
