"""CLI: ``taxgate synth`` (a synthetic world) and ``taxgate score`` (a response against truth).

Thin: each command builds arguments, calls the library once and prints the result.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from taxgate.cli.console import stderr
from taxgate.cli.days import DAY_METAVAR, parse_day
from taxgate.cli.progress import stage_progress
from taxgate.errors import ConfigError
from taxgate.output_paths import check_output_folder
from taxgate.synth.score import score_files, summary_line
from taxgate.synth.spec import DEFAULT_REQUEST_DATE
from taxgate.synth.world import generate_world


def register(app: typer.Typer) -> None:
    """Attach ``synth`` and ``score`` to ``app`` (once)."""
    for name, callback in (("synth", synth), ("score", score)):
        if not any(c.callback is callback for c in app.registered_commands):
            app.command(name)(callback)


def synth(
    out: Annotated[Path, typer.Argument(metavar="OUT", help="Folder to write the world to.")],
    taxpayers: Annotated[int, typer.Option(help="Taxpayers in the master file.")] = 10_000,
    requests: Annotated[int, typer.Option(help="Requests in the batch.")] = 1_000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same bytes).")] = 1,
    address_style: Annotated[
        str, typer.Option(help="Request addresses as 'split' columns or one 'line'.")
    ] = "split",
    request_date: Annotated[
        date | None,
        typer.Option(
            parser=parse_day, metavar=DAY_METAVAR, help="Request date (default 2025-07-15)."
        ),
    ] = None,
    sign_key: Annotated[
        Path | None, typer.Option(help="Private key to sign the batch with (needs --signer).")
    ] = None,
    signer: Annotated[str | None, typer.Option(help="Signer name for --sign-key.")] = None,
    noise: Annotated[
        str, typer.Option(help="Request noise model: 'default' (typos) or 'alt' (keyboard, OCR).")
    ] = "default",
) -> None:
    """Write a synthetic master file, request batch and truth table to OUT."""
    if (sign_key is None) != (signer is None):
        raise ConfigError("--sign-key and --signer go together", hint="give both or neither")
    check_output_folder(out, what="OUT (where the world is written)")
    day = request_date or DEFAULT_REQUEST_DATE
    with stage_progress() as progress:
        summary = generate_world(
            out,
            taxpayers=taxpayers,
            requests=requests,
            seed=seed,
            address_style=address_style,
            request_date=day,
            progress=lambda stage, _done: progress.stage(stage),
            noise=noise,
        )
    stderr.print(
        f"world {out}: {summary.taxpayers:,} taxpayers, {summary.filings:,} filings, "
        f"{summary.requests:,} requests as of {day.isoformat()}"
    )
    if sign_key is not None and signer is not None:
        manifest = _sign(out / "requests.csv", sign_key, signer, day)
        typer.echo(str(manifest))


def _sign(requests_path: Path, key: Path, signer: str, day: date) -> Path:
    try:
        from taxgate.intake.signing import sign_batch
    except ImportError as e:
        raise ConfigError(
            "batch signing is not available in this build (taxgate.intake.signing is missing)",
            hint="run `taxgate synth` without --sign-key and sign with `taxgate batch sign`",
        ) from e
    return sign_batch(
        requests_path,
        key_path=key,
        signer=signer,
        out=requests_path.parent / "manifest.json",
        request_date=day,
    )


def score(
    response_csv: Annotated[Path, typer.Argument(metavar="RESPONSE_CSV", help="response.csv")],
    truth: Annotated[Path, typer.Argument(metavar="TRUTH", help="truth.parquet of the world.")],
    json_out: Annotated[Path | None, typer.Option(help="Also write the JSON here.")] = None,
) -> None:
    """Score a response against the truth: harm, precision, recall, rejections (JSON)."""
    result = score_files(response_csv, truth)
    text = json.dumps(result, indent=2, sort_keys=False)
    if json_out is not None:
        json_out.write_text(text + "\n", encoding="utf-8")
    typer.echo(text)
    stderr.print(summary_line(result), highlight=False)
