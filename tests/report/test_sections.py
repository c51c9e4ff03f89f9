"""sections: the page has every section, explains itself, and escapes every value."""

from __future__ import annotations

import re
from dataclasses import replace

from taxgate.report.charts import ReportCharts, draw_charts
from taxgate.report.sections import render_report

from .samples import sample_report_data

NO_CHARTS = ReportCharts(funnel="", codes="", weights="", quality="")
SECTIONS = ("batch", "funnel", "screening", "weights", "review", "not-disclosed", "flags", "ledger")


def test_every_section_is_there_with_a_heading_and_an_explanation() -> None:
    data = sample_report_data()
    html = render_report(data, draw_charts(data))
    for anchor in (*SECTIONS, "quality"):
        section = re.search(rf'<section id="{anchor}">(.*?)</section>', html, re.DOTALL)
        assert section is not None, anchor
        assert "<h2>" in section.group(1) and 'class="lead"' in section.group(1), anchor
        assert f'href="#{anchor}"' in html
    assert html.count("<svg") == 4
    assert "review threshold" in html and "disclosure threshold" in html
    assert "no taxpayer data" in html


def test_the_numbers_shown_are_the_data() -> None:
    html = render_report(sample_report_data(), NO_CHARTS)
    assert "3,000" in html and "1,863" in html and "29.6 %" in html
    assert "<code>R272</code> (request_id)" in html
    assert "<code>TIN_CONFLICT</code>" in html and "R113" in html
    assert "ab" * 32 in html and "fs-0f9b" in html and "policy-1" in html
    assert "0.9900" in html and "0.7200" in html


def test_without_truth_there_is_no_quality_section() -> None:
    html = render_report(sample_report_data(quality=None), NO_CHARTS)
    assert 'id="quality"' not in html and 'href="#quality"' not in html


def test_every_value_is_escaped() -> None:
    data = sample_report_data()
    hostile = "<script>alert(1)</script>"
    data = replace(
        data,
        batch=replace(data.batch, batch_id=hostile, requester="A&B"),
        flags=(replace(data.flags[0], flag=hostile, rule="`<b>` & <i>"),),
        review_reasons=(replace(data.review_reasons[0], example_request_id='"><img src=x>'),),
    )
    html = render_report(data, NO_CHARTS)
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "A&amp;B" in html
    assert "<code>&lt;b&gt;</code> &amp; &lt;i&gt;" in html


def test_a_failed_verification_names_the_first_bad_entry() -> None:
    data = sample_report_data()
    ledger = replace(
        data.ledger, verified=False, message="entry 41 was altered", first_bad_index=41
    )
    html = render_report(replace(data, ledger=ledger), NO_CHARTS)
    assert "ledger verification FAILED" in html
    assert "entry 41 was altered" in html and "First bad entry: 41." in html
    assert "ledger verified" not in html


def test_an_amended_agreement_is_pointed_out() -> None:
    html = render_report(sample_report_data(current_agreement_version="2026.01.01-2"), NO_CHARTS)
    assert "now version 2026.01.01-2" in html


def test_empty_sections_say_so() -> None:
    data = sample_report_data(rejection_codes=(), review_reasons=(), flags=(), quality=None)
    data = replace(data, weights=replace(data.weights, edges=(), counts=(), bands=()))
    html = render_report(data, NO_CHARTS)
    assert "No request was rejected." in html and "No batch flag was raised." in html
    assert "None in this batch." in html and "there is no weight to show" in html
