"""Plain-text views of a bank for the terminal (``qbank preview`` and ``qbank list``)."""

from __future__ import annotations

import textwrap

from .model import Bank, GeneratedSet, Variant
from .numeric import plain


def _wrap(text: str, indent: str = "   ") -> str:
    paragraphs = [p for p in text.split("\n") if p.strip()]
    return "\n".join(textwrap.fill(p, 88, initial_indent=indent, subsequent_indent=indent)
                     for p in paragraphs)


def _question_lines(n: int, v: Variant) -> list[str]:
    lines = [f"{n}. {v.title}  [{v.type}, {plain(v.question.points)} pt]"]
    if v.type == "cloze":
        text = "".join(p if isinstance(p, str) else "_____" for p in v.cloze)
        lines.append(_wrap(text))
    else:
        lines.append(_wrap(v.text))
    if v.type == "multichoice":
        for letter, c in zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", v.choices):
            lines.append(f"   {letter}) {c.text}")
    if v.type == "matching":
        for term, _ in v.pairs:
            lines.append(f"   - {term}")
    return lines


def answer_line(v: Variant) -> str:
    if v.type == "numerical":
        return v.answer_text
    if v.type == "multichoice":
        letters = [l for l, c in zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", v.choices) if c.correct]
        return ", ".join(f"{l}) {c.text}" for l, c in zip(letters, v.correct_choices))
    if v.type == "truefalse":
        return "True" if v.answer else "False"
    if v.type == "shortanswer":
        return " / ".join(v.accepted)
    if v.type == "essay":
        return v.answer
    if v.type == "matching":
        return "; ".join(f"{t} = {d}" for t, d in v.pairs)
    if v.type == "cloze":
        return "; ".join(" / ".join(b.answers) for b in v.blanks)
    return str(v.answer)


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
