"""The screening stage: every request of a batch checked against §6103(i)(2)(B) and the MOU.

Input is the request table of the data contract (§2) as read by intake: one utf8 column per
contract field, nulls for empty; extra columns (such as intake's ``row``) are ignored. Each
request gets its findings (address, name, statute, reason, periods, removal order,
duplicate), its standardised name and address for matching, and ``passed`` when it has no
finding. The batch gets its flags (:mod:`taxgate.screening.batch`), which never reject a row.

A TIN never substitutes for any requirement (domain §3): no rule here reads the TIN. Only
plain repeats are refused here as duplicates; requests that resolve to one taxpayer are
refused after matching (:mod:`taxgate.matching.answer_once`).

Findings of one request are ordered by the contract's category order (``ADDRESS_``,
``NAME_``, ``STATUTE_``, ``REASON_``, ``PERIOD_``, ``ORDER_``, ``DUPLICATE``), then by the
order of the codes in :class:`~taxgate.screening.codes.ReasonCode`, then by field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import pyarrow as pa

from taxgate.agreement import Agreement, statute_key
from taxgate.collector import cycle_collector_paused
from taxgate.screening.address import is_facility, screen_address
from taxgate.screening.batch import BatchFlagFinding, PersonRequest, batch_flags, find_duplicates
from taxgate.screening.codes import CATEGORY_PREFIXES, ReasonCode
from taxgate.screening.fields import (
    screen_periods,
    screen_reason,
    screen_removal_order,
    screen_statute,
)
from taxgate.screening.findings import Finding
from taxgate.screening.names import name_findings
from taxgate.standardise.address_parts import RawAddress, StandardAddress
from taxgate.standardise.names import StandardName, standardise_name

REQUEST_COLUMNS = (
    "request_id", "first_name", "middle_name", "last_name", "suffix",
    "street", "unit", "city", "state", "zip", "address",
    "tin", "date_of_birth", "alien_number", "officer",
    "removal_order_date", "statute", "reason", "taxable_periods",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ScreenedRequest:
    """One request after screening.

    Attributes:
        request_id: as given ('' when missing).
        findings: every defect found, in the deterministic category order.
        name: the standardised name (for matching).
        address: the standardised address (for matching).
        passed: True when there is no finding: the request goes on to matching.
        tin: as given (for matching, where it must agree; never a substitute).
        date_of_birth: as given (evidence for matching).
        statute_key: the canonical key of the cited statute (``8-1253-(a)(1)``), or None.
        facility: the accepted address names a detention facility (legal review flag).
    """

    request_id: str
    findings: tuple[Finding, ...]
    name: StandardName
    address: StandardAddress
    passed: bool
    tin: str | None = None
    date_of_birth: str | None = None
    statute_key: str | None = None
    facility: bool = False

    @property
    def codes(self) -> tuple[ReasonCode, ...]:
        """The reason codes of the findings, in order."""
        return tuple(f.code for f in self.findings)

    @property
    def response_codes(self) -> tuple[str, ...]:
        """The distinct reason codes, in order: what the response's ``reason_codes`` lists
        (a placeholder first *and* last name is one ``NAME_PLACEHOLDER``; the fields are in
        the findings)."""
        return tuple(dict.fromkeys(f.code.value for f in self.findings))


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    """The screening of a whole batch: one :class:`ScreenedRequest` per row, in row order."""

    rows: tuple[ScreenedRequest, ...]
    flags: tuple[BatchFlagFinding, ...]

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def passed_count(self) -> int:
        """How many requests passed screening."""
        return sum(1 for r in self.rows if r.passed)


def _category_rank(code: ReasonCode) -> int:
    category = code.category
    return CATEGORY_PREFIXES.index(category) if category in CATEGORY_PREFIXES else 99


# Sort key of each code: its category's place in the contract, then its place in the enum.
_CODE_ORDER = {code: (_category_rank(code), i) for i, code in enumerate(ReasonCode)}

# Codes that leave the person unidentified: such a request can duplicate nobody.
_IDENTITY_CODES = frozenset(c for c in ReasonCode if c.category in {"ADDRESS_", "NAME_"})


def _finding_order(finding: Finding) -> tuple[tuple[int, int], str]:
    return _CODE_ORDER[finding.code], finding.field


def order_findings(findings: Sequence[Finding]) -> tuple[Finding, ...]:
    """Findings in the contract's category order, then code order, then field."""
    return tuple(sorted(findings, key=_finding_order))


def screen_request(
    row: Mapping[str, str | None], *, agreement: Agreement, request_date: date
) -> ScreenedRequest:
    """Screen one request on its own (no duplicate check, which needs the whole batch).

    Args:
        row: the request's contract columns; absent keys count as empty.
        agreement: the agreement in force (statutes, order age, period range).
        request_date: the date of the request.

    Example:
        >>> from taxgate.agreement import default_agreement_path, load_agreement
        >>> a = load_agreement(default_agreement_path())
        >>> r = screen_request(
        ...     {"request_id": "1", "first_name": "Juan", "last_name": "FNU",
        ...      "street": "Failed to Provide", "tin": "123456789"},
        ...     agreement=a, request_date=date(2025, 6, 1))
        >>> [c.value for c in r.codes][:3]
        ['ADDRESS_PLACEHOLDER', 'NAME_PLACEHOLDER', 'STATUTE_MISSING']
    """
    columns = {name: [row.get(name)] for name in REQUEST_COLUMNS}
    return _screen_rows(columns, agreement, request_date)[0]


def screen_requests(
    table: pa.Table, *, agreement: Agreement, request_date: date
) -> ScreeningResult:
    """Screen every request of a batch table, find plain repeats and raise the batch flags.

    Args:
        table: the request table (data contract §2), utf8 columns with nulls for empty.
        agreement: the agreement in force.
        request_date: the date of the request batch.

    Returns:
        A :class:`ScreeningResult` with one :class:`ScreenedRequest` per row, in order.
    """
    columns = {name: _column(table, name) for name in REQUEST_COLUMNS}
    with cycle_collector_paused():
        screened = _screen_rows(columns, agreement, request_date)
        people = [
            PersonRequest(
                request_id=r.request_id,
                name=r.name,
                address=r.address,
                identity_usable=r.passed or _IDENTITY_CODES.isdisjoint(f.code for f in r.findings),
                answerable=r.passed,
                date_of_birth=r.date_of_birth,
                tin=r.tin,
            )
            for r in screened
        ]
        for i, finding in find_duplicates(people).items():
            r = screened[i]
            screened[i] = _replace(r, order_findings((*r.findings, finding)))
    flags = batch_flags(
        agreement,
        officers=columns["officer"],
        reasons=columns["reason"],
        facility_count=sum(1 for r in screened if r.facility),
    )
    return ScreeningResult(rows=tuple(screened), flags=tuple(flags))


def _memo(
    values: Sequence[str | None], check: Callable[[str | None], Sequence[Finding]]
) -> list[tuple[Finding, ...]]:
    """Apply a field check once per distinct value (a batch repeats statutes, reasons, dates)."""
    memo: dict[str | None, tuple[Finding, ...]] = {}
    out: list[tuple[Finding, ...]] = []
    for value in values:
        found = memo.get(value)
        if found is None:
            found = memo[value] = tuple(check(value))
        out.append(found)
    return out


def _screen_rows(
    columns: Mapping[str, Sequence[str | None]],
    agreement: Agreement,
    request_date: date,
) -> list[ScreenedRequest]:
    a, d = agreement, request_date
    statutes = _memo(columns["statute"], lambda v: screen_statute(a, v))
    reasons = _memo(columns["reason"], screen_reason)
    periods = _memo(columns["taxable_periods"], lambda v: screen_periods(a, v, d))
    orders = _memo(columns["removal_order_date"], lambda v: screen_removal_order(a, v, d))
    statute_keys = {v: statute_key(v) if v else None for v in set(columns["statute"])}
    c = columns
    screened: list[ScreenedRequest] = []
    rows = zip(
        c["request_id"], c["first_name"], c["middle_name"], c["last_name"], c["suffix"],
        c["street"], c["unit"], c["city"], c["state"], c["zip"], c["address"],
        c["tin"], c["date_of_birth"], c["statute"],
        strict=True,
    )  # fmt: skip
    for i, row in enumerate(rows):
        request_id, first, middle, last, suffix, street, unit, city, state, zip_code = row[:10]
        line, tin, date_of_birth, statute = row[10:]
        raw = RawAddress(street, unit, city, state, zip_code, line)
        address, address_findings = screen_address(raw)
        # Each part is already in category order: address, name, statute, reason, periods,
        # order; only a row with two or more findings needs sorting at all.
        findings = (
            *address_findings,
            *name_findings(first or "", middle or "", last or ""),
            *statutes[i],
            *reasons[i],
            *periods[i],
            *orders[i],
        )
        screened.append(
            ScreenedRequest(
                request_id=request_id or "",
                findings=order_findings(findings) if len(findings) > 1 else findings,
                name=standardise_name(first, middle, last, suffix),
                address=address,
                passed=not findings,
                tin=tin,
                date_of_birth=date_of_birth,
                statute_key=statute_keys[statute],
                facility=not address_findings and is_facility(raw),
            )
        )
    return screened


def _replace(r: ScreenedRequest, findings: tuple[Finding, ...]) -> ScreenedRequest:
    return ScreenedRequest(
        request_id=r.request_id,
        findings=findings,
        name=r.name,
        address=r.address,
        passed=not findings,
        tin=r.tin,
        date_of_birth=r.date_of_birth,
        statute_key=r.statute_key,
        facility=r.facility,
    )


def _column(table: pa.Table, name: str) -> list[str | None]:
    if name not in table.column_names:
        return [None] * table.num_rows
    column = table.column(name)
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        column = column.cast(pa.string())
    values: list[str | None] = column.to_pylist()
    return values
