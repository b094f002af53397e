"""End to end through the CLI on the default bank: the JSON record is written and exact."""

from __future__ import annotations

import json

from conftest import run_cli


def test_generate_default_bank_writes_json(tmp_path):
    result = run_cli("generate", "-n", "3", "--seed", "11", "-f", "json", "-o", tmp_path)
    record = json.loads((tmp_path / "open-vs-closed-ai.json").read_text())
    assert record["seed"] == 11
    assert [v["version"] for v in record["versions"]] == [1, 2, 3]
    api = next(q for q in record["versions"][0]["questions"] if q["id"] == "api-cost")
    from decimal import Decimal

    assert (
        Decimal(str(api["answer"]))
        == Decimal(str(api["params"]["price"])) * api["params"]["requests"]
    )
    assert "Wrote" in result.output
