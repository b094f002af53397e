"""LaTeX to OMML, Word's native equations: latex2mathml, then our own MathML → OMML.

Why our own second step: the converters on PyPI are mathml2omml 0.0.2 (2019, no release
since) and its fork mathml2omml-as 0.1.0 (2025). Judged on 50 school formulas
(fractions, roots, sums, integrals, limits, matrices, cases, accents, Greek, text), six
of them rendered by LibreOffice side by side with ours:

- mathml2omml 0.0.2 writes malformed XML for ``\\vec``, ``\\bar`` and
  ``\\overrightarrow`` (``<m:groupChrPr>`` closed as ``</m:groupChr>``): 3 of 50 fail,
  and one such formula makes document.xml malformed, so the whole file is unreadable;
- the fork's XML is well formed, but ``\\overline{AB}`` becomes a limit holding a dash
  (LibreOffice draws the dash over the B only), ``\\lim_{x\\to 0}`` a subscript that
  LibreOffice shows between two red "¿" error marks, ``\\hat{x}`` an acute accent
  (U+02C6 where OMML wants the combining U+0302), ``\\sin x`` a bare run (no
  ``m:func``), and every node is wrapped in ``m:box``;
- this module: 0 of 50 fail; the structures Word itself writes for these formulas
  (``m:bar``, ``m:func`` with ``m:limLow``, combining accents); LibreOffice renders them
  (tests/test_richtext_libreoffice.py). Speed, MathML → OMML on the same machine:
  ~50 µs per formula on the 50 (0.0.2: ~140 µs, the fork: ~170 µs), ~180 µs on the
  longer formulas of bench/richtext_speed.py (the fork: ~260 µs).

latex2mathml (maintained, pure Python) does the TeX parsing, 0.2-0.5 ms per formula;
the whole conversion is cached by formula.

Mapping: mfrac → m:f (noBar for ``\\binom``), msqrt/mroot → m:rad, msub/msup/msubsup →
m:sSub/m:sSup/m:sSubSup, large operators (∑ ∏ ∫ …) with their limits → m:nary holding
the terms after them up to the next relation, lim/max/min… → m:func with m:limLow,
sin/cos/log… → m:func, matched brackets and ``\\left…\\right`` → m:d, mtable → m:m,
accents → m:acc, over/underlines → m:bar, over/underbraces → m:groupChr, other
under/over → m:limLow/m:limUpp, mtext → a normal-text run, mspace → a space character,
menclose box → m:borderBox. Anything else (an unknown command, merror, prescripts)
raises :class:`MathConversionError`, and the Word writer shows the LaTeX source.
"""

from __future__ import annotations

from functools import lru_cache

from lxml import etree

from .. import limits, safe_xml

M_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"

MATH_CACHE_SIZE = limits.MATH_CACHE_SIZE
MAX_TEX = limits.MAX_TEX

_NARY = set("∑∏∐∫∬∭∮∯∰⋀⋁⋂⋃⨀⨁⨂⨄⨆")
_INTEGRALS = set("∫∬∭∮∯∰")
_FUNCTIONS = {
    "sin",
    "cos",
    "tan",
    "cot",
    "sec",
    "csc",
    "arcsin",
    "arccos",
    "arctan",
    "sinh",
    "cosh",
    "tanh",
    "coth",
    "log",
    "ln",
    "lg",
    "exp",
    "arg",
    "deg",
    "dim",
    "hom",
    "ker",
}
_LIMITS = {"lim", "max", "min", "sup", "inf", "limsup", "liminf", "det", "gcd", "Pr"}
_RELATIONS = set("=<>≤≥≠≈≡∼≃≅∝→←↔⇒⇐⇔∈∉⊂⊃⊆⊇")
_OPENERS = {"(": ")", "[": "]", "{": "}", "⟨": "⟩", "⌈": "⌉", "⌊": "⌋"}
_CLOSERS = set(_OPENERS.values())
_BARS = {"|", "‖", "∥"}
# Over-accents: MathML character -> OMML's combining character.
_ACCENTS = {
    "^": "\u0302",
    "\u02c6": "\u0302",
    "\u0302": "\u0302",
    "~": "\u0303",
    "\u02dc": "\u0303",
    "\u0303": "\u0303",
    "→": "\u20d7",
    "\u20d7": "\u20d7",
    "\u02d9": "\u0307",
    ".": "\u0307",
    "\u0307": "\u0307",
    "¨": "\u0308",
    "\u0308": "\u0308",
    "´": "\u0301",
    "`": "\u0300",
    "ˇ": "\u030c",
    "˘": "\u0306",
    "←": "\u20d6",
    "↔": "\u20e1",
}
_LINES = {"¯", "―", "‾", "_", "\u0305", "−", "-"}
_BRACES = {"⏞": "top", "⏟": "bot", "︷": "top", "︸": "bot"}
_SPACES = {
    "negativethinmathspace": "",
    "thinmathspace": "\u2009",
    "mediummathspace": "\u205f",
    "thickmathspace": "\u2004",
}
_INVISIBLE = str.maketrans("", "", "\u2061\u2062\u2063\u2064")
_XML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


class MathConversionError(ValueError):
    """A formula Word cannot be given as an equation (shown as LaTeX source instead)."""


@lru_cache(maxsize=MATH_CACHE_SIZE)
def latex_to_omml(tex: str, display: bool = False) -> str:
    """``<m:oMath>`` (inline) or ``<m:oMathPara>`` (display) for a TeX formula.

    The ``m:`` prefix must be bound to :data:`M_NS` by the document it goes into.
    """
    if len(tex) > MAX_TEX:
        raise MathConversionError(f"the formula is longer than {MAX_TEX:,} characters")
    try:
        # Imported at the first formula: a bank without math never pays its start-up.
        from latex2mathml.converter import convert as latex_to_mathml

        # Without a namespace, an element's tag is its MathML name: quicker to dispatch.
        mathml = latex_to_mathml(tex, xmlns="", display="block" if display else "inline")
        root = safe_xml.parse(mathml.encode("utf-8"))
    except Exception as exc:  # latex2mathml raises many kinds, RecursionError included
        raise MathConversionError(
            "LaTeX not understood" + (f" ({exc})" if str(exc) else "")
        ) from exc
    _join_decimal_commas(root)
    try:
        body = _Converter(display).row(list(root))
    except RecursionError as exc:
        raise MathConversionError("the formula is nested too deeply") from exc
    math = f"<m:oMath>{body}</m:oMath>"
    return f"<m:oMathPara>{math}</m:oMathPara>" if display else math


def _join_decimal_commas(root: etree._Element) -> None:
    """``3{,}5`` (a decimal comma, as qbank writes it in a French formula: qbank.i18n) is
    one number in Word, not 3, a comma operator and 5 (which Word spaces as a list)."""
    for parent in list(root.iter()):
        children = list(parent)
        i = 0
        while i + 2 < len(children):
            first, comma, last = children[i : i + 3]
            if (
                _name(first) == "mn"
                and _name(comma) == "mrow"
                and len(comma) == 1
                and _name(comma[0]) == "mo"
                and _text(comma[0]) == ","
                and _name(last) == "mn"
            ):
                first.text = _text(first) + "," + _text(last)
                parent.remove(comma)
                parent.remove(last)
                children = list(parent)
            else:
                i += 1


def _name(el: etree._Element) -> str:
    tag = el.tag
    return tag if isinstance(tag, str) else ""


def _text(el: etree._Element) -> str:
    """The text of a token element (mi, mn, mo, mtext): latex2mathml nests nothing in them."""
    text = el.text
    return text.translate(_INVISIBLE) if text else ""


def _run(text: str, *, upright: bool = False, normal: bool = False) -> str:
    if not text:
        return ""
    props = ""
    if normal:
        props = "<m:rPr><m:nor/></m:rPr>"
    elif upright:
        props = '<m:rPr><m:sty m:val="p"/></m:rPr>'
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f"<m:r>{props}<m:t{space}>{text.translate(_XML)}</m:t></m:r>"


def _e(content: str, tag: str = "m:e") -> str:
    return f"<{tag}>{content}</{tag}>" if content else f"<{tag}/>"


class _Fence:
    """A matched pair of brackets in a row and what is between them."""

    def __init__(self, opener: str, element: etree._Element | None) -> None:
        self.opener = opener
        self.closer = ""
        self.element = element  # the opening <mo>, kept for an unmatched opener
        self.items: list = []


class _ScriptedFence(_Fence):
    """A bracket pair whose closing bracket carries a script, ``(1 + i)^{-n}``: latex2mathml
    puts the script on the ``)`` alone; Word (and LibreOffice) want it on the whole group."""

    def __init__(self, fence: _Fence, scripted: etree._Element) -> None:
        super().__init__(fence.opener, fence.element)
        self.closer = fence.closer
        self.items = fence.items
        self.scripted = scripted  # the msup/msub/msubsup whose base was the closer


class _Converter:
    def __init__(self, display: bool) -> None:
        self.display = display

    # --- rows: brackets, operators taking their operand --------------------------

    def row(self, elements: list) -> str:
        return self.items(self.fences(self.flatten(elements)))

    def flatten(self, elements: list) -> list:
        """Children of plain mrow/mstyle inlined, so brackets pair across them."""
        out = []
        for el in elements:
            if _name(el) in ("mrow", "mstyle", "mpadded") and not _is_fence_group(el):
                out.extend(self.flatten(list(el)))
            else:
                out.append(el)
        return out

    def fences(self, elements: list) -> list:
        top: list = []
        stack: list[_Fence] = []
        current = top
        for el in elements:
            closing = _scripted_closer(el, stack)
            if closing:
                fence = stack.pop()
                fence.closer = closing
                current = stack[-1].items if stack else top
                current[next(i for i, x in enumerate(current) if x is fence)] = _ScriptedFence(
                    fence, el
                )
                continue
            kind, char = _fence_kind(el, stack)
            if kind == "open":
                fence = _Fence(char, el)
                current.append(fence)
                stack.append(fence)
                current = fence.items
                continue
            if kind == "close" and stack:
                stack.pop().closer = char
                current = stack[-1].items if stack else top
                continue
            current.append(el)
        while stack:  # never closed: \left without \right, or a lone bracket
            fence = stack.pop()
            if not (fence.element is not None and fence.element.get("stretchy") == "true"):
                parent = stack[-1].items if stack else top
                index = next(i for i, x in enumerate(parent) if x is fence)
                parent[index : index + 1] = [fence.element, *fence.items]
            else:
                fence.closer = ""
        return top

    def items(self, items: list) -> str:
        out: list[str] = []
        i = 0
        while i < len(items):
            item = items[i]
            if i == len(items) - 1 and i and _is_relation(item):
                # "t =" with nothing after the "=": LibreOffice reads the equation as a
                # relation missing its right side and shows an error mark (¿). Written as
                # normal text, the sign is drawn as it is by both Word and LibreOffice.
                out.append(_run(_text(item).strip(), normal=True))
                break
            nary = self.nary_parts(item)
            if nary is not None:
                end = i + 1
                while end < len(items) and not _is_relation(items[end]):
                    end += 1
                out.append(self.nary(*nary, operand=self.items(items[i + 1 : end])))
                i = end
                continue
            function = self.function_name(item)
            if function is not None and i + 1 < len(items):
                argument = self.item(items[i + 1])
                out.append(f"<m:func><m:fName>{function}</m:fName>{_e(argument)}</m:func>")
                i += 2
                continue
            out.append(self.item(item))
            i += 1
        return "".join(out)

    def item(self, item) -> str:
        if isinstance(item, _ScriptedFence):
            return self.scripted_fence(item)
        if isinstance(item, _Fence):
            return self.fence_xml(item)
        return self.element(item)

    def scripted_fence(self, item: _ScriptedFence) -> str:
        base = _e(self.fence_xml(item))
        kind, scripts = _name(item.scripted), list(item.scripted)[1:]
        if kind == "msup" and len(scripts) == 1:
            return f"<m:sSup>{base}{_e(self.arg(scripts[0]), 'm:sup')}</m:sSup>"
        if kind == "msub" and len(scripts) == 1:
            return f"<m:sSub>{base}{_e(self.arg(scripts[0]), 'm:sub')}</m:sSub>"
        if kind == "msubsup" and len(scripts) == 2:
            sub, sup = (self.arg(s) for s in scripts)
            return f"<m:sSubSup>{base}{_e(sub, 'm:sub')}{_e(sup, 'm:sup')}</m:sSubSup>"
        raise MathConversionError(f"a {kind} with {len(scripts)} scripts")

    def fence_xml(self, item: _Fence) -> str:
        return (
            f'<m:d><m:dPr><m:begChr m:val="{item.opener.translate(_XML)}"/>'
            f'<m:endChr m:val="{item.closer.translate(_XML)}"/></m:dPr>'
            f"{_e(self.items(item.items))}</m:d>"
        )

    # --- large operators and function names -----------------------------------------

    def nary_parts(self, item) -> tuple[str, str | None, str | None, bool] | None:
        """(operator, lower limit, upper limit, limits under/over) if item is one."""
        if isinstance(item, _Fence):
            return None
        name = _name(item)
        if name == "mo" and _text(item).strip() in _NARY:
            op = _text(item).strip()
            return op, None, None, False
        if (
            name in ("msub", "msup", "msubsup", "munder", "mover", "munderover")
            and len(item) >= 2
            and _name(item[0]) == "mo"
            and _text(item[0]).strip() in _NARY
        ):
            op = _text(item[0]).strip()
            lower = (
                self.element(item[1])
                if name in ("msub", "msubsup", "munder", "munderover")
                else None
            )
            upper = None
            if name in ("msup", "mover"):
                upper = self.element(item[1])
            elif name in ("msubsup", "munderover") and len(item) > 2:
                upper = self.element(item[2])
            under = name.startswith("mu") or (self.display and op not in _INTEGRALS)
            return op, lower, upper, under
        return None

    def nary(self, op: str, lower: str | None, upper: str | None, under: bool, operand: str) -> str:
        props = [f'<m:chr m:val="{op}"/>', f'<m:limLoc m:val="{"undOvr" if under else "subSup"}"/>']
        if lower is None:
            props.append('<m:subHide m:val="1"/>')
        if upper is None:
            props.append('<m:supHide m:val="1"/>')
        return (
            f"<m:nary><m:naryPr>{''.join(props)}</m:naryPr>{_e(lower or '', 'm:sub')}"
            f"{_e(upper or '', 'm:sup')}{_e(operand)}</m:nary>"
        )

    def function_name(self, item) -> str | None:
        """The OMML of a function name (sin, sin², lim under x→0) if item is one."""
        if isinstance(item, _Fence):
            return None
        name = _name(item)
        if name in ("mi", "mo"):
            text = _text(item).strip()
            if text in _FUNCTIONS or text in _LIMITS:
                return _run(text, upright=True)
            return None
        if (
            name in ("msub", "msup", "msubsup", "munder")
            and len(item) >= 2
            and _name(item[0]) in ("mi", "mo")
        ):
            text = _text(item[0]).strip()
            if text in _LIMITS and name in ("msub", "munder"):
                return (
                    f"<m:limLow>{_e(_run(text, upright=True))}"
                    f"{_e(self.element(item[1]), 'm:lim')}</m:limLow>"
                )
            if text in _FUNCTIONS:
                return self.element(item)
        return None

    # --- one element -------------------------------------------------------------

    def element(self, el: etree._Element) -> str:
        name = _name(el)
        handler = getattr(self, f"m_{name}", None)
        if handler is None:
            raise MathConversionError(f"no Word equation for MathML <{name}>")
        return handler(el)

    def arg(self, el: etree._Element) -> str:
        """One child as the content of an argument slot (m:e, m:num, m:sup...)."""
        return self.row([el])

    def children(self, el: etree._Element, count: int) -> list[etree._Element]:
        kids = list(el)
        if len(kids) != count:
            raise MathConversionError(f"<{_name(el)}> with {len(kids)} parts")
        return kids

    def m_math(self, el):
        return self.row(list(el))

    m_mrow = m_mstyle = m_mpadded = m_mtd = m_math

    def m_mi(self, el):
        text = _text(el)
        if text.startswith("\\"):
            raise MathConversionError(f"unknown command {text}")
        variant = el.get("mathvariant")
        upright = len(text) > 1 or variant == "normal"
        return _run(text, upright=upright)

    def m_mn(self, el):
        return _run(_text(el))

    def m_mo(self, el):
        text = _text(el)
        if text.startswith("\\"):
            raise MathConversionError(f"unknown command {text}")
        # "*" as the asterisk operator: LibreOffice reads a bare "*" in an equation as an
        # error mark (¿); Word shows both alike.
        text = text.replace("*", "\u2217")
        return _run(text, upright=any(ch.isalpha() for ch in text))

    def m_mtext(self, el):
        return _run(_text(el), normal=True)

    def m_ms(self, el):
        return _run(f'"{_text(el)}"', normal=True)

    def m_mspace(self, el):
        width = el.get("width", "")
        if width in _SPACES:
            return _run(_SPACES[width]) if _SPACES[width] else ""
        try:
            ems = float(width[:-2]) if width.endswith("em") else 0.0
        except ValueError:
            ems = 0.0
        if ems <= 0:
            return ""
        if ems < 0.2:
            return _run("\u2009")
        if ems < 0.25:
            return _run("\u205f")
        if ems < 0.5:
            return _run("\u2004")
        return _run("\u2003" * max(1, round(ems)))

    def m_none(self, el):
        return ""

    def m_mfrac(self, el):
        num, den = self.children(el, 2)
        thickness = el.get("linethickness", "")
        props = ""
        if thickness and thickness.rstrip("ptemx%") in ("0", "0.0"):
            props = '<m:fPr><m:type m:val="noBar"/></m:fPr>'
        elif el.get("bevelled") == "true":
            props = '<m:fPr><m:type m:val="skw"/></m:fPr>'
        return f"<m:f>{props}{_e(self.arg(num), 'm:num')}{_e(self.arg(den), 'm:den')}</m:f>"

    def m_msqrt(self, el):
        return (
            '<m:rad><m:radPr><m:degHide m:val="1"/></m:radPr><m:deg/>'
            f"{_e(self.row(list(el)))}</m:rad>"
        )

    def m_mroot(self, el):
        base, index = self.children(el, 2)
        return f"<m:rad>{_e(self.arg(index), 'm:deg')}{_e(self.arg(base))}</m:rad>"

    def m_msup(self, el):
        base, sup = self.children(el, 2)
        return f"<m:sSup>{_e(self.arg(base))}{_e(self.arg(sup), 'm:sup')}</m:sSup>"

    def m_msub(self, el):
        base, sub = self.children(el, 2)
        return f"<m:sSub>{_e(self.arg(base))}{_e(self.arg(sub), 'm:sub')}</m:sSub>"

    def m_msubsup(self, el):
        base, sub, sup = self.children(el, 3)
        return (
            f"<m:sSubSup>{_e(self.arg(base))}{_e(self.arg(sub), 'm:sub')}"
            f"{_e(self.arg(sup), 'm:sup')}</m:sSubSup>"
        )

    def m_mover(self, el):
        base, over = self.children(el, 2)
        mark = _text(over).strip() if _name(over) == "mo" else ""
        if mark in _LINES:
            return f'<m:bar><m:barPr><m:pos m:val="top"/></m:barPr>{_e(self.arg(base))}</m:bar>'
        if mark in _BRACES:
            return self.group_chr(mark, base)
        if mark in _ACCENTS and (
            el.get("accent") == "true"
            or over.get("accent") == "true"
            or mark in ("→", "\u02d9", "~", "^", "\u02dc", "¨", ".", "´", "`", "ˇ", "˘", "←", "↔")
        ):
            return (
                f'<m:acc><m:accPr><m:chr m:val="{_ACCENTS[mark]}"/></m:accPr>'
                f"{_e(self.arg(base))}</m:acc>"
            )
        return f"<m:limUpp>{_e(self.arg(base))}{_e(self.arg(over), 'm:lim')}</m:limUpp>"

    def m_munder(self, el):
        base, under = self.children(el, 2)
        mark = _text(under).strip() if _name(under) == "mo" else ""
        if mark in _LINES:
            return f'<m:bar><m:barPr><m:pos m:val="bot"/></m:barPr>{_e(self.arg(base))}</m:bar>'
        if mark in _BRACES:
            return self.group_chr(mark, base)
        return f"<m:limLow>{_e(self.arg(base))}{_e(self.arg(under), 'm:lim')}</m:limLow>"

    def m_munderover(self, el):
        base, under, over = self.children(el, 3)
        low = f"<m:limLow>{_e(self.arg(base))}{_e(self.arg(under), 'm:lim')}</m:limLow>"
        return f"<m:limUpp>{_e(low)}{_e(self.arg(over), 'm:lim')}</m:limUpp>"

    def group_chr(self, mark: str, base) -> str:
        pos = _BRACES[mark]
        vert = "bot" if pos == "top" else "top"
        return (
            f'<m:groupChr><m:groupChrPr><m:chr m:val="{mark}"/><m:pos m:val="{pos}"/>'
            f'<m:vertJc m:val="{vert}"/></m:groupChrPr>{_e(self.arg(base))}</m:groupChr>'
        )

    def m_mtable(self, el):
        rows = [list(tr) for tr in el if _name(tr) in ("mtr", "mlabeledtr")]
        columns = max((len(r) for r in rows), default=0)
        if not columns:
            return ""
        first = rows[0][0] if rows and rows[0] else None
        align = first.get("columnalign", "center") if first is not None else "center"
        align = align if align in ("left", "right", "center") else "center"
        props = (
            f'<m:mPr><m:mcs><m:mc><m:mcPr><m:count m:val="{columns}"/>'
            f'<m:mcJc m:val="{align}"/></m:mcPr></m:mc></m:mcs></m:mPr>'
        )
        body = "".join(
            "<m:mr>"
            + "".join(_e(self.row(list(cell))) for cell in cells)
            + "<m:e/>" * (columns - len(cells))
            + "</m:mr>"
            for cells in rows
        )
        return f"<m:m>{props}{body}</m:m>"

    def m_menclose(self, el):
        notation = el.get("notation", "longdiv")
        if notation not in ("box", "roundedbox"):
            raise MathConversionError(f"no Word equation for the enclosure {notation!r}")
        return f"<m:borderBox>{_e(self.row(list(el)))}</m:borderBox>"

    def m_mphantom(self, el):
        return f"<m:phant>{_e(self.row(list(el)))}</m:phant>"


def _scripted_closer(el, stack: list[_Fence]) -> str:
    """The closing bracket that is the base of ``el`` (an msup, msub or msubsup) when it
    closes the innermost open bracket; "" otherwise."""
    if isinstance(el, _Fence) or not stack or _name(el) not in ("msup", "msub", "msubsup"):
        return ""
    kids = list(el)
    if not kids or _name(kids[0]) != "mo":
        return ""
    text = _text(kids[0]).strip()
    return text if _OPENERS.get(stack[-1].opener) == text else ""


def _is_fence_group(el: etree._Element) -> bool:
    """An mrow from \\left…\\right: kept whole so its brackets pair with each other."""
    kids = list(el)
    return bool(kids) and _name(kids[0]) == "mo" and kids[0].get("form") == "prefix"


def _fence_kind(el, stack: list[_Fence]) -> tuple[str | None, str]:
    if isinstance(el, _Fence) or _name(el) not in ("mo", "mi"):
        return None, ""
    text = _text(el).strip()
    form = el.get("form")
    if form == "prefix" and el.get("fence") == "true":
        return "open", text
    if form == "postfix" and el.get("fence") == "true":
        return "close", text
    if text in _OPENERS:
        return "open", text
    if text in _CLOSERS:
        return "close", text
    if text in _BARS:
        return ("close", text) if stack and stack[-1].opener == text else ("open", text)
    return None, ""


def _is_relation(item) -> bool:
    return (
        not isinstance(item, _Fence) and _name(item) == "mo" and _text(item).strip() in _RELATIONS
    )
