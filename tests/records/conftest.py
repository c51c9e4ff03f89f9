"""An open record store on each backend."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from taxgate.records import RecordStore


@pytest.fixture
def records(records_url: str) -> Iterator[RecordStore]:
    store = RecordStore.open(records_url)
    yield store
    store.close()
