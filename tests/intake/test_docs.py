"""The intake docs stay true: module examples run, and docs/signing.md names every code."""

from __future__ import annotations

import doctest
from pathlib import Path
from types import ModuleType

import pytest

from taxgate.intake import keys, manifest, readers
from taxgate.screening.codes import ReasonCode

SIGNING_MD = Path(__file__).parents[2] / "docs" / "signing.md"


@pytest.mark.parametrize("module", [keys, manifest, readers], ids=lambda m: m.__name__)
def test_module_examples_run(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_signing_doc_names_every_intake_code() -> None:
    text = SIGNING_MD.read_text(encoding="utf-8")
    intake_codes = [c for c in ReasonCode if c.value.startswith(("SIGNER_", "SCHEMA_"))]
    missing = [c.value for c in intake_codes if f"`{c.value}`" not in text]
    assert missing == []
