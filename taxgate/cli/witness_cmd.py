"""CLI: ``taxgate witness init|cosign``, the tool an independent witness runs (thin), and
the log's side of the exchange: ``ledger witness-request`` and ``ledger add-cosignature``."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from taxgate.cli.console import say
from taxgate.errors import InputError
from taxgate.files import read_regular
from taxgate.ledger.cosign import add_cosignatures, witness_request
from taxgate.ledger.note import MAX_NOTE_BYTES
from taxgate.ledger.witness import cosign, init_witness
from taxgate.store import Store
from taxgate.workspace import Workspace, atomic_write_bytes

witness_app = typer.Typer(
    help="An independent witness: cosigns a log's checkpoints only as the log grows.",
    no_args_is_help=True,
)

StateArg = Annotated[
    Path, typer.Argument(metavar="STATE", help="The witness's state file (outside any workspace).")
]
KeyOpt = Annotated[
    Path, typer.Option("--key", help="The witness's Ed25519 private key (PEM, mode 0600).")
]


def register(app: typer.Typer, ledger_app: typer.Typer) -> None:
    """Attach ``witness`` and the log's two witness commands under ``ledger``."""
    app.add_typer(witness_app, name="witness")
    ledger_app.command("witness-request")(request)
    ledger_app.command("add-cosignature")(add_cosignature)


@witness_app.command("init")
def init(
    state: StateArg,
    key: KeyOpt,
    name: Annotated[str, typer.Option(help="The witness's name, e.g. oversight.example/w1.")],
    log_key: Annotated[
        Path, typer.Option(help="The log's verifier key file (WS/keys/ledger.vkey, copied).")
    ],
) -> None:
    """Start following a log: a new state file, and a new key unless KEY exists."""
    vkey = read_regular(log_key, limit=4096).decode("utf-8", "replace")
    made = init_witness(state, key_path=key, name=name, log_vkey=vkey)
    say(f"witness {made.witness.name} follows {made.origin}")
    typer.echo(made.witness.vkey())


@witness_app.command("cosign")
def cosign_cmd(
    state: StateArg,
    key: KeyOpt,
    request_file: Annotated[
        Path, typer.Option("--request", help="The add-checkpoint request (`-` for stdin).")
    ],
    out: Annotated[
        Path | None, typer.Option(help="Write the cosigned checkpoint here (default stdout).")
    ] = None,
) -> None:
    """Cosign a checkpoint if it extends the last one cosigned; refuse rollback or fork."""
    if str(request_file) == "-":
        data = sys.stdin.buffer.read(MAX_NOTE_BYTES + 8192)
    else:
        data = read_regular(request_file, limit=MAX_NOTE_BYTES + 8192)
    note = cosign(state, key_path=key, request=data, now=datetime.now(UTC))
    _emit(note.encode("utf-8"), out)


def request(
    ws: Annotated[Path, typer.Argument(metavar="WS", help="The workspace folder.")],
    old: Annotated[int, typer.Option(help="The size the witness cosigned last (0 at first).")],
    out: Annotated[
        Path | None, typer.Option(help="Write the request here (default stdout).")
    ] = None,
) -> None:
    """The add-checkpoint request for a witness: old size, consistency proof, checkpoint."""
    workspace = Workspace.open(ws)
    with Store.open(workspace.store_path, read_only=True) as store:
        body = witness_request(store, old_size=old)
    _emit(body, out)


def add_cosignature(
    ws: Annotated[Path, typer.Argument(metavar="WS", help="The workspace folder.")],
    note: Annotated[Path, typer.Option(help="The cosigned checkpoint a witness returned.")],
) -> None:
    """Keep a witness's cosignature with its checkpoint; responses written after carry it."""
    workspace = Workspace.open(ws)
    data = read_regular(note, limit=MAX_NOTE_BYTES)
    with Store.open(workspace.store_path) as store:
        added = add_cosignatures(store, data)
    say(f"{added} cosignature line(s) kept")


def _emit(data: bytes, out: Path | None) -> None:
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    if out.is_dir():
        raise InputError("--out names a folder; name a file", path=out)
    atomic_write_bytes(out, data)
