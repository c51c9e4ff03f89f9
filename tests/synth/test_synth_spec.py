"""WorldSpec, the embedded word lists and the docs that describe them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from nicknames import NickNamer

from taxgate.errors import ConfigError
from taxgate.synth import vocab
from taxgate.synth.score import delivery_point_key
from taxgate.synth.spec import CATEGORIES, WorldSpec, category_counts

DOCS = Path(__file__).parents[2] / "docs" / "synth.md"


def test_default_mix_is_the_promised_one() -> None:
    rates = WorldSpec().category_rates()
    valid = sum(r for c, r in rates.items() if next(x for x in CATEGORIES if x.name == c).valid)
    assert abs(sum(rates.values()) - 1) < 1e-9
    assert 0.68 <= valid <= 0.72
    assert abs(rates["duplicate"] - 0.02) < 1e-9
    traps = ("not_their_address", "not_in_master", "nonfiler_namesake", "namesake_same_building")
    assert 0.05 <= sum(rates[t] for t in traps) <= 0.08
    assert rates["wrong_tin"] <= 0.005 and rates["father_son_same_address"] <= 0.01
    assert sum(category_counts(WorldSpec(), 1234).values()) == 1234


def test_rates_outside_zero_one_are_refused() -> None:
    with pytest.raises(ConfigError):
        WorldSpec(accent_rate=1.5)
    with pytest.raises(ConfigError):
        WorldSpec(older_address_rate=0.9)


def test_every_rate_and_category_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for field in dataclasses.fields(WorldSpec):
        assert f"`{field.name}`" in text, field.name
    for category in CATEGORIES:
        assert f"`{category.name}`" in text, category.name


def test_english_nicknames_agree_with_the_nicknames_package() -> None:
    namer = NickNamer()
    rows = vocab.data_rows("name_variants.csv")
    given = vocab.given_names()
    english = {n for n, g in zip(given.names, given.group.tolist(), strict=True) if g == 1}
    by_name: dict[str, list[str]] = {}
    for row in rows:
        by_name.setdefault(row["name"], []).append(row["variant"])
    for row in rows:
        name, variant = row["name"].lower(), row["variant"].lower()
        if row["language"] == "en":
            assert variant in namer.nicknames_of(name), row
        elif row["kind"] == "anglicised" and row["variant"] not in english:
            full = [row["name"], *by_name[row["name"]]]
            full_forms = [v.lower() for v in full if v in english]
            assert any(variant in namer.nicknames_of(f) for f in full_forms), row


def test_street_names_parse_one_way() -> None:
    names, probabilities = vocab.street_names()
    assert abs(probabilities.sum() - 1) < 1e-9
    for name in names:
        key = delivery_point_key(f"100 {name} ST", "", "12345")
        assert key == f"100||{name}|ST|||12345"


def test_surnames_are_heavy_tailed() -> None:
    table = vocab.surnames()
    weights = sorted(table.weight.tolist(), reverse=True)
    assert sum(weights[: len(weights) // 10]) > 0.35 * sum(weights)  # top 10 % of names
    for common in ("GARCIA", "RODRIGUEZ", "MARTINEZ", "HERNANDEZ", "LOPEZ", "GONZALEZ"):
        assert common in table.names
