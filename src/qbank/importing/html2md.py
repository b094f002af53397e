"""HTML from another program (Moodle's editor) as qbank Markdown.

A small converter for the tags qbank's Markdown can say: ``p``, ``div``, ``br``,
``strong``/``b``, ``em``/``i``, ``u``, ``s``/``del``, ``sub``, ``sup``, ``code``, ``pre``,
``ul``/``ol``/``li``, ``table``, ``a`` (``http``, ``https``, ``mailto``), ``img`` and the
headings (as bold paragraphs). Every other tag keeps its text and is named in
:attr:`Converted.lost`; ``script`` and ``style`` are dropped with their content.

Text is escaped with :func:`qbank.richtext.escape.escape_markdown` so it shows as written,
except math: ``\\(…\\)``, ``\\[…\\]``, ``$$…$$`` and Moodle's ``[tex]…[/tex]`` are kept as
formulas. Braces that would start a template (``{{``, ``{%``, ``{#``) are written so that
the template shows them as they are. The parser is the standard library's
:class:`html.parser.HTMLParser`: it never loads anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote

from ..richtext.escape import escape_markdown

#: Math as Moodle's MathJax and TeX filters read it.
_MATH = re.compile(
    r"\\\((?:.|\n)*?\\\)|\\\[(?:.|\n)*?\\\]|\$\$(?:.|\n)*?\$\$|\[tex\]((?:.|\n)*?)\[/tex\]",
    re.IGNORECASE,
)
_SPACE = re.compile(r"[ \t\r\n\f]+")
_TEMPLATE_OPEN = re.compile(r"\{(?=[{%#])")
_BLOCKS = {
    "p",
    "div",
    "pre",
    "ul",
    "ol",
    "li",
    "table",
    "tr",
    "td",
    "th",
    "thead",
    "tbody",
    "tfoot",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "center",
}
_KEPT_INLINE = {"u": "u", "s": "s", "del": "del", "strike": "s", "sub": "sub", "sup": "sup"}
_TRANSPARENT = {
    "span",
    "font",
    "body",
    "html",
    "thead",
    "tbody",
    "tfoot",
    "center",
    "blockquote",
    "label",
    "small",
    "big",
    "abbr",
    "section",
    "article",
}
_DROPPED = {"script", "style", "head", "title", "template", "iframe", "object", "embed"}
_VOID = {"br", "img", "hr", "input", "meta", "link", "col", "wbr", "source", "area"}


def template_safe(text: str) -> str:
    """``text`` with every ``{`` that would open a template tag written as a template value
    that is ``{``, so the template shows it as it is."""
    return _TEMPLATE_OPEN.sub("{{ '{' }}", text)


def escape_text(text: str) -> str:
    """Plain text (white space collapsed) as Markdown that shows it, math kept as math."""
    out: list[str] = []
    pos = 0
    for match in _MATH.finditer(text):
        out.append(_escape_plain(text[pos : match.start()]))
        if match.group(1) is not None:  # [tex]…[/tex]
            out.append("\\(" + match.group(1) + "\\)")
        else:
            out.append(match.group(0))
        pos = match.end()
    out.append(_escape_plain(text[pos:]))
    return "".join(out)


def _escape_plain(text: str) -> str:
    if not text:
        return ""
    core = text.strip(" ")
    if not core:
        return " "
    lead = " " if text[0] == " " else ""
    tail = " " if text[-1] == " " else ""
    # Tokens that stand for cloze blanks and wildcards stay as they are (letters and digits).
    return lead + escape_markdown(core) + tail


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.stack = [self.root]
        self.dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.dropping or tag in _DROPPED:
            if tag not in _VOID:
                self.dropping += 1
            return
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.dropping or tag in _DROPPED:
            return
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if self.dropping:
            if tag not in _VOID:
                self.dropping -= 1
            return
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.stack[-1].children.append(data)


@dataclass
class Converted:
    markdown: str
    #: Images the text shows: the ``src`` as written (``@@PLUGINFILE@@/name``), with alt.
    images: list[tuple[str, str]] = field(default_factory=list)
    #: What could not be said in Markdown, in words (``<span style>``, a ``javascript:`` link).
    lost: list[str] = field(default_factory=list)


class _Writer:
    def __init__(self, image_name: Callable[[str], str | None]) -> None:
        self.image_name = image_name
        self.images: list[tuple[str, str]] = []
        self.lost: list[str] = []

    def note(self, what: str) -> None:
        if what not in self.lost:
            self.lost.append(what)

    # -- blocks ----------------------------------------------------------------------------

    def blocks(self, node: Node) -> list[str]:
        """The Markdown blocks of ``node``'s children (inline runs become paragraphs)."""
        out: list[str] = []
        run: list[Node | str] = []

        def flush() -> None:
            text = self.inline_list(run).strip()
            if text:
                out.append(text)
            run.clear()

        for child in node.children:
            if isinstance(child, Node) and child.tag in _BLOCKS:
                flush()
                out.extend(self.block(child))
            else:
                run.append(child)
        flush()
        return out

    def block(self, node: Node) -> list[str]:
        tag = node.tag
        if tag in ("ul", "ol"):
            return [self.list_block(node)]
        if tag == "pre":
            code = _text_of(node).strip("\n")
            fence = "````" if "```" in code else "```"
            return [f"{fence}\n{code}\n{fence}"]
        if tag == "table":
            return [self.table(node)]
        if tag == "hr":
            return ["---"]
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = self.inline_list(node.children).strip()
            return [f"**{text}**"] if text else []
        if tag == "blockquote":
            self.note("quotations (<blockquote>) became plain paragraphs")
        return self.blocks(node)

    def list_block(self, node: Node) -> str:
        ordered = node.tag == "ol"
        lines: list[str] = []
        number = 0
        for child in node.children:
            if isinstance(child, str):
                if child.strip():
                    lines.append(("1. " if ordered else "- ") + escape_text(child.strip()))
                continue
            if child.tag != "li":
                lines.extend(self.blocks(Node("div", children=[child])))
                continue
            number += 1
            marker = f"{number}. " if ordered else "- "
            parts = self.blocks(child) or [""]
            indent = " " * len(marker)
            body = "\n\n".join(parts).replace("\n", "\n" + indent)
            lines.append(marker + body.replace("\n" + indent + "\n", "\n\n"))
        return "\n".join(lines)

    def table(self, node: Node) -> str:
        rows: list[list[str]] = []
        aligns: list[str] = []
        for tr in _find(node, "tr"):
            if not rows:
                aligns = [
                    _align(cell)
                    for cell in tr.children
                    if isinstance(cell, Node) and cell.tag in ("td", "th")
                ]
            cells = [
                self.inline_list(cell.children).strip().replace("|", "\\|").replace("\n", " ")
                for cell in tr.children
                if isinstance(cell, Node) and cell.tag in ("td", "th")
            ]
            if cells:
                rows.append(cells)
        if not rows:
            return ""
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        aligns += [""] * (width - len(aligns))
        rule = {"left": ":---", "center": ":---:", "right": "---:"}
        lines = [
            "| " + " | ".join(rows[0]) + " |",
            "|" + "".join(rule.get(a, "---") + "|" for a in aligns),
        ]
        lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
        return "\n".join(lines)

    # -- inline ----------------------------------------------------------------------------

    def inline_list(self, children: list[Node | str]) -> str:
        parts: list[str] = []
        for child in children:
            if isinstance(child, str):
                parts.append(_text_run(child))
            else:
                parts.append(self.inline(child))
        text = "".join(parts)
        # No space at the start or end of a line (Markdown would drop it anyway).
        return re.sub(r" *\n *", "\n", text)

    def inline(self, node: Node) -> str:
        tag = node.tag
        if tag == "br":
            return "\\\n"
        if tag == "img":
            return self.image(node)
        if tag in _BLOCKS:  # a block inside inline content: its text
            return " ".join(self.block(node))
        inner = self.inline_list(node.children)
        if tag in ("strong", "b"):
            return _wrap(inner, "**")
        if tag in ("em", "i"):
            return _wrap(inner, "*")
        if tag == "code" or tag == "tt":
            code = _SPACE.sub(" ", _text_of(node))
            if not code.strip():
                return code
            ticks = "``" if "`" in code else "`"
            pad = " " if code.startswith("`") or code.endswith("`") else ""
            return f"{ticks}{pad}{code}{pad}{ticks}"
        if tag in _KEPT_INLINE:
            name = _KEPT_INLINE[tag]
            return f"<{name}>{inner}</{name}>" if inner.strip() else inner
        if tag == "a":
            href = node.attrs.get("href", "").strip()
            if re.match(r"(?i)(https?:|mailto:)", href) and inner.strip():
                target = href.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
                return f"[{inner}]({target})"
            if href:
                self.note(f"a link to '{href[:60]}' (only http, https and mailto links are kept)")
            return inner
        if tag not in _TRANSPARENT:
            self.note(f"<{tag}> (its text is kept)")
        elif node.attrs.get("style") or tag == "font":
            self.note("colours, fonts and styles")
        return inner

    def image(self, node: Node) -> str:
        src = node.attrs.get("src", "").strip()
        alt = _SPACE.sub(" ", node.attrs.get("alt", "")).strip()
        name = self.image_name(src)
        if name is None:
            self.note(f"the image '{src[:60]}' (not in the file; its description is kept)")
            return escape_text(alt)
        self.images.append((src, alt))
        if not alt:
            alt = "image"
            self.note(f"a description for the image '{name}' (none given; 'image' written)")
        alt = escape_text(alt).replace("[", "\\[").replace("]", "\\]")
        return f"![{alt}]({name})"


def _text_run(text: str) -> str:
    """A text node: runs of spaces as one, line breaks kept (a soft break in Markdown)."""
    text = re.sub(r"[ \t\r\f]+", " ", text)
    text = re.sub(r" ?\n[ \n]*", "\n", text)
    return "\n".join(escape_text(line) for line in text.split("\n"))


def _align(cell: Node) -> str:
    match = re.search(r"text-align\s*:\s*(left|center|right)", cell.attrs.get("style", ""))
    return match.group(1) if match else cell.attrs.get("align", "").lower()


def _wrap(inner: str, mark: str) -> str:
    stripped = inner.strip()
    if not stripped:
        return inner
    lead = inner[: len(inner) - len(inner.lstrip())]
    tail = inner[len(inner.rstrip()) :]
    return f"{lead}{mark}{stripped}{mark}{tail}"


def _text_of(node: Node) -> str:
    parts: list[str] = []
    for child in node.children:
        if isinstance(child, str):
            parts.append(child)
        elif child.tag == "br":
            parts.append("\n")
        else:
            parts.append(_text_of(child))
    return "".join(parts)


def _find(node: Node, tag: str) -> list[Node]:
    found: list[Node] = []
    for child in node.children:
        if isinstance(child, Node):
            if child.tag == tag:
                found.append(child)
            elif child.tag != "table":
                found.extend(_find(child, tag))
    return found


def _default_image_name(src: str) -> str | None:
    return None


def html_to_markdown(
    html: str, image_name: Callable[[str], str | None] = _default_image_name
) -> Converted:
    """``html`` as Markdown; ``image_name(src)`` gives the file name an image is written
    under next to the bank, or None when the image is not there."""
    tree = _Tree()
    tree.feed(html)
    tree.close()
    writer = _Writer(image_name)
    markdown = "\n\n".join(b for b in writer.blocks(tree.root) if b.strip())
    return Converted(template_safe(markdown), writer.images, writer.lost)


def plain_to_markdown(text: str) -> str:
    """A plain-text field (Moodle's ``moodle_auto_format``, ``plain_text``) as Markdown:
    lines kept, blank lines as paragraphs."""
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    out = []
    for paragraph in paragraphs:
        lines = [escape_text(_SPACE.sub(" ", line).strip()) for line in paragraph.split("\n")]
        out.append("\\\n".join(line for line in lines if line))
    return template_safe("\n\n".join(p for p in out if p))


def plugin_file_name(src: str) -> str | None:
    """The file name of ``@@PLUGINFILE@@/name`` (URL-decoded), else None."""
    if not src.startswith("@@PLUGINFILE@@/"):
        return None
    return unquote(src[len("@@PLUGINFILE@@/") :].split("?")[0])
