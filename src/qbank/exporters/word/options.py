"""The options of the Word worksheets, declared once: every format that prints worksheets
(Word today, PDF made from them later) lists these same objects."""

from __future__ import annotations

from ..base import Option

DUPLEX = Option("duplex", "--duplex", is_flag=True, default=False,
                help="Word: start every version on an odd page, for double-sided printing.")
SHUFFLE = Option("shuffle", "--shuffle", is_flag=True, default=False, content=True,
                 help="Word: shuffle question order and multiple-choice options per version.")
DOCX_TEMPLATE = Option("docx_template", "--docx-template", path=True,
                       help="Word: your own .docx to take styles from (letterhead, fonts).")

WORKSHEET_OPTIONS = (DUPLEX, SHUFFLE, DOCX_TEMPLATE)
