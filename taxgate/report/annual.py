"""The §6103(p)(3)(C) annual statistics as CSV or as a self-contained HTML page.

§6103(p)(3)(C) asks for annual figures per requesting agency: the number of requests, the
instances of disclosure, the taxpayers affected, and the general purposes of the requests.
The numbers come from the ledger (:func:`taxgate.ledger.accounting.disclosure_statistics`);
this module only lays them out. Like the figures, the output holds no taxpayer data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from enum import StrEnum

from taxgate.agreement import Agreement
from taxgate.errors import InputError
from taxgate.ledger.accounting import AgencyStatistics, disclosure_statistics
from taxgate.report.markup import count, esc, page, table
from taxgate.spreadsheet_csv import rows_to_csv
from taxgate.store import Store


class StatisticsFormat(StrEnum):
    """Formats of the annual statistics."""

    CSV = "csv"  # one row per agency, every field, a header row
    HTML = "html"  # a self-contained page for publication


def purpose_names(agreement: Agreement | None) -> dict[str, str]:
    """Statute key → citation, for the agreement's qualifying statutes."""
    if agreement is None:
        return {}
    return {s.key: s.citation for s in agreement.statutes}


def statistics_csv(stats: Sequence[AgencyStatistics]) -> str:
    """One CSV row per agency: every field of :class:`AgencyStatistics`, purposes ``; ``-joined.

    Example:
        >>> print(statistics_csv([AgencyStatistics("ICE", 2025, 3, 2, 2, ("8-1253-(a)(1)",))]))
        requester,year,requests,instances_disclosed,taxpayers_affected,purposes,batches,batches_refused,recalled
        ICE,2025,3,2,2,8-1253-(a)(1),0,0,0
        <BLANKLINE>
    """
    fields = list(AgencyStatistics.__dataclass_fields__)
    rows = ({**asdict(s), "purposes": "; ".join(s.purposes)} for s in stats)
    # The requester's name comes from signed manifests: spreadsheet-safe like every CSV.
    return rows_to_csv(fields, ([row[f] for f in fields] for row in rows))


def statistics_html(
    stats: Sequence[AgencyStatistics],
    *,
    year: int,
    purposes: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> str:
    """The statistics of ``year`` as a self-contained HTML page.

    Args:
        stats: One row per requesting agency.
        year: The calendar year.
        purposes: Statute key → a readable citation (keys not in it are shown as keys).
        now: The time stamped on the page (default: now).
    """
    names = purposes or {}
    rows = [
        (
            esc(s.requester),
            count(s.requests),
            count(s.instances_disclosed),
            count(s.taxpayers_affected),
            "<br>".join(f'<span class="nowrap">{esc(names.get(p, p))}</span>' for p in s.purposes)
            or "none recorded",
            count(s.batches),
            count(s.batches_refused),
            count(s.recalled),
        )
        for s in stats
    ]
    if len(stats) > 1:

        def total(name: str) -> str:
            return f"<strong>{count(sum(getattr(s, name) for s in stats))}</strong>"

        rows.append(
            (
                "<strong>All agencies</strong>",
                total("requests"),
                total("instances_disclosed"),
                total("taxpayers_affected"),
                "",
                total("batches"),
                total("batches_refused"),
                total("recalled"),
            )
        )
    headers = (
        "Requesting agency",
        "Requests",
        "Instances disclosed",
        "Taxpayers affected",
        "General purposes (statutes cited)",
        "Batches",
        "Batches refused",
        "Disclosures recalled",
    )
    body_table = (
        table(headers, rows, numeric=(1, 2, 3, 5, 6, 7))
        if stats
        else f"<p>No request was received in {year}.</p>"
    )
    body = f"""<header>
<h1>Disclosures under §6103(i)(2): statistics for {year}</h1>
<p class="lead">Annual figures per requesting agency, as §6103(p)(3)(C) requires.</p>
</header>
<section>
<p class="lead">Requests are those screened in {year} plus the declared rows of batches refused
whole. An instance is one disclosure of one taxpayer's address; a taxpayer disclosed twice is
affected once. Recalled disclosures (found erroneous later) are counted as instances and also
shown separately. The general purposes are the statutes the requests cited: the agreement's
qualifying statutes by citation, any other (cited by requests that were rejected for it) by
its canonical key, title-section-subsection. The figures are read from the workspace's
tamper-evident ledger.</p>
{body_table}
</section>"""
    stamp = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    footer = f"Generated {esc(stamp)} by taxgate from the ledger. No taxpayer data."
    return page(f"§6103(p)(3)(C) statistics {year}", body, footer=footer)


def render_statistics(
    store: Store,
    *,
    year: int,
    fmt: str,
    agreement: Agreement | None = None,
    now: datetime | None = None,
) -> str:
    """The ledger's §6103(p)(3)(C) statistics of ``year`` as CSV or HTML text.

    Args:
        store: The workspace store.
        year: The calendar year.
        fmt: ``"csv"`` or ``"html"``.
        agreement: Names the statutes (the purposes) in the HTML.
        now: The time stamped on the HTML (default: now).

    Raises:
        InputError: ``fmt`` is neither.
    """
    try:
        chosen = StatisticsFormat(fmt)
    except ValueError as e:
        raise InputError(f"no statistics format {fmt!r}; use csv or html", field="format") from e
    stats = disclosure_statistics(store, year=year)
    if chosen is StatisticsFormat.CSV:
        return statistics_csv(stats)
    return statistics_html(stats, year=year, purposes=purpose_names(agreement), now=now)
