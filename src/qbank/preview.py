"""Plain-text views of a bank for the terminal (``qbank preview`` and ``qbank list``).

Without ``--seed``, ``qbank preview`` shows the set last generated into the output folder
(its seed, and ``--unique`` if it was drawn so, from the folder's manifest), so what the
terminal shows is what was printed.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import content
from .i18n import _, ngettext, use_language
from .i18n import points as points_text
from .kinds import KINDS
from .model import Bank, DataSet, GeneratedSet, Variant
from .output import read_manifest
from .richtext import RichTextError, parse_block, to_terminal


@dataclass(frozen=True)
class LastSet:
    """The set of a bank last generated into an output folder, as its manifest says."""

    folder: str
    seed: int
    count: int | None
    unique: bool
    versions: tuple[str, ...]

    def says(self) -> str:
        count = (
            ""
            if self.count is None
            else f" ({self.count:,} version{'s' if self.count != 1 else ''})"
        )
        return f"Showing the set generated into {self.folder} with seed {self.seed}{count}"

    def differs(self, generated: GeneratedSet, number: int) -> str | None:
        """Why version ``number`` as drawn now is not the one in the folder, if it is not."""
        if self.count is not None and number > self.count:
            return (
                f"the set in {self.folder} has {self.count:,} versions; "
                f"version {number} is not one of them"
            )
        if (
            number <= len(self.versions)
            and content.version_digests(generated)[number - 1] != self.versions[number - 1]
        ):
            return (
                f"version {number} differs from the one in {self.folder}: the bank (or "
                "qbank) changed since that set was made; this is the bank as it is now"
            )
        return None


def last_set(out_dir: str | Path, bank_id: str) -> LastSet | None:
    """The set of ``bank_id`` last generated into ``out_dir``, or None when there is none."""
    earlier = read_manifest(Path(out_dir), bank_id)
    if earlier is None or earlier.get("seed") is None:
        return None
    return LastSet(
        f"{Path(out_dir)}{os.sep}",
        earlier["seed"],
        earlier.get("count"),
        earlier.get("unique", False),
        tuple(earlier.get("versions", ())),
    )


def _wrap(text: str, indent: str = "   ") -> str:
    paragraphs = [p for p in text.split("\n") if p.strip()]
    return "\n".join(
        textwrap.fill(p, 88, initial_indent=indent, subsequent_indent=indent) for p in paragraphs
    )


def _markdown(math: bool) -> Callable[..., str]:
    """Shows a Markdown text in the terminal: paragraphs wrapped, lists and tables laid out,
    math as its source; a cloze text's blanks as ``_____``."""

    def wrap(text: str, indent: str = "   ", *, blanks: bool = False) -> str:
        try:
            # Formulas as the teacher wrote them: "1,5" in a French formula, not TeX's "1{,}5".
            with use_language(None):
                doc = parse_block(text, blanks=blanks, math=math)
        except RichTextError:  # shown as written; validate and generate say what is wrong
            return _wrap(text, indent)
        shown = to_terminal(doc, width=88 - len(indent))
        return "\n".join(indent + line if line else "" for line in shown.split("\n"))

    return wrap


def _question_lines(n: int, v: Variant, wrap: Callable[..., str] = _wrap) -> list[str]:
    return [
        f"{n}. {v.title}  [{v.type}, {points_text(v.question.points)}]",
        *KINDS[v.type].preview(v, wrap),
        *(_data_lines(data) for data in v.drawn.datasets),
    ]


def _data_lines(data: DataSet) -> str:
    """A data set as the worksheets print it: its name and a table of its values."""
    widths = [max(len(h), *(len(r[i]) for r in data.rows())) for i, h in enumerate(data.headings)]
    rows = ngettext("{n} row", "{n} rows", data.row_count).format(n=data.row_count)
    lines = ["   " + _("Data: {name} ({rows})").format(name=data.file_name, rows=rows)]
    lines.append("   " + " | ".join(h.ljust(w) for h, w in zip(data.headings, widths, strict=True)))
    lines.append("   " + "-+-".join("-" * w for w in widths))
    for row in data.rows():
        lines.append("   " + " | ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)))
    return "\n".join(lines)


def answer_line(v: Variant) -> str:
    return KINDS[v.type].answer_line(v)


def render_version(generated: GeneratedSet, number: int) -> str:
    """One version and its answer key, with qbank's own words in the bank's language."""
    with use_language(generated.bank.language):
        return _render_version(generated, number)


def _render_version(generated: GeneratedSet, number: int) -> str:
    bank = generated.bank
    heading = _("Version {number}").format(number=number)
    seed = _("seed {seed}").format(seed=generated.seed)
    out = [bank.title, bank.subtitle, f"{heading} ({seed})", ""]
    variants = generated.version(number)
    wrap = _markdown(bank.math)
    for n, v in enumerate(variants, start=1):
        out.extend(_question_lines(n, v, wrap))
        out.append("")
    out.append(_("Answer key").upper())
    out.append("")
    for n, v in enumerate(variants, start=1):
        out.append(f"{n}. {v.title}")
        out.append(_wrap(answer_line(v)))
        if v.solution:
            out.append(wrap(v.solution))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def render_list(bank: Bank) -> str:
    out = [f"{bank.title} ({bank.id}): {len(bank.questions)} questions", ""]
    width = max(len(q.id) for q in bank.questions)
    for q in bank.questions:
        out.append(f"{q.id:<{width}}  {q.type:<11}  {q.title}")
        for p in q.params:
            out.append(f"{'':<{width}}  {'':<11}    {p.name}: {p.describe()}")
        for name, formula in q.let:
            out.append(f"{'':<{width}}  {'':<11}    {name} = {formula}")
    return "\n".join(out) + "\n"
