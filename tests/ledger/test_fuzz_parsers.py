"""A short run of bench/fuzz_ledger_parsers.py in CI: every ledger parser (signed notes,
checkpoints, export lines, witness requests, proofs.json, verifier keys) lets only a
TaxgateError out, on mutated valid inputs and on arbitrary bytes."""

from __future__ import annotations

import contextlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taxgate.errors import TaxgateError

BENCH = Path(__file__).resolve().parents[2] / "bench" / "fuzz_ledger_parsers.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fuzz_ledger_parsers", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


FUZZ = _load()


@pytest.mark.parametrize("target", sorted(FUZZ.TARGETS))
def test_mutated_inputs_raise_only_taxgate_errors(target: str, tmp_path: Path) -> None:
    tally = FUZZ.run_mutations(target, 1_500, seed=16, crashes=tmp_path)
    assert tally.inputs == 1_500
    assert not tally.escaped, f"exceptions outside the tree: {dict(tally.escaped)}"
    # The seeds are valid: the run reached past the parser, not only its refusals.
    assert tally.refused < tally.inputs


@pytest.mark.parametrize("target", sorted(FUZZ.TARGETS))
def test_the_seeds_parse(target: str) -> None:
    for data in FUZZ.seeds(target):
        if target == "vkey" and not data.count(b"+"):
            continue  # the state-format string is there to be mutated into near-misses
        FUZZ.TARGETS[target](data)


@settings(max_examples=150)
@given(target=st.sampled_from(sorted(FUZZ.TARGETS)), data=st.binary(max_size=600))
def test_arbitrary_bytes_raise_only_taxgate_errors(target: str, data: bytes) -> None:
    with contextlib.suppress(TaxgateError):
        FUZZ.TARGETS[target](data)
