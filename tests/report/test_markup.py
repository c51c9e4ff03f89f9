"""markup: escaping, tables, and a page that loads nothing from elsewhere."""

from __future__ import annotations

import re

from taxgate.report.markup import count, esc, esc_rule, figure, page, percent, table


def test_esc_escapes_markup_and_quotes() -> None:
    assert esc('<script>alert("x")</script> & \'') == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;"
    )
    assert esc(None) == "" and esc(3) == "3"


def test_esc_rule_shows_backticked_names_as_code_after_escaping() -> None:
    assert esc_rule("share `screening.x` < 1") == "share <code>screening.x</code> &lt; 1"
    assert esc_rule("`<b>`") == "<code>&lt;b&gt;</code>"


def test_numbers() -> None:
    assert count(1234567) == "1,234,567"
    assert percent(1, 3) == "33.3 %" and percent(1, 0) == ""


def test_table_right_aligns_numeric_columns() -> None:
    html = table(("name", "n"), [("a", "1"), ("b", "2")], numeric=(1,))
    assert '<th class="num">n</th>' in html and '<td class="num">2</td>' in html
    assert html.count("<tr>") == 3


def test_table_headers_are_escaped() -> None:
    assert "&lt;h&gt;" in table(("<h>",), [])


def test_figure_is_empty_without_a_chart() -> None:
    assert figure("", "caption") == ""
    assert "<figcaption>a &amp; b</figcaption>" in figure("<svg></svg>", "a & b")


def test_page_is_self_contained() -> None:
    html = page("T <1>", "<p>body</p>", footer="f")
    assert html.startswith("<!DOCTYPE html>") and "<title>T &lt;1&gt;</title>" in html
    assert "<style>" in html and "<script" not in html and "<link" not in html
    assert not re.search(r"@import|url\(|https?:", html)
