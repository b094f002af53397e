"""``-f json``: the machine-readable record of a run (``OUT/<bank-id>.json``).

Numbers are written exactly as qbank computed them: integers as integers, decimals in
full positional form (``0.3``, ``0.00005``), never as binary floats or in exponent form.
The file is streamed version by version, so memory stays flat however many versions.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from typing import IO, Any

from .. import __version__, i18n, limits, textcheck
from ..kinds import KINDS
from ..model import Bank, DataSet, GeneratedSet, ImageFile, Variant
from ..numeric import plain
from ..richtext import plain_words, to_html
from ..richtext.html import plain_html
from . import register
from .base import Exporter, ExportOptions, OutputSink

_encode_string = json.encoder.encode_basestring


def dump(value: Any, out: list[str]) -> None:
    """Append the JSON text of ``value`` to ``out``; Decimals are written exactly."""
    # Dispatch on the exact type first (the common cases, in the order a record holds
    # them), then on subclasses (ShownNumber, Markdown, ...) the slow way.
    kind = type(value)
    if kind is str:
        out.append(_encode_string(value))
    elif kind is dict:
        out.append("{")
        separator = ""
        for k, v in value.items():
            out.append(f"{separator}{_encode_string(str(k))}: ")
            separator = ", "
            if type(v) is str:
                out.append(_encode_string(v))
            else:
                dump(v, out)
        out.append("}")
    elif kind is list or kind is tuple:
        out.append("[")
        separator = ""
        for v in value:
            if separator:
                out.append(separator)
            separator = ", "
            if type(v) is str:
                out.append(_encode_string(v))
            else:
                dump(v, out)
        out.append("]")
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif kind is int or kind is Decimal:
        out.append(plain(value))
    elif isinstance(value, str):
        out.append(_encode_string(value))
    elif isinstance(value, (int, Decimal, float)):
        out.append(plain(value))
    elif isinstance(value, dict):
        dump(dict(value), out)
    elif isinstance(value, (list, tuple)):
        dump(list(value), out)
    else:
        raise TypeError(f"cannot write {type(value).__name__} to JSON")


def dumps(value: Any) -> str:
    out: list[str] = []
    dump(value, out)
    return "".join(out)


def question_record(
    v: Variant,
    media: Mapping[str, ImageFile] | None = None,
    *,
    math: bool = True,
    html: bool = True,
) -> dict[str, Any]:
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
    if v.drawn.datasets:
        record["data"] = [data_record(d) for d in v.drawn.datasets]
    KINDS[q.type].record(v, record)
    if html:
        _add_html(v, record, media or {}, math)
    return record


def data_record(data: DataSet) -> dict[str, Any]:
    """A data set as the record keeps it: its name, its CSV file's name and hash, and its
    columns with their values (numbers exactly as in the CSV)."""
    return {
        "name": data.name,
        "file": data.file_name,
        "sha256": hashlib.sha256(data.data).hexdigest(),
        "rows": data.row_count,
        "columns": [{"heading": h, "values": list(vs)} for h, vs in data.columns],
    }


def _add_html(
    v: Variant, record: dict[str, Any], media: Mapping[str, ImageFile], math: bool
) -> None:
    """The Markdown texts of a record as HTML too (``html``, ``solution_html``...), and the
    images they show (``images``). In the HTML, math is ``\\(…\\)``/``\\[…\\]`` (for
    MathJax or KaTeX), an image's ``src`` its path as written, a cloze blank a
    ``<span class="blank">``."""
    shown: dict[str, ImageFile] = {}

    def html(text: str, *, inline: bool = False, blanks: bool = False) -> str:
        words = plain_words(text)
        if words is not None:  # no Markdown at all: no tree (see richtext.plain_words)
            return plain_html(words, inline=inline)
        lang = i18n.current()
        written, srcs = _html_of(text, inline, blanks, math, lang.decimal, lang.group)
        for src in srcs:
            if src in media:
                shown.setdefault(src, media[src])
        return written

    record["html"] = html(v.text, blanks=v.type == "cloze")
    for key in ("solution", "feedback"):
        record[f"{key}_html"] = html(record[key]) if record[key] else ""
    for choice in record.get("choices", ()):
        choice["html"] = html(choice["text"], inline=True)
        choice["feedback_html"] = html(choice["feedback"]) if choice["feedback"] else ""
    if shown:
        record["images"] = [
            {
                "src": image.src,
                "name": image.name,
                "sha256": hashlib.sha256(image.data).hexdigest(),
                "type": image.media_type,
                "width": image.width,
                "height": image.height,
            }
            for image in shown.values()
        ]


@lru_cache(maxsize=limits.PARSE_CACHE_SIZE)
def _html_of(
    text: str, inline: bool, blanks: bool, math: bool, decimal: str, group: str
) -> tuple[str, tuple[str, ...]]:
    """The HTML of a Markdown text and the paths of the images it shows, worked out once
    per text (and locale: ``decimal`` and ``group`` are only part of the key)."""
    doc = textcheck.parse(text, inline=inline, blanks=blanks, math=math)
    srcs = tuple(image.src for image in textcheck.images(doc)) if "![" in text else ()
    return to_html(doc, blank=_blank), srcs


def _blank(index: int) -> str:
    return f'<span class="blank" data-blank="{index + 1}">_____</span>'


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
                text = dumps(question_record(v, generated.media, math=bank.math))
                if not v.randomised:
                    records[key] = text
            parts.append(text)
        fh.write(("" if k == 1 else ",\n") + f'{{"version": {k}, "questions": [')
        fh.write(", ".join(parts))
        fh.write("]}")
    fh.write("\n]}\n")
