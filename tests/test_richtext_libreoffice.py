"""Word equations (OMML) written by the richtext writer, rendered by LibreOffice.

A minimal .docx is written by hand (one document part binding the w, r and m prefixes),
converted to PDF with ``soffice --headless`` and read back with ``pdftotext``. LibreOffice
turns OMML into its own formula objects only when its Math component is installed (the
Debian package ``libreoffice-math-nogui``); without it the equations vanish silently,
which this test catches.
"""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import soffice_or_skip
from qbank.richtext import parse_block, to_wordml
from qbank.richtext.omml import M_NS

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

TEXT = r"""Fractions $\frac{a}{b}$, roots $\sqrt{x}$, Greek $\alpha^2$, and money: $30.

$$\sum_{i=1}^{n} i = \frac{n(n+1)}{2}$$

A matrix $\begin{pmatrix}1 & 2\\ 3 & 4\end{pmatrix}$ and $\notacommand{y}$ as source.

Brackets with a power $(1 + i)^{-n}$ and $\sqrt{\sum (x_i - \bar x)^2}$, a star $t^{*}$, and a
formula that ends in its sign, $t =$ then a blank.
"""


def write_docx(path: Path, body: str) -> None:
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}" xmlns:m="{M_NS}"><w:body>{body}'
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1134" '
        'w:bottom="1134" w:left="1134" w:header="0" w:footer="0" w:gutter="0"/></w:sectPr>'
        "</w:body></w:document>"
    )
    with zipfile.ZipFile(path, "w") as package:
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
            'openxmlformats.org/package/2006/content-types"><Default Extension='
            '"rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application'
            '/xml"/><Override PartName="/word/document.xml" ContentType="applicati'
            "on/vnd.openxmlformats-officedocument.wordprocessingml.document.main+"
            'xml"/></Types>',
        )
        package.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://'
            'schemas.openxmlformats.org/package/2006/relationships"><Relationship '
            f'Id="rId1" Type="{R_NS}/officeDocument" Target="word/document.xml"/>'
            "</Relationships>",
        )
        package.writestr("word/document.xml", document)


@pytest.mark.libreoffice
@pytest.mark.slow
def test_libreoffice_renders_the_equations(tmp_path):
    exe = soffice_or_skip()
    fragment = to_wordml(parse_block(TEXT))
    assert len(fragment.warnings) == 1  # \notacommand, shown as its source
    docx = tmp_path / "math.docx"
    write_docx(docx, fragment.xml)
    profile = tmp_path / "profile"
    result = subprocess.run(
        [
            exe,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(docx),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    pdf = tmp_path / "math.pdf"
    assert pdf.exists(), (result.stdout, result.stderr)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Fractions" in text and "$30" in text and "\\notacommand{y}" in text
    # LibreOffice's error mark: a script on a lone ")", a bare "*", a relation without its
    # right side (all three came from the examples gallery)
    assert "¿" not in text, text
    missing = [symbol for symbol in "√∑α" if symbol not in text]
    assert not missing, (
        f"LibreOffice dropped the equations ({' '.join(missing)} missing): its Math "
        "component is not installed (Debian: libreoffice-math-nogui)\n" + text
    )
