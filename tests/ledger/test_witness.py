"""The witness cosigns a checkpoint only when it extends the last one it cosigned."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from taxgate.cli.main import run_cli
from taxgate.errors import InputError, WitnessRefused
from taxgate.ledger.checkpoint import VKEY_FILE
from taxgate.ledger.cosign import add_cosignatures, witness_request
from taxgate.ledger.log import Ledger
from taxgate.ledger.note import parse_note
from taxgate.ledger.receipts import batch_receipt
from taxgate.ledger.witness import (
    add_checkpoint_body,
    cosign,
    init_witness,
    parse_add_checkpoint,
    read_state,
)
from taxgate.store import Store
from taxgate.workspace import Workspace

from . import attacks
from .conftest import record_batch, signing_key

WHEN = datetime(2025, 8, 8, tzinfo=UTC)


@pytest.fixture
def witness(tmp_path: Path, workspace: Workspace) -> tuple[Path, Path]:
    state, key = tmp_path / "witness" / "state.json", tmp_path / "witness" / "w.key.pem"
    state.parent.mkdir(mode=0o700)
    vkey = (workspace.keys_dir / VKEY_FILE).read_text()
    init_witness(state, key_path=key, name="oversight.example/w1", log_vkey=vkey)
    return state, key


def _cosign_latest(store: Store, witness: tuple[Path, Path]) -> str:
    state, key = witness
    old = read_state(state).head().size
    return cosign(state, key_path=key, request=witness_request(store, old_size=old), now=WHEN)


def test_cosigns_the_first_checkpoint_and_each_that_extends_it(
    store: Store, workspace: Workspace, witness: tuple[Path, Path]
) -> None:
    record_batch(store, workspace, "B1", 3)
    first = _cosign_latest(store, witness)
    record_batch(store, workspace, "B2", 2)
    second = _cosign_latest(store, witness)
    state = read_state(witness[0])
    assert state.checkpoint == second and state.head().size == Ledger(store).size()
    note = parse_note(second.encode())
    assert [s.name for s in note.signatures] == [state.origin, "oversight.example/w1"]
    assert state.witness.verify(note.text, note.signatures[1])
    assert first != second


def test_a_stale_old_size_is_refused_with_the_size_to_use(
    store: Store, workspace: Workspace, witness: tuple[Path, Path]
) -> None:
    record_batch(store, workspace, "B1", 3)
    _cosign_latest(store, witness)
    cosigned = Ledger(store).size()
    record_batch(store, workspace, "B2", 1)
    with pytest.raises(WitnessRefused, match=f"ask again with `old {cosigned}`") as caught:
        cosign(
            witness[0], key_path=witness[1], request=witness_request(store, old_size=0), now=WHEN
        )
    assert caught.value.status == 409


def test_a_rollback_is_refused(
    store: Store, workspace: Workspace, witness: tuple[Path, Path]
) -> None:
    for batch in ("B1", "B2", "B3"):
        record_batch(store, workspace, batch, 2)
    _cosign_latest(store, witness)
    before = read_state(witness[0])
    attacks.truncate(store, workspace, signing_key(workspace), checkpoints=1)
    request = witness_request(store, old_size=Ledger(store).size())
    with pytest.raises(WitnessRefused, match="rollback"):
        cosign(witness[0], key_path=witness[1], request=request, now=WHEN)
    assert read_state(witness[0]) == before


def test_a_fork_re_signed_with_the_log_key_is_refused(
    store: Store, workspace: Workspace, witness: tuple[Path, Path]
) -> None:
    record_batch(store, workspace, "B1", 3)
    state = read_state(witness[0])
    _cosign_latest(store, witness)
    cosigned = read_state(witness[0]).head()
    attacks.rewrite_a_disclosure(store, workspace, signing_key(workspace))
    record_batch(store, workspace, "B2", 1)  # the forged log grows on
    with pytest.raises(WitnessRefused, match="fork") as caught:
        _cosign_latest(store, witness)
    assert caught.value.status == 422
    assert read_state(witness[0]).head() == cosigned
    assert state.checkpoint is None


def test_a_checkpoint_signed_by_another_key_or_log_is_refused(
    store: Store, workspace: Workspace, witness: tuple[Path, Path], tmp_path: Path
) -> None:
    record_batch(store, workspace, "B1", 1)
    other = Workspace.create(tmp_path / "other", workspace.agreement())
    with Store.open(other.store_path) as other_store:
        record_batch(other_store, other, "B1", 1)
        request = witness_request(other_store, old_size=0)
    with pytest.raises(WitnessRefused, match="unknown log") as caught:
        cosign(witness[0], key_path=witness[1], request=request, now=WHEN)
    assert caught.value.status == 404
    forged = request.replace(read_state(witness[0]).origin.encode(), b"x")  # keeps nothing valid
    with pytest.raises((WitnessRefused, InputError)):
        cosign(witness[0], key_path=witness[1], request=forged, now=WHEN)


def test_the_log_keeps_cosignatures_and_the_response_carries_them(
    store: Store, workspace: Workspace, witness: tuple[Path, Path]
) -> None:
    record_batch(store, workspace, "B1", 2)
    cosigned = _cosign_latest(store, witness)
    assert add_cosignatures(store, cosigned.encode()) == 1
    assert add_cosignatures(store, cosigned.encode()) == 1  # kept once
    receipt = batch_receipt(store, "B1")
    assert receipt is not None and receipt.checkpoint.decode() == cosigned


def test_the_request_format_round_trips() -> None:
    proof = [bytes([i]) * 32 for i in range(3)]
    parsed = parse_add_checkpoint(add_checkpoint_body(7, proof, "log\n9\nAAAA\n\n\u2014 log x\n"))
    assert (parsed.old_size, list(parsed.proof)) == (7, proof)
    for bad in (b"old 01\n\nx", b"new 1\n\nx", b"old 1\nnot base64!\n\nx", b"old 1\n"):
        with pytest.raises(InputError):
            parse_add_checkpoint(bad)


def test_the_cli_exit_code_of_a_refusal(
    store: Store, workspace: Workspace, witness: tuple[Path, Path], tmp_path: Path
) -> None:
    record_batch(store, workspace, "B1", 2)
    request = tmp_path / "request"
    request.write_bytes(witness_request(store, old_size=0))
    argv = ["witness", "cosign", str(witness[0]), "--key", str(witness[1])]
    assert run_cli([*argv, "--request", str(request), "--out", str(tmp_path / "c")]) == 0
    assert run_cli([*argv, "--request", str(request)]) == WitnessRefused.exit_code == 13
    assert json.loads(witness[0].read_text())["checkpoint"] == (tmp_path / "c").read_text()
