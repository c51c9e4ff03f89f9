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
    sql = batch_summaries_sql(with_reviews=True, by_batch=True)
    assert "b.batch_id = ?" in sql and "FROM reviews" in sql
    assert "FROM reviews" not in batch_summaries_sql(with_reviews=False)
