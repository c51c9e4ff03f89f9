"""The matching stage's look-ups beyond the scored candidate records."""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa
import pytest

from taxgate.matching.decide import CandidateEvidence
from taxgate.matching.engine import (
    _swapped_other_form,
    common_names_are_not_typos,
    rivals_fitting_by_other_names,
)
from taxgate.matching.features import feature_rows, feature_table
from taxgate.standardise.address_parts import RawAddress
from taxgate.standardise.addresses import standardise_address
from taxgate.standardise.names import standardise_name
from taxgate.store import Store

TAXPAYERS = "tin,tin_type,date_of_birth\n111111111,SSN,\n222222222,SSN,\n333333333,SSN,\n"
# 222 filed at 12 Oak St as YOLANDA SOTO, and earlier elsewhere as YOLANDA SOTO MARTINEZ;
# 333 filed at 12 Oak St as YOLANDA RUIZ and never under another surname.
FILINGS = (
    "tin,doc_type,tax_year,received_date,first_name,middle_name,last_name,suffix,street,unit,"
    "city,state,zip\n"
    "111111111,RETURN,2023,2024-03-01,Yolanda,,Martinez,,12 Oak St,,Austin,TX,78701\n"
    "222222222,RETURN,2021,2022-03-01,Yolanda,,Soto Martinez,,40 Elm Ave,,Dallas,TX,75201\n"
    "222222222,RETURN,2023,2024-03-01,Yolanda,,Soto,,12 Oak St,,Austin,TX,78701\n"
    "333333333,RETURN,2023,2024-03-01,Yoli,,Ruiz,,12 Oak St,,Austin,TX,78701\n"
)


@pytest.fixture
def store(master_store: Callable[[str, str], Store]) -> Store:
    return master_store(TAXPAYERS, FILINGS)


def request(uid: str, first: str, last: str) -> pa.Table:
    name = standardise_name(first, None, last, None)
    address = standardise_address(RawAddress(line="12 Oak St, Austin, TX 78701"))
    return feature_table(feature_rows([name], [address]), {"uid": pa.array([uid])})


def test_a_rival_on_file_elsewhere_under_the_requested_surname_fits(store: Store) -> None:
    table = request("r1", "Yolanda", "Martinez")
    rivals = {"r1": ["222222222", "333333333"]}
    # 222 filed as SOTO MARTINEZ elsewhere: she fits; 333 never filed as a MARTINEZ.
    assert rivals_fitting_by_other_names(store, table, rivals) == {"r1": ["222222222"]}


def test_the_rivals_other_name_needs_a_fitting_given_name_too(store: Store) -> None:
    table = request("r1", "Rosa", "Martinez")
    assert rivals_fitting_by_other_names(store, table, {"r1": ["222222222"]}) == {}
    assert rivals_fitting_by_other_names(store, table, {}) == {}


def _holders_master(names: dict[str, int]) -> tuple[str, str]:
    """A master where ``count`` taxpayers hold each given name, all surnamed WONG."""
    taxpayers = ["tin,tin_type,date_of_birth"]
    filings = [
        "tin,doc_type,tax_year,received_date,first_name,middle_name,last_name,suffix,street,"
        "unit,city,state,zip"
    ]
    tin = 100000000
    for name, count in names.items():
        for _ in range(count):
            tin += 1
            taxpayers.append(f"{tin},SSN,")
            filings.append(f"{tin},RETURN,2023,2024-03-01,{name},,Wong,,{tin % 997} Oak St,,"
                           "Austin,TX,78701")  # fmt: skip
    return "\n".join(taxpayers) + "\n", "\n".join(filings) + "\n"


def test_a_slip_between_two_common_names_is_two_names(
    master_store: Callable[[str, str], Store],
) -> None:
    store = master_store(*_holders_master({"Hung": 25, "Huong": 21, "Jose": 30, "Jsoe": 1}))
    typo = {**{k: "exact" for k in ("surname", "house", "street")}, "given_name": "typo"}
    evidence = {
        "r1": [CandidateEvidence("1", 1, 30.0, typo)],  # asked HUONG, on file HUNG
        "r2": [CandidateEvidence("2", 2, 30.0, typo)],  # asked JOSE, on file JSOE
    }
    given = ({"r1": "HUONG", "r2": "JOSE"}, {1: "HUNG", 2: "JSOE"})
    marked = common_names_are_not_typos(store, evidence, given)
    assert marked["r1"][0].other_given_name and not marked["r1"][0].name_agrees
    assert not marked["r2"][0].other_given_name and marked["r2"][0].name_agrees


def test_a_swapped_request_is_matched_to_another_form_of_the_first_name() -> None:
    # ALLEN JOHN STEVEN asked for (names exchanged): STEPHEN ALLEN on file fits it too.
    asked = standardise_name("Allen", "John", "Steven", None)
    stephen = standardise_name("Stephen", None, "Allen", None)
    pair = (asked.given_key, stephen.given_key)
    assert _swapped_other_form(pair, asked.surname_parts, stephen.surname_keys)
    # REBECCA ALLEN is no form of STEVEN, and ALLEN is not CARTER's surname.
    rebecca = standardise_name("Rebecca", None, "Allen", None)
    assert not _swapped_other_form(
        (asked.given_key, rebecca.given_key), asked.surname_parts, rebecca.surname_keys
    )
    assert not _swapped_other_form(pair, asked.surname_parts, ("CARTER",))
    # WU MEI SUNITA (SUNITA MEI WU, exchanged) does not name MEI WU: MEI is a middle name.
    asked = standardise_name("Wu", "Mei", "Sunita", None)
    mei = standardise_name("Mei", None, "Wu", None)
    pair = (asked.given_key, mei.given_key)
    assert not _swapped_other_form(pair, asked.surname_parts, mei.surname_keys)
