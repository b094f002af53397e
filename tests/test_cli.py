"""The command line: help with examples, version, seeds, preview, list, errors without
tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import FIXTURES, run_cli
from qbank import __version__
from qbank.cli import cli


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_names_qbank_python_and_the_libraries(flag):
    lines = run_cli(flag).output.splitlines()
    assert lines[0] == f"qbank {__version__}"
    assert lines[1].startswith("Python 3.")
    for library in ("click", "pydantic", "PyYAML", "Jinja2", "python-docx", "genanki", "lxml"):
        assert f"{library} " in lines[2]
    assert "not installed" not in lines[2]


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help_with_an_example(command):
    out = run_cli(command, "--help").output
    assert "Examples:" in out and f"qbank {command}" in out


def test_qbank_help_has_examples_and_the_exit_codes():
    out = run_cli("--help").output
    assert "Examples:" in out and "qbank new" in out and "qbank generate" in out
    for code in ("0 ", "1 ", "2 ", "130 "):
        assert f"\n    {code}" in out, code


def test_python_dash_m_works():
    proc = subprocess.run(
        [sys.executable, "-m", "qbank", "--version"], capture_output=True, text=True
    )
    assert proc.returncode == 0 and __version__ in proc.stdout


def test_without_seed_a_seed_is_chosen_printed_and_recorded(tmp_path):
    result = run_cli("generate", "-f", "json", "-o", tmp_path)
    line = next(ln for ln in result.output.splitlines() if ln.startswith("Seed: "))
    seed = int(line.split()[1])
    record = json.loads((tmp_path / "open-vs-closed-ai.json").read_text())
    assert record["seed"] == seed
    again = tmp_path / "again"
    run_cli("generate", "-f", "json", "-o", again, "--seed", seed)
    assert (again / "open-vs-closed-ai.json").read_text() == (
        tmp_path / "open-vs-closed-ai.json"
    ).read_text()


def test_same_seed_gives_identical_json(tmp_path):
    for name in ("a", "b"):
        run_cli("generate", "-n", "4", "--seed", "3", "-f", "json", "-o", tmp_path / name)
    a = (tmp_path / "a" / "open-vs-closed-ai.json").read_bytes()
    assert a == (tmp_path / "b" / "open-vs-closed-ai.json").read_bytes()


def test_json_record_shape(tmp_path):
    run_cli(
        "generate",
        FIXTURES / "good" / "every-type.yaml",
        "-n",
        "2",
        "--seed",
        "4",
        "-f",
        "json",
        "-o",
        tmp_path,
    )
    record = json.loads((tmp_path / "every-type.json").read_text())
    assert record["bank"] == {
        "id": "every-type",
        "title": "Every question type",
        "subtitle": "A small bank that uses every feature of the format",
    }
    assert record["seed"] == 4 and len(record["versions"]) == 2
    questions = {q["id"]: q for q in record["versions"][1]["questions"]}
    for q in questions.values():
        assert {"id", "type", "params", "text", "answer", "unit", "tolerance", "solution"} <= set(q)
    speed = questions["speed"]
    assert speed["answer"] == speed["params"]["distance"] / speed["params"]["hours"]
    assert isinstance(speed["params"]["distance"], int)
    assert questions["earth-flat"]["answer"] is False
    assert questions["capital"]["answer"] == ["2", "3"]
    assert questions["colour"]["answer"] == ["green", "Green"]
    assert questions["opinion"]["answer"].startswith("Rayleigh")
    assert questions["glossary"]["answer"][0] == ["cat", "a small animal that purrs"]
    n = questions["blanks"]["params"]["n"]
    assert questions["blanks"]["answer"] == [[str(2 * n)], ["blue", "azure"]]


def test_preview_shows_questions_and_key():
    out = run_cli("preview", "--seed", "5", "--variant", "2").output
    assert "Version 2 (seed 5)" in out and "ANSWER KEY" in out
    assert "A company makes" in out and "$" in out


def test_preview_matches_the_json_record(tmp_path):
    run_cli("generate", "-n", "2", "--seed", "5", "-f", "json", "-o", tmp_path)
    record = json.loads((tmp_path / "open-vs-closed-ai.json").read_text())
    api = next(q for q in record["versions"][1]["questions"] if q["id"] == "api-cost")
    out = run_cli("preview", "--seed", "5", "--variant", "2").output
    assert api["answer_text"] in out
    assert api["text"].split(" to a closed")[0] in out


def test_list_shows_types_and_parameters():
    out = run_cli("list").output
    assert "api-cost" in out and "numerical" in out and "requests: 10000 to 50000 step 5000" in out


def test_unknown_format_is_a_usage_error(tmp_path):
    result = run_cli("generate", "-f", "docz", "-o", tmp_path, expect=2)
    assert "unknown format 'docz' (did you mean 'docx'?)" in result.output
    assert "Traceback" not in result.output and not any(tmp_path.iterdir())


def test_console_script_is_installed():
    from importlib.metadata import entry_points

    assert any(ep.name == "qbank" for ep in entry_points(group="console_scripts"))


def test_generate_help_names_every_registered_format():
    from qbank.exporters import format_names

    out = run_cli("generate", "--help").output
    help_line = " ".join(out.split())
    for name in ["all", *format_names()]:
        assert f" {name}," in help_line or f" {name}." in help_line, name
    assert format_names() == ["json", "docx", "pdf", "anki", "moodle", "gift", "qti"]


def test_formats_command_lists_each_format_with_its_file():
    out = run_cli("formats").output
    assert "json" in out and "-worksheets.docx" in out and ".apkg" in out and "-moodle.xml" in out
    assert "-qti.zip" in out


def test_a_new_format_is_one_module_and_one_registry_line(tmp_path, monkeypatch):
    """A format registered like the real ones appears in -f help, -f checking, completion,
    'qbank formats' and generate's options, and its option reaches it; nothing else changes."""
    from click.shell_completion import ShellComplete

    from qbank import exporters
    from qbank.exporters.base import Exporter, Option

    loud = Option("loud", "--loud", is_flag=True, default=False, help="Shout: upper-case titles.")

    class TitlesExporter(Exporter):
        name = "titles"
        help = "every question title, one a line: OUT/<bank-id>-titles.txt"
        options = (loud,)

        def file_names(self, bank):
            return [f"{bank.id}-titles.txt"]

        def write(self, generated, sink, options):
            with sink.open(self.file_names(generated.bank)[0]) as fh:
                for v in generated.version(1):
                    fh.write((v.title.upper() if options[loud] else v.title) + "\n")

    monkeypatch.setitem(exporters._REGISTRY, "titles", TitlesExporter)
    assert "titles" in run_cli("formats").output
    help_text = run_cli("generate", "--help").output
    assert "all, json, docx, pdf, anki, moodle, gift, qti, titles" in " ".join(help_text.split())
    assert "--loud" in help_text
    completion = ShellComplete(cli, {}, "qbank", "_QBANK_COMPLETE")
    assert [c.value for c in completion.get_completions(["generate", "-f"], "t")] == ["titles"]
    result = run_cli("generate", "-f", "titles", "--loud", "--seed", "1", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    lines = (tmp_path / "open-vs-closed-ai-titles.txt").read_text().splitlines()
    assert lines and all(line == line.upper() for line in lines)


def test_format_completion_offers_every_registered_format():
    from click.shell_completion import ShellComplete

    from qbank.exporters import format_names

    completion = ShellComplete(cli, {}, "qbank", "_QBANK_COMPLETE")
    offered = [c.value for c in completion.get_completions(["generate", "-f"], "")]
    assert offered == ["all", *format_names()]


def test_an_option_for_a_format_not_written_is_a_warning(tmp_path):
    result = run_cli("generate", "-f", "json", "--duplex", "--seed", "1", "-o", str(tmp_path))
    assert result.exit_code == 0
    assert (
        "--duplex is for docx and pdf, which are not among the formats written (json)"
        in result.output
    )
