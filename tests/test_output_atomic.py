"""Nothing lost: all files of a run or none, and an earlier set of another seed kept.

A failure midway (an exporter raising) leaves earlier outputs byte for byte as they were,
with no partial file and no temporary folder. A run with another seed moves the earlier
set into ``seed-<seed>/`` and says so; the same seed rewrites the same content.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from qbank import output
from qbank.cli import cli
from qbank.errors import OutputError
from qbank.exporters import registry
from qbank.exporters.jsonrecord import JsonExporter, question_record
from qbank.output import PARTIAL_PREFIX, AtomicOutputSet, manifest_name
from qbank.pipeline import run

BANK = FIXTURES / "good" / "every-type.yaml"
BANK_ID = "every-type"


def generate(out: Path, seed: int, *formats: str, count: int = 2):
    args = ["generate", str(BANK), "-n", str(count), "--seed", str(seed), "-o", str(out)]
    for name in formats or ("json",):
        args += ["-f", name]
    return CliRunner().invoke(cli, args)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too), by relative path."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def record_seed(path: Path) -> int:
    return json.loads(path.read_text(encoding="utf-8"))["seed"]


# --- all or nothing ---------------------------------------------------------------------------


def test_a_failure_midway_leaves_earlier_outputs_untouched(tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert generate(out, 5, "json", "moodle").exit_code == 0
    before = snapshot(out)

    def explode(self, generated, sink, options):
        with sink.open("every-type-moodle.xml") as fh:
            fh.write("<half a file")
        raise RuntimeError("disk on fire")

    moodle = registry()["moodle"]
    monkeypatch.setattr(moodle, "write", explode)
    result = generate(out, 5, "json", "moodle")  # json is written first, then moodle fails
    assert result.exit_code == 1
    assert (
        "qbank failed unexpectedly (RuntimeError: disk on fire); nothing was written"
        in result.stderr
    )
    assert "Traceback" not in result.output
    assert snapshot(out) == before  # same files, same bytes, no partial file
    assert not list(out.glob(PARTIAL_PREFIX + "*"))


def test_an_exporter_failing_on_the_second_bank_writes_nothing_of_the_first(tmp_path, monkeypatch):
    out = tmp_path / "out"
    other = tmp_path / "other.yaml"
    other.write_text(
        BANK.read_text(encoding="utf-8").replace("id: every-type", "id: other", 1), encoding="utf-8"
    )
    calls = []
    original = JsonExporter.write

    def second_fails(self, generated, sink, options):
        calls.append(generated.bank.id)
        if len(calls) == 2:
            raise OutputError("no room left")
        original(self, generated, sink, options)

    monkeypatch.setattr(JsonExporter, "write", second_fails)
    result = CliRunner().invoke(
        cli, ["generate", str(BANK), str(other), "-f", "json", "--seed", "1", "-o", str(out)]
    )
    assert result.exit_code == 1 and result.stderr == "Error: no room left\n"
    assert calls == ["every-type", "other"]
    assert snapshot(out) == {}  # the folder exists, empty: not even the first bank's file


def test_a_killed_run_leaves_only_a_hidden_partial_folder_which_a_later_run_removes(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    stale = out / f"{PARTIAL_PREFIX}killed"
    stale.mkdir()
    (stale / "every-type.json").write_text("{half", encoding="utf-8")
    old = time.time() - output.STALE_PARTIAL_SECONDS - 60
    os.utime(stale, (old, old))
    recent = out / f"{PARTIAL_PREFIX}running"  # perhaps another run still writing
    recent.mkdir()
    assert generate(out, 1).exit_code == 0
    assert not stale.exists() and recent.exists()


def test_an_exporter_that_forgets_a_file_fails_the_run(tmp_path):
    with AtomicOutputSet(tmp_path / "out") as sink:
        sink.begin_set("b", seed=1, count=1)
        sink.path("b.docx")  # claimed, never written
        with pytest.raises(OutputError, match=r"the exporter did not write 'b\.docx'"):
            sink.commit()
    assert snapshot(tmp_path / "out") == {}


@pytest.mark.parametrize(
    "name",
    [
        "../escape.json",
        "/etc/passwd",
        "a\\b.json",
        ".hidden",
        "",
        "con.json",
        "NUL",
        "trailing.",
        "x" * 201,
        "a:b.json",
    ],
)
def test_unsafe_output_names_are_refused(tmp_path, name):
    with (
        AtomicOutputSet(tmp_path / "out") as sink,
        pytest.raises(OutputError, match="is not a safe file name"),
    ):
        sink.open(name)
    assert not (tmp_path / "escape.json").exists()


def test_two_outputs_with_one_name_are_refused_even_in_other_case(tmp_path):
    with AtomicOutputSet(tmp_path / "out") as sink:
        sink.open("Bank.json").close()
        with pytest.raises(OutputError, match="two outputs of this run are both named"):
            sink.open("bank.JSON")


# --- sets and seeds -------------------------------------------------------------------------


def test_the_same_seed_rewrites_the_same_content(tmp_path):
    out = tmp_path / "out"
    assert generate(out, 7, "json", "moodle").exit_code == 0
    first = snapshot(out)
    result = generate(out, 7, "json", "moodle")
    assert result.exit_code == 0 and "moved" not in result.output
    assert snapshot(out) == first
    assert [p.name for p in out.iterdir() if p.is_dir()] == []


def test_another_seed_moves_the_earlier_set_aside_and_says_so(tmp_path):
    out = tmp_path / "out"
    assert generate(out, 7, "json", "moodle").exit_code == 0
    seven = snapshot(out)
    result = generate(out, 8, "json")
    assert result.exit_code == 0
    assert (
        f"Warning: {out} already held a set of 'every-type' made with seed 7 (2 files); "
        f"moved it to {out / 'seed-7'}{os.sep} so that this run (seed 8) does not "
        "overwrite it"
    ) in result.stderr
    kept = out / "seed-7"
    # The whole set of seed 7 (both formats), byte for byte, with its manifest.
    assert (kept / "every-type.json").read_bytes() == seven["every-type.json"]
    assert (kept / "every-type-moodle.xml").read_bytes() == seven["every-type-moodle.xml"]
    assert json.loads((kept / "qbank-set.json").read_text())["seed"] == 7
    # The new set: only what this run wrote, described by a new manifest.
    assert record_seed(out / "every-type.json") == 8
    assert not (out / "every-type-moodle.xml").exists()
    manifest = json.loads((out / manifest_name(BANK_ID)).read_text(encoding="utf-8"))
    assert manifest["seed"] == 8 and manifest["count"] == 2
    assert manifest["files"] == ["every-type.json"]


def test_the_moved_set_is_the_one_the_json_record_describes(tmp_path):
    out = tmp_path / "out"
    generate(out, 7)
    record = json.loads((out / "every-type.json").read_text(encoding="utf-8"))
    generate(out, 8)
    moved = json.loads((out / "seed-7" / "every-type.json").read_text(encoding="utf-8"))
    assert moved == record
    first = moved["versions"][0]["questions"][0]
    assert first["id"] == "speed" and first["text"]


def test_going_back_to_an_earlier_seed_keeps_both_sets(tmp_path):
    out = tmp_path / "out"
    for seed in (1, 2, 1, 2):
        assert generate(out, seed).exit_code == 0
    # 1 -> seed-1/, 2 -> seed-2/, 1 -> seed-1-2/ (seed-1 is taken), and 2 is current.
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["seed-1", "seed-1-2", "seed-2"]
    assert record_seed(out / "seed-1" / "every-type.json") == 1
    assert record_seed(out / "seed-1-2" / "every-type.json") == 1
    assert record_seed(out / "seed-2" / "every-type.json") == 2
    assert record_seed(out / "every-type.json") == 2


def test_same_seed_other_format_joins_the_set(tmp_path):
    out = tmp_path / "out"
    generate(out, 4, "json")
    generate(out, 4, "moodle")
    manifest = json.loads((out / manifest_name(BANK_ID)).read_text(encoding="utf-8"))
    assert sorted(manifest["files"]) == ["every-type-moodle.xml", "every-type.json"]
    generate(out, 5, "json")
    assert sorted(p.name for p in (out / "seed-4").iterdir()) == [
        "every-type-moodle.xml",
        "every-type.json",
        "qbank-set.json",
    ]


def test_a_set_whose_manifest_was_deleted_is_moved_aside_not_overwritten(tmp_path):
    out = tmp_path / "out"
    generate(out, 3)
    (out / manifest_name(BANK_ID)).unlink()
    result = generate(out, 9)
    assert "already held a set of 'every-type' made earlier (1 file)" in result.stderr
    assert record_seed(out / "earlier-set" / "every-type.json") == 3


def test_a_file_of_unknown_origin_is_moved_aside_not_overwritten(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "every-type-moodle.xml").write_text("my own edits", encoding="utf-8")
    result = generate(out, 3, "moodle")
    assert "already held a set of 'every-type' made earlier (1 file)" in result.stderr
    assert (out / "earlier-set" / "every-type-moodle.xml").read_text() == "my own edits"


def test_other_files_in_the_folder_are_left_alone(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    generate(out, 1)
    generate(out, 2)
    assert (out / "notes.txt").read_text() == "keep me"


def test_a_tampered_manifest_cannot_move_files_from_outside_the_folder(tmp_path):
    out = tmp_path / "out"
    generate(out, 1)
    outside = tmp_path / "precious.txt"
    outside.write_text("precious", encoding="utf-8")
    (out / manifest_name(BANK_ID)).write_text(
        json.dumps(
            {
                "seed": 1234,
                "files": ["../precious.txt", "/etc/hostname", ".", "..", "every-type.json"],
            }
        ),
        encoding="utf-8",
    )
    assert generate(out, 2).exit_code == 0
    assert outside.read_text() == "precious"
    assert sorted(p.name for p in (out / "seed-1234").iterdir()) == [
        "every-type.json",
        "qbank-set.json",
    ]


def test_a_corrupt_manifest_is_treated_as_a_set_of_unknown_seed(tmp_path):
    out = tmp_path / "out"
    generate(out, 1)
    (out / manifest_name(BANK_ID)).write_text("{not json", encoding="utf-8")
    result = generate(out, 2)
    assert result.exit_code == 0
    assert record_seed(out / "earlier-set" / "every-type.json") == 1


def test_the_library_reports_what_it_moved(tmp_path):
    out = tmp_path / "out"
    run([BANK], count=1, seed=1, formats=["json"], out_dir=out)
    heard: list[str] = []
    result = run([BANK], count=1, seed=2, formats=["json"], out_dir=out, warn=heard.append)
    assert result.moved_aside == [out / "seed-1"]
    assert len(heard) == 1 and "made with seed 1" in heard[0]
    assert result.warnings == heard


def test_outputs_match_the_json_record_of_the_same_run(tmp_path):
    # The set kept aside is still a complete set: its JSON record agrees, question by
    # question, with a fresh run of the same seed.
    out = tmp_path / "out"
    generate(out, 11)
    generate(out, 12)
    kept = json.loads((out / "seed-11" / "every-type.json").read_text(encoding="utf-8"))
    again = run([BANK], count=2, seed=11, formats=["json"], out_dir=tmp_path / "again")
    for version in kept["versions"]:
        expected = [
            json.loads(json.dumps(question_record(v), default=str))
            for v in again.sets[0].version(version["version"])
        ]
        assert [q["id"] for q in version["questions"]] == [q["id"] for q in expected]
        assert [q["text"] for q in version["questions"]] == [q["text"] for q in expected]
