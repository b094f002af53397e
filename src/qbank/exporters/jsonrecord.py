"""``-f json``: the machine-readable record of a run (``OUT/<bank-id>.json``).

Numbers are written exactly as qbank computed them: integers as integers, decimals in
full positional form (``0.3``, ``0.00005``), never as binary floats or in exponent form.
The file is streamed version by version, so memory stays flat however many versions.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import IO, Any

from .. import __version__
from ..kinds import KINDS
from ..model import Bank, GeneratedSet, Variant
from ..numeric import plain
from . import register
from .base import Exporter, ExportOptions, OutputSink

_encode_string = json.encoder.encode_basestring


def dump(value: Any, out: list[str]) -> None:
    """Append the JSON text of ``value`` to ``out``; Decimals are written exactly."""
    if isinstance(value, str):
        out.append(_encode_string(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, (int, Decimal, float)):
        out.append(plain(value))
    elif isinstance(value, dict):
        out.append("{")
        for i, (k, v) in enumerate(value.items()):
            if i:
                out.append(", ")
            out.append(_encode_string(str(k)))
            out.append(": ")
            dump(v, out)
        out.append("}")
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for i, v in enumerate(value):
            if i:
                out.append(", ")
            dump(v, out)
        out.append("]")
    else:
        raise TypeError(f"cannot write {type(value).__name__} to JSON")


def dumps(value: Any) -> str:
    out: list[str] = []
    dump(value, out)
    return "".join(out)


def question_record(v: Variant) -> dict[str, Any]:
    """The JSON record of one variant: the keys every question has, then its type's own
    (added by its kind module, see docs/json-format.md)."""
    q = v.question
    record: dict[str, Any] = {
        "id": q.id,
        "type": q.type,
        "title": v.title,
        "section": q.section,
        "variant": v.number,
        "randomised": q.randomised,
        "points": q.points,
        "tags": list(q.tags),
        "params": dict(v.params),
        "text": v.text,
        "answer": v.answer,
        "unit": None,
        "tolerance": None,
        "solution": v.solution,
        "feedback": v.feedback,
    }
    if v.derived:
        record["derived"] = dict(v.derived)
    KINDS[q.type].record(v, record)
    return record


@register
class JsonExporter(Exporter):
    name = "json"
    help = "the machine-readable record of the run: OUT/<bank-id>.json"

    def file_names(self, bank: Bank) -> list[str]:
        return [f"{bank.id}.json"]

    def write(self, generated: GeneratedSet, sink: OutputSink, options: ExportOptions) -> None:
        bank = generated.bank
        with sink.open(self.file_names(bank)[0]) as fh:
            write_record(generated, fh)


def write_record(generated: GeneratedSet, fh: IO[str]) -> None:
    bank = generated.bank
    head = {
        "bank": {"id": bank.id, "title": bank.title, "subtitle": bank.subtitle},
        "seed": generated.seed,
        "count": generated.count,
        "generator": f"qbank {__version__}",
    }
    fh.write(dumps(head)[:-1] + ', "versions": [\n')
    records: dict[tuple[str, int], str] = {}
    for k, variants in generated.versions():
        parts: list[str] = []
        for v in variants:
            # A fixed question is identical in every version: encode it once.
            key = (v.id, v.number)
            text = records.get(key) if not v.randomised else None
            if text is None:
                text = dumps(question_record(v))
                if not v.randomised:
                    records[key] = text
            parts.append(text)
        fh.write(("" if k == 1 else ",\n") + f'{{"version": {k}, "questions": [')
        fh.write(", ".join(parts))
        fh.write("]}")
    fh.write("\n]}\n")
