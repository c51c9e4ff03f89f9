"""Score a response file (data contract §3) against a world's ``truth.parquet``.

The headline numbers are *harm* (disclosures that should not have happened, by kind),
*precision* (correct disclosures over all disclosures) and *recall* (correct disclosures over
the requests a careful system can and must answer). Addresses are compared by delivery point
(:func:`delivery_point_key`), with one typo's slack per side in the street name, so that a
typo carried over from a return is not counted as a wrong address.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from rapidfuzz.distance import DamerauLevenshtein
from scourgify.address_constants import (
    DIRECTIONAL_REPLACEMENTS,
    OCCUPANCY_TYPE_ABBREVIATIONS,
    STREET_TYPE_ABBREVIATIONS,
)

from taxgate.errors import InputError, SchemaError
from taxgate.synth.contract import RESPONSE_COLUMNS, restore_cell

HARM_KINDS = (
    "invalid_request",
    "address_not_corroborated",
    "wrong_person",
    "wrong_address",
    "tin_conflict",
)
OUTCOMES = ("DISCLOSED", "NOT_DISCLOSED", "REJECTED")

_DIRECTIONS = {**DIRECTIONAL_REPLACEMENTS, **{v: v for v in DIRECTIONAL_REPLACEMENTS.values()}}
# Publication 28's designators, and two forms request files write besides (FLR 2, NO 6G).
_UNIT_WORDS = (
    set(OCCUPANCY_TYPE_ABBREVIATIONS) | set(OCCUPANCY_TYPE_ABBREVIATIONS.values()) | {"FLR", "NO"}
)
_PO_BOX = re.compile(r"^(?:P O|PO|POST OFFICE)\s*BOX\s+(\w+)")
_RURAL = re.compile(r"^(?:RR|R R|RURAL ROUTE|RURAL RTE|RT)\s+(\d+)\s+BOX\s+(\w+)")
_FRACTION = re.compile(r"^\d+/\d+$")


def _plain(text: str | None) -> str:
    """Upper-case ASCII with punctuation (but ``#``, ``-`` and ``/``) turned into spaces."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).upper()
    ascii_text = re.sub(r"#\s*", " # ", ascii_text)
    return " ".join(re.sub(r"[^A-Z0-9#/\- ]", " ", ascii_text).split())


def _unit_number(tokens: list[str]) -> str:
    """The unit identifier of ``APT 4B``, ``#4B``, ``UNIT 4 B`` or ``4B``."""
    while tokens and tokens[0] in _UNIT_WORDS:
        tokens = tokens[1:]
    return "".join(tokens)


def delivery_point_key(street: str | None, unit: str | None, zip_code: str | None) -> str:
    """The delivery point of an address as written: ``HOUSE|PREDIR|NAME|SUFFIX|POSTDIR|UNIT|ZIP5``.

    PO boxes give ``POB|BOX|ZIP5`` and rural routes ``RR|ROUTE|BOX|ZIP5`` (the keys of
    ``StandardAddress.delivery_key``). Upper case, Publication 28 suffixes and directionals
    (scourgify's tables), the unit number without its designator, ZIP5 only.

    Example:
        >>> delivery_point_key("123 North Main Street Apt. 4", "", "12345-6789")
        '123|N|MAIN|ST||4|12345'
        >>> delivery_point_key("P.O. Box 77", None, "123456789")
        'POB|77|12345'
    """
    digits = re.sub(r"\D", "", zip_code or "")
    zip5 = digits[:5] if len(digits) >= 5 else ""
    line = _plain(street)
    box = _PO_BOX.match(line)
    if box:
        return f"POB|{box.group(1)}|{zip5}"
    rural = _RURAL.match(line)
    if rural:
        return f"RR|{rural.group(1)}|{rural.group(2)}|{zip5}"
    tokens = line.split()
    unit_tokens: list[str] = []
    for i in range(1, len(tokens) - 1):
        if tokens[i] in _UNIT_WORDS and i >= 2:
            tokens, unit_tokens = tokens[:i], tokens[i:]
            break
    unit_number = _unit_number(_plain(unit).split()) or _unit_number(unit_tokens)
    house = ""
    if tokens and any(c.isdigit() for c in tokens[0]):
        house, tokens = tokens[0], tokens[1:]
        if tokens and _FRACTION.match(tokens[0]):
            house, tokens = f"{house} {tokens[0]}", tokens[1:]
    postdir = suffix = predir = ""
    if len(tokens) >= 2 and tokens[-1] in _DIRECTIONS:
        postdir, tokens = _DIRECTIONS[tokens[-1]], tokens[:-1]
    if len(tokens) >= 2 and tokens[-1] in STREET_TYPE_ABBREVIATIONS:
        suffix, tokens = STREET_TYPE_ABBREVIATIONS[tokens[-1]], tokens[:-1]
    if len(tokens) >= 2 and tokens[0] in _DIRECTIONS:
        predir, tokens = _DIRECTIONS[tokens[0]], tokens[1:]
    name = " ".join(tokens)
    return "|".join((house, predir, name, suffix, postdir, unit_number, zip5))


def same_delivery_point(a: str, b: str) -> bool:
    """Whether two keys name one delivery point, allowing a typo in the street name.

    Names of four to seven letters may differ by one character, longer ones by two (a typo
    on each side); names with digits (``10TH``) must be equal.
    """
    if a == b:
        return True
    pa_, pb = a.split("|"), b.split("|")
    if len(pa_) != 7 or len(pb) != 7 or not pa_[0] or pa_[:2] + pa_[3:] != pb[:2] + pb[3:]:
        return False
    # Numbered streets (10TH, 11TH) are different streets, never typos of each other.
    if min(len(pa_[2]), len(pb[2])) < 4 or any(c.isdigit() for c in pa_[2] + pb[2]):
        return False
    # One typo per side: a long name may differ by two characters when both were mistyped.
    slack = 2 if min(len(pa_[2]), len(pb[2])) >= 8 else 1
    return DamerauLevenshtein.distance(pa_[2], pb[2]) <= slack


def read_response(path: Path) -> list[dict[str, str]]:
    """Rows of a response CSV (contract §3)."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in RESPONSE_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise SchemaError(f"missing columns {missing}", path=path)
            # taxgate's CSV is spreadsheet-safe (data contract §4): undo the apostrophe.
            return [
                {k: restore_cell(v) if isinstance(v, str) else v for k, v in row.items()}
                for row in reader
            ]
    except OSError as e:
        raise InputError(f"cannot read response: {e.strerror}", path=path) from e
    except UnicodeDecodeError as e:
        raise InputError("response is not UTF-8", path=path) from e


def read_truth(path: Path) -> list[dict[str, Any]]:
    """Rows of ``truth.parquet``."""
    try:
        rows: list[dict[str, Any]] = pq.read_table(path).to_pylist()
    except (OSError, ValueError) as e:
        raise InputError(f"cannot read truth: {e}", path=path) from e
    if rows and "expected_outcome" not in rows[0]:
        raise SchemaError("not a truth.parquet (no expected_outcome column)", path=path)
    return rows


def _harm(truth: dict[str, Any], response: dict[str, str]) -> str | None:
    """The kind of harm of a disclosure, or None when it is the correct answer."""
    if not truth["valid"]:
        return "invalid_request"
    if truth["true_tin"] is None or not truth["distinguishable"]:
        return "wrong_person"
    if not truth["address_in_history"]:
        return "address_not_corroborated"
    key = delivery_point_key(response["street"], response["unit"], response["zip"])
    if not any(same_delivery_point(key, k) for k in truth["true_address_keys"] or []):
        return "wrong_person"
    if truth["expected_outcome"] != "DISCLOSED":
        return "tin_conflict" if truth["category"] == "wrong_tin" else "wrong_address"
    expected = delivery_point_key(
        truth["expected_street"], truth["expected_unit"], truth["expected_zip"]
    )
    if not same_delivery_point(key, expected):
        return "wrong_address"
    if (response.get("address_as_of") or "") != truth["expected_as_of"]:
        return "wrong_address"
    return None


@dataclass(frozen=True)
class _Answered:
    """Per true taxpayer: how many disclosures went to them, and their first truth row that
    expects a disclosure; and whether the truth file labels each repeat on its own writing
    (any repeat carries an expected address)."""

    disclosed: Counter[str]
    expected: dict[str, dict[str, Any]]
    repeats_labelled: bool


def _answered_taxpayers(
    responses: dict[str, dict[str, str]], truth_rows: list[dict[str, Any]]
) -> _Answered:
    """What :func:`_as_answered` needs to judge a repeat (see :class:`_Answered`)."""
    disclosed: Counter[str] = Counter()
    expected: dict[str, dict[str, Any]] = {}
    labelled = False
    for truth in truth_rows:
        tin = truth["true_tin"]
        if tin is None:
            continue
        if (responses.get(truth["request_id"]) or {}).get("outcome") == "DISCLOSED":
            disclosed[tin] += 1
        if truth["valid"] and truth["expected_outcome"] == "DISCLOSED":
            expected.setdefault(tin, truth)
        labelled |= truth["category"] == "duplicate" and bool(truth.get("expected_as_of"))
    return _Answered(disclosed, expected, labelled)


def _as_answered(truth: dict[str, Any], answered: _Answered) -> dict[str, Any]:
    """A repeat request (category ``duplicate``) that was disclosed, when no other request of
    the batch disclosed the same taxpayer, is judged as the first request to resolve (domain
    §3): on its own label, or (a truth file from before repeats were labelled on their own
    writing) as its original would be."""
    tin = truth["true_tin"]
    if truth["category"] != "duplicate" or tin is None or answered.disclosed[tin] > 1:
        return truth
    if answered.repeats_labelled:
        outcome = "DISCLOSED" if truth.get("expected_as_of") else "NOT_DISCLOSED"
        return {**truth, "valid": True, "expected_outcome": outcome}
    original = answered.expected.get(tin)
    if original is None:
        return truth
    return {**original, "request_id": truth["request_id"], "category": "duplicate"}


def _codes_cover(codes: str, prefixes: str) -> bool:
    found = [c.strip() for c in codes.split(";") if c.strip()]
    wanted = [p for p in prefixes.split(";") if p]
    return all(any(c.startswith(p) for c in found) for p in wanted)


@dataclass
class _Tally:
    """What :func:`score` counts, request by request."""

    outcomes: Counter[str] = field(default_factory=Counter)
    harmful: Counter[str] = field(default_factory=lambda: Counter({k: 0 for k in HARM_KINDS}))
    by_category: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    by_variation: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    rejection: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    valid: Counter[str] = field(default_factory=Counter)
    correct: int = 0
    as_of_only: int = 0
    missing: int = 0

    def add(
        self,
        truth: dict[str, Any],
        response: dict[str, str] | None,
        answered: _Answered,
    ) -> None:
        outcome = (response or {}).get("outcome", "").strip().upper()
        self.missing += response is None
        self.outcomes[outcome or "MISSING"] += 1
        self.by_category[truth["category"]][outcome or "MISSING"] += 1
        # Truths written before the variation column have none: they count under "none".
        variation = self.by_variation[truth.get("variation") or "none"] if truth["valid"] else None
        if variation is not None:
            variation[outcome or "MISSING"] += 1
            variation["expected_disclosed"] += truth["expected_outcome"] == "DISCLOSED"
        if truth["valid"]:
            self.valid["total"] += 1
            self.valid[outcome.lower() or "missing"] += 1
        else:
            tally = self.rejection[truth["category"]]
            tally[0] += 1
            codes = (response or {}).get("reason_codes") or ""
            tally[1] += outcome == "REJECTED" and _codes_cover(
                codes, truth["expected_code_prefixes"]
            )
        if outcome == "DISCLOSED" and response is not None:
            self._disclosed(truth, response, answered, variation)

    def _disclosed(
        self,
        truth: dict[str, Any],
        response: dict[str, str],
        answered: _Answered,
        variation: Counter[str] | None,
    ) -> None:
        kind = _harm(_as_answered(truth, answered), response)
        if variation is not None:
            variation["harmful" if kind else "correct"] += 1
        if kind is None:
            self.correct += 1
            return
        self.harmful[kind] += 1
        expected_key = delivery_point_key(
            truth["expected_street"], truth["expected_unit"], truth["expected_zip"]
        )
        key = delivery_point_key(response["street"], response["unit"], response["zip"])
        self.as_of_only += kind == "wrong_address" and same_delivery_point(key, expected_key)


def score(response_rows: list[dict[str, str]], truth_rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The score of a response against the truth (see module docstring and docs/synth.md)."""
    responses = {r["request_id"]: r for r in response_rows}
    answered = _answered_taxpayers(responses, truth_rows)
    t = _Tally()
    for truth in truth_rows:
        t.add(truth, responses.get(truth["request_id"]), answered)
    must = sum(
        1 for r in truth_rows if r["expected_outcome"] == "DISCLOSED" and r["distinguishable"]
    )
    disclosed = t.outcomes["DISCLOSED"]
    valid = t.valid
    return {
        "requests": len(truth_rows),
        "outcomes": {
            o: t.outcomes[o] for o in (*OUTCOMES, "MISSING") if t.outcomes[o] or o in OUTCOMES
        },
        "correct_disclosures": t.correct,
        "expected_disclosures": must,
        "precision": 1.0 if disclosed == 0 else t.correct / disclosed,
        "recall": 0.0 if must == 0 else t.correct / must,
        "harmful": dict(t.harmful),
        "harmful_total": sum(t.harmful.values()),
        "wrong_address_as_of_only": t.as_of_only,
        "valid": {
            "total": valid["total"],
            "disclosed": valid["disclosed"],
            "not_disclosed": valid["not_disclosed"],
            "rejected": valid["rejected"],
            "rejected_share": valid["rejected"] / valid["total"] if valid["total"] else 0.0,
        },
        "rejection_accuracy": {
            c: {"rows": n, "correct": k, "share": k / n}
            for c, (n, k) in sorted(t.rejection.items())
        },
        "by_category": {c: dict(sorted(v.items())) for c, v in sorted(t.by_category.items())},
        "by_variation": {v: dict(sorted(c.items())) for v, c in sorted(t.by_variation.items())},
        "missing_responses": t.missing,
        "unknown_request_ids": len(set(responses) - {r["request_id"] for r in truth_rows}),
    }


def score_files(response: Path, truth: Path) -> dict[str, Any]:
    """Read both files and :func:`score` them.

    Args:
        response: A response CSV (data contract §3).
        truth: The world's ``truth.parquet``.

    Returns:
        The JSON-ready score (keys in ``docs/synth.md``).

    Raises:
        InputError: A file is unreadable; SchemaError: a file lacks required columns.
    """
    return score(read_response(response), read_truth(truth))


def summary_line(result: dict[str, Any]) -> str:
    """One line for humans: precision, recall, harm."""
    return (
        f"precision {result['precision']:.4f}  recall {result['recall']:.4f}  "
        f"harmful {result['harmful_total']}  "
        f"({', '.join(f'{k} {v}' for k, v in result['harmful'].items() if v) or 'none'})"
    )
