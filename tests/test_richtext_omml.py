"""LaTeX → OMML: the structure Word expects for each kind of formula."""

from __future__ import annotations

import pytest
from lxml import etree

from qbank.richtext.omml import M_NS, MathConversionError, latex_to_omml

NS = {"m": M_NS}


def omml(tex: str, display: bool = False) -> etree._Element:
    root = etree.fromstring(f'<x xmlns:m="{M_NS}">{latex_to_omml(tex, display)}</x>')
    return root[0]


def math(tex: str) -> etree._Element:
    element = omml(tex)
    assert etree.QName(element).localname == "oMath"
    return element


def names(element: etree._Element) -> list[str]:
    return [etree.QName(c).localname for c in element]


def text(element: etree._Element | None) -> str:
    assert element is not None
    return "".join(element.itertext())


def test_fraction():
    f = math(r"\frac{a}{b}").find("m:f", NS)
    assert text(f.find("m:num", NS)) == "a" and text(f.find("m:den", NS)) == "b"
    assert f.find("m:fPr", NS) is None


def test_binomial_is_a_fraction_without_bar_in_brackets():
    d = math(r"\binom{n}{k}").find("m:d", NS)
    assert d.find("m:dPr/m:begChr", NS).get(f"{{{M_NS}}}val") == "("
    assert d.find("m:e/m:f/m:fPr/m:type", NS).get(f"{{{M_NS}}}val") == "noBar"


def test_square_and_cube_roots():
    rad = math(r"\sqrt{x}").find("m:rad", NS)
    assert rad.find("m:radPr/m:degHide", NS).get(f"{{{M_NS}}}val") == "1"
    assert text(rad.find("m:e", NS)) == "x"
    rad = math(r"\sqrt[3]{27}").find("m:rad", NS)
    assert text(rad.find("m:deg", NS)) == "3" and text(rad.find("m:e", NS)) == "27"


def test_scripts():
    assert names(math(r"\alpha^2")) == ["sSup"]
    sup = math(r"\alpha^2").find("m:sSup", NS)
    assert text(sup.find("m:e", NS)) == "α" and text(sup.find("m:sup", NS)) == "2"
    assert names(math("x_1")) == ["sSub"]
    sub_sup = math("x_1^2").find("m:sSubSup", NS)
    assert names(sub_sup) == ["e", "sub", "sup"]


@pytest.mark.parametrize(
    "tex, char, loc",
    [
        (r"\sum_{i=1}^{n} i", "∑", "subSup"),
        (r"\prod_{k=1}^{n} k", "∏", "subSup"),
        (r"\int_0^1 x\,dx", "∫", "subSup"),
    ],
)
def test_large_operators_take_their_limits_and_operand(tex, char, loc):
    nary = math(tex).find("m:nary", NS)
    assert nary.find("m:naryPr/m:chr", NS).get(f"{{{M_NS}}}val") == char
    assert nary.find("m:naryPr/m:limLoc", NS).get(f"{{{M_NS}}}val") == loc
    assert names(nary) == ["naryPr", "sub", "sup", "e"]
    assert text(nary.find("m:e", NS)).strip()


def test_sum_in_display_has_limits_under_and_over_and_stops_at_the_relation():
    root = omml(r"\sum_{i=1}^{n} i = \frac{n(n+1)}{2}", display=True)
    assert etree.QName(root).localname == "oMathPara"
    body = root.find("m:oMath", NS)
    assert names(body) == ["nary", "r", "f"]
    nary = body.find("m:nary", NS)
    assert nary.find("m:naryPr/m:limLoc", NS).get(f"{{{M_NS}}}val") == "undOvr"
    assert text(nary.find("m:sub", NS)) == "i=1"
    assert text(nary.find("m:e", NS)) == "i"


def test_operator_without_limits_hides_them():
    nary = math(r"\sum x_i").find("m:nary", NS)
    props = names(nary.find("m:naryPr", NS))
    assert "subHide" in props and "supHide" in props


def test_matrix_in_brackets():
    d = math(r"\begin{pmatrix}1 & 2\\ 3 & 4\end{pmatrix}").find("m:d", NS)
    m = d.find("m:e/m:m", NS)
    assert m.find("m:mPr/m:mcs/m:mc/m:mcPr/m:count", NS).get(f"{{{M_NS}}}val") == "2"
    rows = m.findall("m:mr", NS)
    assert [[text(e) for e in row.findall("m:e", NS)] for row in rows] == [["1", "2"], ["3", "4"]]
    assert d.find("m:dPr/m:endChr", NS).get(f"{{{M_NS}}}val") == ")"


def test_cases_open_brace_without_closer():
    d = math(r"\begin{cases} x & x>0 \\ -x & x \le 0 \end{cases}").find("m:d", NS)
    assert d.find("m:dPr/m:begChr", NS).get(f"{{{M_NS}}}val") == "{"
    assert d.find("m:dPr/m:endChr", NS).get(f"{{{M_NS}}}val") == ""
    assert d.find("m:e/m:m/m:mPr//m:mcJc", NS).get(f"{{{M_NS}}}val") == "left"


@pytest.mark.parametrize(
    "tex, begin, end",
    [
        (r"\left(\frac{a}{b}\right)", "(", ")"),
        (r"f(x)", "(", ")"),
        (r"[0, 1)", "[", ")"),
        (r"|x|", "|", "|"),
        (r"\left| x \right.", "|", ""),
        (r"\lVert v \rVert", "‖", "‖"),
        (r"\{a, b\}", "{", "}"),
    ],
)
def test_brackets_become_delimiters(tex, begin, end):
    d = math(tex).find(".//m:d", NS)
    assert d.find("m:dPr/m:begChr", NS).get(f"{{{M_NS}}}val") == begin
    assert d.find("m:dPr/m:endChr", NS).get(f"{{{M_NS}}}val") == end


def test_lone_bracket_stays_a_character():
    assert text(math("x)")) == "x)"
    assert math("(x").find(".//m:d", NS) is None


def test_functions_and_limits():
    func = math(r"\sin x").find("m:func", NS)
    assert text(func.find("m:fName", NS)) == "sin" and text(func.find("m:e", NS)) == "x"
    assert func.find("m:fName/m:r/m:rPr/m:sty", NS).get(f"{{{M_NS}}}val") == "p"
    func = math(r"\sin^2\theta").find("m:func", NS)
    assert func.find("m:fName/m:sSup", NS) is not None
    func = math(r"\lim_{x\to 0} \frac{\sin x}{x}").find("m:func", NS)
    low = func.find("m:fName/m:limLow", NS)
    assert text(low.find("m:e", NS)) == "lim" and text(low.find("m:lim", NS)) == "x→0"
    assert func.find("m:e/m:f", NS) is not None


@pytest.mark.parametrize(
    "tex, char",
    [
        (r"\hat{x}", "\u0302"),
        (r"\vec{v}", "\u20d7"),
        (r"\dot{x}", "\u0307"),
        (r"\tilde{a}", "\u0303"),
    ],
)
def test_accents(tex, char):
    acc = math(tex).find("m:acc", NS)
    assert acc.find("m:accPr/m:chr", NS).get(f"{{{M_NS}}}val") == char


@pytest.mark.parametrize(
    "tex, pos", [(r"\overline{AB}", "top"), (r"\bar{x}", "top"), (r"\underline{x}", "bot")]
)
def test_bars(tex, pos):
    bar = math(tex).find("m:bar", NS)
    assert bar.find("m:barPr/m:pos", NS).get(f"{{{M_NS}}}val") == pos


def test_braces_and_stacked():
    limupp = math(r"\overbrace{a+b}^{n}").find("m:limUpp", NS)
    assert limupp.find("m:e/m:groupChr/m:groupChrPr/m:chr", NS).get(f"{{{M_NS}}}val") == "⏞"
    assert names(math(r"\stackrel{?}{=}")) == ["limUpp"]


def test_greek_text_and_upright_names():
    body = math(r"\alpha + \beta = \Gamma \text{ if } \mathrm{kg}")
    runs = body.findall("m:r", NS)
    assert [text(r) for r in runs][:5] == ["α", "+", "β", "=", "Γ"]
    normal = [r for r in runs if r.find("m:rPr/m:nor", NS) is not None]
    assert [text(r) for r in normal] == ["\u00a0if\u00a0"]
    upright = [text(r) for r in runs if r.find("m:rPr/m:sty", NS) is not None]
    assert upright == ["k", "g"]


def test_spaces_and_boxes():
    assert text(math(r"a\,b\quad c")) == "a\u2009b\u2003c"
    assert math(r"\boxed{x}").find("m:borderBox", NS) is not None


def test_special_characters_are_escaped():
    assert text(math(r"a < b \& c")) == "a<b&c"


@pytest.mark.parametrize(
    "tex", [r"\frac{1}{", r"\notacommand", r"\cancel{x}", "{" * 3000 + "x" + "}" * 3000, "x" * 6000]
)
def test_unconvertible_formulas_raise(tex):
    with pytest.raises(MathConversionError):
        latex_to_omml(tex)


def test_conversions_are_cached():
    latex_to_omml.cache_clear()
    latex_to_omml(r"\frac{1}{2}")
    latex_to_omml(r"\frac{1}{2}")
    assert latex_to_omml.cache_info().hits == 1


def test_a_power_of_a_bracketed_group_is_a_power_of_the_whole_group():
    # latex2mathml puts the script on the ")" alone; Word's structure is sSup over m:d.
    xml = latex_to_omml("(1 + i)^{-n}")
    assert xml.startswith("<m:oMath><m:sSup><m:e><m:d>")
    assert "<m:sup><m:r><m:t>−</m:t></m:r><m:r><m:t>n</m:t></m:r></m:sup></m:sSup>" in xml
    assert latex_to_omml("[a, b]_{2}").startswith("<m:oMath><m:sSub><m:e><m:d>")


def test_a_star_is_the_asterisk_operator_and_a_trailing_sign_is_text():
    assert "<m:t>\u2217</m:t>" in latex_to_omml("t^{*}")
    xml = latex_to_omml("t =")
    assert xml.endswith("<m:r><m:rPr><m:nor/></m:rPr><m:t>=</m:t></m:r></m:oMath>"), xml
