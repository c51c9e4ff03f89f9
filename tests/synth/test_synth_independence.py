"""The generator is an independent measurement: it imports none of the system it measures.

If the truth borrowed the matcher's name relations or address parser, a wrong table there would
be wrong in the truth too and never be caught (issue 14). Only ``taxgate.errors`` and the synth
package itself may be imported from ``taxgate``; the data contract's column names are the
synth package's own, and a test checks that they agree with the readers'.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import taxgate.synth
from taxgate.disclosure.response import RESPONSE_COLUMNS
from taxgate.intake.readers import LINE_ADDRESS_COLUMN, REQUEST_COLUMNS, SPLIT_ADDRESS_COLUMNS
from taxgate.spreadsheet_csv import FORMULA_STARTS, neutralise
from taxgate.standardise import name_agreement
from taxgate.synth import contract, names
from taxgate.synth.world import generate_world

ALLOWED = ("taxgate.errors", "taxgate.synth")
FORBIDDEN = ("taxgate.standardise", "taxgate.matching", "taxgate.screening", "taxgate.master")
SYNTH = Path(taxgate.synth.__file__).parent
MODULES = sorted(SYNTH.rglob("*.py"))


def taxgate_imports(path: Path) -> list[str]:
    """Every ``taxgate...`` module ``path`` imports, at any depth of its syntax tree."""
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                found.append("taxgate.synth")
            elif node.module is not None:
                found.extend([node.module] + [f"{node.module}.{a.name}" for a in node.names])
    return [name for name in found if name == "taxgate" or name.startswith("taxgate.")]


def outside(name: str, prefixes: tuple[str, ...]) -> bool:
    return not any(name == p or name.startswith(p + ".") for p in prefixes)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_synth_module_imports_the_system_it_measures(path: Path) -> None:
    imported = taxgate_imports(path)
    assert [n for n in imported if not outside(n, FORBIDDEN)] == [], path
    assert [n for n in imported if outside(n, ALLOWED)] == [], path


def test_the_walker_sees_imports_inside_functions(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "def f():\n    from taxgate.standardise.name_agreement import related_given_names\n"
        "import taxgate.matching.decide as d\n",
        encoding="utf-8",
    )
    imported = taxgate_imports(module)
    assert "taxgate.standardise.name_agreement" in imported
    assert "taxgate.matching.decide" in imported


def test_the_contract_columns_agree_with_the_readers() -> None:
    assert contract.REQUEST_COLUMNS == REQUEST_COLUMNS
    assert contract.SPLIT_ADDRESS_COLUMNS == SPLIT_ADDRESS_COLUMNS
    assert contract.LINE_ADDRESS_COLUMN == LINE_ADDRESS_COLUMN
    assert contract.RESPONSE_COLUMNS == RESPONSE_COLUMNS
    assert contract.FORMULA_STARTS == FORMULA_STARTS
    for cell in ("=1+1", "'plain", "R1", "-", "@x", "\tx"):
        assert contract.restore_cell(neutralise(cell)) == cell


def test_close_names_are_two_names_and_shared_short_forms_belong_to_both() -> None:
    for name, pairs in names.close_pairs().items():
        for pair in pairs:
            assert not names.same_given_name(name, pair.other), pair
            if pair.kind == "shared_short":
                short = names.shared_short_form(name, pair.other)
                assert short, pair
                assert names.same_given_name(short, name)
                assert names.same_given_name(short, pair.other)


def test_transliterations_and_joined_forms_are_one_name() -> None:
    assert names.same_given_name("MUHAMMAD", "MOHAMMED")
    assert "MOHAMED" in names.transliterations("MUHAMMAD")
    assert names.hyphenated_form("JIYOUNG") == "JI-YOUNG"
    assert names.same_given_name("JI-YOUNG", "JIYOUNG")


def test_a_wrong_matcher_name_table_does_not_change_the_truth(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate_world(tmp_path / "a", taxpayers=1500, requests=300, seed=9)
    monkeypatch.setattr(name_agreement, "related_given_names", lambda a, b: True)
    generate_world(tmp_path / "b", taxpayers=1500, requests=300, seed=9)
    for name in ("truth.parquet", "requests.csv", "master/filings.parquet"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
