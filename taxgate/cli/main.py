"""Entry point ``taxgate``: builds the Typer app and maps errors to exit codes in one place."""

from __future__ import annotations

import logging
import os
import sys
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from taxgate.agreement import default_agreement_path, load_agreement
from taxgate.cli.console import say, stderr
from taxgate.errors import PathError, TaxgateError
from taxgate.ledger.adoption import adopt_agreement
from taxgate.workspace import Workspace

app = typer.Typer(
    name="taxgate",
    help="Answer 26 U.S.C. 6103(i)(2) address requests lawfully, accurately and accountably.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _show_version(value: bool) -> None:
    if value:
        try:
            number = version("taxgate")
        except PackageNotFoundError:
            number = "(not installed)"
        typer.echo(f"taxgate {number}")
        raise typer.Exit()


@app.callback()
def _root(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print taxgate's version and exit.",
            callback=_show_version,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """taxgate: screen, match, decide, disclose and account for 6103(i)(2) requests."""


@app.command()
def init(
    ws: Annotated[Path, typer.Argument(help="Folder of the new workspace.")],
    agreement: Annotated[
        Path | None, typer.Option(help="Agreement TOML file (default: the shipped IRS-ICE 2025).")
    ] = None,
    ledger_key: Annotated[
        Path | None,
        typer.Option(
            help="The ledger signing key (Ed25519 PEM), made if missing; outside WS. "
            "Default: a new key under ~/.config/taxgate/ledger-keys/."
        ),
    ] = None,
) -> None:
    """Create a workspace holding its own copy of the agreement."""
    terms = load_agreement(agreement or default_agreement_path())
    created = Workspace.create(ws, terms, ledger_key=ledger_key)
    settings = created.ledger_settings() or {}
    # The agreement in force goes on the record at once: an edit of the file is caught.
    adopt_agreement(created, now=datetime.now(UTC), why="init")
    say(
        f"workspace {ws} created under agreement "
        f"{terms.agreement.id} version {terms.agreement.version}"
    )
    say(f"ledger {settings.get('origin')}: signing key {settings.get('key')} (keep it safe)")
    say(
        f"the log's public key: {created.keys_dir / 'ledger.pub.pem'} and "
        f"{created.keys_dir / 'ledger.vkey'}; keep a copy outside the workspace"
    )


_registered: list[bool] = []


def _register_commands() -> None:
    """Attach the command groups that live in their own modules, once per process.

    ``run_cli`` is called many times in one process (the tests, the fork server); attaching
    the groups again on every call would grow the command tree, and Typer rebuilds the whole
    tree on each call.
    """
    if _registered:
        return
    from taxgate.cli import commands

    commands.register(app)
    _registered.append(True)


def run_cli(argv: list[str] | None = None) -> int:
    """Run the CLI; every ``TaxgateError`` becomes a one-line message and its exit code."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    _register_commands()
    # Typer draws usage errors in a box as wide as a terminal; written to a file or a pipe,
    # the plain form keeps each message on one line.
    app.rich_markup_mode = "rich" if stderr.is_terminal else None
    # Every file taxgate creates (stores, outputs, spill files of the engine) is its
    # owner's alone, whatever the shell's umask: they hold taxpayer data (§6103(p)(4)).
    previous_umask = os.umask(0o077)
    try:
        app(args=argv, prog_name="taxgate")
    except SystemExit as e:  # Typer/click ends every run with SystemExit in standalone mode
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if code == _INTERRUPTED:  # Typer's exit for a KeyboardInterrupt in a command
            _say_interrupted()
        return code
    except TaxgateError as e:
        say(f"[bold red]taxgate: {type(e).__name__}[/]: {escape(str(e))}", markup=True)
        return e.exit_code
    except OSError as e:
        # A safety net: paths are checked where they enter (taxgate.output_paths); a file
        # system fault that still gets through is named, not shown as a traceback.
        where = f" {e.filename}" if e.filename else ""
        say(f"taxgate: cannot read or write{where}: {e.strerror or e}")
        return PathError.exit_code
    except KeyboardInterrupt:
        _say_interrupted()
        return _INTERRUPTED
    finally:
        os.umask(previous_umask)
    return 0


_INTERRUPTED = 130


def _say_interrupted() -> None:
    # A command that had committed before the interrupt says so itself (OutputsNotWritten);
    # here, only what a transaction guarantees is claimed.
    say(
        "taxgate: interrupted; work not yet committed was rolled back "
        "(`taxgate batch list WS` shows the batches committed)"
    )


def main() -> None:
    sys.exit(run_cli())


if __name__ == "__main__":
    main()
