"""The documentation site stays in step with qbank.

The reference pages are made from qbank at build time (docs/hooks.py): every field of
every type and every command is there. The site's navigation lists every page; every
picture a page shows exists; the tutorial's commands print what it says they print.
(``make docs`` builds the site itself, with warnings as errors; ``.ci/run`` runs it.)
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

import pytest

from conftest import run_cli
from qbank.bank.jsonschema import bank_schema
from qbank.cli import cli
from qbank.kinds import KINDS

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
GENERATED = {"reference/bank-fields.md", "reference/cli.md"}


def hooks() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_hooks", DOCS / "hooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _section(page: str, heading: str) -> str:
    start = page.index(f"\n{heading}\n")
    end = page.find("\n### ", start + len(heading) + 2)
    return page[start : end if end > 0 else None]


def test_the_field_reference_lists_every_field_of_every_type() -> None:
    page = hooks().bank_fields_page()
    schema = bank_schema()
    for name in schema["properties"]:
        assert f"**`{name}`**" in _section(page, "## The bank"), name
    for name in schema["definitions"]["parameter"]["properties"]:
        assert f"**`{name}`**" in page, name
    common = _section(page, "## Every question")
    for kind in KINDS.values():
        section = _section(page, f"### {kind.name}")
        for name in schema["definitions"][kind.name]["properties"]:
            assert f"**`{name}`**" in section or f"**`{name}`**" in common, (kind.name, name)
        assert "From the starter bank" in section and f"type: {kind.name}" in section


def test_the_command_reference_holds_every_commands_help() -> None:
    page = hooks().commands_page()
    for name in cli.commands:
        assert f"## qbank {name}\n" in page and f"Usage: qbank {name} " in page
    assert page.count("Examples:") == len(cli.commands) + 1
    assert "Exit codes:" in page


def _nav_pages() -> list[str]:
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    return re.findall(r":\s+([\w/-]+\.md)\s*$", text, re.M)


def test_the_navigation_lists_every_page_and_every_page_exists() -> None:
    listed = _nav_pages()
    written = {str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md")}
    assert sorted(written | GENERATED) == sorted(listed)


@pytest.mark.parametrize("page", sorted(p.name for p in DOCS.glob("*.md")))
def test_every_picture_a_page_shows_exists(page: str) -> None:
    text = (DOCS / page).read_text(encoding="utf-8")
    # Examples of bank texts (in code blocks and code spans) show images of a bank, not
    # of the docs.
    text = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)  # fenced blocks
    text = re.sub(r"(`+).*?\1", "", text)  # code spans
    for target in re.findall(r"!\[[^\]]*\]\(([^)\s]+)", text):
        assert (DOCS / target).is_file(), target


def _in_order(lines: list[str], out: list[str]) -> bool:
    rest = iter(out)
    return all(any(line == printed for printed in rest) for line in lines)


def test_the_tutorial_shows_what_the_commands_print(tmp_path: Path, monkeypatch) -> None:
    tutorial = (DOCS / "tutorial.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```console\n(.*?)```", tutorial, re.S)
    monkeypatch.chdir(tmp_path)
    bank = tmp_path / "my-first-bank.yaml"
    original = ""
    for block in blocks:
        command, *shown = block.rstrip("\n").split("\n")
        args = command.removeprefix("$ qbank ").split()
        if "unknown field 'unti'" in block:
            bank.write_text(
                original.replace("    unit: km/h", "    unti: km/h").replace(
                    "answer: distance / hours ", "answer: distance / hour  "
                ),
                encoding="utf-8",
            )
        elif "unknown name 'hour'" in block:
            bank.write_text(
                original.replace("answer: distance / hours ", "answer: distance / hour  "),
                encoding="utf-8",
            )
        elif "OK, 9 questions" in block:
            bank.write_text(original, encoding="utf-8")
        expected = 0 if "Error:" not in block else 1
        out = run_cli(*args, expect=expected).output.splitlines()
        assert _in_order([line for line in shown if line not in ("", "...")], out), command
        if args[0] == "new":
            original = bank.read_text(encoding="utf-8")
    first = re.search(r"This is its first question:\n\n```yaml\n(.*?)```", tutorial, re.S)
    assert first is not None
    assert first.group(1).rstrip("\n") == hooks()._starter_question("numerical")
    record = json.loads((tmp_path / "out" / "my-first-bank.json").read_text(encoding="utf-8"))
    bus = record["versions"][0]["questions"][0]
    assert (bus["params"], bus["answer"], bus["answer_text"]) == (
        {"distance": 220, "hours": 4},
        55,
        "55.0 km/h",
    )
    assert '"params": {"distance": 220, "hours": 4}' in tutorial
