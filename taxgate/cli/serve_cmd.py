"""CLI: ``serve`` (the HTTP service), ``user add|list`` and ``token add`` (thin)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from taxgate.cli.console import say
from taxgate.service.matrix import PERSON_ROLES, Role
from taxgate.workspace import Workspace

if TYPE_CHECKING:
    from taxgate.records import RecordStore

WsArg = Annotated[Path, typer.Argument(metavar="WS", help="The workspace folder.")]
DatabaseOpt = Annotated[
    str | None,
    typer.Option(
        "--database",
        metavar="URL",
        help="The record store: sqlite:///PATH or postgresql://USER@HOST:PORT/DB "
        "(default: records.sqlite in the workspace).",
    ),
]

user_app = typer.Typer(help="People who sign in to the service.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens of requesting agencies' systems.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Attach ``serve``, ``user`` and ``token``."""
    app.command("serve")(serve)
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")


def serve(
    ws: WsArg,
    port: Annotated[int, typer.Option(min=1, max=65535, help="The TCP port.")] = 8000,
    host: Annotated[str, typer.Option(help="The address to listen on.")] = "127.0.0.1",
    database: DatabaseOpt = None,
) -> None:
    """Run the submission API and the review workbench (OpenAPI at /openapi.json)."""
    import uvicorn

    from taxgate.service.app import ServiceSettings, create_app

    app = create_app(ServiceSettings(Path(ws), database))
    say(f"taxgate serves {ws} on http://{host}:{port}/ (workbench: /login)")
    # uvicorn's own access log would print raw paths; the service keeps its own, by route.
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning")


def _records(ws: Path, database: str | None) -> RecordStore:
    # The record store (SQLAlchemy, Alembic) is imported only by the commands that use it.
    from taxgate.records import RecordStore, default_database_url

    workspace = Workspace.open(ws)
    return RecordStore.open(database or default_database_url(workspace.root))


@user_app.command("add")
def user_add(
    ws: WsArg,
    name: Annotated[str, typer.Option(help="The user name they sign in with.")],
    role: Annotated[
        Role, typer.Option(help="analyst, disclosure_officer, auditor or administrator.")
    ],
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            help="At least 12 characters (prompted for when omitted).",
        ),
    ],
    database: DatabaseOpt = None,
) -> None:
    """Add a person; prints their TOTP provisioning URI, once, for their authenticator app."""
    if role not in PERSON_ROLES:
        raise typer.BadParameter(
            "submitters are machines: use `taxgate token add`", param_hint="--role"
        )
    from taxgate.records.credentials import provisioning_uri
    from taxgate.records.users import add_user

    records = _records(ws, database)
    try:
        with records.begin() as conn:
            new = add_user(
                conn, username=name, role=role.value, password=password, now=datetime.now(UTC)
            )
    finally:
        records.close()
    typer.echo(f"user {new.user.username} added as {new.user.role}")
    typer.echo("scan or type this into their authenticator app now (it is not shown again):")
    typer.echo(provisioning_uri(new.totp_secret, new.user.username))


@user_app.command("list")
def user_list(ws: WsArg, database: DatabaseOpt = None) -> None:
    """List the users (name, role, whether locked)."""
    from taxgate.records.users import list_users

    records = _records(ws, database)
    try:
        with records.begin() as conn:
            found = list_users(conn)
    finally:
        records.close()
    if not found:
        typer.echo("users: none (add the first administrator with `taxgate user add`)")
    for user in found:
        locked = f", locked until {user.locked_until}" if user.locked_until else ""
        typer.echo(f"{user.username}\t{user.role}\tsince {user.created_at}{locked}")


@token_app.command("add")
def token_add(
    ws: WsArg,
    name: Annotated[str, typer.Option(help="The system's name (one token each).")],
    requester: Annotated[str, typer.Option(help="The requesting agency it may submit for.")],
    database: DatabaseOpt = None,
) -> None:
    """Issue a submitter token scoped to one requester; printed once, kept only as a hash."""
    from taxgate.records.users import add_token

    records = _records(ws, database)
    try:
        with records.begin() as conn:
            token = add_token(
                conn,
                name=name,
                role=Role.SUBMITTER.value,
                requester=requester,
                created_by="cli",
                now=datetime.now(UTC),
            )
    finally:
        records.close()
    typer.echo(
        f"token {name} for {requester} (shown once; send it as 'Authorization: Bearer ...'):"
    )
    typer.echo(token)
