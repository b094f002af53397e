"""MkDocs hooks: pages made from qbank itself when the site is built (nothing to commit).

* ``reference/bank-fields.md``: every field of a bank file, from the JSON Schema
  (:mod:`qbank.bank.jsonschema`), so the reference lists exactly what the loader reads;
  each type's example is its question in the starter bank that ``qbank new`` writes.
* ``reference/cli.md``: every command's ``--help``, from the click commands themselves
  (:mod:`qbank.cli`), examples and exit codes included.
* ``qbank-bank.schema.json``: the schema itself, to download.

The pages are plain Markdown made by :func:`bank_fields_page` and :func:`commands_page`,
which the tests call too.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from qbank.bank.jsonschema import FILE_NAME, bank_schema, schema_text
from qbank.bank.schema import CHOICE_SCHEMA
from qbank.kinds import KINDS
from qbank.kinds.fields import (
    FILLED_TEXT_SCHEMA,
    FLAG_SCHEMA,
    FORMULA_SCHEMA,
    NUMBER_SCHEMA,
    TEXT_SCHEMA,
    TRUE_SCHEMA,
)
from qbank.kinds.matching import PAIRS_SCHEMA
from qbank.kinds.numerical import TOLERANCE_SCHEMA
from qbank.starter import starter_path

#: The schemas of the field types, in words.
WORDS = [
    (TEXT_SCHEMA, "a text"),
    (FILLED_TEXT_SCHEMA, "a text"),
    (FORMULA_SCHEMA, "a formula"),
    (NUMBER_SCHEMA, "a number"),
    (FLAG_SCHEMA, "true or false"),
    (TRUE_SCHEMA, "true"),
    (CHOICE_SCHEMA, "a number or a text"),
    ({"type": "string", "pattern": FORMULA_SCHEMA["pattern"]}, "a formula"),
    (TOLERANCE_SCHEMA, 'a number, or a percentage such as `"1%"`'),
    (PAIRS_SCHEMA, "a list of `[term, definition]` pairs, or `term: definition` lines"),
]


def on_files(files: Any, config: Any) -> Any:
    from mkdocs.structure.files import File

    files.append(File.generated(config, "reference/bank-fields.md", content=bank_fields_page()))
    files.append(File.generated(config, "reference/cli.md", content=commands_page()))
    files.append(File.generated(config, FILE_NAME, content=schema_text()))
    return files


def commands_page() -> str:
    """Each command's help, as ``qbank COMMAND --help`` prints it."""
    import click

    from qbank.cli import cli

    width = 88
    settings = {**cli.context_settings, "terminal_width": width, "max_content_width": width}
    root = click.Context(cli, info_name="qbank", **settings)
    out = [
        "# Commands",
        "",
        "Every `qbank` command, as `qbank COMMAND --help` shows it in a terminal; this page",
        "is made from the commands themselves each time the site is built.",
        "",
        "## qbank",
        "",
        "```text",
        cli.get_help(root),
        "```",
        "",
    ]
    for name in sorted(cli.commands):
        command = cli.commands[name]
        ctx = click.Context(
            command, info_name=name, parent=root, terminal_width=width, max_content_width=width
        )
        out += [f"## qbank {name}", "", "```text", command.get_help(ctx), "```", ""]
    return "\n".join(out)


def bank_fields_page() -> str:
    schema = bank_schema()
    definitions = schema["definitions"]
    common = {
        "id",
        "type",
        "text",
        "title",
        "section",
        "solution",
        "feedback",
        "tags",
        "points",
        "params",
        "let",
        "where",
    }
    first = definitions[next(iter(KINDS))]
    out = [
        "# Every field of a bank",
        "",
        "This page is made from qbank's JSON Schema (`qbank schema`) each time the site is",
        "built, so it lists every field qbank reads, with what it takes. The",
        "[bank format](../bank-format.md) guide explains them with longer examples, and",
        "[Help from your editor](../editors.md) shows how to have them completed as you type.",
        f"The schema itself: [{FILE_NAME}](../{FILE_NAME}).",
        "",
        "## The bank",
        "",
        "A bank file holds these fields, then its `questions`.",
        "",
        *_fields(schema, skip=()),
        "## Every question",
        "",
        "Every question has these fields, whatever its `type`; then the fields of its type",
        "(below).",
        "",
        *_fields(
            {
                "properties": {k: v for k, v in first["properties"].items() if k in common},
                "required": ["id", "type", "text"],
            },
            skip=("type",),
        ),
        "- **`type`** · *required* · one of " + ", ".join(f"`{n}`" for n in KINDS),
        "",
        "### A parameter",
        "",
        "Each entry of `params` is a range or a list of choices (a plain list, such as",
        "`rate: [12, 15, 18]`, is a list of choices).",
        "",
        *_fields(definitions["parameter"], skip=()),
        "A parameter or `let` name is made of letters, digits and `_`, starting with a",
        "letter, and is none of these words, which already mean something in formulas: "
        + ", ".join(f"`{w}`" for w in definitions["name"]["not"]["enum"])
        + ".",
        "",
        "## The question types",
        "",
    ]
    for name in KINDS:
        definition = definitions[name]
        own = {k: v for k, v in definition["properties"].items() if k not in common}
        out += [f"### {name}", "", definition["description"], ""]
        if KINDS[name].text_field:
            out += _fields(
                {"properties": {"text": definition["properties"]["text"]}, "required": ["text"]},
                skip=(),
            )
        out += _fields({"properties": own, "required": definition["required"]}, skip=())
        nested = own.get("choices", {}).get("anyOf", [{}])[0].get("items")
        if nested:
            out += ["Each choice:", "", *_fields(nested, skip=())]
        example = _starter_question(name)
        if example:
            out += ["From the starter bank (`qbank new`):", "", "```yaml", example, "```", ""]
    return "\n".join(out).rstrip() + "\n"


def _fields(schema: dict[str, Any], skip: tuple[str, ...]) -> list[str]:
    required = set(schema.get("required", ()))
    lines: list[str] = []
    for name, field in schema.get("properties", {}).items():
        if name in skip:
            continue
        head = f"- **`{name}`** · " + ("*required* · " if name in required else "")
        head += takes(field)
        if "default" in field and field["default"] not in ("", [], {}):
            head += f" · default `{_yaml(field['default'])}`"
        lines.append(head + "  ")
        lines.append(f"    {field.get('description', '')}  ")
        examples = field.get("examples", [])
        if examples:
            lines.append(
                "    Example"
                + ("s" if len(examples) > 1 else "")
                + ": "
                + ", ".join(f"`{_yaml(e)}`" for e in examples)
            )
        lines.append("")
    return lines


def takes(schema: dict[str, Any]) -> str:
    """What a field takes, in words: "a text", "true or false", "a list of texts"."""
    bare = {k: v for k, v in schema.items() if k not in ("description", "examples", "default")}
    for known, words in WORDS:
        if bare == known:
            return words
    if "$ref" in schema:
        return "a parameter (below)"
    if "oneOf" in schema:
        return "a question"
    if "const" in schema:
        return f"`{schema['const']}`"
    if "enum" in schema:
        return " or ".join(f"`{v}`" for v in schema["enum"])
    options = schema.get("anyOf")
    if options:
        kinds = [o for o in options if o.get("type") != "null"]
        if any(o.get("type") == "number" for o in kinds):  # a number, or one written as text
            kinds = [o for o in kinds if o != NUMBER_SCHEMA["anyOf"][1]]
        if len(kinds) == 1:
            return takes(kinds[0])
        if kinds != options:
            return takes({"anyOf": kinds})
        return " or ".join(dict.fromkeys(takes(o) for o in kinds))
    kind = schema.get("type")
    if kind in ("string", ["string", "number"], ["string", "null"]):
        return "a text"
    if kind == "number":
        above = schema.get("exclusiveMinimum")
        return "a number" + (f" above {above}" if above is not None else "")
    if kind == "integer":
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is not None and high is not None:
            return f"a whole number from {low} to {high}"
        return "a whole number" + (f" from {low}" if low is not None else "")
    if kind == "array":
        items = schema.get("items", {})
        least = schema.get("minItems")
        return (
            "a list of "
            + _plural(takes(items) if items else "a value")
            + (f" (at least {least})" if least else "")
        )
    if kind == "object":
        if "properties" in schema:
            return "`{" + ", ".join(schema["properties"]) + "}`"
        values = schema.get("additionalProperties")
        if isinstance(values, dict):
            return "`name: …` lines, each with " + takes(values)
    return "a value"


def _plural(words: str) -> str:
    return re.sub(r"\ban? (text|number|formula|question|value)\b", r"\1s", words)


def _yaml(value: Any) -> str:
    text = yaml.safe_dump(
        value, default_flow_style=True, allow_unicode=True, width=10_000, sort_keys=False
    )
    return text.strip().removesuffix("...").strip()


def _starter_question(type_name: str) -> str | None:
    """The first question of ``type_name`` in the starter bank, as written there."""
    lines = starter_path().read_text(encoding="utf-8").splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("  - id: ")]
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        block = lines[start:end]
        if any(line.strip() == f"type: {type_name}" for line in block):
            while block and (not block[-1].strip() or block[-1].lstrip().startswith("#")):
                block.pop()
            return "\n".join(line[2:] for line in block)
    return None
