"""Question texts (Markdown + LaTeX math) parsed once into a neutral tree, and one
writer per format over that tree.

    doc = parse_block(text, blanks=is_cloze, math=bank_math)   # cached by text
    to_html(doc, image_src=..., blank=..., escape=...)          # Moodle, Anki
    to_wordml(doc, WordOptions(...)) -> WordFragment(xml, warnings)   # Word (OMML math)
    to_runs(parse_inline(choice), WordOptions(...))             # inside a Word paragraph
    to_terminal(doc, width=...)                                 # qbank preview
    plain_text(doc)                                             # titles, names

Values inserted into Markdown fields by ``{{ }}`` go through :func:`escape_markdown`;
text taken from such a field without parsing it (a cloze blank's answer) goes back
through :func:`unescape_markdown`.
"""

from .escape import escape_markdown, unescape_markdown
from .html import to_html
from .parse import parse_block, parse_inline, plain_words
from .plain import plain_text
from .terminal import to_terminal
from .tree import Document, RichTextError
from .wordml import WordFragment, WordOptions, to_runs, to_wordml

__all__ = [
    "Document",
    "RichTextError",
    "WordFragment",
    "WordOptions",
    "escape_markdown",
    "parse_block",
    "parse_inline",
    "plain_text",
    "plain_words",
    "to_html",
    "to_runs",
    "to_terminal",
    "to_wordml",
    "unescape_markdown",
]
