"""CLI: ``keys``, ``agreement`` and ``batch`` commands (the scripted interface of intake).

Each command is one library call. Results go to stdout (a batch id, a path), so scripts can
read them; refusals come back as ``TaxgateError`` and ``run_cli`` turns them into the message
on stderr and a non-zero exit code.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer

from taxgate.agreement import load_agreement
from taxgate.app.prescreen import verify_new_batch
from taxgate.cli.days import DAY_METAVAR, parse_day
from taxgate.disclosure.batches import list_batches
from taxgate.disclosure.counts import count_lines
from taxgate.intake.enrolment import add_signer, agreement_summary, revoke_signer
from taxgate.intake.keys import new_keypair
from taxgate.intake.manifest import read_manifest, signature_path
from taxgate.intake.signing import sign_batch
from taxgate.ledger.adoption import adopt_agreement
from taxgate.plural import counted
from taxgate.store import Store
from taxgate.workspace import Workspace

keys_app = typer.Typer(help="Signing keys: ECDSA P-256, PEM files.", no_args_is_help=True)
agreement_app = typer.Typer(help="The workspace's agreement and its signers.", no_args_is_help=True)
batch_app = typer.Typer(help="Sign, verify and list request batches.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Attach the ``keys``, ``agreement`` and ``batch`` groups to ``app`` (once)."""
    for name, group in (("keys", keys_app), ("agreement", agreement_app), ("batch", batch_app)):
        if not any(info.typer_instance is group for info in app.registered_groups):
            app.add_typer(group, name=name)


def _today() -> date:
    return datetime.now(UTC).date()


@keys_app.command("new")
def keys_new(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="Folder for the key files.")],
    name: Annotated[str, typer.Option(help="Key name, usually the signer's name.")],
) -> None:
    """Create DIR/NAME.key.pem (private, mode 0600) and DIR/NAME.pub.pem."""
    private_path, public_path = new_keypair(directory, name)
    typer.echo(f"{private_path}\n{public_path}")


@agreement_app.command("add-signer")
def agreement_add_signer(
    ws: Annotated[Path, typer.Argument(metavar="WS", help="The workspace.")],
    name: Annotated[str, typer.Option(help="The signer's name, as manifests name it.")],
    public_key: Annotated[
        Path, typer.Option("--public-key", metavar="PEM", help="The signer's .pub.pem file.")
    ],
    valid_from: Annotated[
        date | None,
        typer.Option(
            parser=parse_day,
            metavar=DAY_METAVAR,
            help="First valid day (default: today, UTC; an enrolled signer keeps its own).",
        ),
    ] = None,
    valid_to: Annotated[
        date | None, typer.Option(parser=parse_day, metavar=DAY_METAVAR, help="Last valid day.")
    ] = None,
    role: Annotated[str | None, typer.Option(help="The official's role.")] = None,
    widen: Annotated[
        bool,
        typer.Option(
            "--widen",
            help="Allow an enrolled signer's window to start earlier or end later.",
        ),
    ] = False,
) -> None:
    """Enrol a signer, or give an enrolled one a new key (ledgered; never lifts a revocation;
    a wider window needs --widen)."""
    signer = add_signer(
        Workspace.open(ws),
        name=name,
        public_key_path=public_key,
        valid_from=valid_from,
        valid_to=valid_to,
        role=role,
        widen=widen,
    )
    until = signer.valid_to or "no end date"
    typer.echo(f"signer {signer.name} enrolled, valid {signer.valid_from} to {until}")


@agreement_app.command("revoke-signer")
def agreement_revoke_signer(
    ws: Annotated[Path, typer.Argument(metavar="WS", help="The workspace.")],
    name: Annotated[str, typer.Option(help="The signer to revoke.")],
) -> None:
    """Revoke a signer as of today (UTC); every batch of theirs is refused from now on."""
    signer = revoke_signer(Workspace.open(ws), name=name, on=_today())
    typer.echo(f"signer {signer.name} revoked on {signer.revoked_on}")


@agreement_app.command("adopt")
def agreement_adopt(
    ws: Annotated[Path, typer.Argument(metavar="WS", help="The workspace.")],
) -> None:
    """Put the workspace's agreement.toml, as it now is, on the record as the one in force."""
    workspace = Workspace.open(ws)
    index = adopt_agreement(workspace, now=datetime.now(UTC))
    if index is None:
        typer.echo("the agreement is already the adopted one; nothing recorded")
    else:
        typer.echo(f"agreement adopted in ledger entry {index}")


@agreement_app.command("show")
def agreement_show(
    ws: Annotated[Path, typer.Argument(metavar="WS", help="The workspace.")],
) -> None:
    """Print the agreement's terms and signers (keys only as fingerprints)."""
    typer.echo(agreement_summary(Workspace.open(ws).agreement()))


@batch_app.command("sign")
def batch_sign(
    requests: Annotated[Path, typer.Argument(metavar="REQUESTS", help="The request file.")],
    key: Annotated[Path, typer.Option(help="The signer's private key (.key.pem).")],
    signer: Annotated[str, typer.Option(help="The signer's enrolled name.")],
    out: Annotated[
        Path, typer.Option(metavar="MANIFEST", help="The manifest to write, beside REQUESTS.")
    ],
    agreement: Annotated[
        Path | None, typer.Option(help="Agreement TOML (default: the shipped one).")
    ] = None,
    batch_id: Annotated[str | None, typer.Option(help="Batch id (default: new UUID4).")] = None,
    request_date: Annotated[
        date | None,
        typer.Option(
            parser=parse_day,
            metavar=DAY_METAVAR,
            help="Day the requests are made (default: today).",
        ),
    ] = None,
) -> None:
    """Write MANIFEST and MANIFEST.sig for REQUESTS; print the batch id."""
    manifest_path = sign_batch(
        requests,
        key_path=key,
        signer=signer,
        out=out,
        request_date=request_date,
        agreement=load_agreement(agreement) if agreement else None,
        batch_id=batch_id,
    )
    typer.echo(read_manifest(manifest_path).batch_id)
    typer.echo(f"wrote {manifest_path} and {signature_path(manifest_path)}", err=True)


@batch_app.command("verify")
def batch_verify(
    ws: Annotated[Path, typer.Argument(metavar="WS", help="The workspace.")],
    manifest: Annotated[Path, typer.Argument(metavar="MANIFEST", help="The batch manifest.")],
) -> None:
    """Verify a batch's signature, signer, terms and request file; print the batch id."""
    batch = verify_new_batch(Workspace.open(ws), manifest, now=datetime.now(UTC))
    typer.echo(batch.manifest.batch_id)
    typer.echo(
        f"verified: signer {batch.manifest.signer}, {batch.manifest.row_count} rows, "
        f"request date {batch.manifest.request_date}",
        err=True,
    )


@batch_app.command("list")
def batch_list(
    ws: Annotated[Path, typer.Argument(metavar="WS", help="The workspace.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array instead.")] = False,
) -> None:
    """List the batches the workspace has answered: id, requester, received, counts."""
    workspace = Workspace.open(ws)
    with Store.open(workspace.store_path, read_only=True) as store:
        batches = list_batches(store)
    if as_json:
        typer.echo(json.dumps([b.as_dict() for b in batches], indent=2))
        return
    if not batches:
        typer.echo("batches: none answered yet")
        return
    for b in batches:
        # Short lines per batch: a full batch id never fits a table at 80 columns.
        typer.echo(
            f"{b.batch_id}  {b.requester}, received {b.received_at[:10]}, "
            f"{counted(b.rows, 'request')}"
        )
        for line in count_lines(b.counts):
            typer.echo(f"  {line}")
