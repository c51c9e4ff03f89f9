"""The scorer and its delivery-point canonicaliser (taxgate/synth/score.py)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taxgate.synth import vocab
from taxgate.synth.contract import RESPONSE_COLUMNS
from taxgate.synth.score import (
    delivery_point_key,
    read_truth,
    same_delivery_point,
    score,
    score_files,
)

GOLDEN = [
    (("123 North Main Street Apt. 4", "", "12345-6789"), "123|N|MAIN|ST||4|12345"),
    (("123 N MAIN ST", "#4", "12345"), "123|N|MAIN|ST||4|12345"),
    (("123 n. main st.", "Unit 4", "123456789"), "123|N|MAIN|ST||4|12345"),
    (("P.O. Box 77", None, "123456789"), "POB|77|12345"),
    (("POST OFFICE BOX 77", "", "12345"), "POB|77|12345"),
    (("RR 2, BOX 45", "", "30504"), "RR|2|45|30504"),
    (("Rural Route 2 Box 45", "", "30504-1111"), "RR|2|45|30504"),
    (("N6W23001 BLUEMOUND RD", "", "53186"), "N6W23001||BLUEMOUND|RD|||53186"),
    (("23-15 31ST ST", "#4B", "11101"), "23-15||31ST|ST||4B|11101"),
    (("101 1/2 OAK ST", "", "72201"), "101 1/2||OAK|ST|||72201"),
    (("5400 CEDAR ROAD EAST", "APARTMENT 3", "06107"), "5400||CEDAR|RD|E|3|06107"),
    (("1100 SEPULVEDA ST APT 3G", "", ""), "1100||SEPULVEDA|ST||3G|"),
    (("640 Lincoln Ln # 203", "", "02908"), "640||LINCOLN|LN||203|02908"),
    (("77 BROADWAY", "", "10007"), "77||BROADWAY||||10007"),
    (
        ("12 MARTIN LUTHER KING JR BLVD", "STE 200", "30303"),
        "12||MARTIN LUTHER KING JR|BLVD||200|30303",
    ),
]


@pytest.mark.parametrize(("parts", "key"), GOLDEN)
def test_delivery_point_key_golden(parts: tuple[str, str | None, str], key: str) -> None:
    assert delivery_point_key(*parts) == key


_names = st.sampled_from(["MAIN", "OAK", "SAN PEDRO", "31ST", "CESAR CHAVEZ", "WILLOW"])
_dirs = st.sampled_from(["", *vocab.DIRECTIONS])
_types = st.sampled_from(["", *vocab.STREET_TYPES])


@given(
    house=st.integers(1, 99999),
    predir=_dirs,
    name=_names,
    suffix=_types,
    postdir=_dirs,
    unit=st.sampled_from(["", "4", "4B", "203"]),
    long_form=st.booleans(),
    dots=st.booleans(),
    title=st.booleans(),
    inline=st.booleans(),
    designator=st.sampled_from(["APT", "APARTMENT", "UNIT", "#", "STE", "SUITE"]),
    zip_form=st.integers(0, 2),
)
def test_written_forms_reduce_to_one_key(
    house: int,
    predir: str,
    name: str,
    suffix: str,
    postdir: str,
    unit: str,
    long_form: bool,
    dots: bool,
    title: bool,
    inline: bool,
    designator: str,
    zip_form: int,
) -> None:
    if not suffix and (predir or postdir):
        suffix = "ST"  # a bare name between directionals reads two ways; not generated

    def word(short: str, long: dict[str, str]) -> str:
        if not short:
            return ""
        return long.get(short, short) if long_form else short + ("." if dots else "")

    street = " ".join(
        p
        for p in (
            str(house),
            word(predir, vocab.LONG_DIRECTION),
            name,
            word(suffix, vocab.LONG_STREET_TYPE),
            word(postdir, vocab.LONG_DIRECTION),
        )
        if p
    )
    unit_text = "" if not unit else (f"#{unit}" if designator == "#" else f"{designator} {unit}")
    if inline and unit_text:
        street, unit_text = f"{street} {unit_text}", ""
    if title:
        street, unit_text = street.title(), unit_text.title()
    zip_code = ("12345", "123456789", "12345-6789")[zip_form]
    expected = "|".join((str(house), predir, name, suffix, postdir, unit, "12345"))
    assert delivery_point_key(street, unit_text, zip_code) == expected


def test_same_delivery_point_tolerates_one_street_typo_only() -> None:
    assert same_delivery_point("12||MAPLE|ST||4|12345", "12||MAPEL|ST||4|12345")
    assert not same_delivery_point("12||MAPLE|ST||4|12345", "14||MAPLE|ST||4|12345")
    assert not same_delivery_point("12||MAPLE|ST||4|12345", "12||MAPLE|ST||5|12345")
    assert not same_delivery_point("12||10TH|ST|||12345", "12||11TH|ST|||12345")


def _response(truth: list[dict[str, Any]], mode: str) -> list[dict[str, str]]:
    rows = []
    for t in truth:
        row = dict.fromkeys(RESPONSE_COLUMNS, "")
        row["request_id"] = t["request_id"]
        row["outcome"] = "NOT_DISCLOSED"
        if mode == "truth":
            row["outcome"] = t["expected_outcome"]
            if t["expected_outcome"] == "DISCLOSED":
                for part in ("street", "unit", "city", "state", "zip"):
                    row[part] = t[f"expected_{part}"] or ""
                row["address_as_of"] = t["expected_as_of"]
            if t["expected_outcome"] == "REJECTED":
                prefixes = t["expected_code_prefixes"].split(";")
                row["reason_codes"] = ";".join(p if p == "DUPLICATE" else p + "X" for p in prefixes)
        rows.append(row)
    return rows


def test_nothing_disclosed_scores_zero_recall_and_no_harm(small_world: Any) -> None:
    truth = read_truth(small_world.root / "truth.parquet")
    result = score(_response(truth, "nothing"), truth)
    assert result["recall"] == 0.0
    assert result["precision"] == 1.0
    assert result["harmful_total"] == 0
    assert result["outcomes"]["NOT_DISCLOSED"] == len(truth)


def test_the_truth_itself_scores_perfectly(small_world: Any, tmp_path: Path) -> None:
    truth = read_truth(small_world.root / "truth.parquet")
    path = tmp_path / "response.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=RESPONSE_COLUMNS)
        writer.writeheader()
        writer.writerows(_response(truth, "truth"))
    result = score_files(path, small_world.root / "truth.parquet")
    assert result["recall"] == 1.0
    assert result["precision"] == 1.0
    assert result["harmful_total"] == 0
    assert result["valid"]["rejected"] == 0
    assert all(r["share"] == 1.0 for r in result["rejection_accuracy"].values())


def test_disclosing_invalid_requests_counts_as_harm(small_world: Any) -> None:
    truth = read_truth(small_world.root / "truth.parquet")
    response = _response(truth, "truth")
    invalid = [i for i, t in enumerate(truth) if not t["valid"]][:5]
    donor = next(t for t in truth if t["expected_outcome"] == "DISCLOSED")
    for i in invalid:
        response[i].update(
            outcome="DISCLOSED",
            reason_codes="",
            street=donor["expected_street"],
            zip=donor["expected_zip"],
            address_as_of=donor["expected_as_of"],
        )
    result = score(response, truth)
    assert result["harmful"]["invalid_request"] == 5
    assert result["harmful_total"] == 5
    assert result["precision"] < 1.0


def test_wrong_address_of_the_right_person_is_harm(small_world: Any) -> None:
    truth = read_truth(small_world.root / "truth.parquet")
    response = _response(truth, "truth")
    i = next(
        i
        for i, t in enumerate(truth)
        if t["category"] == "older_address" and t["expected_outcome"] == "DISCLOSED"
    )
    response[i]["address_as_of"] = "1999-01-01"
    result = score(response, truth)
    assert result["harmful"]["wrong_address"] == 1
    assert result["wrong_address_as_of_only"] == 1


def test_long_street_names_tolerate_a_typo_on_each_side() -> None:
    assert same_delivery_point("1964||WSHINGTON|AVE||201|07262", "1964||WASHINGTTON|AVE||201|07262")
    assert not same_delivery_point("12||MAPLE|ST|||12345", "12||MAPPLEE|ST|||12345")


def test_scores_are_broken_down_by_variation(small_world: Any) -> None:
    truth = read_truth(small_world.root / "truth.parquet")
    perfect = score(_response(truth, "truth"), truth)["by_variation"]
    assert {"none", "nickname", "unit_omitted", "gender_form", "junior"} <= set(perfect)
    for counts in perfect.values():
        assert counts.get("harmful", 0) == 0
        assert counts.get("correct", 0) == counts["expected_disclosed"]
    response = _response(truth, "truth")
    i = next(i for i, t in enumerate(truth) if t["variation"] == "no_unit")
    donor = next(t for t in truth if t["expected_outcome"] == "DISCLOSED")
    response[i].update(outcome="DISCLOSED", street=donor["expected_street"], zip="00000")
    assert score(response, truth)["by_variation"]["no_unit"]["harmful"] == 1


def test_a_truth_without_the_variation_column_still_scores(small_world: Any) -> None:
    truth = read_truth(small_world.root / "truth.parquet")
    old = [{k: v for k, v in t.items() if k != "variation"} for t in truth]
    result = score(_response(old, "nothing"), old)
    assert set(result["by_variation"]) == {"none"}


def _disclosing(truth: dict[str, Any]) -> dict[str, str]:
    """A response row's fields disclosing a truth row's expected address."""
    return {
        "outcome": "DISCLOSED",
        "reason_codes": "",
        "street": truth["expected_street"],
        "unit": truth["expected_unit"] or "",
        "zip": truth["expected_zip"],
        "address_as_of": truth["expected_as_of"],
    }


def test_a_repeat_answered_because_its_original_resolved_to_no_one_is_no_harm(
    small_world: Any,
) -> None:
    truth = read_truth(small_world.root / "truth.parquet")
    by_id = {t["request_id"]: i for i, t in enumerate(truth)}
    repeat = next(
        t
        for t in truth
        if t["category"] == "duplicate"
        and t["expected_as_of"] is not None
        and any(
            o["true_tin"] == t["true_tin"] and o["expected_outcome"] == "DISCLOSED" for o in truth
        )
    )
    original = next(
        o
        for o in truth
        if o["true_tin"] == repeat["true_tin"] and o["expected_outcome"] == "DISCLOSED"
    )
    answer = _disclosing(original)
    response = _response(truth, "truth")
    # The original was not answered (it resolved to no one); the repeat was: no harm.
    response[by_id[original["request_id"]]].update(outcome="NOT_DISCLOSED", street="", zip="")
    response[by_id[repeat["request_id"]]].update(answer)
    assert score(response, truth)["harmful_total"] == 0
    # Both answered: the taxpayer was disclosed twice, and the repeat is harmful.
    twice = _response(truth, "truth")
    twice[by_id[repeat["request_id"]]].update(answer)
    assert score(twice, truth)["harmful"]["invalid_request"] == 1


def test_a_repeat_is_judged_on_its_own_writing(small_world: Any) -> None:
    """A repeat answered as the first request to resolve is judged on what it said: harmless
    where its own writing tells the taxpayer apart, harmful where it does not."""
    truth = read_truth(small_world.root / "truth.parquet")
    by_id = {t["request_id"]: i for i, t in enumerate(truth)}
    repeat = next(
        t for t in truth if t["category"] == "duplicate" and t["expected_as_of"] is not None
    )
    answer = _disclosing(repeat)
    # Nothing else answered for this taxpayer: the repeat resolved first.
    alone = _response(truth, "nothing")
    alone[by_id[repeat["request_id"]]].update(answer)
    assert score(alone, truth)["harmful_total"] == 0
    # The same repeat, had its own writing not told the taxpayer apart, would be a harm.
    blurred = [dict(t) for t in truth]
    row = blurred[by_id[repeat["request_id"]]]
    row.update(distinguishable=False, expected_as_of=None)
    for part in ("street", "unit", "city", "state", "zip"):
        row[f"expected_{part}"] = None
    assert score(alone, blurred)["harmful_total"] == 1
