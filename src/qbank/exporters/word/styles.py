"""The Word styles worksheets and keys use, added to the base document when missing.

Everything on a worksheet is formatted through named styles (Title, Heading 1, Table
Grid, and qbank's own "Question", "Choice", "Writing Line", ...), so a teacher restyles a
whole stack of worksheets by changing one style. With ``--docx-template`` the teacher's
styles win: a style the template already has is used as it is, and only missing ones
are added (based on the template's Normal, so they take its fonts). Without a template,
the built-in styles are given qbank's plain, printable look.
"""

from __future__ import annotations

from dataclasses import dataclass

from docx.oxml import parse_xml

from .wordml import W_NS

_W = f'xmlns:w="{W_NS}"'
GRAY = "595959"


@dataclass(frozen=True)
class StyleSpec:
    name: str
    kind: str  # paragraph, character or table
    body: str  # the style's XML after <w:name>; {Name} placeholders are other style ids
    builtin: bool = False


# Twips (1/20 pt) used below: 454 = 0.8 cm, the hanging indent of question numbers.
SPECS: tuple[StyleSpec, ...] = (
    StyleSpec(
        "Title",
        "paragraph",
        builtin=True,
        body=(
            '<w:basedOn w:val="{Normal}"/><w:next w:val="{Normal}"/><w:uiPriority w:val="10"/>'
            '<w:qFormat/><w:pPr><w:spacing w:before="0" w:after="40" w:line="240" '
            'w:lineRule="auto"/><w:contextualSpacing/></w:pPr>'
            '<w:rPr><w:b/><w:bCs/><w:kern w:val="28"/>'
            '<w:sz w:val="40"/><w:szCs w:val="40"/></w:rPr>'
        ),
    ),
    StyleSpec(
        "Subtitle",
        "paragraph",
        builtin=True,
        body=(
            '<w:basedOn w:val="{Normal}"/><w:next w:val="{Normal}"/><w:uiPriority w:val="11"/>'
            '<w:qFormat/><w:pPr><w:spacing w:before="0" w:after="160"/></w:pPr>'
            f'<w:rPr><w:color w:val="{GRAY}"/><w:sz w:val="26"/><w:szCs w:val="26"/></w:rPr>'
        ),
    ),
    StyleSpec(
        "Heading 1",
        "paragraph",
        builtin=True,
        body=(
            '<w:basedOn w:val="{Normal}"/><w:next w:val="{Normal}"/><w:uiPriority w:val="9"/>'
            "<w:qFormat/><w:pPr><w:keepNext/><w:keepLines/>"
            '<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="A6A6A6"/></w:pBdr>'
            '<w:spacing w:before="320" w:after="80"/><w:outlineLvl w:val="0"/></w:pPr>'
            '<w:rPr><w:b/><w:bCs/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>'
        ),
    ),
    StyleSpec(
        "Heading 2",
        "paragraph",
        builtin=True,
        body=(
            '<w:basedOn w:val="{Normal}"/><w:next w:val="{Normal}"/><w:uiPriority w:val="9"/>'
            '<w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="200" '
            'w:after="60"/><w:outlineLvl w:val="1"/></w:pPr>'
            '<w:rPr><w:b/><w:bCs/><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr>'
        ),
    ),
    StyleSpec(
        "Footer",
        "paragraph",
        builtin=True,
        body=(
            '<w:basedOn w:val="{Normal}"/><w:uiPriority w:val="99"/><w:pPr>'
            '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
            f'<w:rPr><w:color w:val="{GRAY}"/><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>'
        ),
    ),
    StyleSpec(
        "Table Grid",
        "table",
        builtin=True,
        body=(
            '<w:basedOn w:val="{TableNormal}"/><w:uiPriority w:val="59"/>'
            '<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
            "<w:tblPr><w:tblBorders>"
            + "".join(
                f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
                for side in ("top", "left", "bottom", "right", "insideH", "insideV")
            )
            + '</w:tblBorders><w:tblCellMar><w:top w:w="40" w:type="dxa"/>'
            '<w:left w:w="100" w:type="dxa"/><w:bottom w:w="40" w:type="dxa"/>'
            '<w:right w:w="100" w:type="dxa"/></w:tblCellMar></w:tblPr>'
        ),
    ),
    # qbank's own paragraph styles
    StyleSpec(
        "Student Details",
        "paragraph",
        body=(
            '<w:basedOn w:val="{Normal}"/><w:uiPriority w:val="20"/><w:qFormat/><w:pPr>'
            '<w:spacing w:before="200" w:after="60"/></w:pPr>'
        ),
    ),
    StyleSpec(
        "Version Line",
        "paragraph",
        body=(
            '<w:basedOn w:val="{Normal}"/><w:uiPriority w:val="20"/><w:pPr>'
            '<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="4" w:color="A6A6A6"/></w:pBdr>'
            '<w:spacing w:before="60" w:after="160"/></w:pPr>'
            f'<w:rPr><w:color w:val="{GRAY}"/><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr>'
        ),
    ),
    StyleSpec(
        "Instructions",
        "paragraph",
        body=(
            '<w:basedOn w:val="{Normal}"/><w:uiPriority w:val="20"/><w:qFormat/><w:pPr>'
            '<w:spacing w:before="0" w:after="120"/></w:pPr><w:rPr><w:i/><w:iCs/></w:rPr>'
        ),
    ),
    StyleSpec(
        "Reading Passage",
        "paragraph",
        body=(
            '<w:basedOn w:val="{Normal}"/><w:uiPriority w:val="20"/><w:qFormat/><w:pPr>'
            '<w:pBdr><w:left w:val="single" w:sz="18" w:space="8" w:color="BFBFBF"/></w:pBdr>'
            '<w:spacing w:before="0" w:after="100"/><w:ind w:left="227" w:right="227"/>'
            '<w:jc w:val="both"/></w:pPr>'
        ),
    ),
    StyleSpec(
        "Question Text",
        "paragraph",
        body=(
            '<w:basedOn w:val="{Normal}"/><w:uiPriority w:val="20"/><w:qFormat/><w:pPr>'
            '<w:keepNext/><w:keepLines/><w:spacing w:before="0" w:after="80"/>'
            '<w:ind w:left="454"/></w:pPr>'
        ),
    ),
    StyleSpec(
        "Question",
        "paragraph",
        body=(
            '<w:basedOn w:val="{Normal}"/><w:next w:val="{QuestionText}"/>'
            '<w:uiPriority w:val="20"/>'
            "<w:qFormat/><w:pPr><w:keepNext/><w:keepLines/>"
            '<w:tabs><w:tab w:val="left" w:pos="454"/></w:tabs>'
            '<w:spacing w:before="220" w:after="80"/><w:ind w:left="454" w:hanging="454"/></w:pPr>'
        ),
    ),
    StyleSpec(
        "Choice",
        "paragraph",
        body=(
            '<w:basedOn w:val="{Normal}"/><w:uiPriority w:val="20"/><w:qFormat/><w:pPr>'
            '<w:keepNext/><w:keepLines/><w:tabs><w:tab w:val="left" w:pos="851"/></w:tabs>'
            '<w:spacing w:before="0" w:after="40"/><w:ind w:left="851" w:hanging="397"/></w:pPr>'
        ),
    ),
    StyleSpec(
        "Answer Line",
        "paragraph",
        body=(
            '<w:basedOn w:val="{Normal}"/><w:uiPriority w:val="20"/><w:pPr><w:keepLines/>'
            '<w:spacing w:before="160" w:after="80"/><w:ind w:left="454"/></w:pPr>'
        ),
    ),
    StyleSpec(
        "Writing Line",
        "paragraph",
        body=(
            '<w:basedOn w:val="{Normal}"/><w:uiPriority w:val="20"/><w:pPr>'
            '<w:spacing w:before="0" w:after="0" w:line="454" w:lineRule="exact"/>'
            '<w:ind w:left="454"/></w:pPr>'
            '<w:rPr><w:color w:val="A6A6A6"/></w:rPr>'
        ),
    ),
    StyleSpec(
        "Working Space",
        "paragraph",
        body=(
            '<w:basedOn w:val="{Normal}"/><w:uiPriority w:val="20"/><w:pPr><w:keepNext/>'
            '<w:spacing w:before="0" w:after="0" w:line="1440" w:lineRule="exact"/>'
            '<w:ind w:left="454"/></w:pPr>'
        ),
    ),
    StyleSpec(
        "Table Text",
        "paragraph",
        body=(
            '<w:basedOn w:val="{Normal}"/><w:uiPriority w:val="20"/><w:pPr>'
            '<w:spacing w:before="20" w:after="20" w:line="240" w:lineRule="auto"/></w:pPr>'
        ),
    ),
    StyleSpec(
        "Table Heading",
        "paragraph",
        body=(
            '<w:basedOn w:val="{TableText}"/><w:uiPriority w:val="20"/><w:pPr><w:keepNext/></w:pPr>'
            "<w:rPr><w:b/><w:bCs/></w:rPr>"
        ),
    ),
    StyleSpec(
        "Key Working",
        "paragraph",
        body=(
            '<w:basedOn w:val="{TableText}"/><w:uiPriority w:val="20"/>'
            f'<w:rPr><w:color w:val="{GRAY}"/><w:sz w:val="19"/><w:szCs w:val="19"/></w:rPr>'
        ),
    ),
    StyleSpec(
        "Marking Grid",
        "paragraph",
        body=(
            '<w:basedOn w:val="{TableText}"/><w:uiPriority w:val="20"/><w:pPr>'
            '<w:spacing w:before="0" w:after="0"/><w:jc w:val="center"/></w:pPr>'
            '<w:rPr><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr>'
        ),
    ),
    StyleSpec(
        "Compact Key",
        "paragraph",
        body=(
            '<w:basedOn w:val="{TableText}"/><w:uiPriority w:val="20"/><w:pPr>'
            '<w:spacing w:before="0" w:after="0"/></w:pPr>'
            '<w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>'
        ),
    ),
    StyleSpec(
        "Code Block",
        "paragraph",
        body=(
            '<w:basedOn w:val="{Normal}"/><w:uiPriority w:val="20"/><w:pPr><w:keepLines/>'
            '<w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/>'
            '<w:spacing w:before="40" w:after="100" w:line="240" w:lineRule="auto"/></w:pPr>'
            '<w:rPr><w:rFonts w:ascii="Courier New" w:hAnsi="Courier New" w:cs="Courier New"/>'
            '<w:sz w:val="19"/><w:szCs w:val="19"/></w:rPr>'
        ),
    ),
    # qbank's own character styles
    StyleSpec(
        "Question Number",
        "character",
        body=('<w:uiPriority w:val="20"/><w:rPr><w:b/><w:bCs/></w:rPr>'),
    ),
    StyleSpec(
        "Points",
        "character",
        body=(
            f'<w:uiPriority w:val="20"/><w:rPr><w:i/><w:iCs/><w:color w:val="{GRAY}"/>'
            '<w:sz w:val="19"/><w:szCs w:val="19"/></w:rPr>'
        ),
    ),
    StyleSpec(
        "Key Answer", "character", body=('<w:uiPriority w:val="20"/><w:rPr><w:b/><w:bCs/></w:rPr>')
    ),
)


def _internal(name: str) -> str:
    """The name Word stores for a built-in style ("heading 1" for "Heading 1")."""
    return name.lower() if name.startswith(("Heading ", "Footer", "Header")) else name


class StyleSheet:
    """The style ids to write into paragraphs, after making sure every style exists."""

    def __init__(self, document, *, restyle_builtins: bool) -> None:
        self._root = document.styles.element
        self._by_name = {}
        for style in self._root.findall(f"{{{W_NS}}}style"):
            name = style.find(f"{{{W_NS}}}name")
            if name is not None:
                self._by_name[name.get(f"{{{W_NS}}}val").lower()] = style
        self.ids: dict[str, str] = {}
        self.ids["Normal"] = self._default_id("paragraph", "Normal")
        self.ids["TableNormal"] = self._default_id("table", "TableNormal")
        for spec in SPECS:
            self._ensure(spec, restyle_builtins)

    def __getitem__(self, name: str) -> str:
        return self.ids[name]

    def tab_positions(self, name: str) -> list[str]:
        """The tab stops a paragraph style sets (to clear them where qbank sets its own)."""
        style = self._by_name.get(_internal(name).lower())
        if style is None:
            return []
        return [
            tab.get(f"{{{W_NS}}}pos")
            for tab in style.iter(f"{{{W_NS}}}tab")
            if tab.get(f"{{{W_NS}}}pos")
        ]

    def _default_id(self, kind: str, fallback: str) -> str:
        for style in self._root.findall(f"{{{W_NS}}}style"):
            default = style.get(f"{{{W_NS}}}default") in ("1", "true")
            if default and style.get(f"{{{W_NS}}}type") == kind:
                return style.get(f"{{{W_NS}}}styleId")
        return fallback

    def _placeholders(self) -> dict[str, str]:
        return {key.replace(" ", ""): value for key, value in self.ids.items()} | {
            "QuestionText": self.ids.get("Question Text", "QuestionText"),
            "TableText": self.ids.get("Table Text", "TableText"),
        }

    def _ensure(self, spec: StyleSpec, restyle_builtins: bool) -> None:
        existing = self._by_name.get(_internal(spec.name).lower())
        if existing is not None and not (restyle_builtins and spec.builtin):
            self.ids[spec.name] = existing.get(f"{{{W_NS}}}styleId")
            return
        style_id = (
            existing.get(f"{{{W_NS}}}styleId")
            if existing is not None
            else self._free_id(spec.name.replace(" ", ""))
        )
        self.ids[spec.name] = style_id
        custom = "" if spec.builtin else ' w:customStyle="1"'
        body = spec.body.format(**self._placeholders())
        element = parse_xml(
            f'<w:style {_W} w:type="{spec.kind}"{custom} w:styleId="{style_id}">'
            f'<w:name w:val="{_internal(spec.name)}"/>{body}</w:style>'
        )
        if existing is not None:
            existing.addprevious(element)
            self._root.remove(existing)
        else:
            self._root.append(element)
        self._by_name[_internal(spec.name).lower()] = element

    def _free_id(self, wanted: str) -> str:
        taken = {s.get(f"{{{W_NS}}}styleId") for s in self._root.findall(f"{{{W_NS}}}style")}
        candidate, n = wanted, 1
        while candidate in taken:
            n += 1
            candidate = f"{wanted}{n}"
        return candidate
