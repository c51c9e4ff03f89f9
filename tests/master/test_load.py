"""`master load`: validation without failing, idempotency, snapshots, delivery points."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from taxgate.errors import InputError
from taxgate.master.load import load_master
from taxgate.master.lookup import last_known_addresses
from taxgate.store import Store

TAXPAYERS = ["tin", "tin_type", "date_of_birth"]
FILINGS = [
    "tin", "doc_type", "tax_year", "received_date", "first_name", "middle_name", "last_name",
    "suffix", "street", "unit", "city", "state", "zip",
]  # fmt: skip


def write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def filing(
    tin: str,
    received: str,
    street: str,
    unit: str = "",
    doc: str = "RETURN",
    zip_code: str = "77038",
) -> list[str]:
    year = str(int(received[:4]) - 1) if doc == "RETURN" else ""
    return [tin, doc, year, received, "Juan", "", "García López", "", street, unit,
            "Houston", "TX", zip_code]  # fmt: skip


@pytest.fixture
def master(tmp_path: Path) -> Path:
    folder = tmp_path / "master"
    folder.mkdir()
    write(
        folder / "taxpayers.csv",
        TAXPAYERS,
        [["123456789", "SSN", "1980-01-02"], ["987654321", "ITIN", ""], ["12345", "SSN", ""]],
    )
    write(
        folder / "filings.csv",
        FILINGS,
        [
            filing("123456789", "2021-03-01", "7306 Chestnut Street", "Apt 4"),
            filing("123456789", "2022-03-01", "7306 CHESTNUT ST", "#4"),
            filing("123456789", "2023-03-01", "7306 Chestnt St.", "Unit 4"),  # a typo
            filing("123456789", "2024-03-01", "7306 Chestnut St", "APT 4"),
            filing("987654321", "2024-02-01", "7306 Chestnut St", "Apt 5"),
            filing("987654321", "2024-02-01", "1 Main St", "", doc="LETTER"),  # bad doc_type
            filing("555555555", "2024-02-01", "1 Main St", ""),  # no such taxpayer
        ],
    )
    return folder


def test_bad_rows_are_reported_not_fatal(master: Path) -> None:
    store = Store.memory()
    report = load_master(store, master, workers=1)
    assert report.taxpayers == 2 and report.filings == 5
    problems = {(table, field) for table, _row, field, _msg in report.problems}
    assert problems == {("taxpayers", "tin"), ("filings", "doc_type"), ("filings", "tin")}
    assert report.rejected_rows == 3
    assert all("123" not in message for *_x, message in report.problems)  # no values quoted


def test_reload_is_idempotent_and_a_new_snapshot_is_versioned(master: Path) -> None:
    store = Store.memory()
    first = load_master(store, master, workers=1)
    again = load_master(store, master, workers=1)
    assert (again.unchanged, again.version, again.records) == (True, 1, first.records)
    with (master / "taxpayers.csv").open("a", encoding="utf-8") as handle:
        handle.write("111111111,SSN,1990-05-05\n")
    newer = load_master(store, master, workers=1)
    assert (newer.unchanged, newer.version, newer.taxpayers) == (False, 2, 3)


def test_one_taxpayer_address_forms_are_one_delivery_point(master: Path) -> None:
    store = Store.memory()
    load_master(store, master, workers=1)
    points = store.fetchall("SELECT DISTINCT point_address_id FROM filings WHERE tin = '123456789'")
    assert len(points) == 1
    lka = last_known_addresses(store, ["123456789"], date(2024, 6, 1))
    found = lka["123456789"]
    assert (found.street, found.unit) == ("7306 CHESTNUT ST", "APT 4")
    # The LKA has been this delivery point since the first return took effect.
    assert found.as_of.isoformat() == "2021-04-15"


def test_other_taxpayers_units_are_never_merged(master: Path) -> None:
    store = Store.memory()
    load_master(store, master, workers=1)
    rows = store.fetchall(
        "SELECT DISTINCT f.tin, a.unit_number FROM filings AS f "
        "JOIN master_addresses AS a ON a.address_id = f.point_address_id ORDER BY 1"
    )
    assert rows == [("123456789", "4"), ("987654321", "5")]


def one_taxpayer_master(tmp_path: Path, filings: list[list[str]]) -> Store:
    folder = tmp_path / "one"
    folder.mkdir()
    write(folder / "taxpayers.csv", TAXPAYERS, [["123456789", "SSN", "1980-01-02"]])
    write(folder / "filings.csv", FILINGS, filings)
    store = Store.memory()
    load_master(store, folder, workers=1)
    return store


def points_of(store: Store) -> int:
    return len(store.fetchall("SELECT DISTINCT point_address_id FROM filings"))


def test_two_different_typos_of_one_street_are_one_point(tmp_path: Path) -> None:
    store = one_taxpayer_master(
        tmp_path,
        [
            filing("123456789", "2022-03-01", "5116 Central Ct"),
            filing("123456789", "2024-03-15", "5502 Ceadr Rd", "Unit 603"),
            filing("123456789", "2025-02-14", "5502 Cedra Rd", "Apt 603"),
        ],
    )
    assert points_of(store) == 2
    found = last_known_addresses(store, ["123456789"], date(2025, 7, 15))["123456789"]
    assert found.as_of.isoformat() == "2024-04-29"  # the first of the two typo'd returns


def test_a_typo_that_leaves_no_street_name_is_the_same_point(tmp_path: Path) -> None:
    # MTIN, a slip of MAIN, reads as the street type MTN (mountain): no street name is left.
    store = one_taxpayer_master(
        tmp_path,
        [
            filing("123456789", "2019-03-10", "2904 Main Apartment 405"),
            filing("123456789", "2021-04-09", "2904 MTIN", "APT 405"),
            filing("123456789", "2022-03-01", "2904 Main", "Apt 405"),
            filing("123456789", "2024-04-10", "2904 Main", "Apt 406"),
        ],
    )
    assert points_of(store) == 2  # apartment 406 is another point
    found = last_known_addresses(store, ["123456789"], date(2024, 1, 1))["123456789"]
    assert (found.street, found.as_of.isoformat()) == ("2904 MAIN", "2019-04-24")


def test_a_typo_that_leaves_only_the_directional_is_the_same_point(tmp_path: Path) -> None:
    # 5984 S MTIN reads as a street named S with the type MTN: only the directional is left.
    store = one_taxpayer_master(
        tmp_path,
        [
            filing("123456789", "2018-07-18", "5984 S MTIN", "APT 50", doc="FORM_8822"),
            filing("123456789", "2019-02-28", "5984 S Main", "Apt 50"),
            filing("123456789", "2020-04-01", "5984 Oak St", "Apt 50"),
        ],
    )
    assert points_of(store) == 2  # OAK ST is another point
    found = last_known_addresses(store, ["123456789"], date(2020, 1, 1))["123456789"]
    assert (found.street, found.as_of.isoformat()) == ("5984 S MAIN", "2018-09-01")


def test_short_street_names_two_slips_apart_stay_apart(tmp_path: Path) -> None:
    store = one_taxpayer_master(
        tmp_path,
        [
            filing("123456789", "2022-03-01", "120 1st St"),
            filing("123456789", "2023-03-01", "120 3rd St"),
            filing("123456789", "2024-03-01", "120 Oak St"),
            filing("123456789", "2025-03-01", "120 Elm St"),
        ],
    )
    assert points_of(store) == 4


def test_a_full_tie_goes_to_the_later_row_of_the_master_file(tmp_path: Path) -> None:
    store = one_taxpayer_master(
        tmp_path,
        [
            filing("123456789", "2019-01-29", "8768 N Olive St", "Apt 5H"),
            filing("123456789", "2019-04-16", "2618 Liberty Boulevard", doc="NCOA"),
            filing("123456789", "2019-04-16", "8548 Del Mar Ave", doc="NCOA"),
            filing("123456789", "2020-04-09", "8548 Del Mar Avenue"),
        ],
    )
    found = last_known_addresses(store, ["123456789"], date(2025, 7, 15))["123456789"]
    assert (found.street, found.as_of.isoformat()) == ("8548 DEL MAR AVE", "2019-04-16")
    on_the_day = last_known_addresses(store, ["123456789"], date(2019, 4, 20))["123456789"]
    assert on_the_day.street == "8548 DEL MAR AVE"


def test_the_answer_completes_the_point_from_the_taxpayers_other_forms(tmp_path: Path) -> None:
    # Most returns write "#5" and the bare ZIP; one writes "Apt 5" and the ZIP+4. A later
    # return (not yet effective on the as-of day) writes "Unit 5" and another ZIP+4.
    store = one_taxpayer_master(
        tmp_path,
        [
            filing("123456789", "2022-03-01", "12 Main St", "#5"),
            filing("123456789", "2023-03-01", "12 Main St", "#5"),
            filing("123456789", "2023-06-01", "12 Main Street", "Apt 5", zip_code="77038-1234"),
            filing("123456789", "2025-07-01", "12 Main St", "Unit 5", zip_code="77038-9999"),
        ],
    )
    found = last_known_addresses(store, ["123456789"], date(2025, 7, 15))["123456789"]
    assert (found.street, found.unit, found.zip) == ("12 MAIN ST", "APT 5", "77038-1234")
    assert found.as_of.isoformat() == "2022-04-15"
    # The later return counts once it is effective: "Unit 5" ties "APT 5" and was written
    # later; the ZIP+4 that was written later wins its tie as well.
    later = last_known_addresses(store, ["123456789"], date(2025, 9, 1))["123456789"]
    assert (later.unit, later.zip) == ("UNIT 5", "77038-9999")


def test_missing_table_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no taxpayers table"):
        load_master(Store.memory(), tmp_path, workers=1)


def neighbours_master(tmp_path: Path, own: list[list[str]], others: list[list[str]]) -> Store:
    """Taxpayer 123456789's filings ``own`` beside other taxpayers' ``others``."""
    folder = tmp_path / "street"
    folder.mkdir(parents=True)
    tins = sorted({row[0] for row in own + others})
    write(folder / "taxpayers.csv", TAXPAYERS, [[t, "SSN", ""] for t in tins])
    write(folder / "filings.csv", FILINGS, own + others)
    store = Store.memory()
    load_master(store, folder, workers=1)
    return store


def own_points(store: Store) -> int:
    return len(
        store.fetchall("SELECT DISTINCT point_address_id FROM filings WHERE tin = '123456789'")
    )


def test_two_typos_of_a_street_the_zip_knows_are_one_point(tmp_path: Path) -> None:
    # RSOE and RUSE are two slips apart, each one slip from ROSE, which others file in 30341.
    own = [
        filing("123456789", "2024-03-31", "4820 Rsoe Rd. Apt 45", zip_code="30341"),
        filing("123456789", "2025-04-09", "4820 Ruse Rd", "Apt 45", zip_code="30341"),
    ]
    others = [
        filing(tin, "2024-03-01", f"{house} Rose Rd", zip_code="30341")
        for tin, house in (("111111111", "4820"), ("222222222", "4822"), ("333333333", "17"))
    ]
    store = neighbours_master(tmp_path, own, others)
    assert own_points(store) == 1
    found = last_known_addresses(store, ["123456789"], date(2025, 7, 15))["123456789"]
    assert found.as_of.isoformat() == "2024-05-15"  # the first of the two typo'd returns
    # Without the reference spelling in that ZIP the two typos stay two points.
    alone = neighbours_master(tmp_path / "alone", own, others[:2])
    assert own_points(alone) == 2


def test_the_point_is_answered_in_its_most_complete_form(tmp_path: Path) -> None:
    # Domain §5: two older returns wrote the house number alone; the latest is complete.
    store = one_taxpayer_master(
        tmp_path,
        [
            filing("123456789", "2023-02-09", "88", "Apt 3"),
            filing("123456789", "2024-02-08", "88", "Apt 3"),
            filing("123456789", "2025-02-06", "88 Hope St", "Apt 3"),
        ],
    )
    assert points_of(store) == 1
    found = last_known_addresses(store, ["123456789"], date(2025, 7, 15))["123456789"]
    assert (found.street, found.unit) == ("88 HOPE ST", "APT 3")
    assert found.as_of.isoformat() == "2023-03-26"


def test_a_form_without_its_street_type_never_replaces_the_typed_form(tmp_path: Path) -> None:
    # Domain §5: the latest return left out AVE; the answer is still the complete form, even
    # where other filers of the ZIP write the street without its type more often.
    own = [
        filing("123456789", "2024-03-17", "5250 Main Ave", zip_code="98159"),
        filing("123456789", "2025-02-18", "5250 Main", zip_code="98159"),
    ]
    others = [
        filing(tin, "2024-03-01", f"{house} Main", zip_code="98159")
        for tin, house in (("111111111", "5252"), ("222222222", "5254"), ("333333333", "17"))
    ]
    store = neighbours_master(tmp_path, own, others)
    assert own_points(store) == 1
    found = last_known_addresses(store, ["123456789"], date(2025, 7, 15))["123456789"]
    assert (found.street, found.as_of.isoformat()) == ("5250 MAIN AVE", "2024-05-01")


def test_the_only_unit_is_counted_at_the_building_not_at_the_house_number(
    tmp_path: Path,
) -> None:
    # She lived at 3534 3RD ST APT 5C, then 3534 SANTA FE LN APT 3H in another ZIP, whose
    # latest return left the unit out: one unit at that building, so it is APT 3H still.
    store = one_taxpayer_master(
        tmp_path,
        [
            filing("123456789", "2023-03-20", "3534 3rd St", "Apt 5C", zip_code="76181"),
            filing("123456789", "2024-03-30", "3534 Santa Fe Ln", "Apt 3H", zip_code="77038"),
            filing("123456789", "2025-04-15", "3534 Santa Fe Ln", zip_code="77038"),
        ],
    )
    assert points_of(store) == 2
    found = last_known_addresses(store, ["123456789"], date(2025, 7, 15))["123456789"]
    assert (found.street, found.unit, found.as_of.isoformat()) == (
        "3534 SANTA FE LN",
        "APT 3H",
        "2024-05-14",
    )


def test_a_return_that_left_out_the_only_unit_is_the_same_point(tmp_path: Path) -> None:
    store = one_taxpayer_master(
        tmp_path,
        [
            filing("123456789", "2022-02-22", "5600 N Sheridan Rd", "Apt 4B"),
            filing("123456789", "2025-02-18", "5600 N Sheridan Rd"),
        ],
    )
    assert points_of(store) == 1
    found = last_known_addresses(store, ["123456789"], date(2025, 7, 15))["123456789"]
    assert (found.street, found.unit, found.as_of.isoformat()) == (
        "5600 N SHERIDAN RD",
        "APT 4B",
        "2022-04-08",
    )
    # Two units at the house: a form without one could be either, and stays its own point.
    (tmp_path / "two").mkdir()
    two = one_taxpayer_master(
        tmp_path / "two",
        [
            filing("123456789", "2021-02-22", "5600 N Sheridan Rd", "Apt 4B"),
            filing("123456789", "2022-02-22", "5600 N Sheridan Rd", "Apt 9C"),
            filing("123456789", "2025-02-18", "5600 N Sheridan Rd"),
        ],
    )
    assert points_of(two) == 3
