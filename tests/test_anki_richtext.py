"""Markdown, math and images in Anki decks, checked with the real ``anki`` library.

A bank with every feature (math inline and display, money, a table, code, a list, an
image, a cloze next to formulas, hostile HTML) is exported and imported into a fresh
collection as the Anki app does; the tests read the fields and the cards' HTML as Anki
renders them, and the collection's media folder.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from anki.collection import Collection
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import bank_from_text, solid_png
from qbank.exporters.anki import build_package
from qbank.exporters.anki.notetypes import NOTE_TYPES
from qbank.generator import generate
from qbank.model import GeneratedSet, ImageFile
from test_anki import T0, export, import_apkg, new_collection, notes_by_key

DAY = 86400


png = solid_png


def image_file(src: str, data: bytes) -> ImageFile:
    """What the pipeline makes of ``![…](src)``: the file named by its content's hash."""
    name = f"qbank-{hashlib.sha256(data).hexdigest()[:20]}.png"
    return ImageFile(src=src, name=name, data=data, media_type="image/png", width=8, height=6)


BALL = png(8, 6, (200, 40, 40))

RICH = r"""
id: rich
title: Rich text
intro: |
  Formulas such as $E = mc^2$ are **typeset** by Anki.
questions:
  - id: fall
    type: numerical
    params:
      h: {min: 5, max: 20, step: 5}
    text: |
      A ball falls from $h = {{ h }}$ m. Its speed is

      $$v = \sqrt{2 g h}$$

      with $g = 9.8$ m/s² and \(h\) in metres.

      | quantity | symbol | unit |
      |---|:-:|---|
      | height | $h$ | m |
      | speed | $v$ | m/s |

      ![A ball falling from a height h](ball.png)
    answer: 2 * h
    decimals: 1
    solution: |
      Two steps:

      1. multiply $2 \times 9.8 \times {{ h }}$
      2. take the **square root**

      ```
      v = sqrt(2 * 9.8 * h)
      ```
  - id: price
    type: multichoice
    shuffle: false
    text: |
      An API costs $0.002 per request and $400 per month; a seat is $30.
      Which is cheaper for **1 million** requests?
    choices:
      - text: 'The API, at $\frac{1}{2}$ the price'
        correct: true
        feedback: 'Yes: $2000 > 400$.'
      - text: '`self-hosting`'
        feedback: Costs _more_.
  - id: gap
    type: cloze
    text: |
      The slope of $y = \frac{1}{x^{2}}$ is [[negative|< 0]] for $x > 0$,
      and $\sqrt{x}$ grows [[slowly]].
  - id: hostile
    type: truefalse
    text: |
      <script>alert(1)</script> <img src=x onerror=alert(1)> [click](javascript:alert(1))
      <a href="javascript:alert(2)">x</a> <b onclick="alert(3)">bold?</b>
      ![a picture that is not there](missing.png) ![a remote picture](https://example.com/x.png)
      [a safe link](https://example.com)
    answer: true
    feedback: '<svg onload=alert(4)> <iframe src="javascript:alert(5)"></iframe>'
  - id: greek
    type: matching
    text: Match the symbols.
    pairs:
      - ['$\alpha$', 'the first Greek letter, **alpha**']
      - ['$e^{i\pi}$', '$-1$']
"""


def rich_set(text: str = RICH, seed: int = 3, images: dict[str, bytes] | None = None):
    generated = generate(bank_from_text(text), 2, seed)
    images = {"ball.png": BALL} if images is None else images
    media = {src: image_file(src, data) for src, data in images.items()}
    return dataclasses.replace(generated, media=media)


@pytest.fixture()
def col(tmp_path):
    collection = new_collection(tmp_path / "learner")
    yield collection
    collection.close()


def sides(col: Collection, question_id: str) -> list[tuple[str, str]]:
    """(front, back) HTML of every card of a question's notes, as Anki renders them."""
    out = []
    for key, note in notes_by_key(col).items():
        if key.split("/")[1] == question_id:
            out += [(card.question(), card.answer()) for card in note.cards()]
    return out


def media_files(col: Collection) -> list[str]:
    return sorted(p.name for p in Path(col.media.dir()).iterdir() if p.is_file())


# --- what the learner sees ------------------------------------------------------------------


def test_math_is_left_to_ankis_mathjax_and_money_stays_text(tmp_path, col):
    import_apkg(col, export(rich_set(), tmp_path))
    for front, back in sides(col, "fall"):
        assert "mathjax_ignore" not in front + back and "tex2jax_ignore" not in front + back
        shown = html.unescape(front)
        assert re.search(r"A ball falls from \\\(h = (5|10|15|20)\\\) m", shown)
        assert "<p>\\[v = \\sqrt{2 g h}\\]</p>" in shown  # display math, braces intact
        assert "\\(g = 9.8\\)" in shown and "\\(h\\) in metres" in shown
        assert '<th style="text-align:center">symbol</th>' in front
        assert "<td>height</td>" in front and '<td style="text-align:center">\\(h\\)' in front
        assert "<ol><li>multiply \\(2 \\times 9.8 \\times" in html.unescape(back)
        assert "<strong>square root</strong>" in back
        assert "<pre><code>v = sqrt(2 * 9.8 * h)</code></pre>" in back

    [(front, back)] = sides(col, "price")
    shown = html.unescape(front)
    # Money is never math: the dollars reach the card as written, outside any formula.
    assert "costs $0.002 per request and $400 per month; a seat is $30." in shown
    assert "\\(0.002" not in shown and "\\(400" not in shown and "\\(30" not in shown
    assert "<strong>1 million</strong>" in front
    assert "<li>The API, at \\(\\frac{1}{2}\\) the price</li>" in shown
    assert "<li><code>self-hosting</code></li>" in front
    assert "Yes: \\(2000 &gt; 400\\)." in back  # "<" and ">" stay escaped inside formulas
    assert "Costs <em>more</em>." in back

    # The deck's description holds the intro's Markdown too.
    [deck] = [d for d in col.decks.all_names_and_ids() if d.name == "Rich text"]
    assert (
        "<p>Formulas such as \\(E = mc^2\\) are <strong>typeset</strong> by Anki.</p>"
        in (col.decks.get(deck.id)["desc"])
    )

    fronts = [front for front, _ in sides(col, "greek")]
    assert any("\\(\\alpha\\)" in f for f in fronts)
    assert any("\\(e^&#123;i\\pi&#125;\\)" in f for f in fronts)


def test_math_off_keeps_dollars_and_backslashes_as_text(tmp_path, col):
    bank = """
id: prices
title: Prices
math: off
questions:
  - id: q
    type: truefalse
    text: 'Two apples cost $x$ and \\(y\\).'
    answer: true
"""
    import_apkg(col, export(rich_set(bank, images={}), tmp_path))
    [(front, _)] = sides(col, "q")
    # No MathJax delimiter reaches the card (a literal one has an empty span inside it).
    assert not re.search(r"\\[(\[]", front) and "$x$" in front and "(y" in front


def test_plain_fields_are_never_typeset(tmp_path, col):
    bank = r"""
id: titles
title: Titles
questions:
  - id: q
    type: shortanswer
    title: 'Solve \(x + 1 = 2\) and \[y\]'
    text: 'What is $x$?'
    answer: ['\(1\)', 'one']
"""
    import_apkg(col, export(rich_set(bank, images={}), tmp_path))
    [(front, back)] = sides(col, "q")
    # A title and accepted answers are plain text: their "\(" gets an empty span, so
    # MathJax sees no delimiter; the question text's formula is typeset.
    assert "Solve \\<span></span>(x + 1 = 2\\<span></span>) and \\<span></span>&#91;y" in front
    assert "What is \\(x\\)?" in front
    assert "\\<span></span>(1\\<span></span>)" in back


def test_the_cloze_text_keeps_its_formulas_whole_around_the_blanks(tmp_path, col):
    import_apkg(col, export(rich_set(), tmp_path))
    [note] = [n for k, n in notes_by_key(col).items() if k == "rich/gap"]
    field = note["Text"]
    # The only "{{" and "}}" in the field are qbank's own blanks: the formula's "}}" is
    # written as character references, so it cannot close a blank early.
    assert field.count("{{") == field.count("}}") == 2
    assert "{{c1::negative <span" in field and "{{c2::slowly}}" in field
    assert "\\(y = \\frac&#123;1&#125;&#123;x^&#123;2&#125;&#125;\\)" in field
    cards = sorted(note.cards(), key=lambda c: c.ord)
    assert len(cards) == 2
    for card, answer in zip(cards, ["negative", "slowly"]):
        front, back = html.unescape(card.question()), html.unescape(card.answer())
        for side in (front, back):
            assert "\\(y = \\frac{1}{x^{2}}\\)" in side
            assert "\\(x &gt; 0\\)" in card.question() and "\\(\\sqrt{x}\\)" in side
        assert front.count('class="cloze"') == 1 and "[...]" in front
        assert re.search(rf'<span class="cloze" data-ordinal="{card.ord + 1}">{answer}[ <]', back)
    # The other accepted answer is on the back, as plain text.
    # Blank 1's other accepted answer shows in blank 1's own revealed deletion only.
    assert '{{c1::negative <span class="qbank-alt">(also accepted: &lt; 0)</span>}}' in field
    assert "&lt; 0" not in note["Back Extra"]
    first, second = (card.answer() for card in cards)
    assert '<span class="cloze" data-ordinal="1">negative <span class="qbank-alt">' in first
    assert '<span class="cloze-inactive" data-ordinal="1">negative <span class="qbank-alt">' in (
        second
    )


def test_images_travel_as_media_files_named_by_their_content(tmp_path, col):
    generated = rich_set()
    name = generated.media["ball.png"].name
    import_apkg(col, export(generated, tmp_path))
    assert media_files(col) == [name]
    assert (Path(col.media.dir()) / name).read_bytes() == BALL
    for front, _ in sides(col, "fall"):
        assert f'<img src="{name}" alt="A ball falling from a height h">' in front
    # An image the run has no file for is its alt text, never a link out.
    [(front, _)] = sides(col, "hostile")
    assert "a picture that is not there" in front and "a remote picture" in front
    assert "missing.png" not in front and "example.com/x.png" not in front


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def test_hostile_html_is_shown_as_text_never_as_markup(tmp_path, col):
    generated = rich_set()
    import_apkg(col, export(generated, tmp_path))
    pages = [
        side
        for _, note in notes_by_key(col).items()
        for c in note.cards()
        for side in (c.question(), c.answer())
    ]
    for page in pages:
        parser = _Tags()
        parser.feed(page)
        for tag, attrs in parser.tags:
            assert tag not in {"script", "iframe", "svg", "object", "embed"}, page
            for attr, value in attrs:
                assert not attr.startswith("on"), (tag, attr)
                assert not (value or "").strip().lower().startswith("javascript:"), (tag, value)
            if tag == "img":
                assert dict(attrs)["src"] == generated.media["ball.png"].name
            if tag == "a":
                assert dict(attrs)["href"] == "https://example.com"
    [(front, back)] = sides(col, "hostile")
    shown = html.unescape(front)
    assert "<script>alert(1)</script>" in shown and "<img src=x onerror=alert(1)>" in shown
    assert "[click](javascript:alert(1))" in shown
    assert '<a href="https://example.com" rel="noopener">a safe link</a>' in front
    assert "&lt;svg onload=alert(4)&gt;" in back


# --- re-import -------------------------------------------------------------------------------


def test_reimport_after_an_edit_adds_no_notes_and_no_second_copy_of_an_image(tmp_path, col):
    first = rich_set()
    import_apkg(col, export(first, tmp_path / "1", timestamp=T0))
    count, cards = col.note_count(), col.card_count()
    name = first.media["ball.png"].name
    assert media_files(col) == [name]

    # The teacher edits a text; the picture is unchanged.
    edited = rich_set(RICH.replace("Its speed is", "Its speed, without air, is"))
    log = import_apkg(col, export(edited, tmp_path / "2", timestamp=T0 + DAY))
    assert len(log.updated) == count and not log.new and not log.conflicting
    assert col.note_count() == count and col.card_count() == cards
    assert media_files(col) == [name]  # one copy, under the name it had
    for front, _ in sides(col, "fall"):
        assert "Its speed, without air, is" in front and f'src="{name}"' in front

    # The same file again: nothing changes.
    log = import_apkg(col, export(edited, tmp_path / "3", timestamp=T0 + DAY))
    assert len(log.duplicate) == count and not log.updated and media_files(col) == [name]

    # A new picture under the same path: a new name, and the cards show it.
    redrawn = rich_set(images={"ball.png": png(8, 6, (40, 40, 200))})
    new_name = redrawn.media["ball.png"].name
    assert new_name != name
    log = import_apkg(col, export(redrawn, tmp_path / "4", timestamp=T0 + 2 * DAY))
    assert len(log.updated) == count and col.note_count() == count
    assert new_name in media_files(col)
    for front, _ in sides(col, "fall"):
        assert f'src="{new_name}"' in front and f'src="{name}"' not in front


def test_a_deck_made_before_math_is_updated_in_place(tmp_path, col, monkeypatch):
    """A learner who imported a deck from an older qbank (every card side wrapped in
    ``mathjax_ignore``, the same note type ids and names) gets the new templates and the
    formulas typeset from a newer export, keeping the notes and their history."""
    for nt in NOTE_TYPES:
        for template in nt.model.templates:
            for side in ("qfmt", "afmt"):
                old = re.sub(
                    r'class="qbank qbank-(\w+)"',
                    r'class="qbank qbank-\1 mathjax_ignore tex2jax_ignore"',
                    template[side],
                )
                monkeypatch.setitem(template, side, old)
    import_apkg(col, export(rich_set(), tmp_path / "old", timestamp=T0))
    note_types = sorted(m.name for m in col.models.all_names_and_ids())
    count = col.note_count()
    [(front, _), *_] = sides(col, "fall")
    assert "mathjax_ignore" in front
    monkeypatch.undo()

    log = import_apkg(col, export(rich_set(), tmp_path / "new", timestamp=T0 + DAY))
    assert len(log.updated) == count and not log.new and not log.conflicting
    assert sorted(m.name for m in col.models.all_names_and_ids()) == note_types
    for front, back in sides(col, "fall"):
        assert "mathjax_ignore" not in front + back and "\\(h" in front


def test_files_with_images_are_reproducible(tmp_path):
    generated = rich_set()
    a = export(generated, tmp_path / "a", timestamp=T0)
    b = export(generated, tmp_path / "b", timestamp=T0)
    assert a.read_bytes() == b.read_bytes()


# --- a text that cannot be parsed ------------------------------------------------------------


def test_a_text_the_parser_refuses_is_written_as_plain_text_with_a_warning():
    # The pipeline refuses a blank inside a formula before any file is written; should
    # one reach the exporter, the deck is still written, and the warning says where.
    bank = """
id: bad
title: Bad
questions:
  - id: gap
    type: cloze
    text: 'Solve $x = [[2]]$ now.'
"""
    warnings: list[str] = []
    package, media = build_package(rich_set(bank, images={}), warn=warnings.append)
    assert media == {}
    [note] = [n for d in package.decks for n in d.notes]
    assert note.fields[0] == "Solve $x = {{c1::2}}$ now."
    assert len(warnings) == 1
    assert warnings[0].startswith("test.yaml:5: question 'gap': a blank [[…]] is inside a formula")


def test_a_set_without_media_still_writes_images_as_alt_text(tmp_path, col):
    generated: GeneratedSet = rich_set(images={})
    import_apkg(col, export(generated, tmp_path))
    assert media_files(col) == []
    for front, _ in sides(col, "fall"):
        assert "<img" not in front and "A ball falling from a height h" in front


BLANKS = r"""
id: blanks
title: Numeric and drop-down blanks
questions:
  - id: nums
    type: cloze
    params:
      a: {min: 2, max: 9}
    decimals: 2
    unit: m
    tolerance: 0.01
    text: |
      Half of {{ a }} is [[= a / 2]]; the median is [[? less than | equal to | greater than]]
      the mean, spelt [[colour|color]].
"""


def test_numeric_and_drop_down_blanks_as_anki_clozes(tmp_path, col):
    generated = rich_set(BLANKS, images={})
    import_apkg(col, export(generated, tmp_path))
    for note in notes_by_key(col).values():
        a = int(re.search(r"Half of (\d)", note["Text"]).group(1))
        half = f"{Decimal(a) / 2:.2f} m"
        assert f'{{{{c1::{half} <span class="qbank-alt">(± 0.01)</span>}}}}' in note["Text"]
        # The drop-down's options are the deletion's hint, in the order drawn for it.
        hint = re.search(r"\{\{c2::less than::(.*?)\}\}", note["Text"]).group(1)
        assert sorted(hint.split(" / ")) == ["equal to", "greater than", "less than"]
        cards = sorted(note.cards(), key=lambda c: c.ord)
        assert len(cards) == 3
        assert f"[{hint}]" in cards[1].question()  # the options shown on the front
        assert half in cards[0].answer() and "less than" in cards[1].answer()


@given(
    st.text(alphabet=st.sampled_from(list("ab09 .,-+$%{}<>&\"':\t\x01\u00a0*_")), max_size=16),
    st.sampled_from(["block", "tight", "inline", "led"]),
    st.sampled_from(["", "Answer: ", "x $", "{a} "]),
)
@settings(max_examples=2000, deadline=None)
def test_texts_without_markdown_get_the_html_the_tree_gives(text, role, lead):
    # Texts without any syntax skip the tree (RichText's fast path); their field HTML must
    # be what the tree would give.
    from qbank.exporters.anki.text import RichText

    lead = lead if role == "led" else ""
    fast = RichText({})._html(text, "block" if role == "led" else role, lead)
    assert fast == RichText({})._make(text, "block" if role == "led" else role, lead)
