"""The workbench's one HTML page: server-rendered, with the plain script in
``static/workbench.js`` doing the rest through the JSON API."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..richtext.html import escape_html as e


def schema_fields() -> dict[str, list[dict[str, str]]]:
    """The fields of a bank and of each question type, with their descriptions, from the
    bank's JSON Schema (what 'qbank schema' writes for editors)."""
    from ..bank.jsonschema import bank_schema

    schema = bank_schema()

    def listed(properties: dict[str, Any]) -> list[dict[str, str]]:
        return [
            {"name": name, "help": str(spec.get("description", ""))}
            for name, spec in properties.items()
        ]

    out = {"bank": listed(schema["properties"])}
    for kind, spec in schema["definitions"].items():
        out[kind] = listed(spec.get("properties", {}))
    return out


def page(
    *,
    csrf: str,
    folder: str,
    formats: Sequence[str],
    default_formats: Sequence[str],
    options: Sequence[Any],
) -> str:
    format_boxes = "".join(
        f'<label><input type="checkbox" name="format" value="{e(f)}"'
        f"{' checked' if f in default_formats else ''}> {e(f)}</label> "
        for f in formats
    )
    option_fields = "".join(_option(o) for o in options if not o.path)
    fields = json.dumps(schema_fields()).replace("<", "\\u003c")
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="qbank-csrf" content="{e(csrf)}">
<title>qbank workbench</title>
<link rel="stylesheet" href="static/katex/katex.min.css">
<link rel="stylesheet" href="static/workbench.css">
<script defer src="static/katex/katex.min.js"></script>
<script defer src="static/katex/contrib/auto-render.min.js"></script>
<script defer src="static/workbench.js"></script>
</head>
<body>
<header>
  <strong>qbank workbench</strong>
  <span class="folder" title="The served folder">{e(folder)}</span>
  <span id="status" role="status"></span>
</header>
<div id="changed" class="banner" hidden>
  <span id="changed-text"></span>
  <button id="reload" type="button">Reload from disk</button>
  <button id="overwrite" type="button">Keep mine and save</button>
</div>
<main>
  <nav id="files" aria-label="Bank files"><h2>Banks</h2><ul id="file-list"></ul></nav>
  <section id="editor-pane" aria-label="Editor">
    <div class="toolbar">
      <span id="file-name">No file open</span>
      <button id="save" type="button" disabled>Save</button>
      <button id="check" type="button" disabled>Check all</button>
    </div>
    <div class="editor">
      <pre id="gutter" aria-hidden="true"></pre>
      <textarea id="text" spellcheck="false" wrap="off" disabled
        aria-label="Bank file"></textarea>
    </div>
    <div id="fields" aria-label="Fields">
      <span id="fields-head"></span> <span id="field-list"></span>
    </div>
    <ul id="problems" aria-label="Problems"></ul>
    <div id="check-result"></div>
  </section>
  <section id="preview-pane" aria-label="Preview">
    <div class="toolbar">
      <label>Version <input id="number" type="number" min="1" value="1"></label>
      <span>of <input id="count" type="number" min="1" value="5"></span>
      <label>Seed <input id="seed" type="number" min="0" value="0"></label>
      <button id="next" type="button">Next variant</button>
      <label>Look <select id="look">
        <option value="sheet">Worksheet and key</option>
        <option value="anki">Anki card</option>
        <option value="moodle">Moodle question</option>
      </select></label>
    </div>
    <div id="preview-title"></div>
    <div class="side-by-side">
      <div><h3 id="left-head">Student sees</h3><div id="student" class="sheet"></div></div>
      <div><h3 id="right-head">Answer key</h3><div id="key" class="sheet"></div></div>
    </div>
    <form id="generate-form">
      <h3>Generate</h3>
      <div class="formats">{format_boxes}</div>
      <label>Versions <input id="gen-count" type="number" min="1" value="5"></label>
      <label title="A class list (--roster): one version per student, with the name on it">
        Class list <input id="gen-roster" list="class-lists" size="14"
          placeholder="none"></label>
      <datalist id="class-lists"></datalist>
      <label>Seed <input id="gen-seed" type="number" min="0" placeholder="random"></label>
      <div class="options">{option_fields}</div>
      <button id="generate" type="submit" disabled>Generate into out/</button>
      <progress id="gen-progress" max="1" value="0" hidden></progress>
      <span id="gen-stage"></span>
      <div id="gen-result"></div>
    </form>
  </section>
</main>
<script type="application/json" id="schema-fields">{fields}</script>
</body>
</html>
"""


def _option(option: Any) -> str:
    name = e(option.name)
    if option.is_flag:
        return (
            f'<label title="{e(option.help)}"><input type="checkbox" data-option="{name}"> '
            f"{e(option.flag)}</label> "
        )
    if option.choices:
        choices = "".join(
            f'<option value="{e(c)}"{" selected" if c == option.default else ""}>{e(c)}</option>'
            for c in option.choices
        )
        empty = "" if option.default else '<option value="">(default)</option>'
        return (
            f'<label title="{e(option.help)}">{e(option.flag)} '
            f'<select data-option="{name}">{empty}{choices}</select></label> '
        )
    return (
        f'<label title="{e(option.help)}">{e(option.flag)} '
        f'<input type="text" data-option="{name}" size="8"></label> '
    )
