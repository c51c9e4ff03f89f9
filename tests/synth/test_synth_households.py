"""Variation classes and the households that must not be disclosed, on the shared small world
(taxgate/synth/households.py, taxgate/synth/variation.py via requests.py)."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from taxgate.synth.spec import VARIATION_NAMES
from taxgate.synth.world import generate_world

SHORT_FORMS = {"PAT", "CHRIS", "ALEX", "SAM", "TONI", "TONY"}
HOUSEHOLD_KINDS = {
    "nonfiler_close_name": {"gender_form", "shared_short", "twin", "first_letter", "second_given"},
    "nonfiler_junior": {"junior"},
    "namesake_no_unit": {"no_unit"},
    "father_son_moved": {"moved_one_filed"},
}


def _joined(root: Path) -> list[tuple[dict[str, str], dict[str, Any]]]:
    truth = {t["request_id"]: t for t in pq.read_table(root / "truth.parquet").to_pylist()}
    with (root / "requests.csv").open(encoding="utf-8", newline="") as handle:
        return [(r, truth[r["request_id"]]) for r in csv.DictReader(handle)]


def _dob_on_file(root: Path) -> dict[str, str | None]:
    rows = pq.read_table(root / "master" / "taxpayers.parquet").to_pylist()
    return {str(r["tin"]): r["date_of_birth"] for r in rows}


def test_every_valid_request_names_its_variation(small_world: Any) -> None:
    seen: Counter[str] = Counter()
    for _r, t in _joined(small_world.root):
        if not t["valid"]:
            assert t["variation"] == ""
            continue
        assert t["variation"] != ""
        if t["category"] in ("current_address", "older_address"):
            assert t["variation"] in ("none", *VARIATION_NAMES)
            seen[t["variation"]] += 1
        elif t["category"] in HOUSEHOLD_KINDS:
            assert t["variation"] in HOUSEHOLD_KINDS[t["category"]]
    assert set(VARIATION_NAMES) <= set(seen), set(VARIATION_NAMES) - set(seen)
    varied = sum(v for k, v in seen.items() if k != "none")
    assert 0.35 < varied / sum(seen.values()) < 0.55


def test_household_requests_must_not_be_disclosed(small_world: Any) -> None:
    kinds: Counter[str] = Counter()
    for r, t in _joined(small_world.root):
        if t["category"] not in HOUSEHOLD_KINDS:
            continue
        kinds[t["variation"]] += 1
        assert t["expected_outcome"] == "NOT_DISCLOSED", (r, t)
        if t["category"] == "father_son_moved":
            assert t["true_tin"] is not None and not t["address_in_history"]
            assert r["date_of_birth"]
            continue
        assert t["true_tin"] is None
        if t["variation"] == "shared_short":
            assert {r["first_name"].upper(), r["last_name"].upper()} & SHORT_FORMS
        if t["variation"] == "second_given":
            assert len(r["middle_name"]) > 1
        if t["variation"] == "junior":
            assert r["suffix"].upper().rstrip(".") == "JR"
        if t["variation"] == "no_unit":
            assert r["unit"] == "" and r["date_of_birth"] != ""
    assert kinds["second_given"] and kinds["gender_form"] and kinds["junior"] and kinds["no_unit"]


def test_variation_classes_do_what_they_say(small_world: Any) -> None:
    dob = _dob_on_file(small_world.root)
    for r, t in _joined(small_world.root):
        variation = t["variation"]
        if t["category"] not in ("current_address", "older_address"):
            continue
        assert t["expected_outcome"] in ("DISCLOSED", "NOT_DISCLOSED")
        if variation.startswith("dob_"):
            assert r["date_of_birth"] and r["date_of_birth"] != dob[t["true_tin"]]
        # (A request the truth holds unanswerable, its name not on file, has no expected ZIP.)
        if variation == "zip_digit" and t["category"] == "current_address" and t["expected_zip"]:
            assert r["zip"][:5] != t["expected_zip"][:5] and r["city"] and r["state"]
        if variation == "unit_omitted":
            assert r["unit"] == ""
        first = r["first_name"].upper()
        if variation == "nickname" and first in SHORT_FORMS:
            assert r["date_of_birth"] or r["tin"], r
        if variation == "initial_first":
            assert len(first.split()[0].rstrip(".")) == 1 and len(first.split()) == 2


def test_household_words_are_name_defects(small_world: Any) -> None:
    rows = [(r, t) for r, t in _joined(small_world.root) if t["category"] == "household_name"]
    assert rows
    for _r, t in rows:
        assert t["expected_code_prefixes"] == "NAME_" and t["expected_outcome"] == "REJECTED"


def test_the_alt_noise_model_changes_only_the_noise(tmp_path: Path) -> None:
    generate_world(tmp_path / "d", taxpayers=3000, requests=600, seed=5)
    generate_world(tmp_path / "a", taxpayers=3000, requests=600, seed=5, noise="alt")
    default, alt = _joined(tmp_path / "d"), _joined(tmp_path / "a")
    assert (tmp_path / "d" / "master" / "filings.parquet").read_bytes() == (
        tmp_path / "a" / "master" / "filings.parquet"
    ).read_bytes()
    assert [t["category"] for _r, t in default] == [t["category"] for _r, t in alt]
    assert any("name:alt_noise" in t["variations"] for _r, t in alt)
    assert not any("alt_noise" in t["variations"] for _r, t in default)
