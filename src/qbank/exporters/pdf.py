"""``-f pdf``: the worksheets and the answer key as PDF, made by LibreOffice.

Writes ``OUT/<bank-id>-worksheets.pdf`` and ``OUT/<bank-id>-answer-key.pdf``. The Word
exporter's writers make the two .docx files in a temporary folder (with the same options:
``--duplex``, ``--shuffle``, ``--docx-template``, ``--paper``, ``--key``); LibreOffice,
run headless with a profile of its own (so runs side by side never share one), turns
them into PDF in one start. LibreOffice is not a Python package: when it is missing,
:meth:`PdfExporter.check` says how to install it before anything is drawn.

LibreOffice leaves a blank page wherever a version would otherwise start on the back of
a sheet (a section that starts on an odd page, or whose page numbers restart at 1). With
``--duplex`` those blank pages are what double-sided printing needs, so they are kept
(the export filter's ``IsSkipEmptyPages`` false); without it they would only waste paper
on a single-sided printer, so they are left out.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from .. import limits
from ..errors import OutputError, QbankError
from ..model import Bank, GeneratedSet
from . import register
from .base import Exporter, ExportOptions, OutputSink
from .word import check_options, paper_summary, write_documents
from .word.options import DUPLEX, WORKSHEET_OPTIONS

INSTALL_LIBREOFFICE = (
    "-f pdf needs LibreOffice to make the PDF files, and it is not installed (or not "
    "where qbank looks). Install it, then run the same command again:\n"
    "  Debian or Ubuntu:  sudo apt install libreoffice-writer-nogui\n"
    "  macOS:             brew install --cask libreoffice\n"
    "  Windows:           the installer from https://www.libreoffice.org/download/\n"
    "Or leave out -f pdf: -f docx writes the same worksheets as Word files."
)

#: JSON filter options on the command line need LibreOffice 7.4 or newer.
OLDEST_FOR_DUPLEX = (7, 4)


def find_soffice() -> str | None:
    """LibreOffice's ``soffice`` program: on the PATH, else where its installers put it."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    places = [Path("/Applications/LibreOffice.app/Contents/MacOS/soffice")]
    for variable in ("PROGRAMFILES", "PROGRAMFILES(X86)", "PROGRAMW6432"):
        if os.environ.get(variable):
            places.append(Path(os.environ[variable]) / "LibreOffice" / "program" / "soffice.exe")
    return next((str(place) for place in places if place.is_file()), None)


def libreoffice_version(soffice: str) -> tuple[int, ...] | None:
    """(7, 4, 7, 2) from ``soffice --version``; None when it cannot be told."""
    try:
        done = subprocess.run(
            [soffice, "--version"],
            capture_output=True,
            text=True,
            timeout=limits.PDF_START_SECONDS,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?(?:\.(\d+))?", done.stdout)
    return tuple(int(part) for part in found.groups() if part) if found else None


def export_filter(keep_blank_pages: bool) -> str:
    """The ``--convert-to`` argument: PDF from Writer, blank pages kept or left out."""
    skip = "false" if keep_blank_pages else "true"
    return 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"' + skip + '"}}'


def convert(
    soffice: str, documents: list[Path], folder: Path, *, keep_blank_pages: bool, timeout: float
) -> list[Path]:
    """Turn ``documents`` into PDF files in ``folder``, in one LibreOffice run."""
    profile = folder / "libreoffice-profile"
    command = [
        soffice,
        f"-env:UserInstallation={profile.resolve().as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        export_filter(keep_blank_pages),
        "--outdir",
        str(folder),
        *map(str, documents),
    ]
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            **_own_process_group(),
        )
    except OSError as exc:
        raise QbankError(
            f"LibreOffice ({soffice}) could not be started: {exc.strerror}; "
            "install it again, or leave out -f pdf"
        ) from None
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(process)
        raise QbankError(
            f"LibreOffice took longer than {timeout:g} seconds to make the PDF "
            "files, so it was stopped; make fewer versions (-n), or use -f docx "
            "and print from Word or LibreOffice"
        ) from None
    pdfs = [folder / f"{document.stem}.pdf" for document in documents]
    missing = [pdf.name for pdf in pdfs if not pdf.is_file()]
    if process.returncode != 0 or missing:
        said = " ".join((err or out or "").split())[-300:]
        raise OutputError(
            f"LibreOffice did not make {', '.join(missing) or 'the PDF files'} "
            f"(exit code {process.returncode}{': ' + said if said else ''}); "
            "-f docx still writes the Word files"
        )
    return pdfs


def _own_process_group() -> dict:
    """soffice starts soffice.bin as its child: give them a group of their own to stop."""
    if os.name == "posix":
        return {"start_new_session": True}
    return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}  # type: ignore[attr-defined]


def _stop(process: subprocess.Popen) -> None:
    try:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except OSError:
        pass
    process.communicate()


@register
class PdfExporter(Exporter):
    name = "pdf"
    help = (
        "the worksheets and the answer key as PDF, made by LibreOffice (which must be "
        "installed): OUT/<bank-id>-worksheets.pdf and OUT/<bank-id>-answer-key.pdf"
    )
    options = WORKSHEET_OPTIONS
    in_all = False  # it needs LibreOffice, which qbank cannot install

    def file_names(self, bank: Bank) -> list[str]:
        return [f"{bank.id}-worksheets.pdf", f"{bank.id}-answer-key.pdf"]

    def check(self, options: ExportOptions, warn: Callable[[str], None]) -> None:
        soffice = find_soffice()
        if soffice is None:
            raise QbankError(INSTALL_LIBREOFFICE)
        if options[DUPLEX]:
            version = libreoffice_version(soffice)
            if version is not None and version[:2] < OLDEST_FOR_DUPLEX:
                raise QbankError(
                    f"-f pdf with --duplex needs LibreOffice 7.4 or newer to keep the blank "
                    f"pages double-sided printing needs; this is LibreOffice "
                    f"{'.'.join(map(str, version))}. Update it, or use -f docx --duplex and "
                    "print from Word"
                )
        check_options(options, warn)

    def summary(self, bank: Bank, options: ExportOptions) -> list[str]:
        return paper_summary(bank, options)

    def write(self, generated: GeneratedSet, sink: OutputSink, options: ExportOptions) -> None:
        soffice = find_soffice()
        if soffice is None:
            raise QbankError(INSTALL_LIBREOFFICE)
        names = self.file_names(generated.bank)
        timeout = limits.PDF_SECONDS + limits.PDF_SECONDS_PER_VERSION * generated.count
        with tempfile.TemporaryDirectory(prefix="qbank-pdf-") as folder:
            work = Path(folder)
            documents = [work / Path(name).with_suffix(".docx").name for name in names]
            worksheets, key = documents
            write_documents(generated, worksheets, key, options, sink.warn)
            pdfs = convert(
                soffice, documents, work, keep_blank_pages=bool(options[DUPLEX]), timeout=timeout
            )
            for pdf, name in zip(pdfs, names):
                shutil.move(str(pdf), sink.path(name))
