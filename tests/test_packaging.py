"""The package as a user gets it: the sdist and the wheel that ``python -m build`` makes.

The wheel installs into a new virtual environment of its own, where ``qbank new`` and
``qbank generate`` work; the sdist holds everything the tests need, and its tests run
from the unpacked sdist. These tests build and install (about a minute): they are marked
``slow``, so ``make test PYTEST_ARGS="-m 'not slow'"`` leaves them out while you work.
"""

from __future__ import annotations

import email
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from qbank import __version__

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _run(
    *args: str | Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert proc.returncode == 0, (args, proc.stdout[-3000:], proc.stderr[-3000:])
    return proc


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (ROOT / "pyproject.toml").is_file():
        pytest.skip("not a source tree")
    out = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", out, ROOT)
    return out


def _wheel(dist: Path) -> Path:
    (wheel,) = dist.glob("qbank-*.whl")
    return wheel


def _sdist(dist: Path) -> Path:
    (sdist,) = dist.glob("qbank-*.tar.gz")
    return sdist


def test_the_wheel_holds_the_package_data_and_the_metadata(dist: Path) -> None:
    with zipfile.ZipFile(_wheel(dist)) as wheel:
        names = set(wheel.namelist())
        meta = email.message_from_bytes(wheel.read(f"qbank-{__version__}.dist-info/METADATA"))
    for name in (
        "qbank/py.typed",
        "qbank/bank/starter.yaml",
        "qbank/bank/starter.fr.yaml",
        "qbank/bank/default/open-vs-closed-ai.yaml",
        "qbank/locale/qbank.pot",
        "qbank/locale/fr/LC_MESSAGES/qbank.po",
        "qbank/locale/pt_BR/LC_MESSAGES/qbank.mo",
        f"qbank-{__version__}.dist-info/licenses/LICENSE",
    ):
        assert name in names, name
    assert not any(name.startswith("tests/") for name in names)
    assert meta["Version"] == __version__
    assert meta["License-Expression"] == "MIT"
    assert meta["Author"] or meta["Author-email"]
    assert "Typing :: Typed" in meta.get_all("Classifier", [])
    assert any(url.startswith("Documentation, ") for url in meta.get_all("Project-URL", []))
    assert meta["Keywords"]


def test_the_sdist_holds_the_tests_docs_and_makefile(dist: Path) -> None:
    with tarfile.open(_sdist(dist)) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    for name in (
        "LICENSE",
        "Makefile",
        "README.md",
        "pyproject.toml",
        "tests/conftest.py",
        "tests/workcount.py",
        "tests/fixtures/good/every-type.yaml",
        "tests/fixtures/handout/open-vs-closed-ai-models.txt",
        "docs/security.md",
        "docs/bank-format.md",
        "bench/run.py",
        "src/qbank/bank/starter.yaml",
        "src/qbank/locale/pl/LC_MESSAGES/qbank.mo",
        "babel.cfg",
    ):
        assert name in names, name
    if (ROOT / ".git").exists():  # a clone (not an unpacked sdist): nothing tracked is left out
        tracked = _run("git", "ls-files", "tests", "docs", "bench", cwd=ROOT).stdout.split()
        assert [name for name in tracked if name not in names] == []
    assert not any("__pycache__" in name for name in names)


def test_the_wheel_works_in_a_virtual_environment_of_its_own(dist: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    # This environment's pip installs into the new one: no pip bootstrap, no .pyc files.
    _run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        bin_dir / "python",
        "install",
        "--quiet",
        "--no-compile",
        _wheel(dist),
        timeout=600,
    )
    qbank = bin_dir / "qbank"
    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    version = _run(qbank, "--version", env=env).stdout
    assert version.startswith(f"qbank {__version__}\n")
    _run(qbank, "new", "x", cwd=work, env=env)
    out = _run(qbank, "generate", "x.yaml", "-n", "2", "--seed", "1", cwd=work, env=env).stdout
    written = sorted(p.name for p in (work / "out").iterdir())
    assert {"x.json", "x-moodle.xml", "x.apkg", "x-worksheets.docx"} <= set(written), out
    # The catalogs are installed: a French starter bank, worksheets in Polish.
    _run(qbank, "new", "--lang", "fr", cwd=work, env=env)
    _run(
        qbank,
        "generate",
        "ma-banque.yaml",
        "--lang",
        "pl",
        "-f",
        "docx",
        "-o",
        "pl",
        cwd=work,
        env=env,
    )
    with zipfile.ZipFile(work / "pl" / "ma-banque-worksheets.docx") as sheets:
        assert "Imię i nazwisko" in sheets.read("word/document.xml").decode()
    where = _run(bin_dir / "python", "-c", "import qbank; print(qbank.__file__)", env=env)
    assert Path(where.stdout.strip()).is_relative_to(venv)


def test_the_tests_run_from_the_unpacked_sdist(dist: Path, tmp_path: Path) -> None:
    with tarfile.open(_sdist(dist)) as sdist:
        sdist.extractall(tmp_path, filter="data")
    root = tmp_path / f"qbank-{__version__}"
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    where = _run(sys.executable, "-c", "import qbank; print(qbank.__file__)", cwd=root, env=env)
    assert Path(where.stdout.strip()).is_relative_to(root)
    # Every test module collects (conftest, fixtures and helpers are there) ...
    collected = _run(
        sys.executable,
        "-m",
        "pytest",
        "--collect-only",
        "-q",
        "-p",
        "no:cacheprovider",
        cwd=root,
        env=env,
    ).stdout
    assert "error" not in collected.lower().split("\n")[-2]
    # ... and the tests that read fixtures, docs and the handout pass there.
    _run(
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-x",
        "-p",
        "no:cacheprovider",
        "-m",
        "not slow",
        "tests/test_bad_banks.py",
        "tests/test_limits_doc.py",
        "tests/test_default_bank.py",
        "tests/test_schema.py",
        cwd=root,
        env=env,
    )
