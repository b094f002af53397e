"""The Moodle stencil writes exactly the bytes lxml writes.

The variants of a randomised numerical question are written by filling six strings into
XML that lxml serialised once (``qbank.exporters.moodle.stencil``), not by building and
serialising a tree per variant. Each test here writes the same bank twice through
``qbank.pipeline.run``: once as qbank does, once with the stencil switched off (the
writer's ``stencil`` method returning None, so every variant is built as a tree), and
compares the files byte for byte, and the warnings. A question whose own fixed texts
(unit, tags) hold a placeholder must take the tree path by itself.
"""

from __future__ import annotations

import re
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from qbank.errors import QbankError
from qbank.exporters.moodle.stencil import _placeholder
from qbank.exporters.moodle.writer import MoodleFile
from qbank.pipeline import run

PLACEHOLDERS = [_placeholder(i) for i in range(6)]

# Texts that are hard on an XML writer: what XML escapes and a CDATA section's end; line
# breaks and carriage returns; control characters the loader removes (with a warning);
# non-BMP and right-to-left characters; private-use characters and look-alikes of the
# placeholders (private-use characters around "qbank-slot-N").
XML = ["&", "<", "< ", ">", "]]>", "]]", "<![CDATA[", "&amp;", "&#13;", "&lt;", '"', "'"]
BREAKS = ["\r", "\r\n", "\n", "\n\n", "\t", "  "]
REMOVED_CHARACTERS = [
    "\x00",
    "\x07",
    "\x0b",
    "\x1b",
    "\x7f",
    "\x85",
    "\x9f",
    "\ufffe",
    "\uffff",
    "\ud800",
]
WIDE = ["😀", "𝄞", "\U0010fffd", "ع", "שלום", "\u200f"]
LOOK_ALIKES = ["\ue000", "\ue001", "qbank-slot-", "\ue000qbank-slot-", "-1\ue001"]
HARD = XML + BREAKS + REMOVED_CHARACTERS + WIDE + LOOK_ALIKES

#: The characters the bank loader removes (with a warning) from every text it reads.
REMOVED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def visible(text: str) -> bool:
    """Whether ``text`` holds more than white space once the loader has read it."""
    return bool(REMOVED.sub("", text).strip())


def hides_a_placeholder(*texts: str) -> bool:
    """Whether one of these texts, as the loader reads it, holds a placeholder."""
    return any(p in REMOVED.sub("", text) for p in PLACEHOLDERS for text in texts)


def literal_text(*, braces: bool = True, placeholders: bool = True) -> st.SearchStrategy[str]:
    """Text of hard pieces (XML's own most often) and arbitrary characters: without braces
    for the literal parts of a template; with or without whole placeholders."""
    hard = HARD + (PLACEHOLDERS if placeholders else [])
    pieces = st.one_of(st.sampled_from(XML), st.sampled_from(hard), st.text(max_size=4))
    text = st.lists(pieces, max_size=6).map("".join)
    return text if braces else text.map(lambda s: s.replace("{", "(").replace("}", ")"))


def template(*names: str) -> st.SearchStrategy[str]:
    """A template: literal text with some of ``names`` written in ``{{ }}``."""
    pieces = st.one_of(
        literal_text(braces=False), st.sampled_from([f"{{{{ {n} }}}}" for n in names])
    )
    return st.lists(pieces, max_size=4).map("".join)


VALUES = ("s", "x", "cr")  # a text parameter, a number parameter, a text with CRs in it

ids = st.one_of(
    st.sampled_from(["q", "Q", "q" * 64, "Q" * 64, "q.1", "q-1"]),
    st.builds(
        lambda first, rest: first + rest,
        st.sampled_from("aZ7"),
        st.text(alphabet="abYZ09_.-", max_size=63),
    ),
)
numbers = st.decimals(
    min_value=Decimal("-1e6"),
    max_value=Decimal("1e6"),
    places=4,
    allow_nan=False,
    allow_infinity=False,
)
tolerances = st.one_of(
    st.none(),
    st.decimals(min_value=0, max_value=100, places=3).map(str),
    st.decimals(min_value=0, max_value=50, places=2).map(lambda d: f"{d}%"),
)
#: Units and tags are written into the stencil as they are: without placeholders, but for
#: the questions told to hide one (below), which must then take the tree path.
fixed_text = literal_text(placeholders=False)
units = st.one_of(st.just(""), st.sampled_from(["$", "km/h", "€"]), fixed_text)
tag_lists = st.lists(fixed_text, max_size=3)


@st.composite
def numerical_questions(draw: Any) -> dict[str, Any]:
    question: dict[str, Any] = {
        "id": draw(ids),
        "type": "numerical",
        "title": draw(st.one_of(template(*VALUES), template("s").map(lambda t: t * 30))),
        "params": {
            "x": {"min": 1, "max": draw(st.integers(1, 9))},
            "s": {"choices": draw(st.lists(literal_text(), min_size=1, max_size=4, unique=True))},
        },
        "let": {"cr": "'a\\rb\\r\\nc'"},
        "text": draw(template(*VALUES).map(lambda t: t if visible(t) else t + "{{ x }}")),
        "answer": f"x * ({draw(numbers)})",
        "unit": draw(units),
        "tags": draw(tag_lists),
        "feedback": draw(template(*VALUES)),
        "solution": draw(template(*VALUES, "answer")),
    }
    for field, value in (
        ("tolerance", draw(tolerances)),
        ("decimals", draw(st.none() | st.integers(0, 4))),
        ("points", draw(st.none() | st.sampled_from([1, 2, 0.5, 10]))),
    ):
        if value is not None:
            question[field] = value
    if draw(st.integers(0, 7)) == 0:  # hide a placeholder in the unit or a tag
        hidden = draw(st.sampled_from(PLACEHOLDERS))
        if draw(st.booleans()):
            question["unit"] += hidden
        else:
            question["tags"] = [*question["tags"], f"t{hidden}"]
    return question


banks = st.fixed_dictionaries(
    {
        "id": ids,
        "title": literal_text().map(lambda t: t if visible(t) else t + "Bank"),
        "tags": tag_lists,
        "questions": st.lists(
            numerical_questions(), min_size=1, max_size=2, unique_by=lambda q: q["id"]
        ),
    }
)


def write_twice(bank: dict[str, Any], count: int, folder: Path) -> tuple[bytes, bytes, dict]:
    """The Moodle file of ``bank`` written with the stencil and without (the warnings the
    same), and which questions the first run wrote with a stencil: {id: True/False}."""
    path = folder / "bank.yaml"
    path.write_text(
        yaml.safe_dump(bank, allow_unicode=True, sort_keys=False, width=10**6), encoding="utf-8"
    )
    used: dict[str, bool] = {}
    original = MoodleFile.stencil

    def watched(self: MoodleFile, question: Any) -> Any:
        stencil = original(self, question)
        used[question.id] = stencil is not None
        return stencil

    outputs, warnings = [], []
    for name, method in (("stencil", watched), ("trees", lambda self, question: None)):
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(MoodleFile, "stencil", method)
            heard: list[str] = []
            result = run(
                [path],
                count=count,
                seed=5,
                formats=["moodle"],
                out_dir=folder / name,
                warn=heard.append,
            )
        (written,) = result.files
        outputs.append(written.read_bytes())
        warnings.append(heard)
    assert warnings[0] == warnings[1]
    return outputs[0], outputs[1], used


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(bank=banks, count=st.integers(1, 4))
def test_the_stencil_writes_the_bytes_lxml_writes(bank, count):
    with tempfile.TemporaryDirectory() as tmp:
        try:
            with_stencil, with_trees, used = write_twice(bank, count, Path(tmp))
        except QbankError:
            reject()  # a bank qbank refuses (two choices the same once cleaned, ...)
    assert with_stencil == with_trees
    for question in bank["questions"]:
        # The texts the stencil holds as they are: the unit and the tags (the bank's too).
        falls_back = hides_a_placeholder(question["unit"], *question["tags"], *bank["tags"])
        assert used[question["id"]] is not falls_back, question


BANK = """\
id: fallback
title: Fallback
questions:
  - id: plain
    type: numerical
    title: "A > B & C"
    params:
      x: {min: 1, max: 9}
    text: "{{ x }} & <b> ]]> \\r"
    answer: x / 3
    decimals: 2
    unit: km
    tags: [a&b]
  - id: hiding
    type: numerical
    params:
      x: {min: 1, max: 9}
    text: "{{ x }} apples"
    answer: x * 1.5
    tolerance: 5%
    unit: g
    tags: [t]
"""


@pytest.mark.parametrize(
    "where, slot", [("unit", 0), ("unit", 5), ("tag", 1), ("tag", 3), ("text", 1), ("text", 2)]
)
def test_a_placeholder_in_a_question_is_written_the_same(tmp_path, where, slot):
    """A unit or tag that holds a placeholder sends its question down the tree path (the
    other question keeps its stencil); in the text, which is itself a slot, it is filled
    in as any other text. Either way the bytes are lxml's."""
    hidden = PLACEHOLDERS[slot]
    bank = yaml.safe_load(BANK)
    question = bank["questions"][1]
    if where == "unit":
        question["unit"] = f"g{hidden}"
    elif where == "tag":
        question["tags"] = [f"t{hidden}"]
    else:
        question["text"] += f" {hidden} {PLACEHOLDERS[slot - 1]}"
    with_stencil, with_trees, used = write_twice(bank, 12, tmp_path)
    assert with_stencil == with_trees
    assert used == {"plain": True, "hiding": where == "text"}
    assert hidden.encode() in with_stencil
