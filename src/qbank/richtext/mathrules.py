"""Math delimiters for markdown-it: ``$…$``, ``$$…$$``, ``\\(…\\)`` and ``\\[…\\]``.

Dollars come from mdit-py-plugins' ``dollarmath`` with the options that make it follow
pandoc's ``tex_math_dollars`` rule, so that money is never math:

- an opening ``$`` has a non-space character right after it (``allow_space=False``);
- a closing ``$`` has a non-space character right before it and is not followed by a
  digit (``allow_space=False``, ``allow_digits=False``);
- the first unescaped ``$`` after the opening one is the only candidate: when it does
  not qualify, there is no math (pandoc fails the same way), so in ``costs $0.002 per
  request and $400 per month`` the ``$`` of ``$400`` has a space before it and nothing
  is math;
- one rule stricter than pandoc: a ``$`` right after a digit does not open math
  (``allow_digits=False`` checks both sides), so ``5$-10$`` stays text;
- ``$5$`` *is* math (pandoc agrees): a bare amount is written ``$5`` without a closing
  ``$``, and a teacher who closes it meant a formula.

Its defaults (``allow_space=True``, ``allow_digits=True``) would make ``$30 and $40`` a
formula. ``$$…$$`` works inside a paragraph too (``double_inline``) and on lines of its
own, where a blank line ends the search for the closing ``$$`` (``allow_blank_lines``
off), so a stray ``$$`` cannot swallow the paragraphs after it.

The backslash forms are our own rules, run *before* CommonMark's backslash escapes
(which would turn ``\\(`` into ``(``): inside the formula a backslash and the character
after it are one unit, so ``\\(a \\\\ b\\)`` ends at the last ``\\)``. ``\\\\(`` is an escaped
backslash followed by ``(``, not math.
"""

from __future__ import annotations

from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.dollarmath.index import math_inline_dollar

_CLOSERS = {"(": (")", False), "[": ("]", True)}


def math_plugin(md: MarkdownIt) -> None:
    """Add every math delimiter to ``md``; tokens are ``math_inline`` (``$``, ``\\(``),
    ``math_inline_double`` (``$$`` or ``\\[`` inside a paragraph) and ``math_block``."""
    dollarmath_plugin(
        md,
        allow_labels=False,
        allow_space=False,
        allow_digits=False,
        allow_blank_lines=False,
        double_inline=True,
    )
    # dollarmath's digit check looks at the character before the opening "$" as
    # src[pos - 1], which for a "$" that opens the text is the text's LAST character: "$H_0$
    # is true with probability 2" was no math. The same rule, with that one case fixed.
    md.inline.ruler.at(
        "math_inline", _opening_at_start_fixed(math_inline_dollar(False, False, True))
    )
    md.inline.ruler.before("escape", "math_backslash", _backslash_inline)
    md.block.ruler.before("fence", "math_block_backslash", _backslash_block)


def _opening_at_start_fixed(rule: Callable[[StateInline, bool], bool]):
    """``rule`` run on the text with a space after it while the ``$`` is its first
    character, so that ``src[-1]`` (read as "the character before") is that space."""

    def fixed(state: StateInline, silent: bool) -> bool:
        if state.pos != 0:
            return rule(state, silent)
        src = state.src
        state.src = src + " "
        try:
            return rule(state, silent)
        finally:
            state.src = src

    return fixed


def _find_closer(src: str, start: int, end: int, closer: str) -> int:
    """Index of the backslash of the first ``\\<closer>`` at or after ``start``; -1 if none."""
    i = start
    while i < end - 1:
        if src[i] == "\\":
            if src[i + 1] == closer:
                return i
            i += 2
        else:
            i += 1
    return -1


def _backslash_inline(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if src[pos] != "\\" or pos + 1 >= state.posMax or src[pos + 1] not in _CLOSERS:
        return False
    closer, display = _CLOSERS[src[pos + 1]]
    end = _find_closer(src, pos + 2, state.posMax, closer)
    if end < 0 or not src[pos + 2 : end].strip():
        return False
    if not silent:
        token = state.push("math_inline_double" if display else "math_inline", "math", 0)
        token.content = src[pos + 2 : end]
        token.markup = "\\" + src[pos + 1]
    state.pos = end + 2
    return True


def _backslash_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """``\\[`` at the start of a line, up to the ``\\]`` that ends a line (no blank line
    between): one display formula, whatever Markdown its lines would otherwise hold."""
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    pos = state.bMarks[start_line] + state.tShift[start_line]
    if not state.src.startswith("\\[", pos):
        return False
    pos += 2
    lines = []
    line = start_line
    while line < end_line:
        if line > start_line:
            pos = state.bMarks[line] + state.tShift[line]
            if pos >= state.eMarks[line]:
                return False  # a blank line: no closing \] in this block
        text = state.src[pos : state.eMarks[line]]
        close = _find_closer(text, 0, len(text), "]")
        if close >= 0:
            if text[close + 2 :].strip():
                return False  # text after the formula: the inline rule takes it
            lines.append(text[:close])
            break
        lines.append(text)
        line += 1
    else:
        return False
    content = "\n".join(lines)
    if not content.strip():
        return False
    if silent:
        return True
    token = state.push("math_block", "math", 0)
    token.block = True
    token.content = content
    token.markup = "\\["
    token.map = [start_line, line + 1]
    state.line = line + 1
    return True
