"""What students see, as short digests: a set is known by its content, not only its seed.

A variant's digest hashes its JSON record (:func:`qbank.exporters.jsonrecord.question_record`:
drawn values, rendered texts, answers, the type's own content such as options and items)
together with its number and its seed, from which the shown orders are drawn (options in
Word and Anki, matching definitions). So any change a student could see changes the
digest: an edited bank, another seed, or a qbank upgrade that renders differently.

The Word version codes (:func:`qbank.exporters.word.plan.version_code`) are made from these
digests and the printed order; the manifest of an output folder (:mod:`qbank.output`)
records one digest per version and one per question, to tell whether the set already
there is the one a run makes, and if not, which questions changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from .exporters.jsonrecord import dumps, question_record
from .model import GeneratedSet

#: Hex characters kept of each digest (64 bits: no two versions of a class collide).
DIGEST_CHARS = 16


def _hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:DIGEST_CHARS]


def variant_digests(generated: GeneratedSet) -> Mapping[str, tuple[str, ...]]:
    """Per question id, the digest of each of its variants (in variant order).

    Worked out once per set and kept in ``generated.digests``. Versions that drew the same
    values share one :class:`~qbank.model.Drawn`, whose record is encoded once.
    """
    cache = generated.digests
    if cache:
        return cache
    by_drawn: dict[int, bytes] = {}
    for q in generated.bank.questions:
        digests = []
        for v in generated.variants[q.id]:
            base = by_drawn.get(id(v.drawn))
            if base is None:
                record = question_record(v, html=False)  # the HTML follows from the text
                del record["variant"]  # added below, with the seed
                base = by_drawn[id(v.drawn)] = hashlib.sha256(dumps(record).encode()).digest()
            digests.append(_hex(base + f"\x1f{v.number}\x1f{v.seed}".encode()))
        cache[q.id] = tuple(digests)
    return cache


def variant_digest(generated: GeneratedSet, question_id: str, number: int) -> str:
    """The digest of variant ``number`` (1-based) of a question."""
    return variant_digests(generated)[question_id][number - 1]


def version_digests(generated: GeneratedSet) -> list[str]:
    """One digest per version: its questions' digests, in the bank's order."""
    digests = variant_digests(generated)
    out = []
    for _k, variants in generated.versions():
        parts = [f"{v.id}={digests[v.id][v.number - 1]}" for v in variants]
        out.append(_hex("\x1f".join(parts).encode()))
    return out


def question_digests(generated: GeneratedSet) -> dict[str, str]:
    """One digest per question: all of its variants in this set."""
    return {
        qid: _hex("\x1f".join(digests).encode())
        for qid, digests in variant_digests(generated).items()
    }
