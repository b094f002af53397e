"""Plain-text views of a bank for the terminal (``qbank preview`` and ``qbank list``)."""

from __future__ import annotations

import textwrap

from .kinds import KINDS
from .model import Bank, GeneratedSet, Variant
from .numeric import plain


def _wrap(text: str, indent: str = "   ") -> str:
    paragraphs = [p for p in text.split("\n") if p.strip()]
    return "\n".join(textwrap.fill(p, 88, initial_indent=indent, subsequent_indent=indent)
                     for p in paragraphs)


def _question_lines(n: int, v: Variant) -> list[str]:
    return [f"{n}. {v.title}  [{v.type}, {plain(v.question.points)} pt]",
            *KINDS[v.type].preview(v, _wrap)]


def answer_line(v: Variant) -> str:
    return KINDS[v.type].answer_line(v)


def render_version(generated: GeneratedSet, number: int) -> str:
    bank = generated.bank
    out = [bank.title, bank.subtitle, f"Version {number} (seed {generated.seed})", ""]
    variants = generated.version(number)
    for n, v in enumerate(variants, start=1):
        out.extend(_question_lines(n, v))
        out.append("")
    out.append("ANSWER KEY")
    out.append("")
    for n, v in enumerate(variants, start=1):
        out.append(f"{n}. {v.title}")
        out.append(_wrap(answer_line(v)))
        if v.solution:
            out.append(_wrap(v.solution, "   Working: "[:3]))
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
