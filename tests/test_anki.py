"""The Anki exporter, checked by importing its .apkg with the real Anki library.

Every test imports into a fresh collection with Anki's default options ("update if
newer"), as a learner double-clicking the file would, and compares what Anki holds with
the JSON record of the same run.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import json
import re
import unicodedata
from pathlib import Path

import genanki
import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.import_export_pb2 import ImportAnkiPackageUpdateCondition

from conftest import FIXTURES, bank_from_text, run_cli
from qbank.bank import load_bank
from qbank.exporters import ExportOptions, get_exporter
from qbank.exporters.anki import AnkiExporter
from qbank.exporters.anki.notes import guid_for_key
from qbank.exporters.anki.notetypes import CLOZE, NOTE_TYPES, PROBLEM, QUESTION, VOCABULARY
from qbank.exporters.anki.package import Stamp
from qbank.exporters.jsonrecord import question_record
from qbank.generator import generate
from qbank.richtext import parse_block, parse_inline, plain_text

T0 = 1_700_000_000  # a fixed "SOURCE_DATE_EPOCH" for reproducible exports


# --- helpers ----------------------------------------------------------------------------


class DirSink:
    """The smallest OutputSink: files go straight into a folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.warnings: list[str] = []

    def path(self, name: str) -> Path:
        return self.folder / name

    def open(self, name: str, mode: str = "w"):
        return open(self.folder / name, mode)

    def warn(self, message: str) -> None:
        self.warnings.append(message)


def export(generated, folder: Path, timestamp: float | None = T0) -> Path:
    """Write the .apkg of ``generated`` into ``folder`` (``timestamp=None``: the real clock)."""
    folder.mkdir(parents=True, exist_ok=True)
    AnkiExporter().write(generated, DirSink(folder), ExportOptions.of(timestamp=timestamp))
    return folder / f"{generated.bank.id}.apkg"


def import_apkg(col: Collection, path: Path):
    """Import as the Anki app does by default; returns Anki's import log."""
    request = ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions())
    return col.import_anki_package(request).log


def new_collection(folder: Path) -> Collection:
    folder.mkdir(parents=True, exist_ok=True)
    return Collection(str(folder / "collection.anki2"))


@pytest.fixture()
def col(tmp_path):
    """A learner's fresh, empty collection."""
    collection = new_collection(tmp_path / "learner")
    yield collection
    collection.close()


def unlabelled(field: str) -> str:
    """An Answer, Solution, Term or Definition field without the label it starts with
    ("Answer", "Worked solution", "Term", "Definition", in the deck's language: the note
    types' templates stay the same)."""
    return re.sub(r'^<div class="qbank-label">[^<]*</div> ?', "", field)


def plain(field: str) -> str:
    """The text a learner sees in a plain-text field: line breaks back to newlines, no tags."""
    text = re.sub(r"<br\s*/?>", "\n", field)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def shown(field: str) -> str:
    """The words a learner reads in a Markdown field: no tags, no MathJax delimiters (a
    teacher's literal "\\(" has an empty span inside it and stays), white space collapsed."""
    text = re.sub(r"\\[()\[\]]", "", field)
    text = re.sub(r"</?(?:p|br|li|ul|ol|div|pre|blockquote|table|tr|th|td|h\d)\b[^>]*>", " ", text)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return " ".join(unicodedata.normalize("NFC", text).split())


def md(text: str, *, inline: bool = False, blanks=None) -> str:
    """The words of a Markdown text (formulas as their TeX), to compare with ``shown``."""
    if blanks is not None:
        doc = parse_block(text, blanks=True)
        words = plain_text(doc, blank=lambda i: blanks[i])
    else:
        words = plain_text(parse_inline(text) if inline else parse_block(text))
    return " ".join(nfc(words).split())


def nfc(text: str, strip: bool = True) -> str:
    """Text as Anki stores it (NFC), without the control characters qbank drops."""
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", text)
    return unicodedata.normalize("NFC", text.strip() if strip else text)


def notes_by_key(col: Collection) -> dict[str, object]:
    notes = [col.get_note(nid) for nid in col.find_notes("")]
    by_key = {n["Id"]: n for n in notes}
    assert len(by_key) == len(notes), "two notes share an Id"
    return by_key


def expected_key(bank_id: str, record: dict) -> str:
    return f"{bank_id}/{record['id']}" + (f"/{record['variant']}" if record["randomised"] else "")


def records_of(generated) -> list[dict]:
    return [question_record(v) for v in generated.all_variants()]


def check_fields(col: Collection, bank_id: str, records: list[dict], seed: int) -> int:
    """Compare every note's fields with the JSON record; return how many notes were seen."""
    notes = notes_by_key(col)
    seen = 0
    for r in records:
        key = expected_key(bank_id, r)
        if r["type"] == "matching":
            for n, (term, definition) in enumerate(r["pairs"], start=1):
                note = notes[f"{key}/term-{n}"]
                assert note.note_type()["name"] == VOCABULARY.name
                assert shown(unlabelled(note["Term"])) == md(term, inline=True)
                assert shown(unlabelled(note["Definition"])) == md(definition, inline=True)
                assert shown(note["Notes"]) == " ".join(
                    md(t) for t in (r["solution"], r["feedback"]) if t.strip()
                )
                assert plain(note["Title"]) == nfc(r["title"])
                assert f"seed {seed}" in note["Source"]
                seen += 1
            continue
        note = notes[key]
        seen += 1
        assert plain(note["Title"]) == nfc(r["title"])
        assert plain(note["Id"]) == key
        assert f"seed {seed}" in note["Source"] and r["id"] in note["Source"]
        CHECKS[r["type"]](note, r)
    return seen


def _check_cloze(note, r):
    assert note.note_type()["name"] == CLOZE.name
    text = note["Text"]
    blanks = re.findall(r"\{\{c(\d+)::(.*?)\}\}", text)
    expected = [p["blank"] for p in r["parts"] if isinstance(p, dict)]
    assert [int(n) for n, _ in blanks] == list(range(1, len(expected) + 1))
    assert [plain(without_alternatives(a)) for _, a in blanks] == [nfc(b[0]) for b in expected]
    # The text around the blanks is the record's text, as Markdown.
    answered = re.sub(r"\{\{c\d+::(.*?)\}\}", r"\1", without_alternatives(text))
    assert shown(answered) == md(r["text"], blanks=[nfc(b[0]) for b in expected])
    # Each blank carries its own other accepted answers, inside its deletion.
    for (_, content), alternatives in zip(blanks, expected, strict=True):
        alt = re.search(r'<span class="qbank-alt">\(also accepted: (.*?)\)</span>', content)
        if len(alternatives) > 1:
            assert plain(alt.group(1)).split("; ") == [nfc(o) for o in alternatives[1:]]
        else:
            assert alt is None


def without_alternatives(html_text: str) -> str:
    """A cloze field without the other accepted answers qbank puts inside each blank."""
    return re.sub(r' <span class="qbank-alt">.*?</span>', "", html_text)


def _check_problem(note, r):
    assert note.note_type()["name"] == PROBLEM.name
    assert shown(note["Question"]) == md(r["text"])
    assert plain(unlabelled(note["Answer"])) == r["answer_text"]
    assert shown(unlabelled(note["Solution"])) == md(r["solution"])
    assert shown(note["Feedback"]) == md(r["feedback"])


def _check_truefalse(note, r):
    assert note.note_type()["name"] == QUESTION.name
    assert shown(note["Question"]) == md(r["text"])
    assert unlabelled(note["Answer"]) == ("True" if r["answer"] else "False")
    for text in (r["feedback"], r["feedback_true"], r["feedback_false"]):
        assert md(text) in shown(note["Feedback"])


def _check_multichoice(note, r):
    assert note.note_type()["name"] == QUESTION.name
    assert shown(note["Question"]) == md(r["text"])
    choices = [shown(li) for li in re.findall(r"<li>(.*?)</li>", note["Choices"])]
    assert sorted(choices) == sorted(md(c["text"], inline=True) for c in r["choices"])
    letters = "ABCDEFGHIJ"
    correct = [
        f"{letters[i]}. {text}"
        for i, text in enumerate(choices)
        if any(c["correct"] and md(c["text"], inline=True) == text for c in r["choices"])
    ]
    assert shown(unlabelled(note["Answer"])) == " ".join(" ".join(correct).split())
    assert shown(unlabelled(note["Solution"])) == md(r["solution"])
    for c in r["choices"]:
        assert md(c["feedback"]) in shown(note["Feedback"])


def _check_shortanswer(note, r):
    assert shown(note["Question"]) == md(r["text"])
    answer = plain(unlabelled(note["Answer"]))
    assert answer.split("\n")[0] == nfc(r["answer"][0])
    for other in r["answer"][1:]:
        assert nfc(other) in answer
    assert shown(note["Feedback"]) == md(r["feedback"])


def _check_essay(note, r):
    assert shown(note["Question"]) == md(r["text"])
    assert shown(unlabelled(note["Answer"])) == md(r["answer"])


CHECKS = {
    "cloze": _check_cloze,
    "numerical": _check_problem,
    "truefalse": _check_truefalse,
    "multichoice": _check_multichoice,
    "shortanswer": _check_shortanswer,
    "essay": _check_essay,
}


def expected_cards(records: list[dict]) -> int:
    total = 0
    for r in records:
        if r["type"] == "matching":
            total += 2 * len(r["pairs"])
        elif r["type"] == "cloze":
            total += sum(isinstance(p, dict) for p in r["parts"])
        else:
            total += 1
    return total


def expected_notes(records: list[dict]) -> int:
    return sum(len(r["pairs"]) if r["type"] == "matching" else 1 for r in records)


# --- the default bank through the CLI: counts, decks, note types, fields ------------------


def test_cli_deck_matches_the_json_record_of_the_same_run(tmp_path, col, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T0))
    run_cli("generate", "-n", "5", "--seed", "7", "-f", "anki", "-f", "json", "-o", tmp_path)
    record = json.loads((tmp_path / "open-vs-closed-ai.json").read_text(encoding="utf-8"))
    bank = record["bank"]
    # Every distinct variant once: fixed questions from version 1, randomised from each.
    records = [
        q
        for v in record["versions"]
        for q in v["questions"]
        if q["randomised"] or v["version"] == 1
    ]

    log = import_apkg(col, tmp_path / f"{bank['id']}.apkg")

    assert len(log.new) == col.note_count() == expected_notes(records)
    assert {col.get_note(n).mod for n in col.find_notes("")} == {T0}  # SOURCE_DATE_EPOCH
    assert col.card_count() == expected_cards(records)
    assert check_fields(col, bank["id"], records, seed=7) == col.note_count()

    # -n 5: five problem notes for each randomised numerical question.
    for qid in {q["id"] for q in records if q["type"] == "numerical" and q["randomised"]}:
        assert len(col.find_notes(f'"tag:{bank["id"]}::{qid}"')) == 5

    decks = {d.name for d in col.decks.all_names_and_ids()} - {"Default"}
    title = bank["title"]
    assert decks == {title} | {f"{title}::{q['section']}" for q in records}
    assert {"Vocabulary", "Key facts", "Practice", "Common mistakes"} == {
        name.split("::")[1] for name in decks if "::" in name
    }
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        deck = col.decks.name(note.cards()[0].did)
        section = next(q["section"] for q in records if note["Id"].split("/")[1] == q["id"])
        assert deck == f"{title}::{section}"

    # The seed is recorded in every deck's description.
    for d in col.decks.all_names_and_ids():
        if d.name != "Default":
            assert "seed 7" in col.decks.get(d.id)["desc"]

    used = {col.get_note(nid).note_type()["name"] for nid in col.find_notes("")}
    assert used == {"qbank Vocabulary", "qbank Cloze", "qbank Problem", "qbank Question"}


def test_tags_name_bank_question_type_and_the_banks_own_tags(default_set, tmp_path, col):
    import_apkg(col, export(default_set, tmp_path))
    bank = default_set.bank
    notes = notes_by_key(col)
    for v in default_set.all_variants():
        key = f"{bank.id}/{v.id}" + (f"/{v.number}" if v.randomised else "")
        note = notes[key + ("/term-1" if v.type == "matching" else "")]
        assert {bank.id, f"{bank.id}::{v.id}", f"qbank::{v.type}", *v.tags, *bank.tags} == set(
            note.tags
        )
        assert all(" " not in t for t in note.tags)


# --- what the learner sees: rendered cards -----------------------------------------------


def cards_of(col: Collection, note_type: str):
    return [col.get_card(cid) for cid in col.find_cards(f'"note:{note_type}"')]


def test_rendered_cards_of_every_note_type(default_set, tmp_path, col):
    import_apkg(col, export(default_set, tmp_path))
    for card in cards_of(col, VOCABULARY.name):
        note = card.note()
        front, back = card.question(), card.answer()
        assert ".nightMode" in front and ".night_mode" in front  # the shared CSS
        term, definition = note["Term"], note["Definition"]
        if card.ord == 0:  # term -> definition
            assert term in front and definition not in front
        else:  # definition -> term
            assert definition in front and 'class="qbank-term"' not in front
        assert term in back and definition in back
        assert 'id="answer"' in back and note["Source"] in back

    for card in cards_of(col, CLOZE.name):
        note = card.note()
        deletions = re.findall(r"\{\{c\d+::(.*?)\}\}", note["Text"])
        answers = [html.unescape(without_alternatives(a)) for a in deletions]
        front, back = card.question(), card.answer()
        assert front.count('<span class="cloze"') == 1 and "[...]" in front
        asked = re.search(
            r'<span class="cloze" data-ordinal="(\d+)">(.*?)</span>', without_alternatives(back)
        )
        assert int(asked.group(1)) == card.ord + 1
        assert html.unescape(asked.group(2)) == answers[card.ord]
        assert front.count("cloze-inactive") == len(answers) - 1
        # The back shows the asked blank's other answers (in .cloze); the style hides those
        # of the other blanks (in .cloze-inactive).
        for deletion in deletions:
            if "qbank-alt" in deletion:
                alt = re.search(r'<span class="qbank-alt">.*?</span>', deletion).group()
                assert alt in back
        assert ".qbank .qbank-alt { display: none; }" in note.note_type()["css"]
        assert ".qbank .cloze .qbank-alt { display: inline;" in note.note_type()["css"]

    for card in cards_of(col, PROBLEM.name):
        note = card.note()
        front, back = card.question(), card.answer()
        assert note["Question"] in front and 'class="qbank-answer"' not in front
        assert f'<div class="qbank-answer" dir="auto">{note["Answer"]}</div>' in back
        assert "Worked solution" in back and note["Solution"] in back

    kinds = set()
    for card in cards_of(col, QUESTION.name):
        note = card.note()
        front, back = card.question(), card.answer()
        kinds.add(next(t for t in note.tags if t.startswith("qbank::")))
        assert note["Question"] in front and note["Prompt"] in front
        assert note["Choices"] in front
        assert 'class="qbank-answer"' not in front and 'id="answer"' not in front
        assert note["Answer"] in back and note["Feedback"] in back
    assert kinds == {"qbank::truefalse", "qbank::multichoice", "qbank::shortanswer", "qbank::essay"}


# --- Anki's own syntax in teacher text stays text ----------------------------------------


def test_awkward_text_is_shown_literally_and_makes_no_stray_clozes(tmp_path, col):
    """Changed on purpose with issue 11: texts are Markdown now, so the allowed tags
    (<b>, <i>, <br>) format, and \\(x\\) is a formula (it used to be kept as text, with
    every card wrapped in ``mathjax_ignore``). Anki's own syntax still makes nothing."""
    bank = load_bank(FIXTURES / "anki" / "awkward-text.yaml")
    generated = generate(bank, 1, 3)
    log = import_apkg(col, export(generated, tmp_path))
    assert not log.conflicting
    records = records_of(generated)
    assert check_fields(col, bank.id, records, seed=3) == col.note_count() == 6
    # One card per real blank only: the literal "{{c1::...}}" texts made none.
    assert col.card_count() == expected_cards(records) == 3 + 1 + 1 + 1 + 2 * 2

    cloze = notes_by_key(col)["awkward-text/cloze-syntax"]
    for card in cloze.cards():
        front = card.question()
        assert "Literal &#123;&#123;c1::not a blank&#125;&#125; and &#125;&#125;" in front
        assert "<strong>" in front and "&lt;b&gt;" not in front  # an allowed tag: bold
        assert card.question_av_tags() == [] and "[anki:play" not in front  # no [sound:]
        assert "[latex]" not in front and "&#91;latex]" in front
        assert "\\(x\\)" in front and "mathjax_ignore" not in front  # a formula now
    assert "std&#58;&#58;vector" in cloze.cards()[0].answer()
    assert "👩\u200d🏫" in notes_by_key(col)["awkward-text/pairs/term-2"]["Definition"]

    statement = notes_by_key(col)["awkward-text/statement"]
    assert "\x1f" not in statement["Question"]  # Anki's field separator cannot leak in
    # One newline is a soft break (it joins the lines), a blank line a new paragraph.
    assert statement["Question"].count("<p>") == 2 and "<br>" not in statement["Question"]
    assert "<em>not italic</em>" in statement["Question"]

    note_tags = set(statement.tags)
    assert {"Tag_With_Spaces", "quoted_tag"} <= note_tags
    assert all(" " not in t and '"' not in t for t in note_tags)
    decks = {d.name for d in col.decks.all_names_and_ids()}
    assert "Awkward <text> & Co.::Key facts" in decks


# --- stable identities ---------------------------------------------------------------------


def test_note_types_are_fixed_qbank_constants_with_frozen_schemas():
    builtin = {
        m.model_id for m in vars(genanki.builtin_models).values() if isinstance(m, genanki.Model)
    }
    for nt in NOTE_TYPES:
        digest = hashlib.sha256(f"qbank note type {nt.key}".encode()).digest()[:8]
        assert nt.model_id == (1 << 30) + int.from_bytes(digest, "big") % (1 << 30)
        assert nt.model_id not in builtin
        assert [f["name"] for f in nt.model.fields] == list(nt.fields)
    # Changing any name below makes Anki skip every re-imported note as "conflicting":
    # learners would stop getting updates. Add a new note type instead.
    assert {
        nt.name: (nt.fields, tuple(t["name"] for t in nt.model.templates)) for nt in NOTE_TYPES
    } == {
        "qbank Vocabulary": (
            ("Term", "Definition", "Notes", "Title", "Source", "Id"),
            ("Term → Definition", "Definition → Term"),
        ),
        "qbank Cloze": (("Text", "Back Extra", "Title", "Source", "Id"), ("Cloze",)),
        "qbank Problem": (
            ("Question", "Prompt", "Answer", "Solution", "Feedback", "Title", "Source", "Id"),
            ("Problem",),
        ),
        "qbank Question": (
            (
                "Question",
                "Prompt",
                "Choices",
                "Answer",
                "Solution",
                "Feedback",
                "Title",
                "Source",
                "Id",
            ),
            ("Question",),
        ),
    }
    assert CLOZE.model.model_type == genanki.Model.CLOZE


def test_guids_come_from_bank_question_and_variant_only(default_bank, tmp_path):
    # Pinned: a changed GUID function would duplicate every learner's notes.
    assert guid_for_key("b/q") == "HFpbX#Cjj?"

    def guids(seed):
        folder = tmp_path / str(seed)
        collection = new_collection(folder)
        try:
            import_apkg(collection, export(generate(default_bank, 3, seed), folder))
            return {
                collection.get_note(n).guid: collection.get_note(n)["Id"]
                for n in collection.find_notes("")
            }
        finally:
            collection.close()

    first, second = guids(1), guids(2)
    assert first == second  # another seed: the same notes
    assert all(guid == guid_for_key(key) for guid, key in first.items())
    assert "open-vs-closed-ai/mistake-open-means-free" in first.values()
    assert "open-vs-closed-ai/api-cost/3" in first.values()
    assert "open-vs-closed-ai/vocabulary/term-5" in first.values()


# --- re-import: update in place, keep history, no duplicates -----------------------------


def _edit_text(bank, question_id: str, new_text: str):
    questions = tuple(
        dataclasses.replace(q, text=new_text) if q.id == question_id else q for q in bank.questions
    )
    return dataclasses.replace(bank, questions=questions)


def test_reimport_after_an_edit_updates_in_place_and_keeps_review_history(
    default_bank, tmp_path, col
):
    first = generate(default_bank, 5, 7)
    import_apkg(col, export(first, tmp_path / "1", timestamp=T0))
    count = col.note_count()
    target = next(q for q in default_bank.questions if q.type == "truefalse")
    key = f"{default_bank.id}/{target.id}"

    # The learner studies the card of the question the teacher will fix.
    card = notes_by_key(col)[key].cards()[0]
    card.start_timer()
    col.sched.answerCard(card, 3)
    card.load()
    assert card.reps == 1
    reviews = col.db.scalar("select count() from revlog where cid = ?", card.id)
    assert reviews == 1

    # Next week: a typo fixed, regenerated with the same seed.
    edited_text = target.text + " (corrected)"
    edited = generate(_edit_text(default_bank, target.id, edited_text), 5, 7)
    log = import_apkg(col, export(edited, tmp_path / "2", timestamp=T0 + 7 * 86400))
    assert len(log.updated) == count and not log.new and not log.duplicate and not log.conflicting
    assert col.note_count() == count
    notes = notes_by_key(col)
    assert plain(notes[key]["Question"]) == edited_text
    same_card = col.get_card(card.id)
    assert same_card.nid == notes[key].id and same_card.reps == 1
    assert edited_text in plain(same_card.question())
    assert col.db.scalar("select count() from revlog where cid = ?", card.id) == 1
    assert len({col.get_note(n).guid for n in col.find_notes("")}) == count

    # With a different seed: fresh numbers land in the same notes.
    reseeded = generate(_edit_text(default_bank, target.id, edited_text), 5, 8)
    log = import_apkg(col, export(reseeded, tmp_path / "3", timestamp=T0 + 8 * 86400))
    assert len(log.updated) == count and not log.new
    assert col.note_count() == count
    assert check_fields(col, default_bank.id, records_of(reseeded), seed=8) == count
    assert col.get_card(card.id).reps == 1

    # An older file (stamped earlier) changes nothing: "update if newer" is in force.
    older = generate(default_bank, 5, 9)
    log = import_apkg(col, export(older, tmp_path / "4", timestamp=T0 + 86400))
    assert len(log.duplicate) == count and not log.updated
    assert check_fields(col, default_bank.id, records_of(reseeded), seed=8) == count


#: The vocabulary templates of qbank 0.1 before the "Term" and "Definition" captions moved
#: into the fields: what a learner who imported such a deck has in the collection.
_OLD_VOCABULARY_TEMPLATES = [
    {
        "name": "Term → Definition",
        "qfmt": '<div class="qbank qbank-vocab">\n<div class="qbank-label">Term</div>\n'
        '<div class="qbank-term" dir="auto">{{Term}}</div>\n</div>',
        "afmt": '{{FrontSide}}\n<hr id="answer">\n<div class="qbank qbank-vocab">\n'
        '<div class="qbank-label">Definition</div>\n'
        '<div class="qbank-definition" dir="auto">{{Definition}}</div>\n</div>',
    },
    {
        "name": "Definition → Term",
        "qfmt": '<div class="qbank qbank-vocab">\n<div class="qbank-label">Definition</div>\n'
        '<div class="qbank-definition" dir="auto">{{Definition}}</div>\n</div>',
        "afmt": '{{FrontSide}}\n<hr id="answer">\n<div class="qbank qbank-vocab">\n'
        '<div class="qbank-label">Term</div>\n'
        '<div class="qbank-term" dir="auto">{{Term}}</div>\n</div>',
    },
]


def test_a_deck_with_captions_in_its_templates_is_updated_in_place(
    default_bank, tmp_path, col, monkeypatch
):
    """A deck made when the vocabulary note type's templates held the English "Term" and
    "Definition" captions is updated in place by a deck whose captions are in the fields
    (a French one here): the same notes and cards, one note type of each name, each card
    showing its caption once, in French."""
    from qbank.exporters.anki import builders
    from qbank.i18n import use_language

    monkeypatch.setattr(VOCABULARY.model, "templates", _OLD_VOCABULARY_TEMPLATES)
    monkeypatch.setattr(builders, "_labelled", lambda label, html: html)
    first = generate(default_bank, 2, 7)
    import_apkg(col, export(first, tmp_path / "old", timestamp=T0))
    monkeypatch.undo()
    count, cards = col.note_count(), col.card_count()
    types = sorted((m.name, m.id) for m in col.models.all_names_and_ids())
    vocabulary = cards_of(col, VOCABULARY.name)
    assert vocabulary and all(">Term</div>" in c.question() + c.answer() for c in vocabulary)
    assert "Term" not in notes_by_key(col)[vocabulary[0].note()["Id"]]["Term"]

    with use_language("fr"):
        french = generate(default_bank, 2, 7)
        path = export(french, tmp_path / "new", timestamp=T0 + 86400)
    log = import_apkg(col, path)
    assert len(log.updated) == count and not log.new and not log.conflicting
    assert col.note_count() == count and col.card_count() == cards
    assert sorted((m.name, m.id) for m in col.models.all_names_and_ids()) == types
    for card in cards_of(col, VOCABULARY.name):
        back = card.answer()  # the front, the rule, then the other side
        assert ">Term</div>" not in back and ">Definition</div>" not in back
        assert back.count(">Terme</div>") == 1 and back.count(">Définition</div>") == 1
        front = card.question()
        assert (">Terme</div>" if card.ord == 0 else ">Définition</div>") in front
    # The note type's templates are now the shared ones: an English deck imported next
    # shows English captions through the very same templates.
    col.models._clear_cache()  # the import changed the note type behind the cache
    vocab_type = col.models.get(VOCABULARY.model_id)
    assert [t["qfmt"] for t in vocab_type["tmpls"]] == [
        t["qfmt"] for t in VOCABULARY.model.templates
    ]
    # Anki's browser sorts by the Term field without its tags: caption and term apart.
    sort_fields = col.db.list("select sfld from notes where mid = ?", VOCABULARY.model_id)
    assert sort_fields and all(f.startswith("Terme ") for f in sort_fields)


def test_default_import_option_is_update_if_newer():
    # The tests above rely on Anki's default; make sure it is what the app uses.
    assert (
        ImportAnkiPackageOptions().update_notes
        == ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER
    )


def test_two_regenerations_within_one_second_still_update(default_bank, tmp_path, col):
    """Without SOURCE_DATE_EPOCH the real clock is used, and runs as quick as a script."""
    target = next(q for q in default_bank.questions if q.type == "cloze")
    first = export(generate(default_bank, 1, 7), tmp_path / "1", timestamp=None)
    edited_text = target.text.replace("[[", "[[", 1) + " Edited."
    second = export(
        generate(_edit_text(default_bank, target.id, edited_text), 1, 7),
        tmp_path / "2",
        timestamp=None,
    )
    import_apkg(col, first)
    log = import_apkg(col, second)
    assert len(log.updated) == col.note_count() and not log.new
    note = notes_by_key(col)[f"{default_bank.id}/{target.id}"]
    assert plain(note["Text"]).endswith(" Edited.")


def test_stamp_waits_out_its_second_only_when_using_the_clock():
    now = [100.25]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    stamp = Stamp(None, clock=lambda: now[0], sleep=sleep)
    assert stamp.value == 100
    stamp.settle()
    assert slept == [0.75] and now[0] >= 101  # a run starting now stamps 101 or later

    def no_sleep(seconds):
        raise AssertionError("reproducible exports must not wait")

    fixed = Stamp(float(T0), clock=lambda: 5.0, sleep=no_sleep)
    fixed.settle()
    assert fixed.value == T0


def test_same_source_date_epoch_gives_identical_files(default_set, tmp_path, col):
    a = export(default_set, tmp_path / "a", timestamp=T0)
    b = export(default_set, tmp_path / "b", timestamp=T0)
    assert a.read_bytes() == b.read_bytes()
    import_apkg(col, a)
    assert {col.get_note(n).mod for n in col.find_notes("")} == {T0}


def test_registered_under_anki(default_bank):
    exporter = get_exporter("anki")
    assert isinstance(exporter, AnkiExporter)
    assert exporter.file_names(default_bank) == ["open-vs-closed-ai.apkg"]


RANDOMISED_PAIRS = """
id: rand
title: Randomised
questions:
  - id: units
    type: matching
    params:
      n: {min: 2, max: 9, step: 1}
    text: Match.
    pairs:
      - ["{{ n }} kB", "{{ n * 1000 }} bytes"]
      - ["{{ n }} MB", "{{ n * 1000000 }} bytes"]
  - id: gap
    type: cloze
    params:
      n: {min: 2, max: 9, step: 1}
    text: "{{ n }} + {{ n }} = [[{{ n + n }}]]"
"""


def test_randomised_matching_and_cloze_get_one_note_per_version(tmp_path, col):
    generated = generate(bank_from_text(RANDOMISED_PAIRS), 3, 5)
    log = import_apkg(col, export(generated, tmp_path))
    keys = set(notes_by_key(col))
    assert keys == {f"rand/units/{k}/term-{n}" for k in (1, 2, 3) for n in (1, 2)} | {
        f"rand/gap/{k}" for k in (1, 2, 3)
    }
    assert len(log.new) == 9 and col.card_count() == 6 * 2 + 3
    assert check_fields(col, "rand", records_of(generated), seed=5) == 9
