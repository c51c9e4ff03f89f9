"""Blocking: the rules that bring each request's candidates, and what they never bring."""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa
import pytest

from taxgate.matching.blocking import BLOCKING_RULES, generate_candidates
from taxgate.matching.features import feature_rows, feature_table
from taxgate.standardise.address_parts import RawAddress
from taxgate.standardise.addresses import standardise_address
from taxgate.standardise.names import standardise_name
from taxgate.store import Store

TAXPAYERS = "tin,tin_type,date_of_birth\n111111111,SSN,1970-01-01\n222222222,ITIN,\n"
FILINGS = (
    "tin,doc_type,tax_year,received_date,first_name,middle_name,last_name,suffix,street,unit,"
    "city,state,zip\n"
    "111111111,RETURN,2023,2024-03-01,José,,García López,,12 Oak Street,Apt 3,Austin,TX,78701\n"
    "222222222,RETURN,2023,2024-03-01,Mary,,Smith,,12 Oak Street,Apt 9,Austin,TX,78701\n"
    "222222222,FORM_8822,,2024-09-01,Mary,,Smith,,40 Elm Ave,,Dallas,TX,75201\n"
)


@pytest.fixture
def store(master_store: Callable[[str, str], Store]) -> Store:
    return master_store(TAXPAYERS, FILINGS)


def requests(*rows: tuple[str, str, str, str, str | None]) -> pa.Table:
    names = [standardise_name(first, None, last, None) for _, first, last, _, _ in rows]
    addresses = [standardise_address(RawAddress(line=line)) for *_, line, _ in rows]
    return feature_table(
        feature_rows(names, addresses),
        {
            "uid": pa.array([r[0] for r in rows], pa.string()),
            "tin": pa.array([r[4] for r in rows], pa.string()),
        },
    )


def found(store: Store, table: pa.Table) -> dict[str, set[str]]:
    result = generate_candidates(store, table)
    tins = dict(store.fetchall("SELECT record_id, tin FROM record_features"))
    out: dict[str, set[str]] = {}
    for uid, record in zip(
        result.pairs.column("uid").to_pylist(),
        result.pairs.column("record_id").to_pylist(),
        strict=True,
    ):
        out.setdefault(uid, set()).add(tins[record])
    return out


def test_variants_meet_their_record_and_not_the_building(store: Store) -> None:
    table = requests(
        ("compound", "JOSE", "GARCIA-LOPEZ", "12 OAK ST APT 3, AUSTIN, TX 78701", None),
        ("dropped", "Pepe", "Garcia", "12 Oak St #3 Austin TX 78701-1234", None),
        ("swapped", "Garcia", "Jose", "12 Oak St, Austin, TX 78701", None),
    )
    hits = found(store, table)
    assert hits == {"compound": {"111111111"}, "dropped": {"111111111"}, "swapped": {"111111111"}}


def test_another_house_number_brings_no_candidate(store: Store) -> None:
    assert (
        found(store, requests(("far", "Jose", "Garcia", "14 Oak St, Austin, TX 78701", None))) == {}
    )


def test_the_tin_rule_brings_the_tins_owner_as_evidence(store: Store) -> None:
    hits = found(
        store, requests(("tin", "Jose", "Garcia", "12 Oak St, Austin TX 78701", "222222222"))
    )
    assert hits == {"tin": {"111111111", "222222222"}}


def test_pairs_are_counted_per_rule(store: Store) -> None:
    result = generate_candidates(
        store, requests(("a", "Mary", "Smith", "40 Elm Ave, Dallas, TX 75201", None))
    )
    assert set(result.pairs_per_rule) == {rule.name for rule in BLOCKING_RULES}
    assert result.pairs_per_rule["house_zip_name"] == 1
    assert result.pairs_per_rule["tin"] == 0
