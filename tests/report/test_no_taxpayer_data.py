"""No taxpayer data in the report: every TIN, street, name, city and date of birth of the
master file and of the requests is looked for in the report's bytes, and none is there.

Names and cities are matched as whole words, case-sensitively as written in the data and in
upper case, for every part of four letters or more (shorter parts, such as LI or NG, occur
inside any text). TINs are matched as whole digit runs and in the 3-2-4 form; streets as
exact strings and in upper case; dates of birth as ISO dates.

The report's own words are not taxpayer data and are skipped: the placeholders the reason
codes quote (a request named UNKNOWN is rejected with NAME_PLACEHOLDER, whose meaning lists
UNKNOWN), and the words of the report's template ("Code", "Rows" are surnames too in a large
enough world), taken from a report rendered from hand-made values.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from pathlib import Path

import pyarrow.parquet as pq

from taxgate.report.charts import draw_charts
from taxgate.report.sections import render_report
from taxgate.screening.codes import ReasonCode

from .conftest import BatchWorld
from .samples import sample_report_data

# The reason codes' own text, which the report quotes, and the report's template text.
CODE_TEXT = " ".join(c.meaning for c in ReasonCode).upper()
_SAMPLE = sample_report_data()
OWN_WORDS = set(re.findall(r"[^\W\d_]+", CODE_TEXT)) | set(
    re.findall(r"[^\W\d_]+", render_report(_SAMPLE, draw_charts(_SAMPLE)))
)


def column(path: Path, name: str) -> list[str]:
    return [v for v in pq.read_table(path, columns=[name]).column(name).to_pylist() if v]


def request_values(world: Path, *names: str) -> list[str]:
    with (world / "requests.csv").open(encoding="utf-8", newline="") as handle:
        return [row[n] for row in csv.DictReader(handle) for n in names if row.get(n)]


def word_parts(values: Iterable[str]) -> set[str]:
    parts = {p for v in values for p in re.findall(r"[^\W\d_]+", v) if len(p) >= 4}
    return parts | {p.upper() for p in parts}


class Leaks:
    """What of the taxpayer data a text contains."""

    def __init__(self, batch_world: BatchWorld) -> None:
        master = batch_world.world / "master"
        filings, taxpayers = master / "filings.parquet", master / "taxpayers.parquet"
        world = batch_world.world
        self.tins = set(column(taxpayers, "tin")) | set(column(filings, "tin"))
        self.tins |= {re.sub(r"\D", "", t) for t in request_values(world, "tin")} - {""}
        self.streets = set(column(filings, "street")) | set(request_values(world, "street"))
        self.streets |= {s.upper() for s in self.streets}
        self.streets |= set(request_values(world, "address"))
        names = column(filings, "last_name") + column(filings, "first_name")
        names += request_values(world, "first_name", "middle_name", "last_name")
        self.words = word_parts(names) | word_parts(column(filings, "city"))
        self.words |= word_parts(request_values(world, "city"))
        self.births = set(column(taxpayers, "date_of_birth"))
        self.births |= set(request_values(world, "date_of_birth"))
        self.streets = {s for s in self.streets if s.upper() not in CODE_TEXT}
        self.words = {w for w in self.words if w.upper() not in OWN_WORDS and w not in OWN_WORDS}

    def found(self, text: str, *, allowed_dates: set[str]) -> dict[str, list[str]]:
        digit_runs = set(re.findall(r"\d+", text))
        words = set(re.findall(r"[^\W\d_]+", text))
        return {
            "tin": sorted(
                t for t in self.tins if t in digit_runs or f"{t[:3]}-{t[3:5]}-{t[5:]}" in text
            ),
            "street": sorted(s for s in self.streets if len(s) >= 6 and s in text),
            "name or city": sorted(self.words & words),
            "date of birth": sorted(d for d in self.births - allowed_dates if d in text),
        }


def test_no_taxpayer_data_anywhere_in_the_report(
    report_file: Path, batch_world: BatchWorld
) -> None:
    leaks = Leaks(batch_world)
    assert len(leaks.tins) >= 2_000 and len(leaks.streets) >= 1_000
    assert len(leaks.words) >= 500 and len(leaks.births) >= 1_000
    text = report_file.read_bytes().decode("utf-8")
    batch_dates = set(re.findall(r"\b20\d\d-\d\d-\d\d\b", text))
    # The dates a report may show are the batch's own (request, as-of, commit, checkpoint,
    # generation); none of them is a taxpayer's birthday in this world.
    assert len(batch_dates) <= 6
    found = leaks.found(text, allowed_dates=set())
    assert found == {"tin": [], "street": [], "name or city": [], "date of birth": []}


def test_the_scan_would_see_a_leak(report_file: Path, batch_world: BatchWorld) -> None:
    leaks = Leaks(batch_world)
    tin, street, word = sorted(leaks.tins)[0], sorted(leaks.streets)[-1], sorted(leaks.words)[0]
    birth = sorted(leaks.births)[0]
    planted = report_file.read_text(encoding="utf-8") + f"<td>{tin} {street} {word} {birth}</td>"
    found = leaks.found(planted, allowed_dates=set())
    assert tin in found["tin"] and street in found["street"]
    assert word in found["name or city"] and birth in found["date of birth"]
