"""Worksheets in the class's language (qbank/i18n.py, docs/languages.md).

The catalogs are complete and compiled; for each shipped language, every fixed text that
qbank adds to Word, Anki and Moodle comes from that language's catalog, numbers a student
reads are written as the locale writes them, and what a machine reads stays neutral.
"""

from __future__ import annotations

import base64
import gettext
import html
import json
import re
import zipfile
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from conftest import run_cli
from qbank import i18n
from qbank.i18n import LOCALE_DIR, SHIPPED, local_number, use_language
from qbank.pipeline import run

SRC = Path(i18n.__file__).parent
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
PLACEHOLDER = re.compile(r"\{(\w+)\}")
TRANSLATED = [lang for lang in SHIPPED if lang != "en"]
#: Locales whose decimal symbol is a comma (all the shipped ones but English).
COMMA = {"fr", "de", "es", "pt_BR", "it", "nl", "pl"}


def key_of(message) -> str | tuple[str, ...]:
    """A message's key: its text, the tuple of its forms, or (context, text)."""
    if message.context:
        return (message.context, message.id)
    return message.id if isinstance(message.id, str) else tuple(message.id)


def template() -> dict[str | tuple[str, ...], object]:
    with open(LOCALE_DIR / "qbank.pot", "rb") as f:
        return {key_of(m): m for m in read_po(f) if m.id}


def catalog(lang: str):
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / "qbank.po", "rb") as f:
        return read_po(f, locale=lang)


# --- the catalogs -------------------------------------------------------------------------


def test_template_holds_every_text_of_the_source():
    """A ``_()`` text added to src/qbank without updating qbank.pot fails here (the
    pybabel command that updates it is in docs/languages.md)."""
    found = {
        (msg if isinstance(msg, str) else tuple(m for m in msg if m))
        if context is None
        else (context, msg if isinstance(msg, str) else msg[-1])
        for _file, _line, msg, _comments, context in extract_from_dir(
            str(SRC),
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
        )
    }
    found = {m[0] if isinstance(m, tuple) and len(m) == 1 else m for m in found}
    assert found == set(template()), "run the pybabel extract command of docs/languages.md"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_catalog_complete_not_fuzzy_and_compiled(lang):
    pot = template()
    po = catalog(lang)
    entries = {key_of(m): m for m in po if m.id}
    assert set(entries) == set(pot), f"{lang}: run pybabel update (docs/languages.md)"
    for key, message in entries.items():
        assert not message.fuzzy, f"{lang}: fuzzy {key!r}"
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(s.strip() for s in strings), f"{lang}: untranslated {key!r}"
        plural = isinstance(message.id, tuple)
        assert len(strings) == (po.num_plurals if plural else 1)
        ids = message.id if plural else (message.id,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for s in strings:
            assert set(PLACEHOLDER.findall(s)) == wanted, f"{lang}: placeholders of {key!r}"
    # The .mo beside the .po is its compiled form (pybabel compile).
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / "qbank.mo", "rb") as f:
        mo = gettext.GNUTranslations(f)
    for key, message in entries.items():
        if message.context:
            assert mo.pgettext(message.context, message.id) == message.string, (lang, key)
        elif isinstance(message.id, tuple):
            for n in (1, 2, 5, 22):
                index = gettext.c2py(po.plural_expr)(n)
                assert mo.ngettext(key[0], key[1], n) == message.string[index], (lang, key, n)
        else:
            assert mo.gettext(key) == message.string, f"{lang}: recompile the .mo ({key!r})"


def test_shipped_languages_and_fallbacks():
    assert i18n.catalog_of("fr-CA") == "fr"
    assert i18n.catalog_of("pt") == "pt_BR"
    assert i18n.catalog_of("pt-BR") == "pt_BR"
    assert i18n.catalog_of("en-GB") == "en"
    assert i18n.catalog_of("ja") is None
    assert i18n.language_warning("fr") is None
    assert "no translation for the language 'ja'" in (i18n.language_warning("ja") or "")


# --- numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "plain", "shown"),
    [
        ("en", "-1,234.5", "-1,234.5"),
        ("fr", "-1,234.5", "-1\u202f234,5"),
        ("de", "1,234.5", "1.234,5"),
        # Polish and Spanish: CLDR's minimum grouping digits 2, a four-digit number has no group.
        ("pl", "1,234.5", "1234,5"),
        ("pl", "1,234", "1234"),
        ("pl", "12,345", "12\u00a0345"),
        ("pl", "-1,234,567.5", "-1\u00a0234\u00a0567,5"),
        ("es", "1,234", "1234"),
        ("es", "12,345", "12.345"),
        ("es", "-1,234.5", "-1234,5"),
        ("es-ES", "1,234", "1234"),
        ("es-MX", "1,234", "1,234"),  # Mexico: 1,234 (CLDR's es-MX groups from 4 digits)
        ("de", "1,234", "1.234"),  # German groups four digits
        ("pt-BR", "0.25", "0,25"),
        ("de-CH", "1,234.5", "1'234.5"),
        ("ja", "1,234.5", "1,234.5"),
    ],
)
def test_local_number(tag, plain, shown):
    with use_language(tag):
        assert local_number(plain) == shown


@pytest.mark.parametrize(
    ("tag", "shown"),
    [
        ("en", "$22.50"),
        ("en-GB", "$22.50"),
        ("fr", "22,50\u00a0$"),
        ("de", "22,50\u00a0$"),
        ("pt-BR", "$\u00a022,50"),
        ("pl", "22,50\u00a0$"),
    ],
)
def test_currency_where_the_locale_puts_it(tmp_path, tag, shown):
    bank = tmp_path / "b.yaml"
    bank.write_text(
        "id: b\ntitle: b\nquestions:\n  - id: q\n    type: numerical\n    text: x\n"
        "    answer: 22.5\n    unit: $\n    decimals: 2\n"
        "  - id: r\n    type: numerical\n    text: y\n    answer: 22.5\n    unit: €\n"
        "    unit_position: before\n    decimals: 2\n",
        encoding="utf-8",
    )
    generated = run([bank], seed=1, formats=("json",), out_dir=tmp_path / "o", language=tag)
    q, r = generated.sets[0].version(1)
    assert q.payload.answer_text == shown
    # A position the bank gives is kept.
    assert r.payload.answer_text.startswith("€")


def test_numbers_in_formulas():
    from qbank.richtext import parse_block
    from qbank.richtext.omml import latex_to_omml

    def tex(text: str) -> str:
        return parse_block(text).blocks[0].children[0].tex

    with use_language("pl"):  # groups of non-breaking spaces: thin spaces in TeX
        assert tex("$x = 1\u00a0234,5$") == "x = 1\\,234{,}5"
    with use_language("de-CH"):  # 1'234.5: no prime
        assert tex("$x = 1'234.5$") == "x = 1\\,234.5"
    with use_language("en"):
        assert tex("$f(1,2) = 1,234.5$") == "f(1,2) = 1,234.5"
    # In Word, 3{,}5 is one number, not 3, a comma operator (spaced as in a list) and 5.
    assert "<m:t>654,25</m:t>" in latex_to_omml("7\\,654{,}25")
    assert "<m:t>1</m:t></m:r><m:r><m:t>,</m:t>" in latex_to_omml("f(1,2)")


def test_local_number_in_math():
    with use_language("fr"):
        assert local_number("1,234.5", math=True) == "1\\,234{,}5"
    with use_language("en"):
        assert local_number("1,234.5", math=True) == "1,234.5"


# --- whole runs ---------------------------------------------------------------------------

#: One question of every type, with texts that hold no English word: whatever English is
#: left in a document came from qbank.
NEUTRAL_BANK = r"""
id: neutral
title: "Σ 7"
questions:
  - id: n1
    type: numerical
    params:
      a: [1000, 2000]
    text: "{{ a }} + 0.25 = ? | {{ 1234.5 | thousands }} | {{ 12345.5 | thousands }} |
      {{ 0.5 | fixed(2) }} | $x = {{ 2.5 }}$"
    answer: a + 0.25
    decimals: 2
    thousands: true
    tolerance: 0.01
    points: 1.5
    solution: "{{ answer }}"
  - id: tf
    type: truefalse
    text: "1 + 1 = 2"
    answer: true
    feedback_true: "✓"
    feedback_false: "✗"
  - id: mc
    type: multichoice
    text: "2 × 3"
    single: false
    choices:
      - {text: "6", correct: true}
      - {text: "3 + 3", correct: true}
      - {text: "5"}
  - id: sa
    type: shortanswer
    text: "x = ?"
    answer: [xy, yx]
  - id: es
    type: essay
    text: "∑"
  - id: ma
    type: matching
    text: "α β"
    pairs:
      - [α, "1"]
      - [β, "2"]
  - id: cz
    type: cloze
    text: "[[= 1.5]] | [[xy|yx]]"
  - id: od
    type: ordering
    text: "1 2 3"
    items: ["1", "2", "3"]
"""


def english_left(text: str, lang: str) -> list[str]:
    """The English catalog texts (their literal parts) found in ``text`` where the
    language says something else: no translation of the catalog holds them (so "Data"
    counts as English in Polish, but not in Portuguese, where "Data:" is the date)."""
    left = []
    every_translation = " ".join(
        " ".join(m.string) if isinstance(m.string, tuple) else m.string
        for m in catalog(lang)
        if m.id
    )
    for message in catalog(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for msgid in ids:
            for fragment in PLACEHOLDER.split(msgid)[::2]:
                fragment = fragment.strip(" :;")
                if len(fragment) < 4 or fragment in every_translation:
                    continue
                if re.search(rf"(?<!\w){re.escape(fragment)}(?!\w)", text):
                    left.append(fragment)
    return left


def docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        parts = [
            n
            for n in z.namelist()
            if re.match(r"word/(document|qbank-footer\d*|footer\d*)\.xml$", n)
        ]
        xml = "".join(z.read(n).decode() for n in parts)
    return "\n".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


def anki_fields(path: Path, tmp: Path) -> str:
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    col = Collection(str(tmp / "collection.anki2"))
    try:
        col.import_anki_package(
            ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions())
        )
        fields = []
        for nid in col.find_notes(""):
            note = col.get_note(nid)
            # Id is a stable key ("bank/question/term-1"), never shown: not a text.
            fields.extend(value for name, value in note.items() if name != "Id")
        return "\n".join(fields)
    finally:
        col.close()


def generate_neutral(tmp_path: Path, lang: str | None, formats=("docx", "anki", "moodle", "json")):
    bank = tmp_path / "neutral.yaml"
    bank.write_text(NEUTRAL_BANK, encoding="utf-8")
    out = tmp_path / f"out-{lang}"
    run([bank], count=2, seed=3, formats=formats, out_dir=out, language=lang)
    return out


@pytest.fixture(scope="module")
def english(tmp_path_factory):
    return generate_neutral(tmp_path_factory.mktemp("en"), None)


def moodle_answers(xml: str) -> list[str]:
    return re.findall(
        r"<answer fraction=\"[^\"]*\"[^>]*>\s*<text>([^<]*)</text>", xml
    ) + re.findall(r"<tolerance>([^<]*)</tolerance>", xml)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_documents_in_the_language(tmp_path, english, lang):
    tag = lang.replace("_", "-")
    out = generate_neutral(tmp_path, tag)
    tr = i18n.language(tag).translations

    # Word: the worksheets and the key, body and footers.
    sheets = docx_text(out / "neutral-worksheets.docx")
    key = docx_text(out / "neutral-answer-key.docx")
    for text in (sheets, key):
        assert english_left(text, lang) == []
    for label in ("Name:", "Class:", "Date:", "Circle one:", "True", "Answer:", "Page"):
        assert tr.gettext(label) in sheets, label
    assert tr.gettext("Answer every question in the space provided.") in sheets
    assert tr.gettext("choose all that apply") in sheets
    for label in ("Answer key and marking grid", "Answer and working", "Model answer", "Total"):
        assert tr.gettext(label) in key, label

    # Anki: the labels that travel in the fields.
    fields = anki_fields(out / "neutral.apkg", tmp_path)
    assert english_left(fields, lang) == []
    for label in ("Answer", "Worked solution", "True or false?", "Also accepted:"):
        assert tr.gettext(label) in fields, label

    # Moodle: the fixed questions' category; the answers and tolerances stay neutral.
    moodle = (out / "neutral-moodle.xml").read_text(encoding="utf-8")
    english_moodle = (english / "neutral-moodle.xml").read_text(encoding="utf-8")
    assert tr.gettext("Fixed questions (same for every student)") in moodle
    assert "Fixed questions" not in moodle
    assert moodle_answers(moodle) == moodle_answers(english_moodle)
    assert "1000.25" in moodle_answers(moodle) or "2000.25" in moodle_answers(moodle)

    # Numbers a student reads: the locale's decimal comma and groups.
    decimal, group = i18n.language(tag).decimal, i18n.language(tag).group
    assert decimal == ("," if lang in COMMA else ".")
    # thousands filter; no group in a four-digit number where CLDR's minimum grouping
    # digits is 2 (Spanish, Polish: 1234,5 but 12 345,5)
    four = "" if i18n.language(tag).min_grouping > 1 else group
    assert f"1{four}234{decimal}5" in sheets
    assert f"12{group}345{decimal}5" in sheets
    assert f"0{decimal}50" in sheets  # fixed filter
    answer_shown = re.search(rf"[12]{re.escape(four)}000{decimal}25", key)
    assert answer_shown, "the numerical answer in the key"
    assert "1.5" not in sheets.replace("1.5.", "")  # points 1,5
    assert f"1{decimal}5" in sheets

    # The JSON record keeps the values neutral.
    record = json.loads((out / "neutral.json").read_text(encoding="utf-8"))
    english_record = json.loads((english / "neutral.json").read_text(encoding="utf-8"))

    def values(rec):
        # A cloze's "answer" is the blanks as shown (text); its numbers are in "parts".
        return [
            (
                q["id"],
                q["answer"] if q["type"] != "cloze" else None,
                q["tolerance"],
                q["params"],
                q["points"],
                [p["numeric"] for p in q.get("parts", []) if "numeric" in p],
            )
            for version in rec["versions"]
            for q in version["questions"]
        ]

    assert values(record) == values(english_record)
    first = record["versions"][0]["questions"][0]
    assert first["answer"] in (1000.25, 2000.25)  # a JSON number, not a text
    if decimal == ",":  # the formula's decimal comma is {,}, so TeX adds no space
        assert "x = 2{,}5" in first["html"]


def core_properties(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("docProps/core.xml").decode()


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_file_and_the_preview_in_the_language(tmp_path, english, lang):
    """What a teacher reads around the questions, beyond the worksheets' labels: Moodle's
    category descriptions, variant names and the files' comments, GIFT's header, QTI's
    variant titles, Word's document properties, the terminal preview, and the captions of
    Anki's vocabulary cards. No English text of the catalog is left in any of them."""
    from qbank.exporters import ExportOptions

    tag = lang.replace("_", "-")
    tr = i18n.language(tag).translations
    bank = tmp_path / "neutral.yaml"
    bank.write_text(NEUTRAL_BANK, encoding="utf-8")
    out = tmp_path / "o"
    options = ExportOptions.of(moodle_calculated=True)
    run(
        [bank], count=2, seed=3, formats=("all", "gift"), out_dir=out, language=tag, options=options
    )
    files = {
        "moodle": (out / "neutral-moodle.xml").read_text(encoding="utf-8"),
        "gift": (out / "neutral-gift.txt").read_text(encoding="utf-8"),
        "word": core_properties(out / "neutral-worksheets.docx")
        + core_properties(out / "neutral-answer-key.docx"),
        "preview": run_cli("preview", str(bank), "--seed", "3", "--lang", tag).output,
    }
    with zipfile.ZipFile(out / "neutral-qti.zip") as z:
        qti = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
    # Canvas's setting "points" (a value for Canvas, which no one reads) is not a text.
    files["qti"] = qti.replace("<grading_type>points</grading_type>", "")
    for name, text in files.items():
        # The words a reader sees: comments and text, not the tags (<question>).
        words = re.sub(r"<[^>]*>", " ", re.sub(r"<!--|-->", " ", text))
        assert english_left(html.unescape(words), lang) == [], name

    moodle = files["moodle"]
    # The file's comment, the categories' descriptions, the variants' names.
    assert "written by" not in moodle and "Get category from file" not in moodle
    assert (
        tr.ngettext(
            "The {n} question of the bank that is the same for every student.",
            "The {n} questions of the bank that are the same for every student.",
            7,
        ).format(n=7)
        in moodle
    )
    suffix = tr.gettext("{title} (variant {number})").format(title="", number="1").strip()
    # (Moodle's file holds one calculated question here; GIFT and QTI name the variants.)
    assert f"{suffix}::" in files["gift"] and f'{suffix}"' in files["qti"]
    assert "One calculated question" not in moodle
    assert (
        tr.ngettext(
            "One calculated question: Moodle picks its {n} set of values for each attempt.",
            "One calculated question: Moodle picks one of its {n} sets of values for each attempt.",
            2,
        ).format(n=2)
        in moodle
    )
    assert "GIFT written by" not in files["gift"] and "// " in files["gift"]
    assert "Made by qbank" not in files["word"]
    preview = files["preview"]
    assert "ANSWER KEY" not in preview and tr.gettext("Answer key").upper() in preview
    assert "(seed 3)" not in preview and tr.gettext("seed {seed}").format(seed=3) in preview
    assert " pt]" not in preview and tr.gettext("True") in preview

    # Anki: the "Term" and "Definition" captions of a vocabulary card are in its fields.
    fields = anki_fields(out / "neutral.apkg", tmp_path)
    assert f">{tr.gettext('Term')}</div>" in fields and ">Term</div>" not in fields
    assert f">{tr.gettext('Definition')}</div>" in fields


def test_english_labels_unchanged(english):
    sheets = docx_text(english / "neutral-worksheets.docx")
    assert "Name: " in sheets and "Circle one:" in sheets and "Version 1 of 2" in sheets
    assert "1,234.5" in sheets and "0.50" in sheets and "1.5\u00a0points" in sheets


def test_lang_option_and_unknown_language(tmp_path):
    bank = tmp_path / "neutral.yaml"
    bank.write_text(NEUTRAL_BANK, encoding="utf-8")
    result = run_cli(
        "generate",
        str(bank),
        "-f",
        "docx",
        "--lang",
        "ja",
        "-o",
        str(tmp_path / "ja"),
        "--seed",
        "1",
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("no translation for the language 'ja'") == 1
    assert "Name: " in docx_text(tmp_path / "ja" / "neutral-worksheets.docx")
    bad = run_cli("generate", str(bank), "--lang", "fr_FR!", "-o", str(tmp_path / "x"), expect=2)
    assert bad.exit_code == 2 and "not a language tag" in bad.output


def test_bank_language_sets_the_documents_language(tmp_path):
    bank = tmp_path / "neutral.yaml"
    bank.write_text(NEUTRAL_BANK.replace("id: neutral\n", "id: neutral\nlanguage: de\n"), "utf-8")
    run([bank], count=1, seed=1, formats=("docx",), out_dir=tmp_path / "o")
    sheets = docx_text(tmp_path / "o" / "neutral-worksheets.docx")
    assert "Klasse:" in sheets and "1.234,5" in sheets and "Class:" not in sheets


def test_new_writes_a_french_starter_bank(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run_cli("new", "--lang", "fr")
    assert "ma-banque.yaml" in result.output
    text = (tmp_path / "ma-banque.yaml").read_text(encoding="utf-8")
    assert "language: fr" in text and "id: ma-banque" in text
    assert "Quelle est sa vitesse moyenne ?" in text
    run_cli("validate", "ma-banque.yaml")
    run([tmp_path / "ma-banque.yaml"], count=2, seed=1, formats=("docx",), out_dir=tmp_path / "o")
    sheets = docx_text(tmp_path / "o" / "ma-banque-worksheets.docx")
    assert "Nom\u00a0:" in sheets and "Un bus parcourt" in sheets and "Name:" not in sheets
    assert re.search(r"\d,\d\d €", sheets)  # a price: 3,75 €
    # Another language gets the English starter with its language:
    run_cli("new", "--lang", "de", "deutsch")
    german = (tmp_path / "deutsch.yaml").read_text(encoding="utf-8")
    assert "\nlanguage: de\n" in german and "What is its average speed?" in german


def test_text_blanks_that_hold_numbers_accept_both_decimal_marks(tmp_path):
    bank = tmp_path / "b.yaml"
    bank.write_text(
        "id: b\ntitle: b\nquestions:\n"
        "  - id: c\n    type: cloze\n"
        "    text: 'x = [[3,5]], y = [[{{ 0.25 }}]], z = [[1,500|mille]]'\n"
        "  - id: s\n    type: shortanswer\n    text: 'x?'\n    answer: ['{{ 1.5 }}']\n",
        encoding="utf-8",
    )
    for tag, wanted in (
        ("fr", ["=3,5~=3.5}", "=0,25~=0.25}", "=1,500~=mille~=1.500}", ">1,5<", ">1.5<"]),
        ("en", ["=3,5}", "=0.25}", "=1,500~=mille}", ">1.5<"]),
    ):
        out = tmp_path / tag
        run([bank], seed=1, formats=("moodle", "gift", "qti"), out_dir=out, language=tag)
        xml = (out / "b-moodle.xml").read_text(encoding="utf-8")
        for piece in wanted:
            assert piece in xml, (tag, piece)
        gift = (out / "b-gift.txt").read_text(encoding="utf-8")
        with zipfile.ZipFile(out / "b-qti.zip") as z:
            qti = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
        both = tag == "fr"
        assert "=1.5" in gift and ("=1,5" in gift) == both  # GIFT leaves cloze texts out
        assert (">1.5<" in qti and ">1,5<" in qti) == both
    assert ">1,5<" not in (tmp_path / "en" / "b-moodle.xml").read_text(encoding="utf-8")


def test_lang_chooses_the_paper_too(tmp_path):
    bank = tmp_path / "neutral.yaml"
    bank.write_text(NEUTRAL_BANK, encoding="utf-8")
    for tag, paper in (("en-US", "Letter"), ("fr", "A4"), ("es-MX", "Letter")):
        result = run([bank], seed=1, formats=("docx",), out_dir=tmp_path / tag, language=tag)
        assert result.summary[0].startswith(f"Paper: {paper}"), (tag, result.summary)
        # Word's spelling checker reads the text as that language (English: the template's).
        with zipfile.ZipFile(tmp_path / tag / "neutral-worksheets.docx") as z:
            styles = z.read("word/styles.xml").decode()
        defaults = styles[styles.index("<w:docDefaults>") : styles.index("</w:docDefaults>")]
        wanted = "en-US" if tag.startswith("en") else tag
        assert f'<w:lang w:val="{wanted}"' in defaults, (tag, defaults)


DATA_BANK = """
id: d
title: d
questions:
  - id: q
    type: numerical
    text: "x"
    params:
      n: [4]
    let:
      xs: "[1.5, 2.25, 1234.5, 3]"
      g: "['a', 'b', 'c', 'd']"
    answer: sum(xs)
    data:
      columns:
        x: xs
        g: g
"""


def test_data_sets_in_the_language(tmp_path):
    """A data set's table reads as the class writes numbers; its CSV stays neutral."""
    bank = tmp_path / "d.yaml"
    bank.write_text(DATA_BANK, encoding="utf-8")
    out = tmp_path / "o"
    run([bank], seed=1, formats=("docx", "anki", "moodle"), out_dir=out, language="de")
    sheets = docx_text(out / "d-worksheets.docx")
    tr = i18n.language("de").translations
    assert tr.gettext("Data ({name}, {rows}):").format(name="q", rows="4 Zeilen") in sheets
    assert "2,25" in sheets and "1234,5" in sheets and "2.25" not in sheets
    moodle = (out / "d-moodle.xml").read_text(encoding="utf-8")
    assert "Daten herunterladen:" in moodle
    # The CSV file that travels in the Moodle file keeps "." decimals, for R and spreadsheets.
    encoded = re.search(r'<file name="[^"]*\.csv"[^>]*>([^<]+)</file>', moodle)
    assert encoded is not None
    assert "2.25" in base64.b64decode(encoded.group(1)).decode("utf-8")
    fields = anki_fields(out / "d.apkg", tmp_path)
    assert "Daten: q (4 Zeilen)" in fields and "<td>2,25</td>" in fields


def test_the_workbench_preview_is_in_the_banks_language():
    from qbank.serve.tasks import look
    from qbank.starter import starter_path

    text = starter_path("fr").read_text(encoding="utf-8")
    line = text.splitlines().index("  - id: prix-stylos") + 1
    preview = look("ma-banque.yaml", text, line=line, seed=2, shown="anki")["preview"]
    assert re.search(r"\d,\d\d\u00a0€", preview["key"])
    back = preview["anki"][0]["back"]
    assert ">Réponse</div>" in back and "graine 2" in back


CLOZE_MONEY = """
id: m
title: m
questions:
  - id: dollars
    type: cloze
    unit: "$"
    decimals: 2
    text: "The bill: [[= 22.5]] for two."
  - id: speed
    type: cloze
    unit: m/s
    decimals: 1
    text: "v = [[= 3.5]]"
"""


@pytest.mark.parametrize(
    ("tag", "money", "speed"),
    [
        ("en", "$22.50", "3.5 m/s"),
        ("fr", "22,50\u00a0$", "3,5 m/s"),
        ("de", "22,50\u00a0$", "3,5 m/s"),
        ("pt-BR", "$\u00a022,50", "3,5 m/s"),
        ("pl", "22,50\u00a0$", "3,5 m/s"),
    ],
)
def test_a_cloze_blanks_currency_goes_where_the_locale_puts_it(tmp_path, tag, money, speed):
    """A numeric blank's ``unit`` is shown only with its answer (keys, Anki, the JSON
    record's ``answer``), never next to the blank, where the teacher's own text is: so a
    currency symbol there follows the locale, as a numerical question's does."""
    bank = tmp_path / "m.yaml"
    bank.write_text(CLOZE_MONEY, encoding="utf-8")
    out = tmp_path / "o"
    run([bank], seed=1, formats=("json", "docx"), out_dir=out, language=tag)
    record = json.loads((out / "m.json").read_text(encoding="utf-8"))
    dollars, speed_q = record["versions"][0]["questions"]
    assert dollars["answer"] == [[money]] and speed_q["answer"] == [[speed]]
    assert dollars["parts"][1]["numeric"]["value"] == 22.5  # the value stays neutral
    assert money in docx_text(out / "m-answer-key.docx")
    # The teacher's text around the blank is printed as written.
    assert "The bill: " in docx_text(out / "m-worksheets.docx")


@pytest.mark.parametrize(
    ("tag", "points", "shown"),
    [
        ("en", 1.5, "1.5 points"),
        ("en", 1, "1 point"),
        ("fr", 1.5, "1,5 point"),  # French: the singular below 2
        ("fr", 0.5, "0,5 point"),
        ("fr", 2.5, "2,5 points"),
        ("pt-BR", 1.5, "1,5 ponto"),
        ("de", 1.5, "1,5 Punkte"),
        ("pl", 1.5, "1,5 punktu"),  # Polish: a fraction takes the genitive singular
        ("pl", 2, "2 punkty"),
        ("pl", 5, "5 punktów"),
        ("pl", 22, "22 punkty"),
        ("pl", 12, "12 punktów"),
    ],
)
def test_points_in_the_languages_plural_forms(tag, points, shown):
    from decimal import Decimal

    value = Decimal(str(points)) if isinstance(points, float) else points
    with use_language(tag):
        assert i18n.points(value) == shown


def test_libreoffice_prints_a_french_and_a_polish_worksheet(tmp_path):
    # The pages as printed: LibreOffice renders both worksheets (one run), and the PDF's
    # text holds the accented labels and the numbers with their groups kept on one line
    # (a no-break space inside `1 234,5`, never a line break).
    import subprocess

    from conftest import soffice_or_skip

    exe = soffice_or_skip()
    sheets = {}
    for tag in ("fr", "pl"):
        (tmp_path / tag).mkdir()
        out = generate_neutral(tmp_path / tag, tag, formats=("docx",))
        sheets[tag] = out / "neutral-worksheets.docx"
        sheets[tag] = sheets[tag].rename(tmp_path / f"{tag}-worksheets.docx")
    pdfs = tmp_path / "pdf"
    subprocess.run(
        [
            exe,
            f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(pdfs),
            *map(str, sheets.values()),
        ],
        capture_output=True,
        timeout=300,
        check=True,
    )
    text = {
        tag: subprocess.run(
            ["pdftotext", str(pdfs / f"{tag}-worksheets.pdf"), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for tag in sheets
    }
    same_line = "[ \u00a0\u202f]"

    def spaced(words: str) -> str:
        return re.sub(same_line, " ", words)

    for tag in text:
        tr = i18n.language(tag).translations
        for label in ("Name:", "Class:", "True", "False"):
            shown = spaced(tr.gettext(label)).rstrip(": ")
            assert shown != label.rstrip(":") and shown in spaced(text[tag]), (tag, shown)
        assert re.search(rf"12{same_line}345,5", text[tag]), tag
    assert re.search(rf"1{same_line}234,5", text["fr"])
    assert "1234,5" in text["pl"]  # Polish groups only from five digits (CLDR)
    assert "é" in text["fr"] and "ł" in text["pl"]


@pytest.mark.parametrize(
    "tag, shown",
    [
        ("en", "14 November 2023"),
        ("fr", "14 novembre 2023"),
        ("de", "14. November 2023"),
        ("pl", "14 listopada 2023"),
        ("pt-BR", "14 de novembro de 2023"),
    ],
)
def test_the_answer_key_gives_the_day_it_was_made_in_the_language(tmp_path, tag, shown):
    from qbank.exporters import ExportOptions

    bank = tmp_path / "neutral.yaml"
    bank.write_text(NEUTRAL_BANK, encoding="utf-8")
    # 2023-11-14 12:00 UTC: the same day on any teacher's clock from UTC-11 to UTC+11
    stamp = ExportOptions.of(timestamp=1_699_963_200.0)
    run(
        [bank],
        count=1,
        seed=3,
        formats=("docx",),
        out_dir=tmp_path / "o",
        language=tag,
        options=stamp,
    )
    assert shown in docx_text(tmp_path / "o" / "neutral-answer-key.docx")
