"""Report text agrees in number: '1 unit', '2 units', never 'unit(s)'."""

from __future__ import annotations

from evaltools.wording import count


def test_count_agrees_with_its_number():
    assert count(1, "unit") == "1 unit" and count(2, "unit") == "2 units" and count(0, "month") == "0 months"
    assert count(1, "child", "children") == "1 child" and count(1234, "child", "children") == "1,234 children"
    assert count(3.0, "LA-year figure") == "3 LA-year figures"


def test_council_words_in_report_markdown_show_exactly_as_written():
    """A strategy's or local file's words go into report Markdown escaped: nbconvert
    renders them as written, with no HTML, script, emphasis, heading or list made from
    them, on one line."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    from evaltools.wording import md
    written = ("# Savings <script>alert(1)</script> | £ & $5 and $x$ *not* _counted_ \\ 1. "
               "<img src=x onerror=alert(2)> &amp; café 3+ (2024-25)\n- next line")
    html = markdown2html_mistune(f"- **{md(written)}**: a caveat")
    shown = ("# Savings &lt;script&gt;alert(1)&lt;/script&gt; | £ &amp; $5 and $x$ *not* _counted_ \\ 1. "
             "&lt;img src=x onerror=alert(2)&gt; &amp;amp; café 3+ (2024-25) - next line")
    assert html.strip() == f"<ul>\n<li><strong>{shown}</strong>: a caveat</li>\n</ul>"
    assert md("plain words, 54.7%") == "plain words, 54\\.7%"
