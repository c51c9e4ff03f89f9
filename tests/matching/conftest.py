"""Fixtures shared by the matching tests: a small master file loaded into a memory store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from taxgate.master.load import load_master
from taxgate.store import Store

MasterStore = Callable[[str, str], Store]


@pytest.fixture
def master_store(tmp_path: Path) -> MasterStore:
    """Load ``taxpayers`` and ``filings`` (CSV text with headers) as the master file of a
    memory store."""

    def load(taxpayers: str, filings: str) -> Store:
        (tmp_path / "taxpayers.csv").write_text(taxpayers, encoding="utf-8")
        (tmp_path / "filings.csv").write_text(filings, encoding="utf-8")
        store = Store.memory()
        load_master(store, tmp_path, workers=1)
        return store

    return load
