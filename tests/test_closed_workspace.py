"""A closed workspace (issue 16, acceptance): under umask 022 (group and others may read what
a process creates), every command an agency runs leaves nothing in the workspace or in any
output it writes that anyone but its owner may read (§6103(p)(4): taxpayer data)."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

import pytest

from taxgate.agreement import default_agreement_path
from taxgate.cli.main import run_cli
from taxgate.review import pending_reviews
from taxgate.store import Store
from taxgate.workspace import Workspace

SIGNER = "ice-director"


def cli(*argv: str) -> None:
    assert run_cli(list(argv)) == 0, f"taxgate {' '.join(argv)} failed"


def readable_by_others(root: Path) -> list[str]:
    """Every path under ``root`` (itself included) that group or others may read, write or
    enter."""
    paths = [root, *root.rglob("*")]
    return [f"{p} {stat.filemode(p.lstat().st_mode)}" for p in paths if p.lstat().st_mode & 0o077]


@pytest.mark.usefixtures("umask_022")
def test_under_umask_022_no_command_leaves_a_file_others_may_read(tmp_path: Path) -> None:
    ws, keys, world, outputs = (tmp_path / n for n in ("ws", "keys", "world", "outputs"))
    # A higher disclose bound than the shipped one, so that the small batch holds reviews.
    agreement = tmp_path / "agreement.toml"
    text = default_agreement_path().read_text(encoding="utf-8")
    agreement.write_text(re.sub(r"(?m)^disclose_weight = .*$", "disclose_weight = 34.0", text))
    cli("keys", "new", str(keys), "--name", SIGNER)
    cli(
        *("synth", str(world), "--taxpayers", "300", "--requests", "80", "--seed", "2"),
        *("--sign-key", str(keys / f"{SIGNER}.key.pem"), "--signer", SIGNER),
    )
    cli("init", str(ws), "--agreement", str(agreement))
    cli(
        *("agreement", "add-signer", str(ws), "--name", SIGNER),
        *("--public-key", str(keys / f"{SIGNER}.pub.pem"), "--valid-from", "2025-04-07"),
    )
    cli("master", "load", str(ws), str(world / "master"), "--workers", "1")
    cli("run", str(ws), str(world / "manifest.json"), "--out", str(outputs / "response"))
    batch = json.loads((world / "manifest.json").read_text(encoding="utf-8"))["batch_id"]
    with Store.open(Workspace.open(ws).store_path, read_only=True) as store:
        reviews = [p.request_id for p in pending_reviews(store, batch_id=batch)]
    assert reviews, "the batch holds no review; choose another seed"
    decide = ["--batch", batch, "--request", reviews[0], "--reviewer", "j.doe", "--why", "seen"]
    supplements = outputs / "supplements"
    approved = run_cli(["review", "approve", str(ws), *decide, "--out", str(supplements)])
    if approved != 0:  # an approval the release rules refuse: decline it instead
        cli("review", "decline", str(ws), *decide)
    cli("response", str(ws), batch, "--out", str(outputs / "again"))
    cli("decisions", str(ws), batch, "--out", str(outputs / "decisions" / "decisions.parquet"))
    cli("report", str(ws), batch, "--out", str(outputs / "report" / "report.html"))
    cli("ledger", "verify", str(ws))
    written = sorted(p.relative_to(outputs).as_posix() for p in outputs.rglob("*") if p.is_file())
    assert "response/response.csv" in written and "report/report.html" in written
    assert "decisions/decisions.parquet" in written and "again/response.csv" in written
    assert readable_by_others(ws) == []
    assert readable_by_others(outputs) == []  # taxgate made every folder, and wrote the files
