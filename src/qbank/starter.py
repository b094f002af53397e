"""``qbank new``: a bank file to start from, and the JSON Schema for editors beside it.

The starter bank (``qbank/bank/starter.yaml``) has one commented question of every type;
``--lang fr`` writes it in French (``starter.fr.yaml``; another language gets the English
one with its ``language:``); ``--from-default`` copies the built-in bank instead. A bank
file is never written over. The bank's id is taken from the file's name, so two banks
made this way do not share Anki decks or Moodle categories.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .bank.jsonschema import FILE_NAME as SCHEMA_FILE_NAME
from .bank.jsonschema import schema_text
from .bank.loader import DEFAULT_BANK_ID, default_bank_path
from .bank.schema import ID_PATTERN, RESERVED_FILE_NAMES
from .errors import QbankError

STARTER_NAME = "my-bank"
#: The starter banks written in another language than English, and their default file names.
STARTER_LANGUAGES = {"fr": "ma-banque"}
_LANGUAGE_LINE = re.compile(r"^language:[ \t]*en\b", re.M)
SCHEMA_LINE = f"# yaml-language-server: $schema={SCHEMA_FILE_NAME}\n"
_BANK_ID_LINE = re.compile(r"^id:[ \t]*\S+([ \t]+#.*)?$", re.M)


@dataclass(frozen=True)
class NewBank:
    """What :func:`new_bank` wrote."""

    bank: Path
    bank_id: str
    #: The schema file, when it was written (it was missing or an older qbank schema).
    schema: Path | None
    #: Why the schema was not written, when it was not.
    schema_note: str | None = None


def starter_language(language: str | None) -> str | None:
    """The language of the starter bank written for ``--lang`` (None: the English one)."""
    if language is None:
        return None
    code = language.replace("_", "-").split("-")[0].lower()
    return code if code in STARTER_LANGUAGES else None


def starter_path(language: str | None = None) -> Path:
    own = starter_language(language)
    name = f"starter.{own}.yaml" if own else "starter.yaml"
    return Path(str(resources.files("qbank.bank") / name))


def bank_file(name: str | None, from_default: bool = False, language: str | None = None) -> Path:
    """The file ``qbank new NAME`` writes: NAME, with ``.yaml`` added unless it has it."""
    if not name:
        own = starter_language(language)
        name = DEFAULT_BANK_ID if from_default else STARTER_LANGUAGES[own] if own else STARTER_NAME
    path = Path(name)
    return path if path.suffix.lower() in (".yaml", ".yml") else path.with_name(path.name + ".yaml")


def bank_id_for(path: Path) -> str:
    """A valid bank id made of the file's name: ``Fractions Year 7.yaml`` -> ``fractions-year-7``.

    A name that makes no valid id (``con``, ``---``) gives ``my-bank``.
    """
    words = re.sub(r"[^a-z0-9_.-]+", "-", path.stem.lower()).strip("-_.")[:64].rstrip("-_.")
    if not ID_PATTERN.match(words) or words.split(".")[0] in RESERVED_FILE_NAMES:
        return STARTER_NAME
    return words


def new_bank(name: str | None, from_default: bool = False, language: str | None = None) -> NewBank:
    """Write a starter bank (or a copy of the built-in bank) and the schema beside it;
    ``language``: the starter bank in that language where qbank has one, else the
    English one with its ``language:`` set to it."""
    path = bank_file(name, from_default, language)
    if not path.parent.is_dir():
        raise QbankError(
            f"the folder '{path.parent}' does not exist; create it first", file=str(path)
        )
    bank_id = bank_id_for(path)
    if from_default:
        text = default_bank_path().read_text(encoding="utf-8")
        text = (
            SCHEMA_LINE + "# A copy of qbank's built-in bank, written by "
            "`qbank new --from-default`, to edit.\n" + text
        )
    else:
        text = starter_path(language).read_text(encoding="utf-8")
        if language is not None and starter_language(language) is None:
            text = _LANGUAGE_LINE.sub(f"language: {language}", text, count=1)
    text = _BANK_ID_LINE.sub(lambda m: _id_line(m, bank_id), text, count=1)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as out:
            out.write(text)
    except FileExistsError:
        raise QbankError(
            "the file already exists, and qbank never writes over a bank; "
            "give another name (qbank new NAME) or move the file away first",
            file=str(path),
        ) from None
    except OSError as exc:
        raise QbankError(f"cannot write the bank: {exc.strerror}", file=str(path)) from exc
    schema, note = _write_schema(path.parent / SCHEMA_FILE_NAME)
    return NewBank(path, bank_id, schema, note)


def _id_line(match: re.Match[str], bank_id: str) -> str:
    """``id: <bank_id>``, its comment kept in the same column when there is room."""
    line = f"id: {bank_id}"
    comment = match.group(1)
    if not comment:
        return line
    column = len(match.group()) - len(comment.lstrip())
    return line.ljust(column - 1) + " " + comment.lstrip()


def _write_schema(path: Path) -> tuple[Path | None, str | None]:
    """Write the schema unless a file of that name that is not a qbank schema is there."""
    text = schema_text()
    if path.exists():
        try:
            current = path.read_text(encoding="utf-8")
            ours = json.loads(current).get("title") == "qbank bank file"
        except (OSError, ValueError, AttributeError):
            ours = False
        if not ours:
            return None, (
                f"{path} is there and is not a qbank schema, so it was left "
                "alone; 'qbank schema -o FILE' writes the schema elsewhere"
            )
        if current == text:
            return None, None
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        return None, f"could not write {path} ({exc.strerror}); 'qbank schema -o FILE' can"
    return path, None
