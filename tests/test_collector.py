"""The cyclic collector is paused for a block and restored as it was."""

from __future__ import annotations

import gc

import pytest

from taxgate.collector import cycle_collector_paused


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_and_restored_as_it_was(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        with cycle_collector_paused():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
        with pytest.raises(RuntimeError), cycle_collector_paused():
            raise RuntimeError("a fault inside the block")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
