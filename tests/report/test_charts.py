"""charts: each chart is valid SVG with plotted, non-empty data, and the same bytes each time."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace

from taxgate.report.charts import (
    codes_chart,
    draw_charts,
    funnel_chart,
    quality_chart,
    weight_chart,
)
from taxgate.report.data import Funnel

from .samples import sample_quality, sample_report_data
from .svgcheck import marked_extents, svg_blocks


def plotted(svg: str) -> dict[str, tuple[float, float]]:
    """Data elements with both a width and a height."""
    return {k: v for k, v in marked_extents(svg, "-data-").items() if v[0] > 0 and v[1] > 0}


def test_funnel_chart_draws_every_non_empty_segment() -> None:
    svg = funnel_chart(sample_report_data().funnel)
    ET.fromstring(svg)
    names = {k.removeprefix("funnel-data-funnel-") for k in plotted(svg)}
    assert names == {
        "received",
        "passed",
        "rejected",
        "with_candidates",
        "no_candidate",
        "disclose",
        "review",
        "not_disclosed",
    }
    assert 'role="img"' in svg and "aria-label=" in svg


def test_funnel_of_an_empty_batch_still_renders() -> None:
    svg = funnel_chart(Funnel(0, 0, 0, 0, 0, 0, 0, 0))
    ET.fromstring(svg)
    assert plotted(svg) == {}


def test_codes_chart_has_one_bar_per_code_and_nothing_without_rejections() -> None:
    data = sample_report_data()
    svg = codes_chart(data.rejection_codes)
    assert {k.removeprefix("codes-data-code-") for k in plotted(svg)} == {
        "ADDRESS_PLACEHOLDER",
        "DUPLICATE",
    }
    assert codes_chart(()) == ""


def test_weight_chart_stacks_decisions_and_marks_both_thresholds() -> None:
    weights = sample_report_data().weights
    svg = weight_chart(weights)
    bars = plotted(svg)
    decisions = {k.split("-")[3] for k in bars}
    assert decisions == {"disclose", "review", "not_disclosed"}
    assert len(bars) == sum(1 for _, counts in weights.counts for n in counts if n)
    thresholds = marked_extents(svg, "-threshold-")
    assert set(thresholds) == {"weights-threshold-review", "weights-threshold-disclose"}
    # A threshold is a vertical line: no width, some height.
    assert all(w == 0 and h > 0 for w, h in thresholds.values())
    assert "review threshold (10 bits)" in svg and "disclose threshold (20 bits)" in svg
    assert weight_chart(replace(weights, edges=(), counts=())) == ""


def test_quality_chart_sets_the_baseline_beside_taxgate() -> None:
    svg = quality_chart(sample_quality())
    bars = plotted(svg)
    assert {k for k in bars if "precision" in k or "recall" in k} == {
        f"quality-data-quality-{m}-{i}" for m in ("precision", "recall") for i in (0, 1)
    }
    assert "quality-data-harm-invalid_request-0" in bars
    assert "2025 baseline" in svg and "taxgate" in svg


def test_charts_are_deterministic_and_their_ids_do_not_collide() -> None:
    data = sample_report_data()
    first, second = draw_charts(data), draw_charts(data)
    assert first == second
    page = "\n".join([first.funnel, first.codes, first.weights, first.quality])
    assert len(svg_blocks(page)) == 4
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    referenced = set(re.findall(r'(?:url\(#|href="#)([^")]+)', page))
    assert referenced <= set(ids)


def test_charts_carry_no_date_and_load_nothing() -> None:
    charts = draw_charts(sample_report_data())
    for svg in (charts.funnel, charts.codes, charts.weights, charts.quality):
        assert "<dc:date>" not in svg
        assert not re.search(r'(?:href|src)="(?:https?:|//)', svg)
        assert "<?xml" not in svg and "<!DOCTYPE" not in svg
