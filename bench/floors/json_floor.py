"""Floor for ``-f json``: the standard library's json module writing the same records.

The content is qbank's JSON record of the same run read back into dicts and lists (a
fixed question's record, the same in every version, is one shared dict, as in qbank), with
decimals as floats because ``json`` cannot write ``Decimal``.

Two floors: ``json.dumps`` of the whole document written at once (the C encoder), and
``json.dump`` to the open file (it streams through the pure-Python encoder, slower).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import Floor, FloorContext


def read_record(path: Path) -> dict[str, Any]:
    """qbank's JSON record, version by version (it writes one version per line)."""
    with open(path, encoding="utf-8") as fh:
        head = fh.readline()
        if not head.rstrip().endswith('"versions": ['):
            fh.seek(0)
            return json.load(fh)
        document = json.loads(head.rstrip() + "]}")
        fixed: dict[str, dict] = {}
        for line in fh:
            line = line.strip().rstrip(",")
            if not line or line == "]}":
                continue
            version = json.loads(line)
            version["questions"] = [
                q if q.get("randomised") else fixed.setdefault(q["id"], q)
                for q in version["questions"]
            ]
            document["versions"].append(version)
    return document


class _JsonFloor(Floor):
    def prepare(self, ctx: FloorContext) -> Any:
        return [read_record(path) for path in ctx.outputs(".json")]

    def size(self, content: Any) -> int:
        return sum(len(v["questions"]) for doc in content for v in doc["versions"])


class JsonDumps(_JsonFloor):
    label = "json.dumps"

    def write(self, content: Any, folder: Path) -> list[Path]:
        paths = []
        for index, document in enumerate(content):
            path = folder / f"floor-{index}.json"
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(json.dumps(document, ensure_ascii=False))
            paths.append(path)
        return paths


class JsonDump(_JsonFloor):
    label = "json.dump"

    def write(self, content: Any, folder: Path) -> list[Path]:
        paths = []
        for index, document in enumerate(content):
            path = folder / f"floor-{index}.json"
            with open(path, "w", encoding="utf-8") as fh:
                json.dump(document, fh, ensure_ascii=False)
            paths.append(path)
        return paths


FLOORS = [JsonDumps, JsonDump]
