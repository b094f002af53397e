"""Make the gallery's pictures (docs/examples.md, README): one worksheet page of each bank
in examples/, as a teacher prints it.

Each bank is generated with seed 1 (``qbank generate BANK -n 1 --seed 1``); its worksheet
goes through LibreOffice to PDF and ``pdftoppm`` makes the page named in ``PAGES`` into
``docs/images/examples-<bank>.png``, 680 pixels wide (as docs/images/render.py does for the
tutorial). ``make docs-images`` runs it (after docs/images/render.py).

Needs LibreOffice (soffice) and poppler-utils (pdftoppm); ``.ci/run`` installs both. The PNGs
are committed: the docs build does not need any of this.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from render import page_png, run, to_pdf  # docs/images/render.py: the same steps

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent.parent / "examples"
SEED = "1"
# The page of each worksheet the gallery shows: one with a figure on it.
PAGES = {"statistics": 2, "physics": 2, "finance": 2}


def main() -> None:
    soffice = shutil.which("soffice") or "soffice"
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for name, page in PAGES.items():
            out = work / name
            bank = EXAMPLES / name / f"{name}.yaml"
            run(sys.executable, "-m", "qbank", "generate", bank, "-n", "1", "--seed", SEED,
                "-f", "docx", "-o", out, "-q")  # fmt: skip
            (docx,) = out.glob("*-worksheets.docx")
            to_pdf(soffice, docx, work)
            page_png(docx.with_suffix(".pdf"), HERE / f"examples-{name}.png", page)
            print(f"docs/images/examples-{name}.png: page {page} of {docx.name}")


if __name__ == "__main__":
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    main()
