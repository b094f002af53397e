"""The workbench's one HTML page: server-rendered, with the plain script in
``static/workbench.js`` doing the rest through the JSON API."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..richtext.html import escape_html as e


def completion_tree() -> dict[str, Any]:
    """What the editor completes, from the bank's JSON Schema: the fields of the bank, of
    each question type and of the objects inside them (a figure, a choice...), each with its
    description, its values when the schema names them (``type:``, a figure's ``kind:``,
    ``paper:``...) and the fields of the object it holds. ``question``: the fields of any
    type, for a question that has no ``type:`` yet."""
    from ..bank.jsonschema import bank_schema

    schema = bank_schema()
    definitions = schema["definitions"]
    bank = _node(schema, definitions, 0)
    kinds = {
        kind: _node(spec, definitions, 1)
        for kind, spec in definitions.items()
        if "type" in spec.get("properties", {})
    }
    bank["fields"]["questions"]["questions"] = True
    bank["fields"]["questions"].pop("child", None)
    union: dict[str, Any] = {}
    for node in kinds.values():
        for name, spec in node["fields"].items():
            union.setdefault(name, spec)
    for node in kinds.values():
        node["fields"]["type"]["values"] = list(kinds)
    union["type"] = {"help": "The question's type.", "values": list(kinds)}
    return {"bank": bank, "kinds": kinds, "question": {"fields": union}}


def _resolved(spec: Any, definitions: dict[str, Any]) -> dict[str, Any]:
    if isinstance(spec, dict) and "$ref" in spec:
        return dict(definitions.get(spec["$ref"].rsplit("/", 1)[-1], {}))
    return spec if isinstance(spec, dict) else {}


def _branches(spec: dict[str, Any], definitions: dict[str, Any]) -> list[dict[str, Any]]:
    """``spec`` and the schemas it may be (anyOf, oneOf, an array's items), resolved."""
    out = [spec]
    for key in ("anyOf", "oneOf"):
        out += [_resolved(s, definitions) for s in spec.get(key, [])]
    for one in list(out):
        if isinstance(one.get("items"), dict):
            items = _resolved(one["items"], definitions)
            out += [items] + [_resolved(s, definitions) for s in items.get("anyOf", [])]
    return out


def _node(spec: dict[str, Any], definitions: dict[str, Any], depth: int) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name, field in spec.get("properties", {}).items():
        field = _resolved(field, definitions)
        values: list[str] = []
        child = None
        for branch in _branches(field, definitions):
            named = [*branch.get("enum", []), *([branch["const"]] if "const" in branch else [])]
            for value in named:
                shown = str(value).lower() if isinstance(value, bool) else str(value)
                if shown.lower() not in (v.lower() for v in values):  # a4, not A4 too
                    values.append(shown)
            kinds = branch.get("type")
            if kinds == "boolean" or (isinstance(kinds, list) and "boolean" in kinds):
                values += [v for v in ("true", "false") if v not in values]
            if child is None and branch.get("properties") and depth < 3:
                child = _node(branch, definitions, depth + 1)
        entry: dict[str, Any] = {"help": str(field.get("description", "")), "values": values}
        if child is not None:
            entry["child"] = child
        fields[name] = entry
    return {"fields": fields}


def page(
    *,
    csrf: str,
    folder: str,
    formats: Sequence[str],
    default_formats: Sequence[str],
    options: Sequence[Any],
    languages: Sequence[str] = (),
) -> str:
    format_boxes = "".join(
        f'<label><input type="checkbox" name="format" value="{e(f)}"'
        f"{' checked' if f in default_formats else ''}> {e(f)}</label> "
        for f in formats
    )
    option_fields = "".join(_option(o) for o in options)
    language_list = "".join(f'<option value="{e(tag)}">' for tag in languages)
    fields = json.dumps(completion_tree()).replace("<", "\\u003c")
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
<script defer src="static/codemirror/codemirror.min.js"></script>
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
        <option value="word">Word worksheet page</option>
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
      <label title="--lang: the language of the documents (their labels and how numbers are
written); empty: the bank's language:">Language <input id="gen-lang" list="languages" size="6"
          placeholder="bank's"></label>
      <datalist id="languages">{language_list}</datalist>
      <div class="options">{option_fields}
        <label title="--unique: every version of each randomised question different"><input
          type="checkbox" id="gen-unique"> --unique</label>
        <label title="--replace: overwrite the set already in out/ even when it differs,
instead of moving it aside (for a set that was never printed)"><input type="checkbox"
          id="gen-replace"> --replace</label>
      </div>
      <datalist id="templates"></datalist>
      <button id="generate" type="submit" disabled>Generate into out/</button>
      <progress id="gen-progress" max="1" value="0" hidden></progress>
      <span id="gen-stage"></span>
      <div id="gen-result"></div>
    </form>
  </section>
</main>
<script type="application/json" id="schema-tree">{fields}</script>
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
    if option.path:  # a file inside the served folder (the .docx files are offered)
        return (
            f'<label title="{e(option.help)}">{e(option.flag)} '
            f'<input type="text" data-option="{name}" list="templates" size="14" '
            'placeholder="none"></label> '
        )
    return (
        f'<label title="{e(option.help)}">{e(option.flag)} '
        f'<input type="text" data-option="{name}" size="8"></label> '
    )
