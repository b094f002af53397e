"""docs/security.md quotes every bound in qbank.limits: the numbers must be the code's."""

import re
from pathlib import Path

from qbank import limits

DOC = Path(__file__).resolve().parents[1] / "docs" / "security.md"
ROW = re.compile(r"^\|[^|]+\|([^|]+)\|\s*`([A-Z_]+)`\s*\|$", re.M)


def _numbers(cell: str) -> set[float]:
    return {float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", cell)}


def test_every_limit_in_the_docs_is_the_value_in_limits_py():
    rows = ROW.findall(DOC.read_text(encoding="utf-8"))
    assert len(rows) >= 30
    for cell, name in rows:
        value = getattr(limits, name)  # a missing constant fails here
        assert float(value) in _numbers(cell), (
            f"docs/security.md says {cell.strip()!r} for {name} = {value}"
        )


def test_every_limit_in_limits_py_is_in_the_docs():
    documented = {name for _, name in ROW.findall(DOC.read_text(encoding="utf-8"))}
    constants = {n for n in vars(limits) if n.isupper()}
    assert constants - documented == set()
