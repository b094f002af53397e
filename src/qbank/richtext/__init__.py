"""Question texts (Markdown + LaTeX math) parsed once into a neutral tree; one writer
per format: :mod:`.html` (Moodle, Anki), :mod:`.wordml` (Word, math as OMML equations),
:mod:`.terminal` (``qbank preview``) and :func:`plain_text`.
"""

from .escape import escape_markdown
from .parse import parse_block, parse_inline
from .plain import plain_text
from .tree import Document, RichTextError

__all__ = ["Document", "RichTextError", "escape_markdown", "parse_block", "parse_inline",
           "plain_text"]
