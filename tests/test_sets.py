"""A set is known by what students see, not only by its seed (issue 14, finding 1).

Generate with a seed, edit the bank, run the same command: the set already printed is
moved aside (named so that no other seed's folder can take its name), the run says which
questions changed, and the version codes change. The same content is rewritten in place.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

from click.testing import CliRunner

from conftest import FIXTURES, bank_from_text
from qbank.cli import cli
from qbank.exporters.word.plan import plan_version
from qbank.generator import generate as draw
from qbank.output import manifest_name
from qbank.pipeline import run

BANK = FIXTURES / "good" / "every-type.yaml"
BANK_ID = "every-type"
SPEED_RANGE = "distance: {min: 10, max: 100, step: 10}"


def copy_bank(tmp_path: Path) -> Path:
    folder = tmp_path / "bank"
    folder.mkdir(exist_ok=True)
    return Path(shutil.copy(BANK, folder / BANK.name))


def edit(bank: Path, old: str, new: str) -> None:
    text = bank.read_text(encoding="utf-8")
    assert old in text
    bank.write_text(text.replace(old, new), encoding="utf-8")


def generate(bank: Path, out: Path, *args: str):
    return CliRunner().invoke(cli, ["generate", str(bank), "-o", str(out), *map(str, args)])


def folders(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.is_dir())


def manifest(out: Path) -> dict:
    return json.loads((out / manifest_name(BANK_ID)).read_text(encoding="utf-8"))


def test_an_edited_bank_moves_the_printed_set_aside_and_names_the_changed_questions(tmp_path):
    bank, out = copy_bank(tmp_path), tmp_path / "out"
    assert generate(bank, out, "-n", 3, "--seed", 42, "-f", "json", "-f", "moodle").exit_code == 0
    printed = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    made = time.mktime((2026, 11, 30, 14, 5, 0, 0, 0, -1))
    os.utime(out / manifest_name(BANK_ID), (made, made))

    edit(bank, SPEED_RANGE, "distance: {min: 20, max: 200, step: 10}")
    edit(bank, "The Earth is flat.", "The Earth is flat!")
    result = generate(bank, out, "-n", 3, "--seed", 42, "-f", "json", "-f", "moodle")
    assert result.exit_code == 0, result.output
    aside = out / "seed-42-2026-11-30T1405"
    assert (
        f"Warning: questions 'speed' and 'earth-flat' changed since the set of 'every-type' "
        f"in {out} was made; moved that set (seed 42, 2 files) to {aside}{os.sep} so that "
        "this run does not overwrite it"
    ) in result.stderr
    assert folders(out) == [aside.name]
    for name, data in printed.items():  # the printed set, byte for byte, with its manifest
        assert (aside / ("qbank-set.json" if name.startswith(".") else name)).read_bytes() == data
    old = json.loads(printed["every-type.json"])["versions"][0]["questions"][0]
    new = json.loads((out / "every-type.json").read_text())["versions"][0]["questions"][0]
    assert old["id"] == new["id"] == "speed" and old["params"] != new["params"]
    # the new manifest describes the new content, question by question
    now = manifest(out)
    before = json.loads((aside / "qbank-set.json").read_text())
    assert now["seed"] == 42 and now["generator"].startswith("qbank ")
    assert len(now["versions"]) == 3 and now["versions"] != before["versions"]
    assert [q for q in now["questions"] if now["questions"][q] != before["questions"][q]] == [
        "speed",
        "earth-flat",
    ]


def test_an_edited_bank_changes_the_version_codes():
    text = BANK.read_text(encoding="utf-8")
    before = draw(bank_from_text(text), 4, 42)
    after = draw(bank_from_text(text.replace("The Earth is flat.", "The Earth is round.")), 4, 42)
    old = [plan_version(before, k).code for k in range(1, 5)]
    new = [plan_version(after, k).code for k in range(1, 5)]
    assert all(a[:4] == b[:4] and a != b for a, b in zip(old, new)), (old, new)
    # the same bank and seed give the same codes; --shuffle prints other orders, other codes
    again = draw(bank_from_text(text), 4, 42)
    assert [plan_version(again, k).code for k in range(1, 5)] == old
    shuffled = [plan_version(before, k, shuffle=True).code for k in range(1, 5)]
    assert all(a != b for a, b in zip(old, shuffled))


def test_the_same_command_on_the_same_bank_rewrites_in_place(tmp_path):
    bank, out = copy_bank(tmp_path), tmp_path / "out"
    generate(bank, out, "-n", 2, "--seed", 42, "-f", "json")
    first = (out / "every-type.json").read_bytes()
    result = generate(bank, out, "-n", 2, "--seed", 42, "-f", "json")
    assert result.exit_code == 0 and "moved" not in result.stderr and folders(out) == []
    assert (out / "every-type.json").read_bytes() == first


def test_files_of_the_same_content_are_rewritten_when_their_bytes_differ(tmp_path):
    # --duplex changes the Word files, not what students see: rewritten, nothing moved.
    bank, out = copy_bank(tmp_path), tmp_path / "out"
    generate(bank, out, "-n", 2, "--seed", 42, "-f", "docx")
    plain = (out / "every-type-worksheets.docx").read_bytes()
    result = generate(bank, out, "-n", 2, "--seed", 42, "-f", "docx", "--duplex")
    assert result.exit_code == 0 and "moved" not in result.stderr and folders(out) == []
    assert (out / "every-type-worksheets.docx").read_bytes() != plain


def test_shuffle_and_another_count_are_other_content(tmp_path):
    bank, out = copy_bank(tmp_path), tmp_path / "out"
    generate(bank, out, "-n", 2, "--seed", 42, "-f", "docx")
    result = generate(bank, out, "-n", 2, "--seed", 42, "-f", "docx", "--shuffle")
    assert f"the set of 'every-type' in {out} was made without --shuffle; moved" in result.stderr
    assert manifest(out)["options"] == {"--shuffle": True}
    result = generate(bank, out, "-n", 3, "--seed", 42, "-f", "docx", "--shuffle")
    assert f"the set of 'every-type' in {out} has 2 versions and this run makes 3" in result.stderr
    assert len(folders(out)) == 2 and all(f.startswith("seed-42-") for f in folders(out))


def test_replace_overwrites_a_set_that_was_never_printed(tmp_path):
    bank, out = copy_bank(tmp_path), tmp_path / "out"
    generate(bank, out, "-n", 2, "--seed", 42, "-f", "json")
    edit(bank, SPEED_RANGE, "distance: {min: 20, max: 200, step: 10}")
    result = generate(bank, out, "-n", 2, "--seed", 42, "-f", "json", "--replace")
    assert result.exit_code == 0 and "moved" not in result.stderr and folders(out) == []
    run([bank], count=2, seed=42, formats=["json"], out_dir=tmp_path / "again")
    assert manifest(out)["questions"] == manifest(tmp_path / "again")["questions"]


def test_replace_says_which_files_of_the_old_set_no_longer_match(tmp_path):
    bank, out = copy_bank(tmp_path), tmp_path / "out"
    generate(bank, out, "-n", 2, "--seed", 42, "-f", "json", "-f", "moodle")
    edit(bank, SPEED_RANGE, "distance: {min: 20, max: 200, step: 10}")
    result = generate(bank, out, "-n", 2, "--seed", 42, "-f", "json", "--replace")
    assert "every-type-moodle.xml was made from the set it replaced" in result.stderr
    assert manifest(out)["files"] == ["every-type.json"]


def test_a_set_recorded_without_digests_is_kept(tmp_path):
    # A manifest of an earlier qbank (seed and files only): the content cannot be shown
    # to be the same, so the set is moved aside rather than overwritten.
    bank, out = copy_bank(tmp_path), tmp_path / "out"
    generate(bank, out, "-n", 2, "--seed", 42, "-f", "json")
    (out / manifest_name(BANK_ID)).write_text(
        json.dumps(
            {
                "bank": BANK_ID,
                "seed": 42,
                "count": 2,
                "files": ["every-type.json"],
                "generator": "qbank 0.0.9",
            }
        ),
        encoding="utf-8",
    )
    result = generate(bank, out, "-n", 2, "--seed", 42, "-f", "json")
    assert "whose content was not recorded (that set was made by qbank 0.0.9" in result.stderr
    assert len(folders(out)) == 1 and re.fullmatch(
        r"seed-42-\d{4}-\d\d-\d\dT\d{4}", folders(out)[0]
    )


def test_moved_aside_folders_never_take_another_seeds_name(tmp_path):
    bank, out = copy_bank(tmp_path), tmp_path / "out"
    generate(bank, out, "-n", 2, "--seed", 42, "-f", "json")
    edit(bank, SPEED_RANGE, "distance: {min: 20, max: 200, step: 10}")
    generate(bank, out, "-n", 2, "--seed", 42, "-f", "json")  # -> seed-42-<date>/
    generate(bank, out, "-n", 2, "--seed", 7, "-f", "json")  # -> seed-42/
    generate(bank, out, "-n", 2, "--seed", 42, "-f", "json")  # -> seed-7/
    names = folders(out)
    assert "seed-42" in names and "seed-7" in names and len(names) == 3
    dated = next(n for n in names if n not in ("seed-42", "seed-7"))
    assert re.fullmatch(r"seed-42-\d{4}-\d\d-\d\dT\d{4}", dated)


# --- qbank preview shows the set that was printed (finding 4) ------------------------------


def preview(*args):
    return CliRunner().invoke(cli, ["preview", *map(str, args)])


def test_preview_without_seed_shows_the_set_last_generated_into_out(tmp_path):
    bank, out = copy_bank(tmp_path), tmp_path / "out"
    assert generate(bank, out, "-n", 3, "--seed", 42, "-f", "json").exit_code == 0
    shown = preview(bank, "-o", out, "--variant", 2)
    assert shown.exit_code == 0
    assert (
        shown.stderr == f"Showing the set generated into {out}{os.sep} with seed 42 (3 versions)\n"
    )
    assert shown.stdout == preview(bank, "--seed", 42, "--variant", 2).stdout
    assert "Version 2 (seed 42)" in shown.stdout
    record = json.loads((out / "every-type.json").read_text(encoding="utf-8"))
    speed = record["versions"][1]["questions"][0]
    assert speed["id"] == "speed" and speed["text"] in shown.stdout


def test_preview_says_which_seed_it_shows_when_out_holds_no_set(tmp_path):
    shown = preview(BANK, "-o", tmp_path / "empty")
    assert shown.exit_code == 0 and "Version 1 (seed 0)" in shown.stdout
    assert shown.stderr == (
        f"Showing seed 0: no set of 'every-type' was generated into "
        f"{tmp_path / 'empty'}{os.sep} (--seed shows another)\n"
    )


def test_preview_warns_when_the_bank_changed_since_the_set_was_made(tmp_path):
    bank, out = copy_bank(tmp_path), tmp_path / "out"
    generate(bank, out, "-n", 3, "--seed", 42, "-f", "json")
    edit(bank, "The Earth is flat.", "The Earth is round.")
    shown = preview(bank, "-o", out)
    assert (
        f"Warning: version 1 differs from the one in {out}{os.sep}: the bank (or qbank) "
        "changed since that set was made"
    ) in shown.stderr
    assert "The Earth is round." in shown.stdout
