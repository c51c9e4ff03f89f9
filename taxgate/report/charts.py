"""The report's charts: matplotlib figures rendered to SVG strings for inlining in HTML.

Each chart is drawn from aggregate values of :mod:`taxgate.report.data` only, so a chart
cannot show more than the report's tables do. The figures are built with the object API
(``matplotlib.figure.Figure``), not pyplot, so no global backend or figure state is touched;
the style is applied in a ``rc_context``. Output is deterministic: a fixed ``svg.hashsalt``,
no date in the metadata, and text kept as text (``svg.fonttype = "none"``) in DejaVu Sans,
which ships with matplotlib, falling back to the reader's sans-serif font.

Data artists carry ids (``gid``) starting with ``data-``, and threshold lines ids starting
with ``threshold-``, so that a test can find them in the SVG.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import matplotlib
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, StrMethodFormatter
from matplotlib.typing import RcKeyType

from taxgate.report.data import CodeCount, Funnel, Quality, ReportData, WeightHistogram

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
COLOURS = {
    "RECEIVED": "#7a7a7a",
    "PASSED": "#56B4E9",
    "REJECTED": "#D55E00",
    "WITH_CANDIDATES": "#0072B2",
    "NO_CANDIDATE": "#CC79A7",
    "DISCLOSE": "#009E73",
    "REVIEW": "#E69F00",
    "NOT_DISCLOSED": "#0072B2",
    "BASELINE": "#999999",
    "TAXGATE": "#009E73",
}
DECISION_LABELS = {
    "DISCLOSE": "disclosed",
    "REVIEW": "review (held)",
    "NOT_DISCLOSED": "not disclosed",
    "REJECTED": "rejected",
}
STYLE: dict[RcKeyType, Any] = {
    "svg.hashsalt": "taxgate-report",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "legend.frameon": False,
}
MAX_CODES = 15  # the codes chart shows the most frequent; the table lists them all

_REFERENCE = re.compile(r'(\bid="|url\(#|href="#)([^")]+)')
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)


def render_svg(fig: Figure, *, chart_id: str, title: str) -> str:
    """The figure as an ``<svg>`` element for inlining, its ids prefixed with ``chart_id``.

    Several SVGs in one HTML page share one id space; matplotlib numbers ids per figure, so
    every id and every reference to one (``url(#...)``, ``href="#..."``) gets the prefix.
    """
    buffer = io.StringIO()
    with matplotlib.rc_context(STYLE):
        fig.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    text = buffer.getvalue()
    # The RDF metadata names the producer only; without it the page holds no URL at all
    # but the SVG namespaces.
    svg = _METADATA.sub("", text[text.index("<svg") :], count=1)
    svg = _REFERENCE.sub(lambda m: f"{m.group(1)}{chart_id}-{m.group(2)}", svg)
    label = html.escape(title, quote=True)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1).strip() + "\n"


def _count_axis(axis: Axis) -> None:
    """Whole-number ticks with thousands separators (20,000 rather than 20000 or 0.5)."""
    axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))


def _figure(width: float, height: float) -> Figure:
    with matplotlib.rc_context(STYLE):
        return Figure(figsize=(width, height), dpi=100, layout="constrained")


def funnel_chart(funnel: Funnel) -> str:
    """Horizontal stacked bars: received, screening, candidates, decision."""
    rows: list[tuple[str, list[tuple[str, str, int]]]] = [
        ("Received", [("received", "RECEIVED", funnel.received)]),
        (
            "Screening",
            [
                ("passed screening", "PASSED", funnel.passed),
                ("rejected", "REJECTED", funnel.rejected),
            ],
        ),
        (
            "Matching",
            [
                ("with candidates", "WITH_CANDIDATES", funnel.with_candidates),
                ("no candidate", "NO_CANDIDATE", funnel.no_candidate),
            ],
        ),
        (
            "Decision",
            [
                ("disclosed", "DISCLOSE", funnel.disclosed),
                ("review (held)", "REVIEW", funnel.review),
                ("not disclosed", "NOT_DISCLOSED", funnel.not_disclosed),
            ],
        ),
    ]
    with matplotlib.rc_context(STYLE):
        fig = _figure(9.0, 3.4)
        ax = fig.add_subplot()
        total = max(funnel.received, 1)
        for y, (_, segments) in enumerate(rows):
            left = 0
            for label, colour, count in segments:
                bar = ax.barh(
                    len(rows) - 1 - y,
                    count,
                    left=left,
                    color=COLOURS[colour],
                    edgecolor="white",
                    label=label if label != "received" else None,
                    hatch="//" if colour == "NOT_DISCLOSED" else None,
                )
                bar.patches[0].set_gid(f"data-funnel-{colour.lower()}")
                if count / total >= 0.06:
                    ax.text(
                        left + count / 2,
                        len(rows) - 1 - y,
                        f"{count:,}",
                        ha="center",
                        va="center",
                        color="black" if colour in ("PASSED", "REVIEW") else "white",
                        fontsize=9,
                        bbox={"boxstyle": "round,pad=0.15", "fc": "none", "ec": "none"},
                    )
                left += count
        ax.set_yticks(range(len(rows)), [name for name, _ in reversed(rows)])
        ax.set_xlim(0, total * 1.01)
        _count_axis(ax.xaxis)
        ax.set_xlabel("requests")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.28), ncol=7, fontsize=9)
    return render_svg(fig, chart_id="funnel", title="Funnel: requests by stage")


def codes_chart(codes: Sequence[CodeCount]) -> str:
    """Horizontal bars of the most frequent screening codes ('' when nothing was rejected)."""
    shown = list(codes[:MAX_CODES])
    if not shown:
        return ""
    with matplotlib.rc_context(STYLE):
        fig = _figure(9.0, 0.8 + 0.3 * len(shown))
        ax = fig.add_subplot()
        for y, code in enumerate(reversed(shown)):
            bar = ax.barh(y, code.requests, color=COLOURS["REJECTED"])
            bar.patches[0].set_gid(f"data-code-{code.code}")
            ax.text(code.requests, y, f" {code.requests:,}", va="center", fontsize=8)
        ax.set_yticks(range(len(shown)), [c.code for c in reversed(shown)], fontsize=8)
        ax.set_xlabel("requests carrying the code (a request may carry several)")
        ax.set_xlim(0, max(c.requests for c in shown) * 1.12)
        _count_axis(ax.xaxis)
    return render_svg(fig, chart_id="codes", title="Screening reason codes")


def weight_chart(weights: WeightHistogram) -> str:
    """Stacked histogram of match weights by decision, thresholds marked ('' if no weights)."""
    if not weights.edges:
        return ""
    edges = weights.edges
    lefts = edges[:-1]
    widths = [b - a for a, b in pairwise(edges)]
    with matplotlib.rc_context(STYLE):
        fig = _figure(9.0, 4.2)
        ax = fig.add_subplot()
        bottom = [0] * len(lefts)
        for decision, counts in weights.counts:
            bars = ax.bar(
                lefts,
                counts,
                width=widths,
                bottom=bottom,
                align="edge",
                color=COLOURS.get(decision, "#444444"),
                edgecolor="white",
                linewidth=0.4,
                label=DECISION_LABELS.get(decision, decision),
            )
            for index, patch in enumerate(bars.patches):
                if counts[index]:
                    patch.set_gid(f"data-weight-{decision.lower()}-{index}")
            bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
        for name, value, style in (
            ("review", weights.review_weight, ":"),
            ("disclose", weights.disclose_weight, "--"),
        ):
            line = ax.axvline(
                value,
                color="#222222",
                linestyle=style,
                linewidth=1.4,
                label=f"{name} threshold ({value:g} bits)",
            )
            line.set_gid(f"threshold-{name}")
        ax.set_xlabel("match weight (bits: log2 of the Bayes factor for 'same person')")
        ax.set_ylabel("requests")
        _count_axis(ax.yaxis)
        ax.set_xlim(edges[0], edges[-1])
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=5, fontsize=9)
    return render_svg(fig, chart_id="weights", title="Match-weight distribution by decision")


def quality_chart(quality: Quality) -> str:
    """Precision and recall, and harmful disclosures by kind: taxgate beside the baseline."""
    scores = (quality.baseline, quality.taxgate)
    colours = (COLOURS["BASELINE"], COLOURS["TAXGATE"])
    with matplotlib.rc_context(STYLE):
        fig = _figure(9.0, 3.4)
        left, right = fig.subplots(1, 2, width_ratios=(1, 2))
        for offset, (score, colour) in enumerate(zip(scores, colours, strict=True)):
            xs = [i + (offset - 0.5) * 0.38 for i in range(2)]
            bars = left.bar(
                xs, [score.precision, score.recall], width=0.38, color=colour, label=score.label
            )
            for patch, metric in zip(bars.patches, ("precision", "recall"), strict=True):
                patch.set_gid(f"data-quality-{metric}-{offset}")
            kinds = [k for k, _ in score.harmful]
            xs = [i + (offset - 0.5) * 0.38 for i in range(len(kinds))]
            bars = right.bar(
                xs, [n for _, n in score.harmful], width=0.38, color=colour, label=score.label
            )
            for patch, kind in zip(bars.patches, kinds, strict=True):
                patch.set_gid(f"data-harm-{kind}-{offset}")
        left.set_xticks(range(2), ["precision", "recall"])
        left.set_ylim(0, 1.05)
        left.set_title("share (higher is better)")
        kinds = [k for k, _ in quality.taxgate.harmful]
        right.set_xticks(range(len(kinds)), [k.replace("_", "\n") for k in kinds], fontsize=8)
        right.set_title("harmful disclosures (lower is better)")
        right.legend(loc="upper right", fontsize=9)
    return render_svg(fig, chart_id="quality", title="taxgate beside the 2025 baseline")


@dataclass(frozen=True)
class ReportCharts:
    """The report's charts as ``<svg>`` strings ('' for a chart with nothing to show)."""

    funnel: str
    codes: str
    weights: str
    quality: str = ""


def draw_charts(data: ReportData) -> ReportCharts:
    """Every chart of the report for ``data``."""
    return ReportCharts(
        funnel=funnel_chart(data.funnel),
        codes=codes_chart(data.rejection_codes),
        weights=weight_chart(data.weights),
        quality="" if data.quality is None else quality_chart(data.quality),
    )
