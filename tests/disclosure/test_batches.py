"""``taxgate.disclosure.batches`` and ``taxgate.plural``: their examples run."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

from taxgate import plural
from taxgate.disclosure import batches
from taxgate.disclosure.batches import batch_summaries_sql


@pytest.mark.parametrize("module", [batches, plural], ids=lambda m: m.__name__)
def test_module_examples_run(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_summaries_bind_the_batch_id() -> None:
    assert "WHERE batch_id = ?" in batch_summaries_sql(by_batch=True)
    assert "?" not in batch_summaries_sql()
