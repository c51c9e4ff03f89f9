"""The generator's promises, checked on a small world (taxgate/synth/world.py).

Truth columns are checked against the *written* files with independent code: the delivery
key of written strings (score.delivery_point_key) and a plain re-implementation of the LKA
rule of domain §5.
"""

from __future__ import annotations

import csv
import math
import re
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from taxgate.agreement import default_agreement_path, load_agreement, qualifying_statute
from taxgate.standardise.names import StandardName, standardise_name
from taxgate.synth.names import same_given_name
from taxgate.synth.score import delivery_point_key, same_delivery_point
from taxgate.synth.spec import CATEGORIES, WorldSpec
from taxgate.synth.world import generate_world

ITIN_GROUPS = {*range(50, 66), *range(70, 89), 90, 91, 92, *range(94, 100)}
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ZIP = re.compile(r"^\d{5}(\d{4}|-\d{4})?$")


def _requests(root: Path) -> tuple[list[str], list[dict[str, str]]]:
    with (root / "requests.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _filings_by_tin(world: Any) -> dict[str, list[dict[str, Any]]]:
    by_tin: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in world.table("master/filings.parquet"):
        by_tin[str(row["tin"])].append(row)
    return by_tin


def test_master_follows_the_contract(small_world: Any) -> None:
    for name, columns in (
        ("taxpayers", ["tin", "tin_type", "date_of_birth"]),
        (
            "filings",
            [
                "tin",
                "doc_type",
                "tax_year",
                "received_date",
                "first_name",
                "middle_name",
                "last_name",
                "suffix",
                "street",
                "unit",
                "city",
                "state",
                "zip",
            ],
        ),
    ):
        schema = pq.read_schema(small_world.root / "master" / f"{name}.parquet")
        assert schema.names == columns
        assert all(str(t) == "string" for t in schema.types)
    taxpayers = small_world.table("master/taxpayers.parquet")
    assert len({t["tin"] for t in taxpayers}) == len(taxpayers) == small_world.summary.taxpayers
    for t in taxpayers:
        tin = t["tin"]
        assert re.fullmatch(r"\d{9}", tin)
        if t["tin_type"] == "ITIN":
            assert tin[0] == "9" and int(tin[3:5]) in ITIN_GROUPS
        else:
            assert t["tin_type"] == "SSN" and tin[0] != "9" and tin[:3] not in ("000", "666")
        assert t["date_of_birth"] is None or ISO.match(t["date_of_birth"])
    tins = {t["tin"] for t in taxpayers}
    per_tin = Counter()
    for f in small_world.table("master/filings.parquet"):
        per_tin[f["tin"]] += 1
        assert f["tin"] in tins
        assert f["doc_type"] in ("RETURN", "FORM_8822", "NCOA")
        assert (f["tax_year"] is not None) == (f["doc_type"] == "RETURN")
        assert ISO.match(f["received_date"]) and f["received_date"] <= "2025-07-15"
        assert ZIP.match(f["zip"]) and f["street"] and f["first_name"] and f["last_name"]
    assert set(per_tin) == tins
    assert 3 <= sum(per_tin.values()) / len(per_tin) <= 10


def test_requests_follow_the_contract(small_world: Any) -> None:
    header, rows = _requests(small_world.root)
    assert "address" not in header and {"street", "unit", "city", "state", "zip"} <= set(header)
    assert len(rows) == small_world.summary.requests
    assert len({r["request_id"] for r in rows}) == len(rows)
    for r in rows:
        assert r["tin"] == "" or re.fullmatch(r"\d{9}", r["tin"])
        assert r["date_of_birth"] == "" or ISO.match(r["date_of_birth"])
    officers = Counter(r["officer"] for r in rows)
    assert max(officers.values()) <= 200  # the agreement flags more than 250


def test_line_style_has_one_address_column(tmp_path: Path) -> None:
    generate_world(tmp_path, taxpayers=800, requests=100, seed=3, address_style="line")
    header, rows = _requests(tmp_path)
    assert "address" in header and not {"street", "unit", "city", "state", "zip"} & set(header)
    assert sum(bool(r["address"]) for r in rows) > 80


def test_category_rates_follow_the_spec(small_world: Any) -> None:
    truth = small_world.table("truth.parquet")
    counts = Counter(t["category"] for t in truth)
    n = len(truth)
    for category, rate in WorldSpec().category_rates().items():
        tolerance = 3 * math.sqrt(rate * (1 - rate) / n) + 0.005
        assert abs(counts[category] / n - rate) <= tolerance, category
    assert set(counts) <= {c.name for c in CATEGORIES}
    valid = sum(t["valid"] for t in truth) / n
    assert 0.66 <= valid <= 0.74


def test_truth_outcomes_follow_the_rules(small_world: Any) -> None:
    for t in small_world.table("truth.parquet"):
        if not t["valid"]:
            assert t["expected_outcome"] == "REJECTED" and t["expected_code_prefixes"]
        elif t["true_tin"] is None:
            assert t["expected_outcome"] == "NOT_DISCLOSED"
        elif t["expected_outcome"] == "DISCLOSED":
            assert t["address_in_history"] and t["distinguishable"]
            assert t["expected_street"] and ZIP.match(t["expected_zip"])
        if t["category"] == "duplicate":
            # A repeat carries the answer it would get as the first request to resolve.
            answerable = t["address_in_history"] and t["distinguishable"]
            assert (t["expected_as_of"] is not None) == answerable
        else:
            assert (t["expected_as_of"] is not None) == (t["expected_outcome"] == "DISCLOSED")
        assert t["as_of"] == "2025-07-15"
    # Another person's TIN is no veto where name, address and date of birth are right.
    wrong_tin = [t for t in small_world.table("truth.parquet") if t["category"] == "wrong_tin"]
    assert any(t["expected_outcome"] == "DISCLOSED" for t in wrong_tin)


def test_valid_requests_carry_valid_fields(small_world: Any) -> None:
    agreement = load_agreement(default_agreement_path())
    truth = {t["request_id"]: t for t in small_world.table("truth.parquet")}
    request_date = date(2025, 7, 15)
    for r in _requests(small_world.root)[1]:
        if not truth[r["request_id"]]["valid"]:
            continue
        assert qualifying_statute(agreement, r["statute"]) is not None
        order = date.fromisoformat(r["removal_order_date"])
        assert order <= request_date - timedelta(days=90)
        assert r["reason"].strip() not in ("", "N/A", "-")
        assert all(1990 <= int(y) <= 2025 for y in r["taxable_periods"].split(";"))
        assert len(r["first_name"]) > 1 and len(r["last_name"]) > 1


def partial_of(a: str, b: str) -> bool:
    """Whether key ``a`` writes the point of key ``b`` partly: the same house, street name
    and ZIP, with directionals, suffix or unit left out (or ``a`` is ``b``)."""
    pa_, pb = a.split("|"), b.split("|")
    if len(pa_) != 7 or len(pb) != 7 or (pa_[0], pa_[6]) != (pb[0], pb[6]):
        return False
    if not same_delivery_point("|".join([*pb[:2], pa_[2], *pb[3:]]), b):
        return False
    return all(pa_[i] in ("", pb[i]) for i in (1, 3, 4, 5))


def shortened(a: str, b: str) -> bool:
    """Whether key ``a`` is a partial form of ``b`` that leaves out something ``b`` has."""
    pa_, pb = a.split("|"), b.split("|")
    dropped = len(pa_) == len(pb) == 7 and any(pa_[i] == "" != pb[i] for i in (1, 3, 4, 5))
    return dropped and partial_of(a, b)


# Slips that change the written key on purpose: the truth knows the point from its events.
KEY_SLIPS = {"street_typo", "zip_digit", "ocr"}


def test_address_in_history_matches_the_written_files(small_world: Any) -> None:
    filings = _filings_by_tin(small_world)
    truth = {t["request_id"]: t for t in small_world.table("truth.parquet")}
    checked = 0
    for r in _requests(small_world.root)[1]:
        t = truth[r["request_id"]]
        if t["true_tin"] is None or t["variation"] in KEY_SLIPS:
            continue
        key = delivery_point_key(r["street"], r["unit"], r["zip"])
        written = {
            delivery_point_key(f["street"], f["unit"], f["zip"]) for f in filings[t["true_tin"]]
        }
        complete = {w for w in written if not any(shortened(w, o) for o in written)}
        if t["variation"] == "unit_omitted":
            found = any(partial_of(key, k) for k in complete)
        else:
            found = any(same_delivery_point(key, k) for k in complete)
        assert found == t["address_in_history"], (r, t)
        keys = t["true_address_keys"]
        assert all(
            any(partial_of(w, k) or same_delivery_point(w, k) for k in keys) for w in written
        )
        assert all(any(same_delivery_point(w, k) for w in complete) for k in keys)
        checked += 1
    assert checked > 1500


def _effective(f: dict[str, Any]) -> date:
    received = date.fromisoformat(f["received_date"])
    return received if f["doc_type"] == "NCOA" else received + timedelta(days=45)


def test_lka_label_follows_domain_rule_5(small_world: Any) -> None:
    filings = _filings_by_tin(small_world)
    priority = {"FORM_8822": 3, "RETURN": 2, "NCOA": 1}
    as_of = date(2025, 7, 15)
    checked = 0
    for t in small_world.table("truth.parquet"):
        if t["true_tin"] is None:
            continue
        eligible = sorted(
            (f for f in filings[t["true_tin"]] if _effective(f) <= as_of),
            key=lambda f: (_effective(f), f["received_date"], priority[f["doc_type"]]),
        )
        if t["expected_outcome"] != "DISCLOSED":
            should = t["valid"] and t["address_in_history"] and t["distinguishable"]
            if should and t["category"] != "wrong_tin":
                assert not eligible  # only a taxpayer with no effective filing goes unanswered
            continue
        keys = [delivery_point_key(f["street"], f["unit"], f["zip"]) for f in eligible]
        expected = delivery_point_key(t["expected_street"], t["expected_unit"], t["expected_zip"])
        # The LKA filing may write the point partly (domain §5); a complete form was filed.
        assert partial_of(keys[-1], expected) or same_delivery_point(keys[-1], expected)
        assert any(same_delivery_point(k, expected) for k in keys)
        start = len(keys) - 1
        while start > 0 and (
            partial_of(keys[start - 1], expected) or same_delivery_point(keys[start - 1], expected)
        ):
            start -= 1
        assert t["expected_as_of"] == _effective(eligible[start]).isoformat()
        assert t["lka_filing_effective"] == _effective(eligible[-1]).isoformat()
        checked += 1
    assert checked > 1000


def test_the_world_has_the_promised_variety(small_world: Any) -> None:
    filings = small_world.table("master/filings.parquet")
    streets = " ".join(str(f["street"]) for f in filings)
    last_names = {str(f["last_name"]) for f in filings}
    assert any("-" in n for n in last_names) and any("Í" in n or "Á" in n for n in last_names)
    assert re.search(r"\bSTREET\b", streets) and re.search(r"\bAPT \w+", streets)
    assert "PO BOX" in streets and re.search(r"\bRR \d+", streets)
    assert re.search(r"\bN\d+W\d+\b", streets) and re.search(r"\b\d+-\d{2} ", streets)
    assert re.search(r"\b\d+ 1/2\b", streets)
    doc_types = Counter(str(f["doc_type"]) for f in filings)
    assert doc_types["FORM_8822"] > 0 and doc_types["NCOA"] > 0
    surnames = Counter(str(f["last_name"]).upper().split(" ")[0].split("-")[0] for f in filings)
    assert surnames.most_common(1)[0][1] > 0.01 * len(filings)


def test_same_arguments_give_the_same_bytes(tmp_path: Path) -> None:
    names = ("master/taxpayers.parquet", "master/filings.parquet", "requests.csv", "truth.parquet")
    runs = []
    for run, seed in (("a", 5), ("b", 5), ("c", 6)):
        generate_world(tmp_path / run, taxpayers=1500, requests=300, seed=seed)
        runs.append([(tmp_path / run / n).read_bytes() for n in names])
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_valid_box_addresses_carry_city_state_and_zip(small_world: Any) -> None:
    truth = {t["request_id"]: t for t in small_world.table("truth.parquet")}
    boxes = 0
    for r in _requests(small_world.root)[1]:
        key = delivery_point_key(r["street"], r["unit"], r["zip"])
        if truth[r["request_id"]]["valid"] and key.startswith(("POB|", "RR|")):
            boxes += 1
            assert r["city"] and r["state"] and r["zip"], r
    assert boxes > 0


def test_a_non_filer_namesake_fits_no_filer_at_the_address(small_world: Any) -> None:
    # A non-filer relative's request, as written, must not fit anyone who filed at that
    # address: its written given name (a nickname included: JOE for a JOSEPH is a JOSHUA's
    # nickname too) and a filer's, with a surname in common, would be indistinguishable.
    truth = {t["request_id"]: t for t in small_world.table("truth.parquet")}
    filers_at: dict[str, list[StandardName]] = defaultdict(list)
    for f in small_world.table("master/filings.parquet"):
        key = delivery_point_key(f["street"], f["unit"], f["zip"])
        filers_at[key].append(
            standardise_name(f["first_name"], f["middle_name"], f["last_name"], None)
        )
    checked = 0
    for r in _requests(small_world.root)[1]:
        t = truth[r["request_id"]]
        if t["category"] != "nonfiler_namesake" or "namesake:other_dob" in t["variations"]:
            continue
        wanted = standardise_name(r["first_name"], r["middle_name"], r["last_name"], None)
        key = delivery_point_key(r["street"], r["unit"], r["zip"])
        for at, names in filers_at.items():
            if not same_delivery_point(key, at):
                continue
            for filer in names:
                shares_surname = bool(set(filer.surname_keys) & set(wanted.surname_keys))
                assert not (
                    shares_surname and same_given_name(filer.given_key, wanted.given_key)
                ), (r, filer)
        checked += 1
    assert checked > 5
