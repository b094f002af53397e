"""The one family of errors qbank raises on purpose.

Every error a teacher can cause carries where it happened (file, line, question id) so the
CLI can print ``FILE:LINE: question 'ID': message`` and never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a bank, located as precisely as we know."""

    message: str
    file: str | None = None
    line: int | None = None
    question: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        who = f"question '{self.question}': " if self.question else ""
        # One problem, one line: a line break taken from the bank (a quoted key, a text
        # echoed back) must not make a second line that looks like another message.
        return f"{where}{who}{self.message}".replace("\r", "\\r").replace("\n", "\\n")


class QbankError(Exception):
    """Base of every error qbank reports to a user."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        question: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.question = question

    @property
    def problem(self) -> Problem:
        return Problem(self.message, self.file, self.line, self.question)

    def locate(
        self, *, file: str | None = None, line: int | None = None, question: str | None = None
    ) -> QbankError:
        """Fill in location details that were not known where the error was raised."""
        self.file = self.file or file
        self.line = self.line or line
        self.question = self.question or question
        return self

    def __str__(self) -> str:
        return str(self.problem)


class BankError(QbankError):
    """A bank file cannot be read or does not follow the bank format."""


class TemplateProblem(QbankError):
    """A template or formula is wrong, unsafe, or failed for some drawn values."""

    #: For a syntax error, its line within the template (1 is the template's first line).
    template_line: int | None = None


class OutputError(QbankError):
    """Outputs could not be written."""


class BankInvalid(QbankError):
    """Several problems found at once (``qbank validate`` reports them all)."""

    def __init__(self, problems: list[Problem], partial: object = None) -> None:
        self.problems = list(problems)
        #: What could be read in spite of the problems (the loader's :class:`Bank` of the
        #: questions without problems), so ``validate`` can go on checking those.
        self.partial = partial
        first = self.problems[0] if self.problems else Problem("bank is not valid")
        super().__init__(first.message, file=first.file, line=first.line, question=first.question)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)
