"""HTML from Moodle's editor as qbank Markdown (qbank.importing.html2md): each tag of the
allow-list, math kept as math, text escaped so it shows as written, templates defused.
Each result is read back by qbank's own Markdown parser where it matters."""

from __future__ import annotations

import pytest

from qbank.importing.html2md import html_to_markdown, plain_to_markdown


def md(html: str) -> str:
    return html_to_markdown(html).markdown


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("<p>one</p><p>two</p>", "one\n\ntwo"),
        ("<p>a<br>b</p>", "a\\\nb"),
        ("<p><strong>bold</strong> <b>b</b> <em>it</em> <i>i</i></p>", "**bold** **b** *it* *i*"),
        ("<p>H<sub>2</sub>O x<sup>2</sup> <u>u</u></p>", "H<sub>2</sub>O x<sup>2</sup> <u>u</u>"),
        ("<p>run <code>ls -l</code></p>", "run `ls -l`"),
        ("<pre>if x:\n    y()</pre>", "```\nif x:\n    y()\n```"),
        ("<ul><li>a</li><li>b</li></ul>", "- a\n- b"),
        ("<ol><li>a</li><li>b</li></ol>", "1. a\n2. b"),
        ('<p><a href="https://x.org/a b">site</a></p>', "[site](https://x.org/a%20b)"),
        ("<table><tr><th>a</th><th style='text-align:right'>b</th></tr>"
         "<tr><td>1</td><td>2</td></tr></table>", "| a | b |\n|---|---:|\n| 1 | 2 |"),
        # math stays math, whatever Markdown would make of it
        (r"<p>\(a_1 * b_2\) and \[x^2\] and $$\frac{1}{2}$$</p>",
         r"\(a_1 * b_2\) and \[x^2\] and $$\frac{1}{2}$$"),
        ("<p>[tex]x^2[/tex]</p>", r"\(x^2\)"),
        # text that Markdown or the template would read is escaped
        ("<p>costs $5 *now* # 1</p>", r"costs \$5 \*now\* # 1"),
        ("<p>{{ name }} {% if %} {#c#}</p>", "{{ '{' }}{ name }} {{ '{' }}% if %} {{ '{' }}#c#}"),
        ("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>", "\\<script>alert(1)\\</script>"),
        ("<script>alert(1)</script><p>kept</p>", "kept"),
    ],
)  # fmt: skip
def test_conversion(html, markdown):
    assert md(html) == markdown


def test_lost_things_are_named():
    converted = html_to_markdown(
        '<p><span style="color:red">red</span> <a href="javascript:x()">x</a> <mark>m</mark></p>'
    )
    assert converted.markdown == "red x m"
    assert any("colours" in w for w in converted.lost)
    assert any("javascript:" in w for w in converted.lost)
    assert any("<mark>" in w for w in converted.lost)


def test_images_use_the_name_given():
    converted = html_to_markdown(
        '<p><img src="@@PLUGINFILE@@/a%20b.png" alt="A [graph]"></p>',
        lambda src: "bank-files/a-b.png",
    )
    assert converted.markdown == "![A \\[graph\\]](bank-files/a-b.png)"
    missing = html_to_markdown('<p><img src="https://x/y.png" alt="remote"></p>')
    assert missing.markdown == "remote" and "remote" not in missing.lost[0]


def test_plain_text_keeps_lines():
    assert plain_to_markdown("a\nb\n\nc *d*") == "a\\\nb\n\nc \\*d\\*"


def test_markdown_reads_back_as_the_text():
    from qbank.richtext import parse_block, plain_text

    text = md("<p>costs $5 and 3 * 4 = 12, a_b_c, [x](y)</p>")
    assert plain_text(parse_block(text)) == "costs $5 and 3 * 4 = 12, a_b_c, [x](y)"
